#include "app/graph_space.h"

#include <SDL_scancode.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "app/graph_platform.h"
#include "app/platform.h"
#include "base/strings.h"
#include "document/model_document.h"
#include "scene/categories.h"
#include "scene/png.h"
#include "shaders_embedded.h"  // generated from shaders/*.vert|frag

namespace nf::app {

namespace {

using views::Vec3;

constexpr uint32_t kBackground = 0xF4F5F7;
constexpr uint32_t kLink = 0x9AA0A8;
constexpr uint32_t kHighlight = 0xE8890C;
constexpr int kAtlasMax = 4096;       // texture side limit we allow ourselves
constexpr uint32_t kAtlasesPerFrame = 4;
constexpr int kTopK = 5;

float ease(float t) { return t * t * (3 - 2 * t); }
Vec3 lerp(Vec3 a, Vec3 b, float t) { return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.z + (b.z - a.z) * t}; }

ImTextureID textureId(GLuint t) { return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(t)); }

std::string number(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.5g", v);
  return buf;
}

// One float of a float tensor at a flat index, or NaN.
double valueAt(const runtime::Tensor& t, int64_t index) {
  if (t.type != ir::ElemType::Float || !t.buffer || index < 0 || index >= t.count()) return NAN;
  return t.data<float>()[index];
}

}  // namespace

GraphSpace::GraphSpace() = default;

GraphSpace::~GraphSpace() {
  for (auto& [l, a] : atlases_)
    if (a.texture) glDeleteTextures(1, &a.texture);
  if (color_tex_) glDeleteTextures(1, &color_tex_);
  if (white_tex_) glDeleteTextures(1, &white_tex_);
  if (depth_rb_) glDeleteRenderbuffers(1, &depth_rb_);
  if (fbo_) glDeleteFramebuffers(1, &fbo_);
  if (vao_) glDeleteVertexArrays(1, &vao_);
}

bool GraphSpace::prepare(const ir::Model* model, uint64_t generation, const document::ModelAnalysis* analysis) {
  if (model == model_ && generation == generation_) return error_.empty();
  model_ = model;
  generation_ = generation;
  layers_ = {};
  state_ = {};
  scene_ = from_ = {};
  anim_start_ms_ = -1;
  hover_ = {};
  error_.clear();
  fit_pending_ = true;
  for (auto& [l, a] : atlases_)
    if (a.texture) glDeleteTextures(1, &a.texture);
  atlases_.clear();
  dirty_ = true;
  if (!model || !analysis) return false;
  if (!analysis->error.empty()) {
    error_ = "the model's analysis failed: " + analysis->error;
    return false;
  }
  views::LayerGraphOptions go;
  go.fold_repeats = false;  // every layer of the run has its maps
  auto layers = views::buildLayerGraph(*model, analysis->inference, analysis->metrics, go);
  if (layers && layers->layers.size() > 3000) {
    go.modules = true;  // one slab per module: thousands of slabs are no picture
    layers = views::buildLayerGraph(*model, analysis->inference, analysis->metrics, go);
  }
  if (!layers) {
    error_ = layers.error().message;
    return false;
  }
  layers_ = std::move(*layers);
  relayout(false);
  return error_.empty();
}

void GraphSpace::setRun(const RunResults* run) {
  const RunResults* mine = run && run->generation == generation_ && run->generation != 0 ? run : nullptr;
  const uint64_t version = mine ? mine->version : 0;
  if (mine == run_ && version == run_version_) return;
  run_ = mine;
  run_version_ = version;
  dirty_ = true;  // atlases check their key against the version
}

void GraphSpace::relayout(bool animate) {
  auto placed = views::layoutSpace(layers_, options_, state_);
  if (!placed) {
    error_ = placed.error().message;
    return;
  }
  from_ = animate ? scene_ : views::SpaceScene{};
  scene_ = std::move(*placed);
  anim_start_ms_ = animate ? platform::nowMs() : -1;
  anim_t_ = animate ? 0.0f : 1.0f;
  hover_ = {};
  dirty_ = true;
}

void GraphSpace::toggle(uint32_t layer) {
  if (layer >= scene_.layers.size()) return;
  const views::SpaceLayer& l = scene_.layers[layer];
  if (l.kind != views::SpaceLayerKind::Feature || l.c <= 1) return;
  if (l.open)
    state_.open.erase(layer);
  else
    state_.open.insert(layer);
  relayout(true);
}

std::string GraphSpace::valueName(uint32_t layer) const {
  if (!model_ || model_->graphs.empty() || layer >= layers_.layers.size()) return {};
  const ir::Graph& g = model_->graphs[0];
  const views::Layer& l = layers_.layers[layer];
  if (l.kind == views::LayerKind::Input) return l.value.valid() ? g.value(l.value).name : l.name;
  const ir::NodeId last = l.folded.empty() ? l.node : l.folded.back();
  if (!last.valid() || last.index >= g.nodes.size() || g.node(last).outputs.empty()) return {};
  const ir::ValueId out = g.node(last).outputs[0];
  return out.valid() ? g.value(out).name : std::string{};
}

