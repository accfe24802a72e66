#include "app/gl_graph_renderer.h"

#include <algorithm>
#include <cmath>

#include "scene/categories.h"
#include "shaders_embedded.h"  // generated from shaders/*.vert|frag

namespace nf::app {

namespace {

struct NodeInstance {
  float x, y, w, h;
  uint8_t rgba[4];
  float header;
};
static_assert(sizeof(NodeInstance) == 24, "the node attribute layout assumes 24-byte instances");

struct Segment {
  float p[8];  // P0 P1 P2 P3
};

struct Arrow {
  float tip_x, tip_y, dir_x, dir_y;
};

void setColor(GLint loc, uint32_t rgb, float alpha = 1.0f) {
  glUniform4f(loc, ((rgb >> 16) & 0xFF) / 255.0f, ((rgb >> 8) & 0xFF) / 255.0f, (rgb & 0xFF) / 255.0f, alpha);
}

bool straight(const scene::Point* p) {
  auto off = [&](scene::Point q) {
    const float vx = p[3].x - p[0].x, vy = p[3].y - p[0].y, len = std::hypot(vx, vy);
    if (len < 1e-4f) return std::hypot(q.x - p[0].x, q.y - p[0].y);
    return std::abs((q.x - p[0].x) * vy - (q.y - p[0].y) * vx) / len;
  };
  return off(p[1]) < 0.05f && off(p[2]) < 0.05f;
}

scene::Point lerp(scene::Point a, scene::Point b, float t) { return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t}; }

Segment makeSegment(scene::Point a, scene::Point b, scene::Point c, scene::Point d) {
  return Segment{{a.x, a.y, b.x, b.y, c.x, c.y, d.x, d.y}};
}

// Splits a cubic into pieces no larger than `tile` (straight ones exactly, curved ones
// by halving), so tile culling never drops a piece that crosses the viewport.
void splitCubic(const scene::Point* p, float tile, int depth, std::vector<Segment>& lines,
                std::vector<Segment>& curves) {
  if (straight(p)) {
    const float len = std::hypot(p[3].x - p[0].x, p[3].y - p[0].y);
    const int pieces = std::clamp(static_cast<int>(std::ceil(len / tile)), 1, 4096);
    for (int i = 0; i < pieces; ++i) {
      const scene::Point a = lerp(p[0], p[3], static_cast<float>(i) / pieces);
      const scene::Point b = lerp(p[0], p[3], static_cast<float>(i + 1) / pieces);
      lines.push_back(makeSegment(a, lerp(a, b, 1.0f / 3), lerp(a, b, 2.0f / 3), b));
    }
    return;
  }
  const float minx = std::min({p[0].x, p[1].x, p[2].x, p[3].x}), maxx = std::max({p[0].x, p[1].x, p[2].x, p[3].x});
  const float miny = std::min({p[0].y, p[1].y, p[2].y, p[3].y}), maxy = std::max({p[0].y, p[1].y, p[2].y, p[3].y});
  if (std::max(maxx - minx, maxy - miny) <= tile || depth >= 8) {
    curves.push_back(makeSegment(p[0], p[1], p[2], p[3]));
    return;
  }
  // de Casteljau at t = 1/2.
  const scene::Point ab = lerp(p[0], p[1], 0.5f), bc = lerp(p[1], p[2], 0.5f), cd = lerp(p[2], p[3], 0.5f);
  const scene::Point abc = lerp(ab, bc, 0.5f), bcd = lerp(bc, cd, 0.5f), m = lerp(abc, bcd, 0.5f);
  const scene::Point left[4] = {p[0], ab, abc, m}, right[4] = {m, bcd, cd, p[3]};
  splitCubic(left, tile, depth + 1, lines, curves);
  splitCubic(right, tile, depth + 1, lines, curves);
}

// Sorts items by tile (counting sort, stable) and fills grid.begin.
template <class T, class CenterFn>
std::vector<T> sortByTile(TileGrid& grid, std::vector<T>& items, CenterFn center, std::vector<uint32_t>* order_out) {
  const uint32_t tiles = grid.cols * grid.rows;
  std::vector<uint32_t> tile_of(items.size());
  grid.begin.assign(tiles + 1, 0);
  for (size_t i = 0; i < items.size(); ++i) {
    const scene::Point c = center(items[i]);
    tile_of[i] = grid.tileOf(c.x, c.y);
    ++grid.begin[tile_of[i] + 1];
  }
  for (uint32_t t = 0; t < tiles; ++t) grid.begin[t + 1] += grid.begin[t];
  std::vector<uint32_t> fill(grid.begin.begin(), grid.begin.end() - 1);
  std::vector<T> sorted(items.size());
  if (order_out) order_out->assign(items.size(), 0);
  for (size_t i = 0; i < items.size(); ++i) {
    const uint32_t at = fill[tile_of[i]]++;
    sorted[at] = items[i];
    if (order_out) (*order_out)[i] = at;
  }
  return sorted;
}

void vertexAttrib(GLuint loc, GLint size, GLenum type, GLboolean norm, GLsizei stride, size_t offset) {
  glEnableVertexAttribArray(loc);
  if (type == GL_FLOAT || norm) {
    glVertexAttribPointer(loc, size, type, norm, stride, reinterpret_cast<const void*>(offset));
  } else {
    glVertexAttribPointer(loc, size, type, GL_FALSE, stride, reinterpret_cast<const void*>(offset));
  }
  glVertexAttribDivisor(loc, 1);
}

}  // namespace

