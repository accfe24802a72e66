// GraphRenderer (gl_graph_renderer.h).
//
// Index of this file
//   [SECTION] Vertex layouts and helpers
//   [SECTION] TileGrid
//   [SECTION] Set-up: shaders, vertex arrays, warm-up
//   [SECTION] Scene upload
//   [SECTION] Highlight state
//   [SECTION] Overview (pre-rendered tiles)
//   [SECTION] Drawing
#include "app/gl_graph_renderer.h"

#include "scene/overlay.h"

#include <algorithm>
#include <cmath>

#include "scene/categories.h"
#include "shaders_embedded.h"  // generated from shaders/*.vert|frag

namespace nf::app {

// [SECTION] Vertex layouts and helpers ------------------------------------------------

namespace {

struct BoxVertex {
  float x, y, w, h;
  uint8_t rgba[4];
  float header;
  uint8_t corner[2];
  uint8_t pad[2];
};
static_assert(sizeof(BoxVertex) == 28, "graph_node.vert's attribute layout assumes 28-byte box vertices");

struct ChordVertex {
  float ax, ay, bx, by;
  uint8_t side[4];  // start 0 | end 255, left 0 | right 255, 255 = a curve's chord, 0 (normalized)
};
static_assert(sizeof(ChordVertex) == 20, "graph_chord.vert's attribute layout assumes 20-byte chord vertices");

struct Segment {
  float p[8];  // P0 P1 P2 P3, one instance of graph_edge.vert
};

struct ArrowVertex {
  float x, y;
};

struct Chord {
  scene::Point a, b;
};

void setColor(GLint loc, uint32_t rgb, float alpha = 1.0f) {
  glUniform4f(loc, ((rgb >> 16) & 0xFF) / 255.0f, ((rgb >> 8) & 0xFF) / 255.0f, (rgb & 0xFF) / 255.0f, alpha);
}

scene::Point lerp(scene::Point a, scene::Point b, float t) { return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t}; }

bool straight(const scene::Point* p) {
  auto off = [&](scene::Point q) {
    const float vx = p[3].x - p[0].x, vy = p[3].y - p[0].y, len = std::hypot(vx, vy);
    if (len < 1e-4f) return std::hypot(q.x - p[0].x, q.y - p[0].y);
    return std::abs((q.x - p[0].x) * vy - (q.y - p[0].y) * vx) / len;
  };
  return off(p[1]) < 0.05f && off(p[2]) < 0.05f;
}

// A cubic goes to `lines` (straight: exact chords no longer than a tile, so culling
// by tile never drops a piece crossing the view) or to `curves` (as itself, split by
// halving until no larger than a tile) plus its chord to `curve_chords`.
void splitCubic(const scene::Point* p, float tile, int depth, std::vector<Chord>& lines, std::vector<Segment>& curves,
                std::vector<Chord>& curve_chords) {
  if (straight(p)) {
    const float len = std::hypot(p[3].x - p[0].x, p[3].y - p[0].y);
    const int pieces = std::clamp(static_cast<int>(std::ceil(len / tile)), 1, 4096);
    for (int i = 0; i < pieces; ++i)
      lines.push_back(Chord{lerp(p[0], p[3], static_cast<float>(i) / pieces), lerp(p[0], p[3], static_cast<float>(i + 1) / pieces)});
    return;
  }
  const float minx = std::min({p[0].x, p[1].x, p[2].x, p[3].x}), maxx = std::max({p[0].x, p[1].x, p[2].x, p[3].x});
  const float miny = std::min({p[0].y, p[1].y, p[2].y, p[3].y}), maxy = std::max({p[0].y, p[1].y, p[2].y, p[3].y});
  if (std::max(maxx - minx, maxy - miny) <= tile || depth >= 8) {
    curves.push_back(Segment{{p[0].x, p[0].y, p[1].x, p[1].y, p[2].x, p[2].y, p[3].x, p[3].y}});
    curve_chords.push_back(Chord{p[0], p[3]});
    return;
  }
  // de Casteljau at t = 1/2.
  const scene::Point ab = lerp(p[0], p[1], 0.5f), bc = lerp(p[1], p[2], 0.5f), cd = lerp(p[2], p[3], 0.5f);
  const scene::Point abc = lerp(ab, bc, 0.5f), bcd = lerp(bc, cd, 0.5f), m = lerp(abc, bcd, 0.5f);
  const scene::Point left[4] = {p[0], ab, abc, m}, right[4] = {m, bcd, cd, p[3]};
  splitCubic(left, tile, depth + 1, lines, curves, curve_chords);
  splitCubic(right, tile, depth + 1, lines, curves, curve_chords);
}

// The order that sorts items by tile (counting sort, stable); fills grid.begin.
template <class CenterFn>
std::vector<uint32_t> tileOrder(TileGrid& grid, size_t count, CenterFn center) {
  const uint32_t tiles = grid.cols * grid.rows;
  std::vector<uint32_t> tile_of(count);
  grid.begin.assign(tiles + 1, 0);
  for (size_t i = 0; i < count; ++i) {
    const scene::Point c = center(i);
    tile_of[i] = grid.tileOf(c.x, c.y);
    ++grid.begin[tile_of[i] + 1];
  }
  for (uint32_t t = 0; t < tiles; ++t) grid.begin[t + 1] += grid.begin[t];
  std::vector<uint32_t> fill(grid.begin.begin(), grid.begin.end() - 1);
  std::vector<uint32_t> slot(count);
  for (size_t i = 0; i < count; ++i) slot[i] = fill[tile_of[i]]++;
  return slot;  // slot[i] = position of item i in tile order
}

// chords[0, curve_begin) are straight lines, the rest chords of curves.
std::vector<ChordVertex> chordVertices(const std::vector<Chord>& chords, size_t curve_begin,
                                       const std::vector<uint32_t>& slot) {
  std::vector<ChordVertex> v(chords.size() * 4);
  for (size_t i = 0; i < chords.size(); ++i) {
    const Chord& c = chords[i];
    const uint8_t curve = i >= curve_begin ? 255 : 0;
    for (uint8_t k = 0; k < 4; ++k)
      v[slot[i] * 4 + k] = ChordVertex{c.a.x, c.a.y, c.b.x, c.b.y,
                                       {static_cast<uint8_t>((k & 1) * 255), static_cast<uint8_t>((k >> 1) * 255), curve, 0}};
  }
  return v;
}

float chordMargin(const std::vector<Chord>& chords) {
  float m = 0;
  for (const Chord& c : chords) m = std::max({m, std::abs(c.b.x - c.a.x), std::abs(c.b.y - c.a.y)});
  return m * 0.5f + 4.0f;
}

// Attribute helpers: per-vertex (divisor 0) or per-instance (divisor 1).
void attrib(GLuint loc, GLint size, GLenum type, GLboolean norm, GLsizei stride, size_t offset, GLuint divisor = 0) {
  glEnableVertexAttribArray(loc);
  glVertexAttribPointer(loc, size, type, norm, stride, reinterpret_cast<const void*>(offset));
  glVertexAttribDivisor(loc, divisor);
}

float detailFor(float scale, float pixel_ratio) {
  const float header_px = scene::boxStyle().header_height * scale / std::max(0.25f, pixel_ratio);
  return std::clamp((header_px - 4.0f) / 6.0f, 0.0f, 1.0f);
}

}  // namespace

