#include "app/gl_program.h"

#include <vector>

namespace nf::app {

namespace {

Result<GLuint> compile(const char* name, GLenum type, const char* source) {
  GLuint s = glCreateShader(type);
  glShaderSource(s, 1, &source, nullptr);
  glCompileShader(s);
  GLint ok = 0;
  glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    GLint len = 0;
    glGetShaderiv(s, GL_INFO_LOG_LENGTH, &len);
    std::vector<char> log(static_cast<size_t>(len > 1 ? len : 1));
    glGetShaderInfoLog(s, static_cast<GLsizei>(log.size()), nullptr, log.data());
    glDeleteShader(s);
    return Error{std::string("shader ") + name + (type == GL_VERTEX_SHADER ? ".vert" : ".frag") +
                 " does not compile: " + log.data()};
  }
  return s;
}

}  // namespace

GlProgram::~GlProgram() {
  if (id_) glDeleteProgram(id_);
}

Status GlProgram::build(const char* name, const char* vertex_source, const char* fragment_source) {
  auto vs = compile(name, GL_VERTEX_SHADER, vertex_source);
  if (!vs) return Error{vs.error().message};
  auto fs = compile(name, GL_FRAGMENT_SHADER, fragment_source);
  if (!fs) {
    glDeleteShader(*vs);
    return Error{fs.error().message};
  }
  GLuint p = glCreateProgram();
  glAttachShader(p, *vs);
  glAttachShader(p, *fs);
  glLinkProgram(p);
  glDeleteShader(*vs);
  glDeleteShader(*fs);
  GLint ok = 0;
  glGetProgramiv(p, GL_LINK_STATUS, &ok);
  if (!ok) {
    GLint len = 0;
    glGetProgramiv(p, GL_INFO_LOG_LENGTH, &len);
    std::vector<char> log(static_cast<size_t>(len > 1 ? len : 1));
    glGetProgramInfoLog(p, static_cast<GLsizei>(log.size()), nullptr, log.data());
    glDeleteProgram(p);
    return Error{std::string("shader program ") + name + " does not link: " + log.data()};
  }
  if (id_) glDeleteProgram(id_);
  id_ = p;
  return {};
}

GlBuffer::~GlBuffer() {
  if (id_) glDeleteBuffers(1, &id_);
}

void GlBuffer::upload(const void* data, size_t bytes, GLenum usage) {
  if (!id_) glGenBuffers(1, &id_);
  glBindBuffer(GL_ARRAY_BUFFER, id_);
  glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(bytes), data, usage);
  size_ = bytes;
}

void GlBuffer::update(size_t offset, const void* data, size_t bytes) {
  if (!id_ || offset + bytes > size_) return;
  glBindBuffer(GL_ARRAY_BUFFER, id_);
  glBufferSubData(GL_ARRAY_BUFFER, static_cast<GLintptr>(offset), static_cast<GLsizeiptr>(bytes), data);
}

}  // namespace nf::app