// [SECTION] TileGrid ---------------------------------------------------------------

void TileGrid::setup(const scene::Rect& bounds, size_t item_count) {
  // About 32 items per tile, at most 16k tiles.
  const double target = std::clamp<double>(static_cast<double>(item_count) / 32.0, 1.0, 16384.0);
  const double area = std::max(1.0, static_cast<double>(bounds.width) * bounds.height);
  tile = static_cast<float>(std::max(64.0, std::sqrt(area / target)));
  origin_x = bounds.x;
  origin_y = bounds.y;
  cols = std::max<uint32_t>(1, static_cast<uint32_t>(std::ceil(bounds.width / tile)));
  rows = std::max<uint32_t>(1, static_cast<uint32_t>(std::ceil(bounds.height / tile)));
  while (static_cast<uint64_t>(cols) * rows > 65536) {
    tile *= 1.5f;
    cols = std::max<uint32_t>(1, static_cast<uint32_t>(std::ceil(bounds.width / tile)));
    rows = std::max<uint32_t>(1, static_cast<uint32_t>(std::ceil(bounds.height / tile)));
  }
  margin = 0;
}

uint32_t TileGrid::tileOf(float x, float y) const {
  const auto c = static_cast<uint32_t>(std::clamp((x - origin_x) / tile, 0.0f, static_cast<float>(cols - 1)));
  const auto r = static_cast<uint32_t>(std::clamp((y - origin_y) / tile, 0.0f, static_cast<float>(rows - 1)));
  return r * cols + c;
}