// [SECTION] TileGrid ------------------------------------------------------------------

void TileGrid::setup(const scene::Rect& bounds, size_t item_count) {
  // About 32 items per tile, at most 64k tiles.
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
  if (begin.empty() || begin.back() == 0) return;
  const float x0 = (v.x - margin - origin_x) / tile, x1 = (v.x + v.width + margin - origin_x) / tile;
  const float y0 = (v.y - margin - origin_y) / tile, y1 = (v.y + v.height + margin - origin_y) / tile;
  // Items are clamped into the border tiles, so the border tiles stand for everything beyond.
  if (x1 < 0 && cols > 1) return;
  if (y1 < 0 && rows > 1) return;
  const auto clampTo = [](float f, uint32_t n) {
    return static_cast<uint32_t>(std::clamp(std::floor(f), 0.0f, static_cast<float>(n - 1)));
  };
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
  if (runs.size() == 1 && runs.front().first == runs.front().second) runs.clear();
}

// [SECTION] Set-up: shaders, vertex arrays, warm-up -------------------------------------

GraphRenderer::~GraphRenderer() {
  freeOverview();
  if (overview_fbo_) glDeleteFramebuffers(1, &overview_fbo_);
  if (index_buf_) glDeleteBuffers(1, &index_buf_);
  GLuint vaos[] = {box_vao_, chord_vao_, curve_vao_, arrow_vao_, hl_vao_, hl_arrow_vao_, tile_vao_};
  for (GLuint v : vaos)
    if (v) glDeleteVertexArrays(1, &v);
}

Status GraphRenderer::init() {
  if (ready_) return {};
  using namespace shaders;
  if (Status s = box_prog_.build("graph_node", k_graph_node_vert, k_graph_node_frag); !s) return s;
  if (Status s = chord_prog_.build("graph_chord", k_graph_chord_vert, k_graph_edge_frag); !s) return s;
  if (Status s = curve_prog_.build("graph_edge", k_graph_edge_vert, k_graph_edge_frag); !s) return s;
  if (Status s = arrow_prog_.build("graph_arrow", k_graph_arrow_vert, k_graph_flat_frag); !s) return s;
  if (Status s = tile_prog_.build("graph_tile", k_graph_tile_vert, k_graph_tile_frag); !s) return s;
  GLuint* vaos[] = {&box_vao_, &chord_vao_, &curve_vao_, &arrow_vao_, &hl_vao_, &hl_arrow_vao_, &tile_vao_};
  for (GLuint* v : vaos) glGenVertexArrays(1, v);
  glGenFramebuffers(1, &overview_fbo_);
  ready_ = true;
  warmUp();
  return {};
}

