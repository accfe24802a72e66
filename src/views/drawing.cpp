#include "views/drawing.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <sstream>

#include "scene/categories.h"
#include "scene/exports.h"
#include "scene/raster.h"
#include "scene/text_metrics.h"

namespace nf::views {

// [SECTION] Building ---------------------------------------------------------------

void Drawing::polygon(std::vector<Point> pts, uint32_t fill, uint32_t stroke, float stroke_width, float fill_opacity) {
  Shape s;
  s.kind = ShapeKind::Polygon;
  s.points = std::move(pts);
  s.fill = fill;
  s.fill_opacity = fill_opacity;
  s.stroke = stroke;
  s.stroke_width = stroke_width;
  shapes.push_back(std::move(s));
}

void Drawing::polyline(std::vector<Point> pts, uint32_t stroke, float width, float opacity) {
  Shape s;
  s.kind = ShapeKind::Polyline;
  s.points = std::move(pts);
  s.stroke = stroke;
  s.stroke_width = width;
  s.stroke_opacity = opacity;
  shapes.push_back(std::move(s));
}

void Drawing::rect(const Rect& r, uint32_t fill, uint32_t stroke, float stroke_width, float fill_opacity) {
  polygon({{r.x, r.y}, {r.x + r.width, r.y}, {r.x + r.width, r.y + r.height}, {r.x, r.y + r.height}}, fill, stroke,
          stroke_width, fill_opacity);
}

void Drawing::circle(Point c, float r, uint32_t fill, uint32_t stroke, float stroke_width) {
  Shape s;
  s.kind = ShapeKind::Circle;
  s.points = {c};
  s.radius = r;
  s.fill = fill;
  s.fill_opacity = 1.0f;
  s.stroke = stroke;
  s.stroke_width = stroke_width;
  shapes.push_back(std::move(s));
}

void Drawing::text(Point baseline, std::string str, float size, uint32_t color, TextAnchor anchor, bool bold) {
  Shape s;
  s.kind = ShapeKind::Text;
  s.points = {baseline};
  s.text = scene::cleanText(str, 512);
  s.font_size = size;
  s.fill = color;
  s.fill_opacity = 1.0f;
  s.anchor = anchor;
  s.bold = bold;
  shapes.push_back(std::move(s));
}

void Drawing::beginGroup(std::string cls, std::vector<std::pair<std::string, std::string>> data) {
  Shape s;
  s.kind = ShapeKind::GroupBegin;
  s.group_class = std::move(cls);
  s.data = std::move(data);
  shapes.push_back(std::move(s));
}

void Drawing::endGroup() {
  Shape s;
  s.kind = ShapeKind::GroupEnd;
  shapes.push_back(std::move(s));
}

float textWidth(const std::string& s, float size, bool bold) {
  return scene::defaultMetrics().width(s, size, bold ? scene::FontStyle::Bold : scene::FontStyle::Regular);
}

namespace {
// The horizontal extent of a text shape: [left, right].
std::pair<float, float> textSpan(const Shape& s) {
  const float w = textWidth(s.text, s.font_size, s.bold);
  const float x = s.points[0].x;
  if (s.anchor == TextAnchor::Middle) return {x - w * 0.5f, x + w * 0.5f};
  if (s.anchor == TextAnchor::End) return {x - w, x};
  return {x, x + w};
}
}  // namespace

namespace {
// Grows [x0, y0, x1, y1] by a shape's extent (text measured with DejaVu metrics).
void addExtent(const Shape& s, float* box) {
  auto add = [&](float ax, float ay, float bx, float by) {
    box[0] = std::min(box[0], ax), box[1] = std::min(box[1], ay), box[2] = std::max(box[2], bx),
    box[3] = std::max(box[3], by);
  };
  const float half = s.stroke_width * 0.5f;
  switch (s.kind) {
    case ShapeKind::Polygon:
    case ShapeKind::Polyline:
      for (const Point& p : s.points) add(p.x - half, p.y - half, p.x + half, p.y + half);
      break;
    case ShapeKind::Circle:
      add(s.points[0].x - s.radius - half, s.points[0].y - s.radius - half, s.points[0].x + s.radius + half,
          s.points[0].y + s.radius + half);
      break;
    case ShapeKind::Text: {
      const auto [l, r] = textSpan(s);
      add(l, s.points[0].y - s.font_size * 0.95f, r, s.points[0].y + s.font_size * 0.25f);
      break;
    }
    default: break;
  }
}
constexpr float kEmpty[4] = {std::numeric_limits<float>::max(), std::numeric_limits<float>::max(),
                             -std::numeric_limits<float>::max(), -std::numeric_limits<float>::max()};
}  // namespace

void Drawing::finish() {
  float box[4] = {kEmpty[0], kEmpty[1], kEmpty[2], kEmpty[3]};
  for (const Shape& s : shapes) addExtent(s, box);
  if (box[0] > box[2]) box[0] = box[1] = box[2] = box[3] = 0.0f;
  bounds = Rect{box[0], box[1], box[2] - box[0], box[3] - box[1]};
}

const PictureLook& pictureLook(bool dark) {
  static const PictureLook light{scene::lightPalette().background, 0x303030, 0x606060, 0x8C8C8C, 0xFFFFFF, 0xB0B0B0};
  static const PictureLook night{scene::darkPalette().background, scene::darkPalette().body_text,
                                 scene::darkPalette().dim_text, 0x7A808C, 0x2A2D33, 0x5C6270};
  return dark ? night : light;
}

std::vector<Hotspot> layerHotspots(const Drawing& d) {
  std::vector<Hotspot> out;
  // Open groups that name a layer: (index into out, extent); nested groups count for
  // every group that holds them.
  std::vector<std::pair<int64_t, std::array<float, 4>>> open;
  for (const Shape& s : d.shapes) {
    if (s.kind == ShapeKind::GroupBegin) {
      int64_t slot = -1;
      for (const auto& [key, value] : s.data) {
        if (key != "layer") continue;
        char* end = nullptr;
        const unsigned long v = std::strtoul(value.c_str(), &end, 10);
        if (end && *end == '\0' && !value.empty()) {
          slot = static_cast<int64_t>(out.size());
          out.push_back(Hotspot{Rect{}, static_cast<uint32_t>(v), s.group_class});
        }
      }
      open.push_back({slot, {kEmpty[0], kEmpty[1], kEmpty[2], kEmpty[3]}});
    } else if (s.kind == ShapeKind::GroupEnd) {
      if (open.empty()) continue;
      const auto [slot, box] = open.back();
      open.pop_back();
      if (slot >= 0 && box[0] <= box[2])
        out[static_cast<size_t>(slot)].rect = Rect{box[0], box[1], box[2] - box[0], box[3] - box[1]};
      if (!open.empty()) {
        auto& outer = open.back().second;
        outer[0] = std::min(outer[0], box[0]), outer[1] = std::min(outer[1], box[1]);
        outer[2] = std::max(outer[2], box[2]), outer[3] = std::max(outer[3], box[3]);
      }
    } else if (!open.empty()) {
      addExtent(s, open.back().second.data());
    }
  }
  out.erase(std::remove_if(out.begin(), out.end(), [](const Hotspot& h) { return h.rect.width <= 0 && h.rect.height <= 0; }),
            out.end());
  return out;
}

const Hotspot* hotspotAt(const std::vector<Hotspot>& spots, Point p) {
  for (auto it = spots.rbegin(); it != spots.rend(); ++it)
    if (p.x >= it->rect.x && p.x <= it->rect.x + it->rect.width && p.y >= it->rect.y &&
        p.y <= it->rect.y + it->rect.height)
      return &*it;
  return nullptr;
}

size_t Drawing::groupCount(const std::string& cls) const {
  size_t n = 0;
  for (const Shape& s : shapes) n += s.kind == ShapeKind::GroupBegin && s.group_class == cls;
  return n;
}

Rect canvasRect(const Drawing& d, const ExportOptions& o) {
  Rect r{d.bounds.x - o.margin, d.bounds.y - o.margin, d.bounds.width + 2 * o.margin, d.bounds.height + 2 * o.margin};
  if (o.fit_16_9) {
    const float want_w = r.height * 16.0f / 9.0f;
    if (r.width < want_w) {
      r.x -= (want_w - r.width) * 0.5f;
      r.width = want_w;
    } else {
      const float want_h = r.width * 9.0f / 16.0f;
      r.y -= (want_h - r.height) * 0.5f;
      r.height = want_h;
    }
  }
  return r;
}

// [SECTION] SVG --------------------------------------------------------------------

namespace {
using Num = scene::SvgNumber;

void points(std::ostream& out, const std::vector<Point>& pts, float dx, float dy) {
  for (size_t i = 0; i < pts.size(); ++i) out << (i ? " " : "") << Num(pts[i].x - dx) << "," << Num(pts[i].y - dy);
}

void paint(std::ostream& out, const Shape& s) {
  if (s.fill_opacity > 0) {
    out << " fill=\"" << scene::cssColor(s.fill) << "\"";
    if (s.fill_opacity < 1) out << " fill-opacity=\"" << Num(s.fill_opacity) << "\"";
  } else {
    out << " fill=\"none\"";
  }
  if (s.stroke_width > 0) {
    out << " stroke=\"" << scene::cssColor(s.stroke) << "\" stroke-width=\"" << Num(s.stroke_width) << "\"";
    if (s.stroke_opacity < 1) out << " stroke-opacity=\"" << Num(s.stroke_opacity) << "\"";
  }
}
}  // namespace

std::string toSvg(const Drawing& d, const ExportOptions& o) {
  const Rect c = canvasRect(d, o);
  const float k = o.scale > 0 ? o.scale : 1.0f;
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" data-netforge-view=\"" << scene::escapeXml(d.view)
      << "\" width=\"" << Num(c.width * k) << "\" height=\"" << Num(c.height * k) << "\" viewBox=\"0 0 "
      << Num(c.width) << " " << Num(c.height) << "\" font-family=\"DejaVu Sans, Verdana, sans-serif\">\n";
  if (!o.transparent)
    out << "<rect width=\"" << Num(c.width) << "\" height=\"" << Num(c.height) << "\" fill=\""
        << scene::cssColor(d.background) << "\"/>\n";
  int depth = 0;
  for (const Shape& s : d.shapes) {
    switch (s.kind) {
      case ShapeKind::GroupBegin:
        out << "<g class=\"" << scene::escapeXml(s.group_class) << "\"";
        for (const auto& [key, value] : s.data) out << " data-" << key << "=\"" << scene::escapeXml(value) << "\"";
        out << ">\n";
        ++depth;
        break;
      case ShapeKind::GroupEnd:
        if (depth > 0) out << "</g>\n", --depth;
        break;
      case ShapeKind::Polygon:
        out << "<polygon points=\"";
        points(out, s.points, c.x, c.y);
        out << "\"";
        paint(out, s);
        out << " stroke-linejoin=\"round\"/>\n";
        break;
      case ShapeKind::Polyline:
        out << "<polyline points=\"";
        points(out, s.points, c.x, c.y);
        out << "\"";
        paint(out, s);
        out << " stroke-linecap=\"round\" stroke-linejoin=\"round\"/>\n";
        break;
      case ShapeKind::Circle:
        out << "<circle cx=\"" << Num(s.points[0].x - c.x) << "\" cy=\"" << Num(s.points[0].y - c.y) << "\" r=\""
            << Num(s.radius) << "\"";
        paint(out, s);
        out << "/>\n";
        break;
      case ShapeKind::Text:
        out << "<text x=\"" << Num(s.points[0].x - c.x) << "\" y=\"" << Num(s.points[0].y - c.y)
            << "\" font-size=\"" << Num(s.font_size) << "\" fill=\"" << scene::cssColor(s.fill) << "\"";
        if (s.bold) out << " font-weight=\"bold\"";
        if (s.anchor == TextAnchor::Middle) out << " text-anchor=\"middle\"";
        if (s.anchor == TextAnchor::End) out << " text-anchor=\"end\"";
        out << ">" << scene::escapeXml(s.text) << "</text>\n";
        break;
    }
  }
  while (depth-- > 0) out << "</g>\n";
  out << "</svg>\n";
  return out.str();
}

// [SECTION] Raster -----------------------------------------------------------------

namespace {

class RgbaCanvas {
 public:
  RgbaCanvas(uint32_t w, uint32_t h, uint32_t background, bool transparent)
      : w_(w), h_(h), px_(static_cast<size_t>(w) * h * 4, 0) {
    if (transparent) return;
    for (size_t i = 0; i < px_.size(); i += 4) {
      px_[i] = (background >> 16) & 0xFF, px_[i + 1] = (background >> 8) & 0xFF, px_[i + 2] = background & 0xFF;
      px_[i + 3] = 255;
    }
  }