void TileGrid::visibleRuns(const scene::Rect& v, std::vector<std::pair<uint32_t, uint32_t>>& runs) const {
  runs.clear();
  if (begin.empty()) return;
  const float x0 = (v.x - margin - origin_x) / tile, x1 = (v.x + v.width + margin - origin_x) / tile;
  const float y0 = (v.y - margin - origin_y) / tile, y1 = (v.y + v.height + margin - origin_y) / tile;
  // Items are clamped into the border tiles, so the border tiles see everything beyond.
  const auto clampTo = [](float f, uint32_t n) {
    return static_cast<uint32_t>(std::clamp(std::floor(f), 0.0f, static_cast<float>(n - 1)));
  };
  if (x1 < 0 && cols > 1) return;
  if (y1 < 0 && rows > 1) return;
  const uint32_t c0 = clampTo(x0, cols), c1 = clampTo(x1, cols), r0 = clampTo(y0, rows), r1 = clampTo(y1, rows);
  if (c0 == 0 && c1 == cols - 1) {
    runs.emplace_back(begin[r0 * cols], begin[(r1 + 1) * cols]);
  } else {
    for (uint32_t r = r0; r <= r1; ++r) {
      const uint32_t b = begin[r * cols + c0], e = begin[r * cols + c1 + 1];
      if (b == e) continue;
      if (!runs.empty() && runs.back().second == b) runs.back().second = e;
      else runs.emplace_back(b, e);
    }
  }
  if (runs.size() > 48) {
    const auto first = runs.front().first, last = runs.back().second;
    runs.assign(1, {first, last});
  }
  if (!runs.empty() && runs.front().first == runs.front().second && runs.size() == 1) runs.clear();
}

// [SECTION] GraphRenderer ----------------------------------------------------------

GraphRenderer::~GraphRenderer() {
  GLuint vaos[] = {node_vao_, edge_vao_, curve_vao_, arrow_vao_, hl_edge_vao_, hl_arrow_vao_};
  for (GLuint v : vaos)
    if (v) glDeleteVertexArrays(1, &v);
}

Status GraphRenderer::init() {
  if (ready_) return {};
  if (Status s = node_prog_.build("graph_node", shaders::k_graph_node_vert, shaders::k_graph_node_frag); !s) return s;
  if (Status s = edge_prog_.build("graph_edge", shaders::k_graph_edge_vert, shaders::k_graph_edge_frag); !s) return s;
  if (Status s = arrow_prog_.build("graph_arrow", shaders::k_graph_arrow_vert, shaders::k_graph_flat_frag); !s)
    return s;
  GLuint* vaos[] = {&node_vao_, &edge_vao_, &curve_vao_, &arrow_vao_, &hl_edge_vao_, &hl_arrow_vao_};
  for (GLuint* v : vaos) glGenVertexArrays(1, v);
  ready_ = true;
  return {};
}

void GraphRenderer::clearScene() {
  node_count_ = line_count_ = curve_count_ = arrow_count_ = hl_edge_count_ = hl_arrow_count_ = 0;
  instance_of_node_.clear();
  states_.clear();
}