const runtime::Tensor* GraphSpace::tensorOf(uint32_t layer) const {
  if (!run_) return nullptr;
  const std::string name = valueName(layer);
  return name.empty() ? nullptr : run_->find(name);
}

// The layer's shown channels as one texture: a grid of maps (coloured as the Run
// panel colours them), cell i = channel first + i. Closed layers get channel 0, the
// input image its RGB picture.
void GraphSpace::ensureAtlas(uint32_t layer) {
  const views::SpaceLayer& l = scene_.layers[layer];
  const runtime::Tensor* t = tensorOf(layer);
  if (!t || l.kind != views::SpaceLayerKind::Feature) return;
  const bool rgb = layers_.layers[layer].kind == views::LayerKind::Input && l.c == 3 && t->rank() == 4;
  const uint32_t first = l.open ? l.first : 0, count = l.open ? l.count : 1;
  const std::string key = std::to_string(run_version_) + "/" + std::to_string(first) + "/" + std::to_string(count);
  Atlas& a = atlases_[layer];
  if (a.key == key) return;
  if (atlases_built_ >= kAtlasesPerFrame) return;  // next frame
  ++atlases_built_;
  a.key = key;
  a.first = first;
  a.count = 0;
  auto maps = runtime::channelImages(*t, run_->color_map, run_->scale, static_cast<int64_t>(first) + count);
  if (!maps.ok() || maps->rgba.empty()) return;
  const int64_t w = maps->width, h = maps->height;
  const uint32_t shown = std::min<uint32_t>(count, static_cast<uint32_t>(maps->rgba.size() - std::min<size_t>(first, maps->rgba.size())));
  if (shown == 0 || w <= 0 || h <= 0) return;
  a.cols = std::max(1u, static_cast<uint32_t>(std::ceil(std::sqrt(static_cast<double>(shown)))));
  a.rows = (shown + a.cols - 1) / a.cols;
  // Cells at most the map's size, less when the grid would pass kAtlasMax (nearest sampling).
  const int cw = static_cast<int>(std::min<int64_t>(w, kAtlasMax / a.cols)), ch = static_cast<int>(std::min<int64_t>(h, kAtlasMax / a.rows));
  if (cw < 1 || ch < 1) return;
  const int aw = cw * static_cast<int>(a.cols), ah = ch * static_cast<int>(a.rows);
  std::vector<uint8_t> px(static_cast<size_t>(aw) * ah * 4, 0);
  for (uint32_t i = 0; i < shown; ++i) {
    const std::vector<uint8_t>& src = maps->rgba[first + i];
    const int ox = static_cast<int>(i % a.cols) * cw, oy = static_cast<int>(i / a.cols) * ch;
    for (int y = 0; y < ch; ++y)
      for (int x = 0; x < cw; ++x) {
        const int64_t sx = x * w / cw, sy = y * h / ch;
        const uint8_t* s = &src[static_cast<size_t>((sy * w + sx) * 4)];
        uint8_t* d = &px[static_cast<size_t>(((oy + y) * aw + ox + x) * 4)];
        d[0] = s[0], d[1] = s[1], d[2] = s[2], d[3] = 255;
      }
  }
  if (rgb && !l.open && maps->rgba.size() >= 3 && t->type == ir::ElemType::Float) {
    // The input image in colour: each channel min-max scaled to 0..255.
    const float* data = t->data<float>();
    const int64_t plane = w * h;
    float lo[3], hi[3];
    for (int c = 0; c < 3; ++c) {
      lo[c] = INFINITY, hi[c] = -INFINITY;
      for (int64_t k = 0; k < plane; ++k) {
        const float v = data[c * plane + k];
        if (std::isfinite(v)) lo[c] = std::min(lo[c], v), hi[c] = std::max(hi[c], v);
      }
    }
    for (int y = 0; y < ch; ++y)
      for (int x = 0; x < cw; ++x) {
        const int64_t sx = x * w / cw, sy = y * h / ch;
        uint8_t* d = &px[static_cast<size_t>((y * aw + x) * 4)];
        for (int c = 0; c < 3; ++c) {
          const float v = data[c * plane + sy * w + sx];
          const float r = hi[c] > lo[c] ? (v - lo[c]) / (hi[c] - lo[c]) : 0.5f;
          d[c] = static_cast<uint8_t>(std::clamp(r, 0.0f, 1.0f) * 255.0f + 0.5f);
        }
      }
  }
  if (!a.texture) glGenTextures(1, &a.texture);
  glBindTexture(GL_TEXTURE_2D, a.texture);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, aw, ah, 0, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  glBindTexture(GL_TEXTURE_2D, 0);
  a.count = shown;
  dirty_ = true;
}

// [SECTION] Vertices -----------------------------------------------------------------