// Software GL (SwiftShader) compiles a program for real on its first draw, which can
// take a few hundred milliseconds: draw each program once now, into one pixel that
// the next frame clears, so the first frame of a real graph does not pay for it.
void GraphRenderer::warmUp() {
  GlBuffer quad, state, chord, seg, arrow, index;
  BoxVertex bv[4];
  ChordVertex cv[4];
  for (uint8_t k = 0; k < 4; ++k) {
    bv[k] = BoxVertex{0, 0, 1, 1, {0, 0, 0, 0}, 0, {static_cast<uint8_t>((k & 1) * 255), static_cast<uint8_t>((k >> 1) * 255)}, {0, 0}};
    cv[k] = ChordVertex{0, 0, 1, 1, {static_cast<uint8_t>((k & 1) * 255), static_cast<uint8_t>((k >> 1) * 255), 0, 0}};
  }
  const uint8_t st[16] = {};
  const Segment sg{{0, 0, 0, 0, 1, 1, 1, 1}};
  const ArrowVertex av[3] = {{0, 0}, {1, 0}, {0, 1}};
  const uint32_t idx[6] = {0, 1, 2, 1, 3, 2};
  RenderView v;
  glViewport(0, 0, 1, 1);
  glEnable(GL_SCISSOR_TEST);
  glScissor(0, 0, 1, 1);

  setCommon(box_prog_, v);
  glBindVertexArray(box_vao_);
  quad.upload(bv, sizeof bv, GL_STATIC_DRAW);
  attrib(0, 4, GL_FLOAT, GL_FALSE, sizeof(BoxVertex), 0);
  attrib(1, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(BoxVertex), 16);
  attrib(2, 1, GL_FLOAT, GL_FALSE, sizeof(BoxVertex), 20);
  attrib(3, 2, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(BoxVertex), 24);
  state.upload(st, sizeof st, GL_STATIC_DRAW);
  attrib(4, 4, GL_UNSIGNED_BYTE, GL_TRUE, 4, 0);
  GLuint ib = 0;
  glGenBuffers(1, &ib);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, ib);
  glBufferData(GL_ELEMENT_ARRAY_BUFFER, sizeof idx, idx, GL_STATIC_DRAW);
  glDrawElements(GL_TRIANGLES, 6, GL_UNSIGNED_INT, nullptr);

  setCommon(chord_prog_, v);
  glBindVertexArray(chord_vao_);
  chord.upload(cv, sizeof cv, GL_STATIC_DRAW);
  attrib(0, 4, GL_FLOAT, GL_FALSE, sizeof(ChordVertex), 0);
  attrib(1, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(ChordVertex), 16);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, ib);
  glDrawElements(GL_TRIANGLES, 6, GL_UNSIGNED_INT, nullptr);

  setCommon(curve_prog_, v);
  glUniform1f(curve_prog_.uniform("u_segments"), 1.0f);
  glBindVertexArray(curve_vao_);
  seg.upload(&sg, sizeof sg, GL_STATIC_DRAW);
  attrib(0, 4, GL_FLOAT, GL_FALSE, sizeof(Segment), 0, 1);
  attrib(1, 4, GL_FLOAT, GL_FALSE, sizeof(Segment), 16, 1);
  glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, 1);

  setCommon(arrow_prog_, v);
  glBindVertexArray(arrow_vao_);
  arrow.upload(av, sizeof av, GL_STATIC_DRAW);
  attrib(0, 2, GL_FLOAT, GL_FALSE, sizeof(ArrowVertex), 0);
  glDrawArrays(GL_TRIANGLES, 0, 3);

  glBindVertexArray(0);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, 0);
  glDeleteBuffers(1, &ib);
  glDisable(GL_SCISSOR_TEST);
}

// [SECTION] Scene upload ----------------------------------------------------------------

void GraphRenderer::clearScene() {
  box_count_ = chord_count_ = curve_count_ = arrow_count_ = hl_count_ = hl_arrow_count_ = 0;
  slot_of_node_.clear();
  states_.clear();
  freeOverview();
}

