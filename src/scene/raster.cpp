#include "scene/raster.h"
#include "scene/overlay.h"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "scene/text_metrics.h"

namespace nf::scene {

namespace {

struct BitmapGlyph {
  uint32_t cp;
  int16_t x, y;  // top-left of the bitmap relative to the pen on the baseline
  int16_t w, h;
  float advance;  // at kBitmapEm
  uint32_t offset;  // into the pixel string
};

#include "scene/font_bitmap_data.inc"

template <size_t N>
const BitmapGlyph* findGlyph(const BitmapGlyph (&table)[N], uint32_t cp) {
  auto it = std::lower_bound(std::begin(table), std::end(table), cp,
                             [](const BitmapGlyph& g, uint32_t c) { return g.cp < c; });
  if (it != std::end(table) && it->cp == cp) return &*it;
  return nullptr;
}

struct Color {
  float r, g, b;
};
Color rgbOf(uint32_t c) {
  return Color{static_cast<float>((c >> 16) & 0xFF), static_cast<float>((c >> 8) & 0xFF),
               static_cast<float>(c & 0xFF)};
}

float hexValue(char c) {
  return static_cast<float>(c <= '9' ? c - '0' : c - 'a' + 10) / 15.0f;
}

class Canvas {
 public:
  Canvas(uint32_t w, uint32_t h, uint32_t background) : w_(w), h_(h), px_(static_cast<size_t>(w) * h * 3) {
    const Color bg = rgbOf(background);
    for (size_t i = 0; i < px_.size(); i += 3) {
      px_[i] = static_cast<uint8_t>(bg.r);
      px_[i + 1] = static_cast<uint8_t>(bg.g);
      px_[i + 2] = static_cast<uint8_t>(bg.b);
    }
  }

  void blend(int x, int y, const Color& c, float a) {
    if (a <= 0.0f || x < 0 || y < 0 || x >= static_cast<int>(w_) || y >= static_cast<int>(h_)) return;
    a = std::min(a, 1.0f);
    uint8_t* p = &px_[(static_cast<size_t>(y) * w_ + static_cast<size_t>(x)) * 3];
    p[0] = static_cast<uint8_t>(p[0] + (c.r - p[0]) * a + 0.5f);
    p[1] = static_cast<uint8_t>(p[1] + (c.g - p[1]) * a + 0.5f);
    p[2] = static_cast<uint8_t>(p[2] + (c.b - p[2]) * a + 0.5f);
  }

  // Signed distance to a rounded rectangle (radius rt above its middle, rb below).
  static float roundRectDistance(float px, float py, float x, float y, float w, float h, float rt, float rb) {
    const float cx = x + w * 0.5f, cy = y + h * 0.5f;
    const float r = std::min({py < cy ? rt : rb, w * 0.5f, h * 0.5f});
    const float qx = std::abs(px - cx) - (w * 0.5f - r), qy = std::abs(py - cy) - (h * 0.5f - r);
    const float ox = std::max(qx, 0.0f), oy = std::max(qy, 0.0f);
    return std::sqrt(ox * ox + oy * oy) + std::min(std::max(qx, qy), 0.0f) - r;
  }

  // Fill (stroke <= 0) or outline (stroke = line width) of a rounded rectangle.
  void roundRect(float x, float y, float w, float h, float rt, float rb, const Color& c, float stroke,
                 float opacity = 1.0f) {
    const float pad = std::max(stroke, 1.0f) + 1.0f;
    const int x0 = std::max(0, static_cast<int>(std::floor(x - pad)));
    const int y0 = std::max(0, static_cast<int>(std::floor(y - pad)));
    const int x1 = std::min(static_cast<int>(w_) - 1, static_cast<int>(std::ceil(x + w + pad)));
    const int y1 = std::min(static_cast<int>(h_) - 1, static_cast<int>(std::ceil(y + h + pad)));
    for (int iy = y0; iy <= y1; ++iy)
      for (int ix = x0; ix <= x1; ++ix) {
        const float d = roundRectDistance(ix + 0.5f, iy + 0.5f, x, y, w, h, rt, rb);
        const float a = stroke > 0 ? std::clamp(stroke * 0.5f + 0.5f - std::abs(d), 0.0f, 1.0f)
                                   : std::clamp(0.5f - d, 0.0f, 1.0f);
        blend(ix, iy, c, a * opacity);
      }
  }