void GraphSpace::addBox(Vec3 c, Vec3 s, uint32_t rgb, bool textured, float u0, float v0, float u1, float v1) {
  const float x0 = c.x - s.x * 0.5f, x1 = c.x + s.x * 0.5f, y0 = c.y - s.y * 0.5f, y1 = c.y + s.y * 0.5f,
              z0 = c.z - s.z * 0.5f, z1 = c.z + s.z * 0.5f;
  const uint8_t col[4] = {static_cast<uint8_t>(rgb >> 16), static_cast<uint8_t>(rgb >> 8), static_cast<uint8_t>(rgb), 255};
  auto quad = [&](Vec3 a, Vec3 b, Vec3 cc, Vec3 d, Vec3 n, bool tex) {
    const Vec3 p[6] = {a, b, cc, a, cc, d};
    const float uv[4][2] = {{u0, v0}, {u1, v0}, {u1, v1}, {u0, v1}};
    const int k[6] = {0, 1, 2, 0, 2, 3};
    for (int i = 0; i < 6; ++i) {
      Vertex v{};
      v.pos[0] = p[i].x, v.pos[1] = p[i].y, v.pos[2] = p[i].z;
      v.normal[0] = n.x, v.normal[1] = n.y, v.normal[2] = n.z;
      std::copy(col, col + 4, v.color);
      v.tex[0] = uv[k[i]][0], v.tex[1] = uv[k[i]][1], v.tex[2] = tex ? 1.0f : 0.0f;
      verts_.push_back(v);
    }
  };
  quad({x0, y1, z0}, {x1, y1, z0}, {x1, y1, z1}, {x0, y1, z1}, {0, 1, 0}, textured);  // top: the map, row 0 far
  quad({x0, y0, z1}, {x1, y0, z1}, {x1, y0, z0}, {x0, y0, z0}, {0, -1, 0}, false);
  quad({x0, y0, z1}, {x1, y0, z1}, {x1, y1, z1}, {x0, y1, z1}, {0, 0, 1}, false);
  quad({x1, y0, z0}, {x0, y0, z0}, {x0, y1, z0}, {x1, y1, z0}, {0, 0, -1}, false);
  quad({x1, y0, z1}, {x1, y0, z0}, {x1, y1, z0}, {x1, y1, z1}, {1, 0, 0}, false);
  quad({x0, y0, z0}, {x0, y0, z1}, {x0, y1, z1}, {x0, y1, z0}, {-1, 0, 0}, false);
}

void GraphSpace::addLine(Vec3 a, Vec3 b, uint32_t rgb) {
  for (const Vec3& p : {a, b}) {
    Vertex v{};
    v.pos[0] = p.x, v.pos[1] = p.y, v.pos[2] = p.z;
    v.color[0] = static_cast<uint8_t>(rgb >> 16), v.color[1] = static_cast<uint8_t>(rgb >> 8),
    v.color[2] = static_cast<uint8_t>(rgb), v.color[3] = 255;
    verts_.push_back(v);
  }
}

