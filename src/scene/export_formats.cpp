// DOT, GraphML and JSON exporters (see exports.h).
#include <cstdio>

#include "base/strings.h"
#include "scene/exports.h"

namespace nf::scene {

namespace {

std::string fixed(double v, int decimals = 2) {
  if (v > -0.005 && v < 0.005) v = 0.0;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// A DOT quoted string: backslash and quote escaped; clean text has no newlines.
std::string dotQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : cleanText(s, s.size() + 1)) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::string jsonString(std::string_view s) { return "\"" + escapeJson(cleanText(s, s.size() + 1)) + "\""; }

const char* directionName(layout::Direction d) { return d == layout::Direction::LeftToRight ? "LR" : "TB"; }

std::string rowText(const BoxRow& r) { return r.detail.empty() ? r.text : r.text + " " + r.detail; }

std::string opType(const ir::Model& model, const DisplayGraph& graph, const DisplayNode& n) {
  if (n.kind != NodeKind::Op || !n.graph.valid() || n.graph.index >= model.graphs.size()) return {};
  return model.graph(n.graph).node(n.op).op_type;
}

}  // namespace

std::string edgeTensorName(const ir::Model& model, const DisplayEdge& e) {
  if (!e.graph.valid() || e.graph.index >= model.graphs.size()) return {};
  const ir::Graph& g = model.graph(e.graph);
  if (!e.value.valid() || e.value.index >= g.values.size()) return {};
  return cleanText(g.value(e.value).name);
}

void writeDot(std::ostream& out, const ir::Model& model, const DisplayGraph& graph, const SceneLayout* scene,
              const DotOptions& options) {
  const BoxStyle& st = boxStyle();
  const std::string name = graph.graph.index < model.graphs.size() ? model.graph(graph.graph).name : "";
  out << "digraph " << dotQuote(name.empty() ? "graph" : name) << " {\n";
  out << "  graph [rankdir=" << (scene ? directionName(scene->direction) : "TB") << ", nodesep=0.33, ranksep=0.55];\n";
  out << "  node [shape=box, style=\"rounded,filled\", fixedsize=true, fontname=\"DejaVu Sans\", fontsize="
      << fixed(st.body_font, 1) << ", fillcolor=\"" << cssColor(lightPalette().node_body) << "\"];\n";
  out << "  edge [fontname=\"DejaVu Sans\", fontsize=" << fixed(st.label_font, 1) << "];\n";
  const float height = scene ? scene->bounds.height : 0.0f;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const DisplayNode& n = graph.nodes[i];
    // Lines quoted one by one and joined with DOT's centred line break "\n".
    std::string label = dotQuote(n.title);
    for (const BoxRow& r : n.rows) {
      label.pop_back();
      label += "\\n" + dotQuote(rowText(r)).substr(1);
    }
    out << "  n" << i << " [label=" << label << ", width=" << fixed(n.width / 72.0, 3)
        << ", height=" << fixed(n.height / 72.0, 3) << ", color=\"" << cssColor(categoryStyle(n.category).header)
        << "\"";
    if (scene && options.positions && i < scene->nodes.size()) {
      // DOT positions are in points with y growing up.
      const Point c = scene->nodeCenter(static_cast<uint32_t>(i));
      out << ", pos=\"" << fixed(c.x) << "," << fixed(height - c.y) << "!\"";
    }
    out << "];\n";
  }
  for (const DisplayEdge& e : graph.edges) {
    out << "  n" << e.from << " -> n" << e.to;
    if (options.edge_labels && !e.label.empty()) out << " [label=" << dotQuote(e.label) << "]";
    out << ";\n";
  }
  out << "}\n";
}