void GraphRenderer::setScene(const scene::DisplayGraph& graph, const scene::SceneLayout& layout, float canvas_pixels,
                             const std::vector<uint32_t>* header_colors) {
  clearScene();
  if (!ready_) return;
  const scene::BoxStyle& st = scene::boxStyle();
  bounds_ = layout.bounds;
  const size_t n = std::min(graph.nodes.size(), layout.nodes.size());

  // Boxes, in tile order; one index buffer (4i + {0,1,2,1,3,2}) serves boxes and chords.
  float max_extent = 0;
  for (size_t i = 0; i < n; ++i) max_extent = std::max({max_extent, layout.nodes[i].width, layout.nodes[i].height});
  box_tiles_.setup(layout.bounds, n);
  box_tiles_.margin = max_extent * 0.5f + 8.0f;
  slot_of_node_ = tileOrder(box_tiles_, n, [&](size_t i) { return layout.nodeCenter(static_cast<uint32_t>(i)); });
  std::vector<BoxVertex> boxes(n * 4);
  for (size_t i = 0; i < n; ++i) {
    const scene::Rect& r = layout.nodes[i];
    const uint32_t c = header_colors && i < header_colors->size() && (*header_colors)[i] != scene::kNoOverlayColor
                           ? (*header_colors)[i]
                           : scene::headerColor(graph.nodes[i]);
    const float header = graph.nodes[i].rows.empty() ? 0.0f : st.header_height;
    for (uint8_t k = 0; k < 4; ++k)
      boxes[slot_of_node_[i] * 4 + k] =
          BoxVertex{r.x, r.y, r.width, r.height,
                    {static_cast<uint8_t>(c >> 16), static_cast<uint8_t>(c >> 8), static_cast<uint8_t>(c), 255}, header,
                    {static_cast<uint8_t>((k & 1) * 255), static_cast<uint8_t>((k >> 1) * 255)}, {0, 0}};
  }
  box_count_ = static_cast<uint32_t>(n);
  states_.assign(n, kStatePlain);
  const std::vector<uint8_t> zero_states(n * 16, 0);

  // Edges: straight chords, curves (with their chords for far zoom), arrowheads.
  std::vector<Chord> lines, curve_chords;
  std::vector<Segment> curves;
  std::vector<ArrowVertex> arrows;
  const float tile_hint =
      std::max(64.0f, std::sqrt(std::max(1.0f, layout.bounds.width * layout.bounds.height) /
                                std::max(1.0f, static_cast<float>(graph.edges.size()) * 2.0f / 32.0f)));
  for (size_t e = 0; e < layout.edges.size(); ++e) {
    const scene::EdgeGeometry& g = layout.edges[e];
    if (g.point_count < 4) continue;
    for (uint32_t k = 0; k + 3 < g.point_count; k += 3)
      splitCubic(&layout.points[g.first_point + k], tile_hint, 0, lines, curves, curve_chords);
    for (const scene::Point& p : g.arrow) arrows.push_back(ArrowVertex{p.x, p.y});
  }
  chord_tiles_.setup(layout.bounds, lines.size() + curve_chords.size());
  // Straight lines and curve chords share a buffer: lines first, then curve chords.
  // Sorting them together keeps one tile grid; each chord carries whether it is a curve's.
  std::vector<Chord> chords = lines;
  chords.insert(chords.end(), curve_chords.begin(), curve_chords.end());
  chord_tiles_.margin = chordMargin(chords);
  const auto chord_slot = tileOrder(chord_tiles_, chords.size(), [&](size_t i) { return lerp(chords[i].a, chords[i].b, 0.5f); });
  chord_count_ = static_cast<uint32_t>(chords.size());
  const auto chord_vertices = chordVertices(chords, lines.size(), chord_slot);

  curve_tiles_.setup(layout.bounds, curves.size());
  float curve_extent = 0;
  for (const Segment& s : curves)
    curve_extent = std::max({curve_extent, std::abs(s.p[6] - s.p[0]), std::abs(s.p[7] - s.p[1])});
  curve_tiles_.margin = curve_extent * 0.5f + 8.0f;
  const auto curve_slot = tileOrder(curve_tiles_, curves.size(), [&](size_t i) {
    return scene::Point{(curves[i].p[0] + curves[i].p[6]) * 0.5f, (curves[i].p[1] + curves[i].p[7]) * 0.5f};
  });
  std::vector<Segment> sorted_curves(curves.size());
  for (size_t i = 0; i < curves.size(); ++i) sorted_curves[curve_slot[i]] = curves[i];
  curve_count_ = static_cast<uint32_t>(curves.size());

  const size_t arrow_count = arrows.size() / 3;
  arrow_tiles_.setup(layout.bounds, arrow_count);
  arrow_tiles_.margin = st.arrow_length + 2.0f;
  const auto arrow_slot = tileOrder(arrow_tiles_, arrow_count, [&](size_t i) { return scene::Point{arrows[3 * i].x, arrows[3 * i].y}; });
  std::vector<ArrowVertex> sorted_arrows(arrows.size());
  for (size_t i = 0; i < arrow_count; ++i)
    for (int k = 0; k < 3; ++k) sorted_arrows[arrow_slot[i] * 3 + k] = arrows[3 * i + k];
  arrow_count_ = static_cast<uint32_t>(arrow_count);

  // Upload, and point each vertex array at its buffers once.
  const uint32_t quads = std::max<uint32_t>(box_count_, chord_count_);
  std::vector<uint32_t> indices(static_cast<size_t>(quads) * 6);
  for (uint32_t q = 0; q < quads; ++q) {
    const uint32_t b = q * 4;
    const uint32_t pattern[6] = {b, b + 1, b + 2, b + 1, b + 3, b + 2};
    std::copy(pattern, pattern + 6, &indices[static_cast<size_t>(q) * 6]);
  }
  glBindVertexArray(box_vao_);
  box_buf_.upload(boxes.data(), boxes.size() * sizeof(BoxVertex), GL_STATIC_DRAW);
  attrib(0, 4, GL_FLOAT, GL_FALSE, sizeof(BoxVertex), 0);
  attrib(1, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(BoxVertex), 16);
  attrib(2, 1, GL_FLOAT, GL_FALSE, sizeof(BoxVertex), 20);
  attrib(3, 2, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(BoxVertex), 24);
  box_state_buf_.upload(zero_states.data(), zero_states.size(), GL_DYNAMIC_DRAW);
  attrib(4, 4, GL_UNSIGNED_BYTE, GL_TRUE, 4, 0);
  if (!index_buf_) glGenBuffers(1, &index_buf_);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, index_buf_);  // recorded in box_vao_
  glBufferData(GL_ELEMENT_ARRAY_BUFFER, static_cast<GLsizeiptr>(indices.size() * sizeof(uint32_t)), indices.data(),
               GL_STATIC_DRAW);

  glBindVertexArray(chord_vao_);
  chord_buf_.upload(chord_vertices.data(), chord_vertices.size() * sizeof(ChordVertex), GL_STATIC_DRAW);
  attrib(0, 4, GL_FLOAT, GL_FALSE, sizeof(ChordVertex), 0);
  attrib(1, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(ChordVertex), 16);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, index_buf_);

  glBindVertexArray(curve_vao_);
  curve_buf_.upload(sorted_curves.data(), sorted_curves.size() * sizeof(Segment), GL_STATIC_DRAW);

  glBindVertexArray(arrow_vao_);
  arrow_buf_.upload(sorted_arrows.data(), sorted_arrows.size() * sizeof(ArrowVertex), GL_STATIC_DRAW);
  attrib(0, 2, GL_FLOAT, GL_FALSE, sizeof(ArrowVertex), 0);
  glBindVertexArray(0);

  // Overview levels: from "the whole graph in one 2048-pixel texture" up, doubling,
  // until the view at that scale holds few enough boxes to draw them one by one.
  if (box_count_ > kMaxGeometryBoxes && canvas_pixels > 0) {
    const double area = std::max(1.0, static_cast<double>(bounds_.width) * bounds_.height);
    const double geometry_scale = std::sqrt(box_count_ / area * canvas_pixels / kMaxGeometryBoxes);
    double s = std::min(2048.0 / std::max(1.0f, bounds_.width), 2048.0 / std::max(1.0f, bounds_.height));
    double pixels = 0;
    constexpr int kTile = 1024;
    constexpr double kMaxPixels = 24e6;
    for (int level = 0; level < 12; ++level) {
      const double w = std::ceil(bounds_.width * s), h = std::ceil(bounds_.height * s);
      if (pixels + w * h > kMaxPixels) break;
      pixels += w * h;
      OverviewLevel L;
      L.scale = static_cast<float>(s);
      const int cols = static_cast<int>(std::ceil(w / kTile)), rows = static_cast<int>(std::ceil(h / kTile));
      for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
          OverviewTile t;
          t.width = static_cast<int>(std::min<double>(kTile, w - c * kTile));
          t.height = static_cast<int>(std::min<double>(kTile, h - r * kTile));
          t.rect = scene::Rect{bounds_.x + static_cast<float>(c * kTile / s), bounds_.y + static_cast<float>(r * kTile / s),
                               static_cast<float>(t.width / s), static_cast<float>(t.height / s)};
          L.tiles.push_back(t);
        }
      overview_.push_back(std::move(L));
      if (s >= geometry_scale) break;
      s *= 2.0;
    }
  }
}

