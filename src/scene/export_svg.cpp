#include <algorithm>
#include <cstdio>
#include <sstream>

#include "scene/exports.h"
#include "scene/grouped_scene.h"
#include "scene/overlay.h"

namespace nf::scene {

namespace {

// Fixed-precision coordinates: short output, identical on every run and platform.
using Num = SvgNumber;

void headerPath(std::ostream& out, const Rect& r, float header_h, float rad, bool full) {
  // Rounded top corners; square bottom when rows follow (the body continues below).
  const float x = r.x, y = r.y, w = r.width, h = full ? r.height : header_h;
  out << "M" << Num(x) << "," << Num(y + h - (full ? rad : 0)) << "V" << Num(y + rad) << "Q" << Num(x) << ","
      << Num(y) << " " << Num(x + rad) << "," << Num(y) << "H" << Num(x + w - rad) << "Q" << Num(x + w) << ","
      << Num(y) << " " << Num(x + w) << "," << Num(y + rad) << "V" << Num(y + h - (full ? rad : 0));
  if (full) {
    out << "Q" << Num(x + w) << "," << Num(y + h) << " " << Num(x + w - rad) << "," << Num(y + h) << "H"
        << Num(x + rad) << "Q" << Num(x) << "," << Num(y + h) << " " << Num(x) << "," << Num(y + h - rad);
  } else {
    out << "H" << Num(x);
  }
  out << "Z";
}

}  // namespace

std::string cssColor(uint32_t rgb) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%06x", rgb & 0xFFFFFFu);
  return buf;
}