  // "Source over" with straight alpha.
  void blend(int x, int y, uint32_t rgb, float a) {
    if (a <= 0.0f || x < 0 || y < 0 || x >= static_cast<int>(w_) || y >= static_cast<int>(h_)) return;
    a = std::min(a, 1.0f);
    uint8_t* p = &px_[(static_cast<size_t>(y) * w_ + static_cast<size_t>(x)) * 4];
    const float da = p[3] / 255.0f, oa = a + da * (1.0f - a);
    const float src[3] = {static_cast<float>((rgb >> 16) & 0xFF), static_cast<float>((rgb >> 8) & 0xFF),
                          static_cast<float>(rgb & 0xFF)};
    for (int i = 0; i < 3; ++i) p[i] = static_cast<uint8_t>((src[i] * a + p[i] * da * (1.0f - a)) / oa + 0.5f);
    p[3] = static_cast<uint8_t>(oa * 255.0f + 0.5f);
  }

  // Pixel bounding box of [x0, x1] x [y0, y1] grown by pad, clipped to the canvas.
  bool box(float x0, float y0, float x1, float y1, float pad, int* bx0, int* by0, int* bx1, int* by1) const {
    *bx0 = std::max(0, static_cast<int>(std::floor(x0 - pad)));
    *by0 = std::max(0, static_cast<int>(std::floor(y0 - pad)));
    *bx1 = std::min(static_cast<int>(w_) - 1, static_cast<int>(std::ceil(x1 + pad)));
    *by1 = std::min(static_cast<int>(h_) - 1, static_cast<int>(std::ceil(y1 + pad)));
    return *bx0 <= *bx1 && *by0 <= *by1;
  }