void GraphRenderer::setScene(const scene::DisplayGraph& graph, const scene::SceneLayout& layout) {
  clearScene();
  if (!ready_) return;
  const scene::BoxStyle& st = scene::boxStyle();

  // Boxes.
  std::vector<NodeInstance> nodes(graph.nodes.size());
  float max_extent = 0;
  for (size_t i = 0; i < graph.nodes.size() && i < layout.nodes.size(); ++i) {
    const scene::Rect& r = layout.nodes[i];
    const uint32_t c = scene::categoryStyle(graph.nodes[i].category).header;
    nodes[i] = NodeInstance{r.x, r.y, r.width, r.height,
                            {static_cast<uint8_t>(c >> 16), static_cast<uint8_t>(c >> 8), static_cast<uint8_t>(c), 255},
                            graph.nodes[i].rows.empty() ? 0.0f : st.header_height};
    max_extent = std::max({max_extent, r.width, r.height});
  }
  node_tiles_.setup(layout.bounds, nodes.size());
  node_tiles_.margin = max_extent * 0.5f + 8.0f;
  auto sorted_nodes = sortByTile(node_tiles_, nodes,
                                 [](const NodeInstance& n) { return scene::Point{n.x + n.w * 0.5f, n.y + n.h * 0.5f}; },
                                 &instance_of_node_);
  node_count_ = static_cast<uint32_t>(sorted_nodes.size());
  node_buf_.upload(sorted_nodes.data(), sorted_nodes.size() * sizeof(NodeInstance), GL_STATIC_DRAW);
  states_.assign(node_count_, kStatePlain);
  state_buf_.upload(states_.data(), states_.size(), GL_DYNAMIC_DRAW);

  // Edges: straight runs and curves, split to tile size.
  std::vector<Segment> lines, curves;
  std::vector<Arrow> arrows;
  const float tile_hint = std::max(64.0f, std::sqrt(std::max(1.0f, layout.bounds.width * layout.bounds.height) /
                                                    std::max(1.0f, graph.edges.size() * 2.0f / 32.0f)));
  for (size_t e = 0; e < layout.edges.size(); ++e) {
    const scene::EdgeGeometry& g = layout.edges[e];
    if (g.point_count < 4) continue;
    for (uint32_t k = 0; k + 3 < g.point_count; k += 3)
      splitCubic(&layout.points[g.first_point + k], tile_hint, 0, lines, curves);
    const scene::Point base{(g.arrow[1].x + g.arrow[2].x) * 0.5f, (g.arrow[1].y + g.arrow[2].y) * 0.5f};
    float dx = g.arrow[0].x - base.x, dy = g.arrow[0].y - base.y;
    const float len = std::hypot(dx, dy);
    if (len > 1e-6f) dx /= len, dy /= len;
    arrows.push_back(Arrow{g.arrow[0].x, g.arrow[0].y, dx, dy});
  }
  auto segCenter = [](const Segment& s) { return scene::Point{(s.p[0] + s.p[6]) * 0.5f, (s.p[1] + s.p[7]) * 0.5f}; };
  auto segMargin = [](const std::vector<Segment>& v) {
    float m = 0;
    for (const Segment& s : v) {
      const float minx = std::min({s.p[0], s.p[2], s.p[4], s.p[6]}), maxx = std::max({s.p[0], s.p[2], s.p[4], s.p[6]});
      const float miny = std::min({s.p[1], s.p[3], s.p[5], s.p[7]}), maxy = std::max({s.p[1], s.p[3], s.p[5], s.p[7]});
      m = std::max({m, maxx - minx, maxy - miny});
    }
    return m * 0.5f + 4.0f;
  };
  line_tiles_.setup(layout.bounds, lines.size());
  line_tiles_.margin = segMargin(lines);
  auto sorted_lines = sortByTile(line_tiles_, lines, segCenter, nullptr);
  curve_tiles_.setup(layout.bounds, curves.size());
  curve_tiles_.margin = segMargin(curves);
  auto sorted_curves = sortByTile(curve_tiles_, curves, segCenter, nullptr);
  arrow_tiles_.setup(layout.bounds, arrows.size());
  arrow_tiles_.margin = st.arrow_length + 2.0f;
  auto sorted_arrows = sortByTile(arrow_tiles_, arrows, [](const Arrow& a) { return scene::Point{a.tip_x, a.tip_y}; },
                                  nullptr);
  line_count_ = static_cast<uint32_t>(sorted_lines.size());
  curve_count_ = static_cast<uint32_t>(sorted_curves.size());
  arrow_count_ = static_cast<uint32_t>(sorted_arrows.size());
  line_buf_.upload(sorted_lines.data(), sorted_lines.size() * sizeof(Segment), GL_STATIC_DRAW);
  curve_buf_.upload(sorted_curves.data(), sorted_curves.size() * sizeof(Segment), GL_STATIC_DRAW);
  arrow_buf_.upload(sorted_arrows.data(), sorted_arrows.size() * sizeof(Arrow), GL_STATIC_DRAW);
}

void GraphRenderer::setNodeStates(const std::vector<uint8_t>& by_node) {
  if (by_node.size() != instance_of_node_.size()) return;
  for (size_t i = 0; i < by_node.size(); ++i) states_[instance_of_node_[i]] = by_node[i];
  state_buf_.update(0, states_.data(), states_.size());
}