  void line(Point a, Point b, float width, const Color& c) {
    const float pad = width * 0.5f + 1.0f;
    const int x0 = std::max(0, static_cast<int>(std::floor(std::min(a.x, b.x) - pad)));
    const int y0 = std::max(0, static_cast<int>(std::floor(std::min(a.y, b.y) - pad)));
    const int x1 = std::min(static_cast<int>(w_) - 1, static_cast<int>(std::ceil(std::max(a.x, b.x) + pad)));
    const int y1 = std::min(static_cast<int>(h_) - 1, static_cast<int>(std::ceil(std::max(a.y, b.y) + pad)));
    for (int iy = y0; iy <= y1; ++iy)
      for (int ix = x0; ix <= x1; ++ix) {
        bool at_end = false;
        const float cov = segmentCoverage(ix + 0.5f, iy + 0.5f, a, b, width, &at_end);
        blend(ix, iy, c, at_end ? cov * 0.5f : cov);
      }
  }

  void triangle(Point a, Point b, Point c, const Color& col) {
    const int x0 = std::max(0, static_cast<int>(std::floor(std::min({a.x, b.x, c.x}) - 1)));
    const int y0 = std::max(0, static_cast<int>(std::floor(std::min({a.y, b.y, c.y}) - 1)));
    const int x1 = std::min(static_cast<int>(w_) - 1, static_cast<int>(std::ceil(std::max({a.x, b.x, c.x}) + 1)));
    const int y1 = std::min(static_cast<int>(h_) - 1, static_cast<int>(std::ceil(std::max({a.y, b.y, c.y}) + 1)));
    const float area = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
    if (std::abs(area) < 1e-6f) return;
    const float s = area > 0 ? 1.0f : -1.0f;
    auto edge = [&](Point p, Point q, float x, float y) {
      const float ex = q.x - p.x, ey = q.y - p.y, len = std::hypot(ex, ey);
      return s * ((x - p.x) * ey - (y - p.y) * ex) / (len > 0 ? len : 1.0f);  // distance, positive outside
    };
    for (int iy = y0; iy <= y1; ++iy)
      for (int ix = x0; ix <= x1; ++ix) {
        const float px = ix + 0.5f, py = iy + 0.5f;
        const float d = std::max({edge(a, b, px, py), edge(b, c, px, py), edge(c, a, px, py)});
        blend(ix, iy, col, std::clamp(0.5f - d, 0.0f, 1.0f));
      }
  }

  // Draws clean UTF-8 text with its pen starting at (x, baseline); size = em in pixels.
  void text(std::string_view s, float x, float baseline, float size, bool bold, const Color& c) {
    const float k = size / kBitmapEm;
    const int ss = std::clamp(static_cast<int>(std::ceil(1.0f / k)), 1, 4);
    float pen = x;
    for (size_t pos = 0; pos < s.size();) {
      const uint32_t cp = decodeUtf8(s, &pos);
      const BitmapGlyph* g = bold ? findGlyph(kBoldGlyphs, cp) : findGlyph(kRegularGlyphs, cp);
      if (!g) g = bold ? findGlyph(kBoldGlyphs, 0xFFFD) : findGlyph(kRegularGlyphs, 0xFFFD);
      if (!g) continue;
      const char* pixels = bold ? kBoldPixels : kRegularPixels;
      const float gx = pen + g->x * k, gy = baseline + g->y * k;
      const int x0 = static_cast<int>(std::floor(gx)), y0 = static_cast<int>(std::floor(gy));
      const int x1 = static_cast<int>(std::ceil(gx + g->w * k)), y1 = static_cast<int>(std::ceil(gy + g->h * k));
      for (int iy = y0; iy < y1; ++iy)
        for (int ix = x0; ix < x1; ++ix) {
          float sum = 0.0f;
          for (int sy = 0; sy < ss; ++sy)
            for (int sx = 0; sx < ss; ++sx) {
              const float u = (ix + (sx + 0.5f) / ss - gx) / k, v = (iy + (sy + 0.5f) / ss - gy) / k;
              const int iu = static_cast<int>(std::floor(u)), iv = static_cast<int>(std::floor(v));
              if (iu >= 0 && iv >= 0 && iu < g->w && iv < g->h) sum += hexValue(pixels[g->offset + iv * g->w + iu]);
            }
          blend(ix, iy, c, sum / static_cast<float>(ss * ss));
        }
      pen += g->advance * k;
    }
  }