// Every item moves from its layer's footprint in from_ to its place in scene_: an
// opening layer's planes spread out of the slab, a closing one's slab shrinks back.
void GraphSpace::buildVertices(float t) {
  verts_.clear();
  ranges_.assign(scene_.layers.size(), {0, 0});
  const float e = ease(t);
  auto placeOf = [&](uint32_t layer, Vec3 c, Vec3 s, Vec3* oc, Vec3* os) {
    *oc = c, *os = s;
    if (e >= 1.0f || layer >= from_.layers.size()) return;
    const views::SpaceLayer& to = scene_.layers[layer];
    const views::SpaceLayer& fr = from_.layers[layer];
    const Vec3 k{fr.size.x / std::max(to.size.x, 1e-3f), fr.size.y / std::max(to.size.y, 1e-3f),
                 fr.size.z / std::max(to.size.z, 1e-3f)};
    const Vec3 start{fr.center.x + (c.x - to.center.x) * k.x, fr.center.y + (c.y - to.center.y) * k.y,
                     fr.center.z + (c.z - to.center.z) * k.z};
    const Vec3 start_size{s.x * std::min(k.x, 1.0f), s.y * std::min(k.y, 4.0f), s.z * std::min(k.z, 1.0f)};
    *oc = lerp(start, c, e);
    *os = lerp(start_size, s, e);
  };
  // Dense units after a run: coloured by value (the layer's own range).
  std::map<uint32_t, std::pair<double, double>> ranges;
  // Items by layer, so each layer is one draw (its atlas bound).
  std::vector<std::vector<uint32_t>> boxes_of(scene_.layers.size()), planes_of(scene_.layers.size());
  for (uint32_t i = 0; i < scene_.boxes.size(); ++i) boxes_of[scene_.boxes[i].layer].push_back(i);
  for (uint32_t i = 0; i < scene_.planes.size(); ++i) planes_of[scene_.planes[i].layer].push_back(i);
  for (uint32_t li = 0; li < scene_.layers.size(); ++li) {
    const views::SpaceLayer& l = scene_.layers[li];
    const uint32_t first = static_cast<uint32_t>(verts_.size());
    const uint32_t fill = scene::categoryFill(layers_.layers[li].category);
    const auto at = atlases_.find(li);
    const Atlas* atlas = at != atlases_.end() && at->second.count > 0 ? &at->second : nullptr;
    const runtime::Tensor* t = l.kind == views::SpaceLayerKind::Dense ? tensorOf(li) : nullptr;
    double lo = 0, hi = 0;
    if (t && t->type == ir::ElemType::Float && t->buffer) {
      lo = INFINITY, hi = -INFINITY;
      const int64_t n = std::min<int64_t>(t->count(), l.c);
      for (int64_t k = 0; k < n; ++k) {
        const double v = valueAt(*t, k);
        if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
      }
    }
    for (uint32_t bi : boxes_of[li]) {
      const views::SpaceBox& b = scene_.boxes[bi];
      Vec3 c, s;
      placeOf(li, b.center, b.size, &c, &s);
      uint32_t rgb = fill;
      if (t && b.unit != kNoIndex && hi >= lo) {
        const double v = valueAt(*t, b.unit);
        const Rgb8 m = colorMapAt(run_->color_map, hi > lo ? (v - lo) / (hi - lo) : 0.5);
        rgb = (uint32_t{m.r} << 16) | (uint32_t{m.g} << 8) | m.b;
      }
      const bool tex = atlas && b.unit == kNoIndex;
      addBox(c, s, rgb, tex, 0, 0, tex ? 1.0f / atlas->cols : 1.0f, tex ? 1.0f / atlas->rows : 1.0f);
    }
    for (uint32_t pi : planes_of[li]) {
      const views::SpacePlane& p = scene_.planes[pi];
      Vec3 c, s;
      placeOf(li, p.center, p.size, &c, &s);
      const uint32_t cell = atlas && p.channel >= atlas->first ? p.channel - atlas->first : UINT32_MAX;
      const bool tex = atlas && cell < atlas->count;
      const float u0 = tex ? static_cast<float>(cell % atlas->cols) / atlas->cols : 0;
      const float v0 = tex ? static_cast<float>(cell / atlas->cols) / atlas->rows : 0;
      // Unrun planes: a lighter shade of the layer's colour, so the texture shows a change.
      addBox(c, s, tex ? fill : scene::mixColor(fill, 0xFFFFFF, 0.35f), tex, u0, v0,
             u0 + (tex ? 1.0f / atlas->cols : 0), v0 + (tex ? 1.0f / atlas->rows : 0));
    }
    ranges_[li] = {first, static_cast<uint32_t>(verts_.size()) - first};
  }
  line_first_ = static_cast<uint32_t>(verts_.size());
  // Links: from the bottom of a layer to the top of the next.
  for (const views::SpaceLink& k : scene_.links) {
    if (k.from >= scene_.layers.size() || k.to >= scene_.layers.size()) continue;
    Vec3 ca, sa, cb, sb;
    placeOf(k.from, scene_.layers[k.from].center, scene_.layers[k.from].size, &ca, &sa);
    placeOf(k.to, scene_.layers[k.to].center, scene_.layers[k.to].size, &cb, &sb);
    addLine({ca.x, ca.y - sa.y * 0.5f, ca.z}, {cb.x, cb.y + sb.y * 0.5f, cb.z}, kLink);
  }
  // The receptive field of the hovered map pixel on each predecessor (TensorSpace's relation lines).
  if (hover_.hit && hover_.layer < scene_.layers.size() && e >= 1.0f) {
    const views::SpaceLayer& to = scene_.layers[hover_.layer];
    if (to.kind == views::SpaceLayerKind::Feature) {
      const int64_t row = static_cast<int64_t>(hover_.v * to.h), col = static_cast<int64_t>(hover_.u * to.w);
      int64_t reach = 0;
      const views::Layer& tl = layers_.layers[hover_.layer];
      if (tl.kind == views::LayerKind::Op && model_ && tl.node.valid())
        if (const ir::Attribute* k = model_->graphs[0].node(tl.node).attr("kernel_shape"); k && !k->ints.empty())
          reach = std::clamp<int64_t>(k->ints[0] / 2, 0, 64);
      for (uint32_t p : layers_.preds(hover_.layer)) {
        const views::SpaceLayer& from = scene_.layers[p];
        if (from.kind != views::SpaceLayerKind::Feature) continue;
        const views::CellRect r = views::receptiveField(from, to, row, col, reach);
        auto rect = [&](Vec3 c, Vec3 s) {
          const float y = c.y + s.y * 0.5f + 0.05f;
          const float x0 = c.x - s.x * 0.5f + s.x * r.col0 / from.w, x1 = c.x - s.x * 0.5f + s.x * r.col1 / from.w;
          const float z0 = c.z - s.z * 0.5f + s.z * r.row0 / from.h, z1 = c.z - s.z * 0.5f + s.z * r.row1 / from.h;
          addLine({x0, y, z0}, {x1, y, z0}, kHighlight);
          addLine({x1, y, z0}, {x1, y, z1}, kHighlight);
          addLine({x1, y, z1}, {x0, y, z1}, kHighlight);
          addLine({x0, y, z1}, {x0, y, z0}, kHighlight);
          addLine(hover_.point, {(x0 + x1) * 0.5f, y, (z0 + z1) * 0.5f}, kHighlight);
        };
        uint32_t drawn = 0;
        for (const views::SpacePlane& pl : scene_.planes)
          if (pl.layer == p && drawn++ < 64) rect(pl.center, pl.size);
        for (const views::SpaceBox& bx : scene_.boxes)
          if (bx.layer == p && bx.unit == kNoIndex) rect(bx.center, bx.size);
      }
    }
  }
  line_count_ = static_cast<uint32_t>(verts_.size()) - line_first_;
}