void GraphRenderer::setHighlightedEdges(const std::vector<uint32_t>& edges, const scene::SceneLayout& layout) {
  std::vector<Segment> segs;
  std::vector<Arrow> arrows;
  for (uint32_t e : edges) {
    if (e >= layout.edges.size()) continue;
    const scene::EdgeGeometry& g = layout.edges[e];
    if (g.point_count < 4) continue;
    for (uint32_t k = 0; k + 3 < g.point_count; k += 3) {
      const scene::Point* p = &layout.points[g.first_point + k];
      segs.push_back(makeSegment(p[0], p[1], p[2], p[3]));
    }
    const scene::Point base{(g.arrow[1].x + g.arrow[2].x) * 0.5f, (g.arrow[1].y + g.arrow[2].y) * 0.5f};
    float dx = g.arrow[0].x - base.x, dy = g.arrow[0].y - base.y;
    const float len = std::hypot(dx, dy);
    if (len > 1e-6f) dx /= len, dy /= len;
    arrows.push_back(Arrow{g.arrow[0].x, g.arrow[0].y, dx, dy});
  }
  hl_edge_count_ = static_cast<uint32_t>(segs.size());
  hl_arrow_count_ = static_cast<uint32_t>(arrows.size());
  if (!segs.empty()) hl_edge_buf_.upload(segs.data(), segs.size() * sizeof(Segment), GL_DYNAMIC_DRAW);
  if (!arrows.empty()) hl_arrow_buf_.upload(arrows.data(), arrows.size() * sizeof(Arrow), GL_DYNAMIC_DRAW);
}

void GraphRenderer::setCommon(const GlProgram& p, const RenderView& v) {
  p.use();
  glUniform2f(p.uniform("u_origin"), v.origin_x, v.origin_y);
  glUniform1f(p.uniform("u_scale"), v.scale);
  glUniform2f(p.uniform("u_viewport"), static_cast<float>(v.width), static_cast<float>(v.height));
}

void GraphRenderer::drawEdges(const RenderView& v, const RenderStyle& s, GLuint vao, const GlBuffer& buf,
                              uint32_t count, const std::vector<std::pair<uint32_t, uint32_t>>& runs, uint32_t color,
                              float half_width, float segments) {
  if (count == 0 || runs.empty()) return;
  setCommon(edge_prog_, v);
  setColor(edge_prog_.uniform("u_color"), color);
  glUniform1f(edge_prog_.uniform("u_half_width"), half_width);
  glUniform1f(edge_prog_.uniform("u_segments"), segments);
  glBindVertexArray(vao);
  buf.bind();
  const GLsizei verts = static_cast<GLsizei>(2 * (segments + 1));
  for (const auto& [b, e] : runs) {
    if (e <= b) continue;
    vertexAttrib(0, 4, GL_FLOAT, GL_FALSE, sizeof(Segment), b * sizeof(Segment));
    vertexAttrib(1, 4, GL_FLOAT, GL_FALSE, sizeof(Segment), b * sizeof(Segment) + 16);
    glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, verts, static_cast<GLsizei>(e - b));
    stats_.segments += e - b;
    ++stats_.draw_calls;
  }
}