  // Convex polygon: coverage from the largest signed edge distance (AA over one pixel);
  // with stroke > 0 a band of that width around the border instead.
  void convex(const std::vector<Point>& p, uint32_t rgb, float opacity, float stroke) {
    if (p.size() < 3) return;
    float area = 0, x0 = p[0].x, y0 = p[0].y, x1 = x0, y1 = y0;
    for (size_t i = 0; i < p.size(); ++i) {
      const Point& a = p[i];
      const Point& b = p[(i + 1) % p.size()];
      area += a.x * b.y - b.x * a.y;
      x0 = std::min(x0, a.x), y0 = std::min(y0, a.y), x1 = std::max(x1, a.x), y1 = std::max(y1, a.y);
    }
    if (std::abs(area) < 1e-6f) return;
    const float sgn = area > 0 ? 1.0f : -1.0f;
    int bx0, by0, bx1, by1;
    if (!box(x0, y0, x1, y1, stroke + 2.0f, &bx0, &by0, &bx1, &by1)) return;
    for (int iy = by0; iy <= by1; ++iy)
      for (int ix = bx0; ix <= bx1; ++ix) {
        const float px = ix + 0.5f, py = iy + 0.5f;
        float d = -std::numeric_limits<float>::max();
        for (size_t i = 0; i < p.size(); ++i) {
          const Point& a = p[i];
          const Point& b = p[(i + 1) % p.size()];
          const float ex = b.x - a.x, ey = b.y - a.y, len = std::hypot(ex, ey);
          if (len <= 0) continue;
          d = std::max(d, sgn * ((px - a.x) * ey - (py - a.y) * ex) / len);
        }
        const float cov = stroke > 0 ? std::clamp(stroke * 0.5f + 0.5f - std::abs(d), 0.0f, 1.0f)
                                     : std::clamp(0.5f - d, 0.0f, 1.0f);
        blend(ix, iy, rgb, cov * opacity);
      }
  }