std::string escapeXml(std::string_view text) {
  const std::string clean = cleanText(text, text.size() + 1);
  std::string out;
  out.reserve(clean.size() + 8);
  for (char c : clean) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

// The <svg> element and the shared style sheet.
void svgOpen(std::ostream& out, const Rect& bounds, const Overlay* overlay) {
  const BoxStyle& st = boxStyle();
  const Palette& pal = lightPalette();
  float w = std::max(1.0f, bounds.width), h = std::max(1.0f, bounds.height);
  if (overlay) {
    w = std::max(w, legendGeometry(overlay->legend, 0, h).bounds.width);
    h += kLegendHeight;
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << Num(w) << "\" height=\"" << Num(h)
      << "\" viewBox=\"0 0 " << Num(w) << " " << Num(h) << "\" font-family=\"DejaVu Sans, Verdana, sans-serif\">\n";
  out << "<style>\n"
      << ".e{fill:none;stroke:" << cssColor(pal.edge) << ";stroke-width:1}\n"
      << ".a{fill:" << cssColor(pal.edge) << "}\n"
      << ".l{font-size:" << Num(st.label_font) << "px;fill:" << cssColor(pal.edge_label) << "}\n"
      << ".b{fill:" << cssColor(pal.node_body) << "}\n"
      << ".o{fill:none;stroke:" << cssColor(pal.node_border) << ";stroke-width:1}\n"
      << ".h{font-size:" << Num(st.header_font) << "px;font-weight:bold}\n"
      << ".r{font-size:" << Num(st.body_font) << "px;fill:" << cssColor(pal.body_text) << "}\n"
      << ".d{fill:" << cssColor(pal.dim_text) << "}\n"
      << ".ft{font-size:" << Num(st.body_font) << "px;font-weight:bold;fill:" << cssColor(pal.body_text) << "}\n";
  // The categories ONNX ops take (those after Other are the builder's: never in a graph).
  for (int c = 0; c <= static_cast<int>(OpCategory::Other); ++c) {
    const auto cat = static_cast<OpCategory>(c);
    out << ".c-" << categoryName(cat) << "{fill:" << cssColor(categoryStyle(cat).header) << "}\n"
        << ".t-" << categoryName(cat) << "{fill:" << cssColor(categoryStyle(cat).header_text) << "}\n";
  }
  out << "</style>\n";
  out << "<rect width=\"100%\" height=\"100%\" fill=\"" << cssColor(pal.background) << "\"/>\n";
}

// Edges, arrowheads, labels, then boxes: everything of a laid-out display graph.
void svgGraph(std::ostream& out, const DisplayGraph& graph, const SceneLayout& scene, const SvgOptions& options) {
  const BoxStyle& st = boxStyle();
  // Edges under boxes, arrowheads and labels over edges.
  out << "<g class=\"edges\">\n";
  for (size_t i = 0; i < scene.edges.size(); ++i) {
    const EdgeGeometry& e = scene.edges[i];
    if (e.point_count < 4) continue;
    const Point* p = &scene.points[e.first_point];
    out << "<path class=\"e\" d=\"M" << Num(p[0].x) << "," << Num(p[0].y);
    for (uint32_t k = 1; k + 2 < e.point_count; k += 3)
      out << "C" << Num(p[k].x) << "," << Num(p[k].y) << " " << Num(p[k + 1].x) << "," << Num(p[k + 1].y) << " "
          << Num(p[k + 2].x) << "," << Num(p[k + 2].y);
    out << "\"/>\n";
  }
  out << "</g>\n<g class=\"arrows\">\n";
  for (const EdgeGeometry& e : scene.edges) {
    if (e.point_count < 4) continue;
    out << "<path class=\"a\" d=\"M" << Num(e.arrow[0].x) << "," << Num(e.arrow[0].y) << "L" << Num(e.arrow[1].x)
        << "," << Num(e.arrow[1].y) << "L" << Num(e.arrow[2].x) << "," << Num(e.arrow[2].y) << "Z\"/>\n";
  }
  out << "</g>\n";
  if (options.edge_labels) {
    out << "<g class=\"labels\">\n";
    for (size_t i = 0; i < scene.edges.size(); ++i) {
      const EdgeGeometry& e = scene.edges[i];
      if (!e.label_shown) continue;
      out << "<text class=\"l\" x=\"" << Num(e.label.x) << "\" y=\"" << Num(e.label.y + e.label.height * 0.78f) << "\">"
          << escapeXml(graph.edges[i].label) << "</text>\n";
    }
    out << "</g>\n";
  }

  out << "<g class=\"nodes\">\n";
  for (size_t i = 0; i < graph.nodes.size() && i < scene.nodes.size(); ++i) {
    const DisplayNode& n = graph.nodes[i];
    const Rect& r = scene.nodes[i];
    const char* cat = categoryName(n.category);
    // Closed groups: the header in their repeat class's colour, dark text.
    const bool group = n.kind == NodeKind::Group;
    out << "<g id=\"n" << i << "\" class=\"node " << nodeKindName(n.kind) << "\">";
    if (options.node_titles && !n.name.empty()) out << "<title>" << escapeXml(n.name) << "</title>";
    const bool full = n.rows.empty();
    if (!full)
      out << "<rect class=\"b\" x=\"" << Num(r.x) << "\" y=\"" << Num(r.y) << "\" width=\"" << Num(r.width)
          << "\" height=\"" << Num(r.height) << "\" rx=\"" << Num(st.corner_radius) << "\"/>";
    const bool tinted = options.overlay && i < options.overlay->node_header.size() &&
                        options.overlay->node_header[i] != kNoOverlayColor;
    if (tinted) out << "<path fill=\"" << cssColor(options.overlay->node_header[i]) << "\" d=\"";
    else if (group) out << "<path fill=\"" << cssColor(repeatClassColor(n.repeat_class)) << "\" d=\"";
    else out << "<path class=\"c-" << cat << "\" d=\"";
    headerPath(out, r, st.header_height, st.corner_radius, full);
    out << "\"/>";
    out << "<rect class=\"o\" x=\"" << Num(r.x) << "\" y=\"" << Num(r.y) << "\" width=\"" << Num(r.width)
        << "\" height=\"" << Num(r.height) << "\" rx=\"" << Num(st.corner_radius) << "\"/>";
    if (tinted) out << "<text class=\"h\" fill=\"" << cssColor(options.overlay->node_text[i]) << "\"";
    else if (group) out << "<text class=\"h\" fill=\"" << cssColor(lightPalette().body_text) << "\"";
    else out << "<text class=\"h t-" << cat << "\"";
    out << " x=\"" << Num(r.x + st.pad_x) << "\" y=\""
        << Num(r.y + st.header_height * 0.5f + BoxStyle::baselineBelowCenter(st.header_font)) << "\">" << escapeXml(n.title) << "</text>";
    for (size_t k = 0; k < n.rows.size(); ++k) {
      const BoxRow& row = n.rows[k];
      const float y = r.y + st.rowCenter(k) + BoxStyle::baselineBelowCenter(st.body_font);
      out << "<text class=\"r" << (row.kind == RowKind::Name ? " d" : "") << "\" x=\"" << Num(r.x + st.pad_x)
          << "\" y=\"" << Num(y) << "\">" << escapeXml(row.text);
      if (!row.detail.empty()) out << " <tspan class=\"d\">" << escapeXml(row.detail) << "</tspan>";
      out << "</text>";
    }
    out << "</g>\n";
  }
  out << "</g>\n";
}

// The overlay's legend in a band below the graph (what svgOpen made room for).
void svgLegend(std::ostream& out, const Overlay& overlay, const Rect& bounds) {
  const BoxStyle& st = boxStyle();
  const LegendGeometry g = legendGeometry(overlay.legend, 0, std::max(1.0f, bounds.height));
  out << "<g class=\"legend\">\n<text class=\"ft\" x=\"" << Num(g.title.x) << "\" y=\"" << Num(g.title.y) << "\">"
      << escapeXml(overlay.legend.title) << "</text>\n";
  for (size_t i = 0; i < g.items.size(); ++i) {
    const LegendItemBox& b = g.items[i];
    const LegendEntry& e = overlay.legend.entries[i];
    out << "<rect x=\"" << Num(b.swatch.x) << "\" y=\"" << Num(b.swatch.y) << "\" width=\"" << Num(b.swatch.width)
        << "\" height=\"" << Num(b.swatch.height) << "\" fill=\"" << cssColor(e.color)
        << "\" stroke=\"#6b6b6b\" stroke-width=\"0.5\"/><text class=\"l\" x=\"" << Num(b.label.x) << "\" y=\""
        << Num(b.label.y) << "\" font-size=\"" << Num(st.label_font) << "\">" << escapeXml(e.label) << "</text>\n";
  }
  out << "</g>\n";
}

}  // namespace

void writeSvg(std::ostream& out, const DisplayGraph& graph, const SceneLayout& scene, const SvgOptions& options) {
  svgOpen(out, scene.bounds, options.overlay);
  svgGraph(out, graph, scene, options);
  if (options.overlay) svgLegend(out, *options.overlay, scene.bounds);
  out << "</svg>\n";
}

void writeSvg(std::ostream& out, const GroupedScene& scene, const SvgOptions& options) {
  const BoxStyle& st = boxStyle();
  const FrameLook& look = frameLook();
  svgOpen(out, scene.layout.bounds, options.overlay);
  // Frames first (pre-order: parents under their children), each a tinted rounded
  // rectangle with a stronger title band.
  out << "<g class=\"frames\">\n";
  for (size_t f = 0; f < scene.frames.size(); ++f) {
    const GroupFrame& fr = scene.frames[f];
    const Rect& r = fr.rect;
    const bool tinted = options.overlay && f < options.overlay->frame_color.size();
    const uint32_t c = tinted ? options.overlay->frame_color[f] : repeatClassColor(fr.repeat_class);
    out << "<g id=\"f" << f << "\" class=\"frame\">";
    if (options.node_titles) out << "<title>" << escapeXml(fr.title) << "</title>";
    out << "<rect x=\"" << Num(r.x) << "\" y=\"" << Num(r.y) << "\" width=\"" << Num(r.width) << "\" height=\""
        << Num(r.height) << "\" rx=\"" << Num(look.corner_radius) << "\" fill=\"" << cssColor(c) << "\" fill-opacity=\""
        << Num(look.fill_opacity) << "\" stroke=\"" << cssColor(shadeColor(c, look.border_shade))
        << "\" stroke-opacity=\"" << Num(look.border_opacity) << "\" stroke-width=\"1\"/>";
    out << "<path fill=\"" << cssColor(c) << "\" fill-opacity=\"" << Num(look.band_opacity) << "\" d=\"";
    headerPath(out, r, fr.title_height, look.corner_radius, false);
    out << "\"/>";
    out << "<text class=\"ft\" x=\"" << Num(r.x + st.pad_x) << "\" y=\""
        << Num(r.y + fr.title_height * 0.5f + BoxStyle::baselineBelowCenter(st.body_font)) << "\">"
        << escapeXml(fr.title) << "</text></g>\n";
  }
  out << "</g>\n";
  svgGraph(out, scene.graph, scene.layout, options);
  if (options.overlay) svgLegend(out, *options.overlay, scene.layout.bounds);
  out << "</svg>\n";
}

std::string toSvg(const DisplayGraph& graph, const SceneLayout& scene, const SvgOptions& options) {
  std::ostringstream s;
  writeSvg(s, graph, scene, options);
  return s.str();
}

SvgNumber::SvgNumber(float v) {
  if (v > -0.005f && v < 0.005f) v = 0.0f;  // no "-0.00"
  std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(v));
  // Trim trailing zeros ("12.50" -> "12.5", "3.00" -> "3").
  char* end = buf;
  while (*end) ++end;
  while (end > buf && end[-1] == '0') *--end = 0;
  if (end > buf && end[-1] == '.') *--end = 0;
}

std::ostream& operator<<(std::ostream& o, const SvgNumber& n) { return o << n.buf; }

}  // namespace nf::scene