// [SECTION] GL -----------------------------------------------------------------------

Status GraphSpace::initGl() {
  using namespace shaders;
  if (Status s = prog_.build("space", k_space_vert, k_space_frag); !s) return s;
  glGenVertexArrays(1, &vao_);
  glGenFramebuffers(1, &fbo_);
  glGenTextures(1, &white_tex_);
  glBindTexture(GL_TEXTURE_2D, white_tex_);
  const uint8_t white[4] = {255, 255, 255, 255};
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, 1, 1, 0, GL_RGBA, GL_UNSIGNED_BYTE, white);
  glBindTexture(GL_TEXTURE_2D, 0);
  return {};
}

void GraphSpace::renderGl(int width, int height) {
  if (!gl_ready_) {
    if (Status s = initGl(); !s) {
      error_ = s.message();
      return;
    }
    gl_ready_ = true;
  }
  if (width != fb_w_ || height != fb_h_) {
    fb_w_ = width, fb_h_ = height;
    if (!color_tex_) glGenTextures(1, &color_tex_);
    glBindTexture(GL_TEXTURE_2D, color_tex_);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glBindTexture(GL_TEXTURE_2D, 0);
    if (!depth_rb_) glGenRenderbuffers(1, &depth_rb_);
    glBindRenderbuffer(GL_RENDERBUFFER, depth_rb_);
    glRenderbufferStorage(GL_RENDERBUFFER, GL_DEPTH_COMPONENT24, width, height);
    glBindRenderbuffer(GL_RENDERBUFFER, 0);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, color_tex_, 0);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_RENDERBUFFER, depth_rb_);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
  }
  if (dirty_) {
    vbo_.upload(verts_.data(), verts_.size() * sizeof(Vertex), GL_DYNAMIC_DRAW);
    glBindVertexArray(vao_);
    vbo_.bind();
    const GLsizei stride = sizeof(Vertex);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 3, GL_FLOAT, GL_FALSE, stride, reinterpret_cast<void*>(offsetof(Vertex, pos)));
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 3, GL_FLOAT, GL_FALSE, stride, reinterpret_cast<void*>(offsetof(Vertex, normal)));
    glEnableVertexAttribArray(2);
    glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, stride, reinterpret_cast<void*>(offsetof(Vertex, color)));
    glEnableVertexAttribArray(3);
    glVertexAttribPointer(3, 3, GL_FLOAT, GL_FALSE, stride, reinterpret_cast<void*>(offsetof(Vertex, tex)));
    glBindVertexArray(0);
    glBindBuffer(GL_ARRAY_BUFFER, 0);
    dirty_ = false;
  }
  const double t0 = platform::nowMs();
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
  glViewport(0, 0, width, height);
  glDisable(GL_SCISSOR_TEST);
  glDisable(GL_BLEND);
  glEnable(GL_DEPTH_TEST);
  glDepthFunc(GL_LEQUAL);
  glDepthMask(GL_TRUE);
  glClearColor(((kBackground >> 16) & 0xFF) / 255.0f, ((kBackground >> 8) & 0xFF) / 255.0f, (kBackground & 0xFF) / 255.0f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
  prog_.use();
  const Mat4 vp = camera_.viewProj(static_cast<float>(width) / std::max(height, 1));
  glUniformMatrix4fv(prog_.uniform("u_view_proj"), 1, GL_FALSE, vp.data());
  const Vec3 eye = camera_.eye();
  Vec3 light{eye.x - camera_.target.x + 0.3f * camera_.distance, eye.y - camera_.target.y + 0.6f * camera_.distance,
             eye.z - camera_.target.z};
  const float ll = std::sqrt(light.x * light.x + light.y * light.y + light.z * light.z);
  glUniform3f(prog_.uniform("u_light"), light.x / ll, light.y / ll, light.z / ll);
  glUniform1i(prog_.uniform("u_maps"), 0);
  glActiveTexture(GL_TEXTURE0);
  glBindVertexArray(vao_);
  // Runs of layers without an atlas are one draw; a layer with one is its own.
  uint32_t run_first = 0, run_count = 0;
  auto flush = [&]() {
    if (run_count) {
      glBindTexture(GL_TEXTURE_2D, white_tex_);
      glDrawArrays(GL_TRIANGLES, static_cast<GLint>(run_first), static_cast<GLsizei>(run_count));
    }
    run_count = 0;
  };
  for (uint32_t li = 0; li < ranges_.size(); ++li) {
    const auto [first, count] = ranges_[li];
    if (!count) continue;
    const auto at = atlases_.find(li);
    if (at != atlases_.end() && at->second.count > 0) {
      flush();
      glBindTexture(GL_TEXTURE_2D, at->second.texture);
      glDrawArrays(GL_TRIANGLES, static_cast<GLint>(first), static_cast<GLsizei>(count));
      continue;
    }
    if (run_count && run_first + run_count != first) flush();
    if (!run_count) run_first = first;
    run_count += count;
  }
  flush();
  if (line_count_) {
    glBindTexture(GL_TEXTURE_2D, white_tex_);
    glDrawArrays(GL_LINES, static_cast<GLint>(line_first_), static_cast<GLsizei>(line_count_));
  }
  glBindVertexArray(0);
  glBindTexture(GL_TEXTURE_2D, 0);
  glDisable(GL_DEPTH_TEST);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  gl_ms_ = platform::nowMs() - t0;
  ++frames_;
}