  void segment(Point a, Point b, float width, uint32_t rgb, float opacity, bool shared_ends) {
    int bx0, by0, bx1, by1;
    if (!box(std::min(a.x, b.x), std::min(a.y, b.y), std::max(a.x, b.x), std::max(a.y, b.y), width * 0.5f + 1.0f,
             &bx0, &by0, &bx1, &by1))
      return;
    for (int iy = by0; iy <= by1; ++iy)
      for (int ix = bx0; ix <= bx1; ++ix) {
        bool at_end = false;
        const float cov = scene::segmentCoverage(ix + 0.5f, iy + 0.5f, a, b, width, &at_end);
        blend(ix, iy, rgb, ((shared_ends && at_end) ? cov * 0.5f : cov) * opacity);
      }
  }

  void disc(Point c, float r, uint32_t rgb, float opacity, float stroke) {
    int bx0, by0, bx1, by1;
    if (!box(c.x - r, c.y - r, c.x + r, c.y + r, stroke + 1.5f, &bx0, &by0, &bx1, &by1)) return;
    for (int iy = by0; iy <= by1; ++iy)
      for (int ix = bx0; ix <= bx1; ++ix) {
        const float d = std::hypot(ix + 0.5f - c.x, iy + 0.5f - c.y) - r;
        const float cov = stroke > 0 ? std::clamp(stroke * 0.5f + 0.5f - std::abs(d), 0.0f, 1.0f)
                                     : std::clamp(0.5f - d, 0.0f, 1.0f);
        blend(ix, iy, rgb, cov * opacity);
      }
  }