// [SECTION] Highlight state ---------------------------------------------------------------

void GraphRenderer::setNodeStates(const std::vector<uint8_t>& by_node) {
  if (by_node.size() != states_.size() || box_count_ == 0) return;
  std::vector<uint32_t> changed;
  for (uint32_t i = 0; i < by_node.size(); ++i)
    if (by_node[i] != states_[i]) changed.push_back(i);
  if (changed.empty()) return;
  states_ = by_node;
  if (changed.size() > 256) {
    std::vector<uint8_t> all(states_.size() * 16, 0);
    for (uint32_t i = 0; i < states_.size(); ++i)
      for (int k = 0; k < 4; ++k) all[slot_of_node_[i] * 16 + k * 4] = states_[i];
    box_state_buf_.update(0, all.data(), all.size());
  } else {
    for (uint32_t i : changed) {
      uint8_t v[16] = {};
      for (int k = 0; k < 4; ++k) v[k * 4] = states_[i];
      box_state_buf_.update(static_cast<size_t>(slot_of_node_[i]) * 16, v, sizeof v);
    }
  }
}

void GraphRenderer::setHighlightedEdges(const std::vector<uint32_t>& edges, const scene::SceneLayout& layout) {
  std::vector<Segment> segs;
  std::vector<ArrowVertex> arrows;
  for (uint32_t e : edges) {
    if (e >= layout.edges.size()) continue;
    const scene::EdgeGeometry& g = layout.edges[e];
    if (g.point_count < 4) continue;
    for (uint32_t k = 0; k + 3 < g.point_count; k += 3) {
      const scene::Point* p = &layout.points[g.first_point + k];
      segs.push_back(Segment{{p[0].x, p[0].y, p[1].x, p[1].y, p[2].x, p[2].y, p[3].x, p[3].y}});
    }
    for (const scene::Point& p : g.arrow) arrows.push_back(ArrowVertex{p.x, p.y});
  }
  hl_count_ = static_cast<uint32_t>(segs.size());
  hl_arrow_count_ = static_cast<uint32_t>(arrows.size() / 3);
  if (!segs.empty()) hl_buf_.upload(segs.data(), segs.size() * sizeof(Segment), GL_DYNAMIC_DRAW);
  if (!arrows.empty()) {
    glBindVertexArray(hl_arrow_vao_);
    hl_arrow_buf_.upload(arrows.data(), arrows.size() * sizeof(ArrowVertex), GL_DYNAMIC_DRAW);
    attrib(0, 2, GL_FLOAT, GL_FALSE, sizeof(ArrowVertex), 0);
    glBindVertexArray(0);
  }
}