// [SECTION] Frame --------------------------------------------------------------------

void GraphSpace::handleInput(ImVec2 pos, ImVec2 size) {
  const ImGuiIO& io = ImGui::GetIO();
  const bool hovered = ImGui::IsItemHovered();
  if (hovered && io.MouseWheel != 0.0f) camera_.zoom(std::pow(0.88f, io.MouseWheel));
  const bool pan = io.KeyShift || ImGui::IsMouseDown(ImGuiMouseButton_Right) || ImGui::IsMouseDown(ImGuiMouseButton_Middle);
  const bool moved = io.MouseDelta.x != 0.0f || io.MouseDelta.y != 0.0f;
  if (ImGui::IsItemActivated()) dragged_ = false;
  if (ImGui::IsItemActive() && moved && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 3.0f)) {
    dragged_ = true;
    if (pan)
      camera_.pan(io.MouseDelta.x, io.MouseDelta.y, size.y);
    else
      camera_.orbit(io.MouseDelta.x, io.MouseDelta.y);
  }
  if (ImGui::IsItemActive() && moved && ImGui::IsMouseDragging(ImGuiMouseButton_Right, 3.0f)) {
    dragged_ = true;
    camera_.pan(io.MouseDelta.x, io.MouseDelta.y, size.y);
  }
  if (hovered && moved && ImGui::IsMouseDragging(ImGuiMouseButton_Middle, 3.0f)) camera_.pan(io.MouseDelta.x, io.MouseDelta.y, size.y);
  if (ImGui::IsWindowFocused() && !io.WantTextInput && ImGui::IsKeyPressed(SDL_SCANCODE_0, false)) fit_pending_ = true;

  // Hover: the item under the cursor.
  const views::SpaceHit before = hover_;
  hover_ = {};
  if (hovered && !animating() && !ImGui::IsMouseDragging(ImGuiMouseButton_Left, 3.0f)) {
    Vec3 o, d;
    camera_.ray(io.MousePos.x - pos.x, io.MousePos.y - pos.y, size.x, size.y, &o, &d);
    hover_ = views::pickSpace(scene_, o, d);
  }
  if (hover_.hit != before.hit || hover_.index != before.index || hover_.plane != before.plane ||
      (hover_.hit && (static_cast<int>(hover_.u * 64) != static_cast<int>(before.u * 64) ||
                      static_cast<int>(hover_.v * 64) != static_cast<int>(before.v * 64))))
    dirty_ = true;  // the receptive field follows the cursor
  // A click (no drag) opens or closes the layer under the cursor.
  if (ImGui::IsItemDeactivated() && !dragged_ && hover_.hit && io.MouseReleased[ImGuiMouseButton_Left]) toggle(hover_.layer);
  // PgUp/PgDn page a hovered open layer's channels.
  if (hover_.hit && hover_.layer < scene_.layers.size()) {
    const views::SpaceLayer& l = scene_.layers[hover_.layer];
    const int step = ImGui::IsKeyPressed(SDL_SCANCODE_PAGEDOWN, false) ? 1 : ImGui::IsKeyPressed(SDL_SCANCODE_PAGEUP, false) ? -1 : 0;
    if (step && l.pages > 1) {
      if (state_.page.size() < scene_.layers.size()) state_.page.resize(scene_.layers.size(), 0);
      const int64_t next = std::clamp<int64_t>(static_cast<int64_t>(l.page) + step, 0, l.pages - 1);
      state_.page[hover_.layer] = static_cast<uint32_t>(next);
      relayout(false);
    }
  }
}