  uint32_t width() const { return w_; }
  uint32_t height() const { return h_; }
  std::vector<uint8_t>& pixels() { return px_; }

 private:
  uint32_t w_, h_;
  std::vector<uint8_t> px_;
};

// The legend with its top-left corner at (x, y) scene units.
void drawLegend(Canvas& cv, const Legend& legend, float x, float y, float scale, bool text) {
  const BoxStyle& st = boxStyle();
  const Palette& pal = lightPalette();
  const LegendGeometry g = legendGeometry(legend, x, y);
  const Color text_c = rgbOf(pal.body_text), border_c = rgbOf(pal.node_border);
  if (text) cv.text(legend.title, g.title.x * scale, g.title.y * scale, st.body_font * scale, true, text_c);
  for (size_t k = 0; k < g.items.size() && k < legend.entries.size(); ++k) {
    const Rect& sr = g.items[k].swatch;
    cv.roundRect(sr.x * scale, sr.y * scale, sr.width * scale, sr.height * scale, 0, 0, rgbOf(legend.entries[k].color), 0);
    cv.roundRect(sr.x * scale, sr.y * scale, sr.width * scale, sr.height * scale, 0, 0, border_c,
                 std::max(0.5f, 0.5f * scale));
    if (text)
      cv.text(legend.entries[k].label, g.items[k].label.x * scale, g.items[k].label.y * scale, st.label_font * scale,
              false, text_c);
  }
}

}  // namespace

RasterImage rasterizeLegend(const Legend& legend, float scale) {
  if (!(scale > 0 && scale <= 16)) scale = 1.0f;
  const LegendGeometry g = legendGeometry(legend, 0, 0);
  RasterImage img;
  img.scale = scale;
  img.width = std::max<uint32_t>(1, static_cast<uint32_t>(std::ceil(g.bounds.width * scale)));
  img.height = std::max<uint32_t>(1, static_cast<uint32_t>(std::ceil(g.bounds.height * scale)));
  Canvas cv(img.width, img.height, lightPalette().background);
  img.text = boxStyle().label_font * scale >= 5.0f;
  drawLegend(cv, legend, 0, 0, scale, img.text);
  img.rgb = std::move(cv.pixels());
  return img;
}

RasterImage rasterizeScene(const DisplayGraph& graph, const SceneLayout& scene, const RasterOptions& options,
                           const std::vector<GroupFrame>* frames) {
  const BoxStyle& st = boxStyle();
  const Palette& pal = lightPalette();
  float scale = options.scale > 0 ? options.scale : 1.0f;
  const Overlay* overlay = options.overlay;
  const float legend_w = overlay ? legendGeometry(overlay->legend, 0, 0).bounds.width : 0.0f;
  const double sw = std::max(scene.bounds.width, legend_w) + 2 * options.margin,
               sh = scene.bounds.height + (overlay ? kLegendHeight : 0.0f) + 2 * options.margin;
  const double pixels = sw * sh * scale * scale;
  if (pixels > static_cast<double>(options.max_pixels))
    scale = static_cast<float>(scale * std::sqrt(static_cast<double>(options.max_pixels) / pixels));
  RasterImage img;
  img.scale = scale;
  img.width = std::max<uint32_t>(1, static_cast<uint32_t>(std::ceil(sw * scale)));
  img.height = std::max<uint32_t>(1, static_cast<uint32_t>(std::ceil(sh * scale)));
  Canvas cv(img.width, img.height, pal.background);
  const float m = options.margin;
  auto P = [&](Point p) { return Point{(p.x + m) * scale, (p.y + m) * scale}; };
  img.text = st.body_font * scale >= 5.0f;
  const float line_w = std::max(0.6f, 1.0f * scale);

  // Group frames (parents first, so nested tints add up), the look of the SVG's.
  const FrameLook& look = frameLook();
  const std::vector<GroupFrame> no_frames;
  const std::vector<GroupFrame>& frame_list = frames ? *frames : no_frames;
  for (size_t fi = 0; fi < frame_list.size(); ++fi) {
    const GroupFrame& f = frame_list[fi];
    const uint32_t c = overlay && fi < overlay->frame_color.size() ? overlay->frame_color[fi] : repeatClassColor(f.repeat_class);
    const Color hue = rgbOf(c), edge = rgbOf(shadeColor(c, look.border_shade));
    const Point tl = P(Point{f.rect.x, f.rect.y});
    const float w = f.rect.width * scale, h = f.rect.height * scale, band = f.title_height * scale;
    const float r = look.corner_radius * scale;
    cv.roundRect(tl.x, tl.y, w, h, r, r, hue, 0, look.fill_opacity);
    cv.roundRect(tl.x, tl.y, w, band, r, 0, hue, 0, look.band_opacity);
    cv.roundRect(tl.x, tl.y, w, h, r, r, edge, line_w, look.border_opacity);
    if (img.text)
      cv.text(f.title, tl.x + st.pad_x * scale, tl.y + band * 0.5f + BoxStyle::baselineBelowCenter(st.body_font) * scale,
              st.body_font * scale, true, rgbOf(pal.body_text));
  }

  // Edges: each cubic flattened into chords about 4 pixels long.
  const Color edge_c = rgbOf(pal.edge);
  for (const EdgeGeometry& e : scene.edges) {
    if (e.point_count < 4) continue;
    for (uint32_t k = 0; k + 3 < e.point_count; k += 3) {
      const Point* q = &scene.points[e.first_point + k];
      const float len = (std::hypot(q[1].x - q[0].x, q[1].y - q[0].y) + std::hypot(q[2].x - q[1].x, q[2].y - q[1].y) +
                         std::hypot(q[3].x - q[2].x, q[3].y - q[2].y)) * scale;
      const int pieces = std::clamp(static_cast<int>(len / 4.0f), 1, 64);
      Point prev = P(q[0]);
      for (int i = 1; i <= pieces; ++i) {
        const float t = static_cast<float>(i) / pieces, u = 1 - t;
        const Point b{u * u * u * q[0].x + 3 * u * u * t * q[1].x + 3 * u * t * t * q[2].x + t * t * t * q[3].x,
                      u * u * u * q[0].y + 3 * u * u * t * q[1].y + 3 * u * t * t * q[2].y + t * t * t * q[3].y};
        const Point cur = P(b);
        cv.line(prev, cur, line_w, edge_c);
        prev = cur;
      }
    }
    cv.triangle(P(e.arrow[0]), P(e.arrow[1]), P(e.arrow[2]), edge_c);
  }
  if (img.text) {
    const Color label_c = rgbOf(pal.edge_label);
    for (size_t i = 0; i < scene.edges.size(); ++i) {
      const EdgeGeometry& e = scene.edges[i];
      if (!e.label_shown) continue;
      const Point p = P(Point{e.label.x, e.label.y + e.label.height * 0.78f});
      cv.text(graph.edges[i].label, p.x, p.y, st.label_font * scale, false, label_c);
    }
  }

  // Boxes: body, header band, border, then text.
  const Color body_c = rgbOf(pal.node_body), border_c = rgbOf(pal.node_border);
  const Color text_c = rgbOf(pal.body_text), dim_c = rgbOf(pal.dim_text);
  const float rad = st.corner_radius * scale;
  for (size_t i = 0; i < graph.nodes.size() && i < scene.nodes.size(); ++i) {
    const DisplayNode& n = graph.nodes[i];
    const Rect& r = scene.nodes[i];
    const Point tl = P(Point{r.x, r.y});
    const float w = r.width * scale, h = r.height * scale;
    const bool tinted = overlay && i < overlay->node_header.size() && overlay->node_header[i] != kNoOverlayColor;
    const uint32_t header = tinted ? overlay->node_header[i] : headerColor(n);
    if (n.rows.empty()) {
      cv.roundRect(tl.x, tl.y, w, h, rad, rad, rgbOf(header), 0);
    } else {
      cv.roundRect(tl.x, tl.y, w, h, rad, rad, body_c, 0);
      cv.roundRect(tl.x, tl.y, w, st.header_height * scale, rad, 0, rgbOf(header), 0);
    }
    cv.roundRect(tl.x, tl.y, w, h, rad, rad, border_c, line_w);
    if (!img.text) continue;
    const float pad = st.pad_x * scale;
    cv.text(n.title, tl.x + pad,
            tl.y + (st.header_height * 0.5f + BoxStyle::baselineBelowCenter(st.header_font)) * scale,
            st.header_font * scale, true, rgbOf(tinted ? overlay->node_text[i] : headerTextColor(n)));
    for (size_t k = 0; k < n.rows.size(); ++k) {
      const BoxRow& row = n.rows[k];
      const float base = tl.y + (st.rowCenter(k) + BoxStyle::baselineBelowCenter(st.body_font)) * scale;
      cv.text(row.text, tl.x + pad, base, st.body_font * scale, false, row.kind == RowKind::Name ? dim_c : text_c);
      if (!row.detail.empty()) {
        const float tw = defaultMetrics().width(row.text + " ", st.body_font, FontStyle::Regular) * scale;
        cv.text(row.detail, tl.x + pad + tw, base, st.body_font * scale, false, dim_c);
      }
    }
  }
  // The legend in the band below the graph, as the SVG draws it.
  if (overlay) drawLegend(cv, overlay->legend, m, scene.bounds.height + m, scale, img.text);
  img.rgb = std::move(cv.pixels());
  return img;
}

float glyphBitmapEm() { return static_cast<float>(kBitmapEm); }

bool glyphBitmap(uint32_t cp, bool bold, GlyphBitmap* out) {
  const BitmapGlyph* g = bold ? findGlyph(kBoldGlyphs, cp) : findGlyph(kRegularGlyphs, cp);
  if (!g) g = bold ? findGlyph(kBoldGlyphs, 0xFFFD) : findGlyph(kRegularGlyphs, 0xFFFD);
  if (!g) return false;
  out->x = g->x;
  out->y = g->y;
  out->w = g->w;
  out->h = g->h;
  out->advance = g->advance;
  out->pixels = (bold ? kBoldPixels : kRegularPixels) + g->offset;
  return true;
}

float segmentCoverage(float px, float py, layout::Point a, layout::Point b, float width, bool* at_end) {
  const float vx = b.x - a.x, vy = b.y - a.y, len2 = vx * vx + vy * vy;
  float t = len2 > 0 ? ((px - a.x) * vx + (py - a.y) * vy) / len2 : 0.0f;
  t = std::clamp(t, 0.0f, 1.0f);
  *at_end = t <= 0.0f || t >= 1.0f;
  const float d = std::hypot(px - (a.x + t * vx), py - (a.y + t * vy));
  return std::clamp(width * 0.5f + 0.5f - d, 0.0f, 1.0f);
}

}  // namespace nf::scene