// [SECTION] Overview (pre-rendered tiles) -------------------------------------------------

void GraphRenderer::freeOverview() {
  for (OverviewLevel& L : overview_)
    for (OverviewTile& t : L.tiles)
      if (t.texture) glDeleteTextures(1, &t.texture);
  overview_.clear();
}

bool GraphRenderer::overviewComplete() const {
  for (const OverviewLevel& L : overview_)
    if (L.built < L.tiles.size()) return false;
  return true;
}

bool GraphRenderer::buildOverview(const RenderStyle& style, int max_tiles) {
  if (!ready_ || overview_.empty()) return true;
  if (!(style == overview_style_)) {  // the look changed (theme): start over
    for (OverviewLevel& L : overview_) L.built = 0;
    overview_style_ = style;
  }
  int rendered = 0;
  for (OverviewLevel& L : overview_) {
    while (L.built < L.tiles.size()) {
      if (rendered++ >= max_tiles) return false;
      OverviewTile& t = L.tiles[L.built];
      if (!t.texture) {
        glGenTextures(1, &t.texture);
        glBindTexture(GL_TEXTURE_2D, t.texture);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, t.width, t.height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
      }
      glBindFramebuffer(GL_FRAMEBUFFER, overview_fbo_);
      glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, t.texture, 0);
      glViewport(0, 0, t.width, t.height);
      glDisable(GL_SCISSOR_TEST);
      glClearColor(0, 0, 0, 0);
      glClear(GL_COLOR_BUFFER_BIT);
      RenderView v;
      v.origin_x = t.rect.x;
      v.origin_y = t.rect.y;
      v.scale = L.scale;
      v.width = t.width;
      v.height = t.height;
      RenderStyle s = style;
      s.detail = detailFor(L.scale, style.pixel_ratio);
      s.overview = false;
      s.states = false;
      drawGeometry(v, s, true, true, true);
      // No glGet* to restore the binding (it would wait for the GPU): outside ImGui's
      // render pass the default framebuffer is the one in use.
      glBindFramebuffer(GL_FRAMEBUFFER, 0);
      ++L.built;
    }
  }
  return true;
}

// [SECTION] Drawing -----------------------------------------------------------------------