void GraphSpace::draw(ImDrawList* dl, ImVec2 pos, ImVec2 size, float toolbar_height, float pixel_ratio) {
  canvas_pos_ = pos, canvas_size_ = size;
  if (!error_.empty() || scene_.layers.empty()) return;
  const float aspect = size.x / std::max(size.y, 1.0f);
  if (fit_pending_ && size.x > 1 && size.y > 1) {
    // Look down the flow from the front and above, then frame everything.
    camera_ = SpaceCamera{};
    camera_.fit(scene_.min, scene_.max, aspect);
    (void)toolbar_height;
    fit_pending_ = false;
  }
  handleInput(pos, size);
  if (animating()) {
    const double t = (platform::nowMs() - anim_start_ms_) / kAnimMs;
    anim_t_ = static_cast<float>(std::min(t, 1.0));
    if (t >= 1.0) anim_start_ms_ = -1, anim_t_ = 1.0f;
    dirty_ = true;
  }
  atlases_built_ = 0;
  if (run_)
    for (uint32_t li = 0; li < scene_.layers.size(); ++li) ensureAtlas(li);
  if (dirty_) buildVertices(anim_t_);
  const int w = std::max(1, static_cast<int>(std::lround(size.x * pixel_ratio)));
  const int h = std::max(1, static_cast<int>(std::lround(size.y * pixel_ratio)));
  renderGl(w, h);
  if (!error_.empty()) return;
  dl->AddImage(textureId(color_tex_), pos, ImVec2(pos.x + size.x, pos.y + size.y), ImVec2(0, 1), ImVec2(1, 0));
  drawOverlays(dl, pos, size);
}

void GraphSpace::drawOverlays(ImDrawList* dl, ImVec2 pos, ImVec2 size) {
  // The classifier's top-k next to the last layer, after a run.
  if (run_ && !run_->outputs.empty() && !animating()) {
    for (uint32_t li = 0; li < scene_.layers.size(); ++li) {
      const std::string name = valueName(li);
      if (std::find(run_->outputs.begin(), run_->outputs.end(), name) == run_->outputs.end()) continue;
      const runtime::Tensor* t = run_->find(name);
      if (!t || t->rank() == 0 || t->shape.back() < 2 || t->count() != t->shape.back() || t->isString()) continue;
      const views::SpaceLayer& l = scene_.layers[li];
      float px = 0, py = 0;
      if (!camera_.project({l.center.x + l.size.x * 0.5f, l.center.y, l.center.z}, size.x, size.y, &px, &py)) continue;
      float y = pos.y + py - kTopK * 8.0f;
      for (const runtime::TopEntry& e : runtime::topK(*t, kTopK)) {
        std::string label;
        const int64_t classes = t->shape.back();
        if (!(run_->labels_default && classes != static_cast<int64_t>(run_->labels.size())) && e.index >= 0 &&
            e.index < static_cast<int64_t>(run_->labels.size()))
          label = run_->labels[static_cast<size_t>(e.index)];
        if (label.empty()) label = "class " + std::to_string(e.index);
        char buf[160];
        std::snprintf(buf, sizeof buf, "%5.1f%%  %s", e.probability * 100.0, label.substr(0, 40).c_str());
        const ImVec2 at(pos.x + px + 12, y);
        dl->AddRectFilled(ImVec2(at.x - 3, at.y - 1), ImVec2(at.x + 3 + ImGui::CalcTextSize(buf).x, at.y + 15),
                          IM_COL32(255, 255, 255, 220), 3.0f);
        dl->AddText(at, IM_COL32(30, 30, 30, 255), buf);
        y += 17;
      }
    }
  }
  // The hover card: name, type, shape, params, the value under the cursor.
  hover_value_.clear();
  if (hover_.hit && hover_.layer < scene_.layers.size()) {
    const views::SpaceLayer& l = scene_.layers[hover_.layer];
    const views::Layer& ly = layers_.layers[hover_.layer];
    ImGui::BeginTooltip();
    ImGui::TextUnformatted(ly.name.substr(0, 80).c_str());
    ImGui::TextDisabled("%s  %s", ly.op_type.c_str(), ir::shapeToString(ly.shape).c_str());
    if (ly.params > 0) ImGui::TextDisabled("%s params", withThousands(ly.params).c_str());
    int64_t channel = 0, row = 0, col = 0, flat = -1;
    if (l.kind == views::SpaceLayerKind::Dense) {
      channel = hover_.plane ? 0 : scene_.boxes[hover_.index].unit;
      if (channel >= 0 && channel < l.c) flat = channel;
      ImGui::TextDisabled("unit %lld of %lld%s", static_cast<long long>(channel), static_cast<long long>(l.c),
                          l.pages > 1 ? " (PgUp/PgDn: more)" : "");
    } else {
      channel = hover_.plane ? scene_.planes[hover_.index].channel : 0;
      row = std::min<int64_t>(static_cast<int64_t>(hover_.v * l.h), l.h - 1);
      col = std::min<int64_t>(static_cast<int64_t>(hover_.u * l.w), l.w - 1);
      flat = (channel * l.h + row) * l.w + col;
      ImGui::TextDisabled("channel %lld, row %lld, col %lld", static_cast<long long>(channel), static_cast<long long>(row),
                          static_cast<long long>(col));
      if (l.open && l.pages > 1)
        ImGui::TextDisabled("page %u of %u (PgUp/PgDn)", l.page + 1, l.pages);
      else if (!l.open && l.c > 1)
        ImGui::TextDisabled("click to open its %lld channels", static_cast<long long>(l.c));
    }
    if (const runtime::Tensor* t = tensorOf(hover_.layer); t && flat >= 0) {
      const double v = valueAt(*t, flat);
      if (std::isfinite(v)) {
        hover_value_ = number(v);
        ImGui::Text("value %s", hover_value_.c_str());
      }
    }
    ImGui::EndTooltip();
  }
  const char* hint = "drag: orbit   right/Shift drag: pan   wheel: zoom   0: fit   click a layer: open/close";
  dl->AddText(ImVec2(pos.x + 12, pos.y + size.y - 22), IM_COL32(90, 90, 90, 255), hint);
}