  void text(std::string_view s, float x, float baseline, float size, bool bold, uint32_t rgb) {
    const float k = size / scene::glyphBitmapEm();
    const int ss = std::clamp(static_cast<int>(std::ceil(1.0f / k)), 1, 4);
    float pen = x;
    for (size_t pos = 0; pos < s.size();) {
      const uint32_t cp = scene::decodeUtf8(s, &pos);
      scene::GlyphBitmap g;
      if (!scene::glyphBitmap(cp, bold, &g)) continue;
      const float gx = pen + g.x * k, gy = baseline + g.y * k;
      const int x0 = static_cast<int>(std::floor(gx)), y0 = static_cast<int>(std::floor(gy));
      const int x1 = static_cast<int>(std::ceil(gx + g.w * k)), y1 = static_cast<int>(std::ceil(gy + g.h * k));
      for (int iy = y0; iy < y1; ++iy)
        for (int ix = x0; ix < x1; ++ix) {
          float sum = 0.0f;
          for (int sy = 0; sy < ss; ++sy)
            for (int sx = 0; sx < ss; ++sx) {
              const float u = (ix + (sx + 0.5f) / ss - gx) / k, v = (iy + (sy + 0.5f) / ss - gy) / k;
              const int iu = static_cast<int>(std::floor(u)), iv = static_cast<int>(std::floor(v));
              if (iu >= 0 && iv >= 0 && iu < g.w && iv < g.h) {
                const char c = g.pixels[iv * g.w + iu];
                sum += static_cast<float>(c <= '9' ? c - '0' : c - 'a' + 10) / 15.0f;
              }
            }
          blend(ix, iy, rgb, sum / static_cast<float>(ss * ss));
        }
      pen += g.advance * k;
    }
  }

  std::vector<uint8_t>& pixels() { return px_; }

 private:
  uint32_t w_, h_;
  std::vector<uint8_t> px_;
};

}  // namespace

RgbaImage rasterize(const Drawing& d, const ExportOptions& o) {
  const Rect c = canvasRect(d, o);
  float k = o.scale > 0 ? o.scale : 1.0f;
  const double pixels = static_cast<double>(c.width) * c.height * k * k;
  if (pixels > static_cast<double>(o.max_pixels)) k = static_cast<float>(k * std::sqrt(o.max_pixels / pixels));
  RgbaImage img;
  img.scale = k;
  img.width = std::max<uint32_t>(1, static_cast<uint32_t>(std::ceil(c.width * k)));
  img.height = std::max<uint32_t>(1, static_cast<uint32_t>(std::ceil(c.height * k)));
  RgbaCanvas cv(img.width, img.height, d.background, o.transparent);
  auto P = [&](Point p) { return Point{(p.x - c.x) * k, (p.y - c.y) * k}; };
  for (const Shape& s : d.shapes) {
    switch (s.kind) {
      case ShapeKind::Polygon: {
        std::vector<Point> pts;
        for (const Point& p : s.points) pts.push_back(P(p));
        if (s.fill_opacity > 0) cv.convex(pts, s.fill, s.fill_opacity, 0.0f);
        if (s.stroke_width > 0) cv.convex(pts, s.stroke, s.stroke_opacity, std::max(0.5f, s.stroke_width * k));
        break;
      }
      case ShapeKind::Polyline:
        for (size_t i = 0; i + 1 < s.points.size(); ++i)
          cv.segment(P(s.points[i]), P(s.points[i + 1]), std::max(0.5f, s.stroke_width * k), s.stroke,
                     s.stroke_opacity, s.points.size() > 2);
        break;
      case ShapeKind::Circle:
        if (s.fill_opacity > 0) cv.disc(P(s.points[0]), s.radius * k, s.fill, s.fill_opacity, 0.0f);
        if (s.stroke_width > 0)
          cv.disc(P(s.points[0]), s.radius * k, s.stroke, s.stroke_opacity, std::max(0.5f, s.stroke_width * k));
        break;
      case ShapeKind::Text: {
        if (s.font_size * k < 4.0f) break;
        const auto [l, r] = textSpan(s);
        (void)r;
        const Point p = P(Point{l, s.points[0].y});
        cv.text(s.text, p.x, p.y, s.font_size * k, s.bold, s.fill);
        break;
      }
      default: break;
    }
  }
  img.rgba = std::move(cv.pixels());
  return img;
}

}  // namespace nf::views