void GraphRenderer::setCommon(const GlProgram& p, const RenderView& v) {
  p.use();
  glUniform2f(p.uniform("u_origin"), v.origin_x, v.origin_y);
  glUniform1f(p.uniform("u_scale"), v.scale);
  glUniform2f(p.uniform("u_viewport"), static_cast<float>(v.width), static_cast<float>(v.height));
}

void GraphRenderer::drawCurves(const RenderView& v, GLuint vao, const GlBuffer& buf, uint32_t first, uint32_t count,
                               uint32_t color, float half_width, float segments) {
  if (count == 0) return;
  setCommon(curve_prog_, v);
  setColor(curve_prog_.uniform("u_color"), color);
  glUniform1f(curve_prog_.uniform("u_half_width"), half_width);
  glUniform1f(curve_prog_.uniform("u_segments"), segments);
  glBindVertexArray(vao);
  buf.bind();
  attrib(0, 4, GL_FLOAT, GL_FALSE, sizeof(Segment), first * sizeof(Segment), 1);
  attrib(1, 4, GL_FLOAT, GL_FALSE, sizeof(Segment), first * sizeof(Segment) + 16, 1);
  glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, static_cast<GLsizei>(2 * (segments + 1)), static_cast<GLsizei>(count));
  stats_.segments += count;
  ++stats_.draw_calls;
}

void GraphRenderer::drawBoxes(const RenderView& v, const RenderStyle& s,
                              const std::vector<std::pair<uint32_t, uint32_t>>& runs) {
  const scene::BoxStyle& st = scene::boxStyle();
  setCommon(box_prog_, v);
  glUniform1f(box_prog_.uniform("u_pad"), 4.0f);
  glUniform1f(box_prog_.uniform("u_radius"), st.corner_radius * v.scale);
  glUniform1f(box_prog_.uniform("u_detail"), s.detail);
  glUniform1f(box_prog_.uniform("u_use_state"), s.states ? 1.0f : 0.0f);
  setColor(box_prog_.uniform("u_body"), s.body);
  setColor(box_prog_.uniform("u_border"), s.border);
  setColor(box_prog_.uniform("u_select"), s.highlight);
  setColor(box_prog_.uniform("u_neighbor"), s.neighbor);
  setColor(box_prog_.uniform("u_match"), s.match);
  glBindVertexArray(box_vao_);
  for (const auto& [b, e] : runs) {
    if (e <= b) continue;
    glDrawElements(GL_TRIANGLES, static_cast<GLsizei>((e - b) * 6), GL_UNSIGNED_INT,
                   reinterpret_cast<const void*>(static_cast<size_t>(b) * 6 * sizeof(uint32_t)));
    stats_.boxes += e - b;
    ++stats_.draw_calls;
  }
}

// Edges and boxes as geometry. Far away edges are chords (one per cubic); close up
// the few visible curves are drawn as curves.
void GraphRenderer::drawGeometry(const RenderView& v, const RenderStyle& s, bool boxes, bool edges, bool arrows) {
  const scene::BoxStyle& st = scene::boxStyle();
  const scene::Rect view{v.origin_x, v.origin_y, v.width / v.scale, v.height / v.scale};
  const float zoom = v.scale / std::max(0.25f, s.pixel_ratio);
  const float half_width = 0.5f * std::clamp(zoom, 0.6f, 1.8f) * s.pixel_ratio;
  const float chords = std::clamp(std::round(v.scale * 40.0f / 6.0f), 1.0f, 12.0f);
  if (edges && s.edges) {
    curve_tiles_.visibleRuns(view, runs_);
    uint32_t visible_curves = 0;
    for (const auto& r : runs_) visible_curves += r.second - r.first;
    // Curves for real when they are a few and large enough to look bent.
    const bool true_curves = chords >= 3.0f && visible_curves <= 4000;
    if (true_curves)
      for (const auto& [b, e] : runs_) drawCurves(v, curve_vao_, curve_buf_, b, e - b, s.edge, half_width, chords);
    setCommon(chord_prog_, v);
    setColor(chord_prog_.uniform("u_color"), s.edge);
    glUniform1f(chord_prog_.uniform("u_half_width"), half_width);
    // Straight lines and curves' chords share the buffer; the chords of curves just
    // drawn as curves are dropped in the vertex shader.
    glUniform1f(chord_prog_.uniform("u_hide_curves"), true_curves ? 1.0f : 0.0f);
    glBindVertexArray(chord_vao_);
    chord_tiles_.visibleRuns(view, runs_);
    for (const auto& [b, e] : runs_) {
      if (e <= b) continue;
      glDrawElements(GL_TRIANGLES, static_cast<GLsizei>((e - b) * 6), GL_UNSIGNED_INT,
                     reinterpret_cast<const void*>(static_cast<size_t>(b) * 6 * sizeof(uint32_t)));
      stats_.segments += e - b;
      ++stats_.draw_calls;
    }
  }
  if (arrows && s.arrows && v.scale * st.arrow_length >= 2.5f && arrow_count_) {
    setCommon(arrow_prog_, v);
    setColor(arrow_prog_.uniform("u_color"), s.edge);
    glBindVertexArray(arrow_vao_);
    arrow_tiles_.visibleRuns(view, runs_);
    for (const auto& [b, e] : runs_) {
      if (e <= b) continue;
      glDrawArrays(GL_TRIANGLES, static_cast<GLint>(b * 3), static_cast<GLsizei>((e - b) * 3));
      stats_.arrows += e - b;
      ++stats_.draw_calls;
    }
  }
  if (boxes) {
    box_tiles_.visibleRuns(view, runs_);
    drawBoxes(v, s, runs_);
  }
}