void GraphRenderer::draw(const RenderView& v, const RenderStyle& s) {
  stats_ = FrameStats{};
  if (!ready_ || node_count_ == 0) return;
  const scene::BoxStyle& st = scene::boxStyle();
  glViewport(v.x, v.y, v.width, v.height);
  glEnable(GL_SCISSOR_TEST);
  glScissor(v.x, v.y, v.width, v.height);
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_CULL_FACE);

  const scene::Rect view{v.origin_x, v.origin_y, v.width / v.scale, v.height / v.scale};
  const float zoom = v.scale / std::max(0.25f, s.pixel_ratio);  // CSS pixels per scene unit
  // Lines: 1 CSS pixel at zoom 1, a little thinner far out, thicker close up.
  const float half_width = 0.5f * std::clamp(zoom, 0.6f, 1.8f) * s.pixel_ratio;
  // Chords per curve: about one per 6 pixels of a rank gap (40 scene units).
  const float chords = std::clamp(std::round(v.scale * 40.0f / 6.0f), 1.0f, 12.0f);

  if (s.edges) {
    line_tiles_.visibleRuns(view, runs_);
    drawEdges(v, s, edge_vao_, line_buf_, line_count_, runs_, s.edge, half_width, 1.0f);
    curve_tiles_.visibleRuns(view, runs_);
    drawEdges(v, s, curve_vao_, curve_buf_, curve_count_, runs_, s.edge, half_width, chords);
  }
  const bool arrows_visible = s.arrows && v.scale * st.arrow_length >= 2.5f;
  if (arrows_visible && arrow_count_) {
    setCommon(arrow_prog_, v);
    setColor(arrow_prog_.uniform("u_color"), s.edge);
    glUniform2f(arrow_prog_.uniform("u_size"), st.arrow_length, st.arrow_half_width);
    glBindVertexArray(arrow_vao_);
    arrow_buf_.bind();
    arrow_tiles_.visibleRuns(view, runs_);
    for (const auto& [b, e] : runs_) {
      if (e <= b) continue;
      vertexAttrib(0, 4, GL_FLOAT, GL_FALSE, sizeof(Arrow), b * sizeof(Arrow));
      glDrawArraysInstanced(GL_TRIANGLES, 0, 3, static_cast<GLsizei>(e - b));
      stats_.arrows += e - b;
      ++stats_.draw_calls;
    }
  }
  if (hl_edge_count_) {
    runs_.assign(1, {0u, hl_edge_count_});
    drawEdges(v, s, hl_edge_vao_, hl_edge_buf_, hl_edge_count_, runs_, s.highlight,
              std::max(half_width * 1.8f, 1.0f * s.pixel_ratio), std::max(chords, 4.0f));
    if (hl_arrow_count_ && arrows_visible) {
      setCommon(arrow_prog_, v);
      setColor(arrow_prog_.uniform("u_color"), s.highlight);
      glUniform2f(arrow_prog_.uniform("u_size"), st.arrow_length, st.arrow_half_width);
      glBindVertexArray(hl_arrow_vao_);
      hl_arrow_buf_.bind();
      vertexAttrib(0, 4, GL_FLOAT, GL_FALSE, sizeof(Arrow), 0);
      glDrawArraysInstanced(GL_TRIANGLES, 0, 3, static_cast<GLsizei>(hl_arrow_count_));
      ++stats_.draw_calls;
    }
  }

  // Boxes over the edges.
  setCommon(node_prog_, v);
  glUniform1f(node_prog_.uniform("u_pad"), 4.0f);
  glUniform1f(node_prog_.uniform("u_radius"), st.corner_radius * v.scale);
  glUniform1f(node_prog_.uniform("u_detail"), s.detail);
  setColor(node_prog_.uniform("u_body"), s.body);
  setColor(node_prog_.uniform("u_border"), s.border);
  setColor(node_prog_.uniform("u_select"), s.highlight);
  setColor(node_prog_.uniform("u_neighbor"), s.neighbor);
  setColor(node_prog_.uniform("u_match"), s.match);
  glBindVertexArray(node_vao_);
  node_tiles_.visibleRuns(view, runs_);
  for (const auto& [b, e] : runs_) {
    if (e <= b) continue;
    node_buf_.bind();
    vertexAttrib(0, 4, GL_FLOAT, GL_FALSE, sizeof(NodeInstance), b * sizeof(NodeInstance));
    vertexAttrib(1, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(NodeInstance), b * sizeof(NodeInstance) + 16);
    vertexAttrib(2, 1, GL_FLOAT, GL_FALSE, sizeof(NodeInstance), b * sizeof(NodeInstance) + 20);
    state_buf_.bind();
    vertexAttrib(3, 1, GL_UNSIGNED_BYTE, GL_FALSE, 1, b);
    glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, static_cast<GLsizei>(e - b));
    stats_.boxes += e - b;
    ++stats_.draw_calls;
  }
  glBindVertexArray(0);
}

}  // namespace nf::app