std::string GraphSpace::caption() const {
  const size_t open = state_.open.size();
  std::string c = std::to_string(scene_.layers.size()) + " layers";
  if (open) c += ", " + std::to_string(open) + " open";
  c += run_ ? "; showing the last run" : "; run the model (Run panel) to see its feature maps";
  return c;
}

std::string GraphSpace::exportPng(const std::string& base) {
  if (!fbo_ || fb_w_ <= 0 || fb_h_ <= 0) return "Nothing drawn yet";
  std::vector<uint8_t> px(static_cast<size_t>(fb_w_) * fb_h_ * 4);
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, fb_w_, fb_h_, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  std::vector<uint8_t> flipped(px.size());
  const size_t row = static_cast<size_t>(fb_w_) * 4;
  for (int y = 0; y < fb_h_; ++y) std::copy_n(&px[(fb_h_ - 1 - y) * row], row, &flipped[y * row]);
  const std::vector<uint8_t> png = scene::encodePngRgba(fb_w_, fb_h_, flipped);
  const std::string name = base + "-3d.png";
  platform::downloadFile(name, png.data(), png.size(), "image/png");
  return "Saved " + name + " (" + std::to_string(fb_w_) + " x " + std::to_string(fb_h_) + " px)";
}

nlohmann::ordered_json GraphSpace::status() const {
  uint32_t textured = 0;
  for (const auto& [l, a] : atlases_) textured += a.count;
  nlohmann::ordered_json j = {{"layers", scene_.layers.size()}, {"boxes", scene_.boxes.size()}, {"planes", scene_.planes.size()},
                      {"open", state_.open.size()}, {"animating", animating()}, {"anim_t", anim_t_},
                      {"run", run_ != nullptr}, {"textured", textured}, {"gl_ms", gl_ms_}, {"frames", frames_},
                      {"vertices", verts_.size()}, {"hover_value", hover_value_},
                      {"hover_layer", hover_.hit ? static_cast<int64_t>(hover_.layer) : -1}, {"error", error_}};
  // Probes: where (page CSS pixels) each layer's top face, or for an open layer the last of its
  // planes that is on the canvas (the planes of a wide layer run past its edges), is, so tests can
  // click them.
  constexpr float kProbeMargin = 12.0f;
  constexpr float kProbeMarginBottom = 48.0f;  // the controls hint line is drawn over the canvas there
  const auto onCanvas = [&](Vec3 at, float* px, float* py) {
    return camera_.project(at, canvas_size_.x, canvas_size_.y, px, py) && *px >= kProbeMargin &&
           *py >= kProbeMargin && *px <= canvas_size_.x - kProbeMargin &&
           *py <= canvas_size_.y - kProbeMarginBottom;
  };
  nlohmann::ordered_json probes = nlohmann::ordered_json::array();
  for (uint32_t li = 0; li < scene_.layers.size() && li < 400; ++li) {
    const views::SpaceLayer& l = scene_.layers[li];
    float px = 0, py = 0;
    bool found = onCanvas({l.center.x, l.center.y + l.size.y * 0.5f, l.center.z}, &px, &py);
    for (const views::SpacePlane& p : scene_.planes) {
      float qx = 0, qy = 0;
      if (p.layer == li && onCanvas({p.center.x, p.center.y + p.size.y * 0.5f, p.center.z}, &qx, &qy)) {
        px = qx, py = qy;
        found = true;
      }
    }
    if (!found) continue;
    probes.push_back({{"i", li}, {"c", l.c}, {"h", l.h}, {"w", l.w}, {"open", l.open},
                      {"dense", l.kind == views::SpaceLayerKind::Dense}, {"x", canvas_pos_.x + px}, {"y", canvas_pos_.y + py}});
  }
  j["probes"] = std::move(probes);
  return j;
}

}  // namespace nf::app