void GraphRenderer::drawHighlights(const RenderView& v, const RenderStyle& s, float half_width, float chords) {
  if (hl_count_ == 0) return;
  drawCurves(v, hl_vao_, hl_buf_, 0, hl_count_, s.highlight, std::max(half_width * 1.8f, 1.0f * s.pixel_ratio),
             std::max(chords, 4.0f));
  if (hl_arrow_count_ && v.scale * scene::boxStyle().arrow_length >= 2.5f) {
    setCommon(arrow_prog_, v);
    setColor(arrow_prog_.uniform("u_color"), s.highlight);
    glBindVertexArray(hl_arrow_vao_);
    glDrawArrays(GL_TRIANGLES, 0, static_cast<GLsizei>(hl_arrow_count_ * 3));
    ++stats_.draw_calls;
  }
}

void GraphRenderer::draw(const RenderView& v, const RenderStyle& s) {
  stats_ = FrameStats{};
  if (!ready_ || box_count_ == 0) return;
  glViewport(v.x, v.y, v.width, v.height);
  glEnable(GL_SCISSOR_TEST);
  glScissor(v.x, v.y, v.width, v.height);
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_CULL_FACE);
  const scene::Rect view{v.origin_x, v.origin_y, v.width / v.scale, v.height / v.scale};
  const float zoom = v.scale / std::max(0.25f, s.pixel_ratio);
  const float half_width = 0.5f * std::clamp(zoom, 0.6f, 1.8f) * s.pixel_ratio;
  const float chords = std::clamp(std::round(v.scale * 40.0f / 6.0f), 1.0f, 12.0f);

  // Too many boxes in view: the sharpest complete overview level that is not much
  // coarser than the view (at most 2x magnified), if there is one.
  box_tiles_.visibleRuns(view, runs_);
  uint32_t visible_boxes = 0;
  for (const auto& r : runs_) visible_boxes += r.second - r.first;
  int level = -1;
  if (s.overview && visible_boxes > kMaxGeometryBoxes) {
    for (int i = 0; i < static_cast<int>(overview_.size()); ++i) {
      const OverviewLevel& L = overview_[static_cast<size_t>(i)];
      if (L.built < L.tiles.size() || L.scale < v.scale * 0.5f) continue;
      level = i;
      if (L.scale >= v.scale * 0.95f) break;
    }
  }
  if (level >= 0) {
    stats_.overview_level = level;
    glBlendFuncSeparate(GL_ONE, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);  // premultiplied tiles
    setCommon(tile_prog_, v);
    glUniform1i(tile_prog_.uniform("u_texture"), 0);
    glActiveTexture(GL_TEXTURE0);
    glBindVertexArray(tile_vao_);
    glDisableVertexAttribArray(0);
    for (const OverviewTile& t : overview_[static_cast<size_t>(level)].tiles) {
      if (t.rect.x > view.x + view.width || t.rect.x + t.rect.width < view.x || t.rect.y > view.y + view.height ||
          t.rect.y + t.rect.height < view.y)
        continue;
      glBindTexture(GL_TEXTURE_2D, t.texture);
      glVertexAttrib4f(0, t.rect.x, t.rect.y, t.rect.width, t.rect.height);
      glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
      ++stats_.tiles;
      ++stats_.draw_calls;
    }
    glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
    drawHighlights(v, s, half_width, chords);
    // Highlighted boxes over the picture: they are few, find them by state.
    runs_.clear();
    for (uint32_t i = 0; i < states_.size(); ++i)
      if (states_[i] != kStatePlain) runs_.emplace_back(slot_of_node_[i], slot_of_node_[i] + 1);
    if (!runs_.empty() && runs_.size() <= 4096) drawBoxes(v, s, runs_);
  } else {
    drawGeometry(v, s, false, true, true);
    drawHighlights(v, s, half_width, chords);
    box_tiles_.visibleRuns(view, runs_);
    drawBoxes(v, s, runs_);
  }
  glBindVertexArray(0);
}

}  // namespace nf::app