void writeGraphml(std::ostream& out, const ir::Model& model, const DisplayGraph& graph, const SceneLayout* scene) {
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n";
  const char* node_keys[][2] = {{"kind", "string"},  {"op_type", "string"}, {"category", "string"},
                                {"label", "string"}, {"name", "string"},    {"x", "double"},
                                {"y", "double"},     {"width", "double"},   {"height", "double"}};
  for (auto& k : node_keys)
    out << "  <key id=\"" << k[0] << "\" for=\"node\" attr.name=\"" << k[0] << "\" attr.type=\"" << k[1] << "\"/>\n";
  out << "  <key id=\"tensor\" for=\"edge\" attr.name=\"tensor\" attr.type=\"string\"/>\n"
      << "  <key id=\"shape\" for=\"edge\" attr.name=\"shape\" attr.type=\"string\"/>\n";
  const std::string name = graph.graph.index < model.graphs.size() ? model.graph(graph.graph).name : "";
  out << "  <graph id=\"" << escapeXml(name.empty() ? "graph" : name) << "\" edgedefault=\"directed\">\n";
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const DisplayNode& n = graph.nodes[i];
    std::string label = escapeXml(n.title);
    for (const BoxRow& r : n.rows) label += "&#10;" + escapeXml(rowText(r));
    out << "    <node id=\"n" << i << "\">"
        << "<data key=\"kind\">" << nodeKindName(n.kind) << "</data>"
        << "<data key=\"op_type\">" << escapeXml(opType(model, graph, n)) << "</data>"
        << "<data key=\"category\">" << categoryName(n.category) << "</data>"
        << "<data key=\"label\">" << label << "</data>"
        << "<data key=\"name\">" << escapeXml(n.name) << "</data>";
    if (scene && i < scene->nodes.size()) {
      const Rect& r = scene->nodes[i];
      out << "<data key=\"x\">" << fixed(r.x) << "</data><data key=\"y\">" << fixed(r.y) << "</data>"
          << "<data key=\"width\">" << fixed(r.width) << "</data><data key=\"height\">" << fixed(r.height)
          << "</data>";
    } else {
      out << "<data key=\"width\">" << fixed(n.width) << "</data><data key=\"height\">" << fixed(n.height)
          << "</data>";
    }
    out << "</node>\n";
  }
  for (size_t i = 0; i < graph.edges.size(); ++i) {
    const DisplayEdge& e = graph.edges[i];
    out << "    <edge id=\"e" << i << "\" source=\"n" << e.from << "\" target=\"n" << e.to << "\">"
        << "<data key=\"tensor\">" << escapeXml(edgeTensorName(model, e)) << "</data>"
        << "<data key=\"shape\">" << escapeXml(e.label) << "</data></edge>\n";
  }
  out << "  </graph>\n</graphml>\n";
}

void writeJson(std::ostream& out, const ir::Model& model, const DisplayGraph& graph, const SceneLayout& scene) {
  const std::string name = graph.graph.index < model.graphs.size() ? model.graph(graph.graph).name : "";
  out << "{\n  \"graph\": " << jsonString(name) << ",\n  \"direction\": \"" << directionName(scene.direction)
      << "\",\n  \"bounds\": {\"width\": " << fixed(scene.bounds.width) << ", \"height\": "
      << fixed(scene.bounds.height) << "},\n  \"nodes\": [";
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const DisplayNode& n = graph.nodes[i];
    const Rect r = i < scene.nodes.size() ? scene.nodes[i] : Rect{};
    out << (i ? ",\n    " : "\n    ") << "{\"id\": " << i << ", \"kind\": \"" << nodeKindName(n.kind)
        << "\", \"category\": \"" << categoryName(n.category) << "\", \"title\": " << jsonString(n.title)
        << ", \"name\": " << jsonString(n.name);
    if (n.kind == NodeKind::Op) out << ", \"op_type\": " << jsonString(opType(model, graph, n));
    out << ", \"x\": " << fixed(r.x) << ", \"y\": " << fixed(r.y) << ", \"width\": " << fixed(r.width)
        << ", \"height\": " << fixed(r.height) << ", \"rows\": [";
    for (size_t k = 0; k < n.rows.size(); ++k)
      out << (k ? ", " : "") << "{\"text\": " << jsonString(n.rows[k].text) << ", \"detail\": "
          << jsonString(n.rows[k].detail) << "}";
    out << "]}";
  }
  out << "\n  ],\n  \"edges\": [";
  for (size_t i = 0; i < graph.edges.size(); ++i) {
    const DisplayEdge& e = graph.edges[i];
    out << (i ? ",\n    " : "\n    ") << "{\"id\": " << i << ", \"from\": " << e.from << ", \"to\": " << e.to
        << ", \"tensor\": " << jsonString(edgeTensorName(model, e)) << ", \"label\": " << jsonString(e.label)
        << ", \"points\": [";
    if (i < scene.edges.size()) {
      const EdgeGeometry& g = scene.edges[i];
      for (uint32_t k = 0; k < g.point_count; ++k) {
        const Point& p = scene.points[g.first_point + k];
        out << (k ? ", " : "") << "[" << fixed(p.x) << ", " << fixed(p.y) << "]";
      }
    }
    out << "]}";
  }
  const layout::Stats& s = scene.stats;
  out << "\n  ],\n  \"stats\": {\"ranks\": " << s.rank_count << ", \"dummy_nodes\": " << s.dummy_count
      << ", \"crossings\": " << s.crossings << ", \"edge_length\": " << fixed(s.edge_length, 1) << "}\n}\n";
}

}  // namespace nf::scene
