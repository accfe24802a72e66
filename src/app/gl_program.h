// app/gl_program.h - GLSL ES 3.00 programs from the embedded shader files.
//
// The shaders live in shaders/*.vert|*.frag and are compiled into the binary as
// nf::shaders::k_<name>_<ext> (gen/shaders/shaders_embedded.h). A Program owns one
// linked pair; failures carry the driver's log so the error panel can show it.
#pragma once
#include <GLES3/gl3.h>

#include <string>

#include "base/result.h"

namespace nf::app {

class GlProgram {
 public:
  GlProgram() = default;
  ~GlProgram();
  GlProgram(const GlProgram&) = delete;
  GlProgram& operator=(const GlProgram&) = delete;

  // Compiles and links; `name` is only for messages ("graph_node").
  Status build(const char* name, const char* vertex_source, const char* fragment_source);
  void use() const { glUseProgram(id_); }
  GLuint id() const { return id_; }
  // Uniform location by name, cached per program (-1 when the shader has none).
  GLint uniform(const char* name) const { return glGetUniformLocation(id_, name); }

 private:
  GLuint id_ = 0;
};

// A vertex buffer that grows as needed (GL_ARRAY_BUFFER, usage chosen at creation).
class GlBuffer {
 public:
  GlBuffer() = default;
  ~GlBuffer();
  GlBuffer(const GlBuffer&) = delete;
  GlBuffer& operator=(const GlBuffer&) = delete;

  // Replaces the contents (binds the buffer to GL_ARRAY_BUFFER).
  void upload(const void* data, size_t bytes, GLenum usage);
  // Overwrites [offset, offset + bytes) of the current contents.
  void update(size_t offset, const void* data, size_t bytes);
  void bind() const { glBindBuffer(GL_ARRAY_BUFFER, id_); }
  size_t size() const { return size_; }
  GLuint id() const { return id_; }

 private:
  GLuint id_ = 0;
  size_t size_ = 0;
};

}  // namespace nf::app
