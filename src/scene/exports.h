// scene/exports.h - a laid-out display graph written for other tools.
//
//   writeSvg      vector drawing with the app's look: rounded boxes, category-coloured
//                 headers, attribute and tensor rows, curved edges with arrowheads,
//                 tensor-shape labels; for a grouped scene, its group frames beneath. Every name is XML-escaped (text is already clean:
//                 valid UTF-8 without control characters), so any model gives valid XML.
//   writeDot      Graphviz DOT of the same display graph: one node per box (fixed size,
//                 label = header + rows), one edge per display edge; with a scene, node
//                 positions as pos="x,y!" in points (render with `neato -n`).
//   writeGraphml  GraphML with kind/category/label/geometry attributes.
//   writeJson     nodes with their boxes and rows, edges with their Bezier points.
//
// All output is deterministic: coordinates are printed with fixed precision in the
// C locale, elements in index order.
#pragma once
#include <ostream>
#include <string>

#include "ir/model.h"
#include "scene/display_graph.h"
#include "scene/scene_layout.h"

namespace nf::scene {

struct GroupedScene;  // scene/grouped_scene.h
struct Overlay;       // scene/overlay.h

struct SvgOptions {
  bool edge_labels = true;
  bool node_titles = true;  // a <title> per box with the full name (tooltips in browsers)
  // Metrics as colour (scene/overlay.h): box headers and frames take the overlay's
  // colours and its legend is drawn in a band below the graph. Null: category colours.
  const Overlay* overlay = nullptr;
};

void writeSvg(std::ostream& out, const DisplayGraph& graph, const SceneLayout& scene, const SvgOptions& options = {});
std::string toSvg(const DisplayGraph& graph, const SceneLayout& scene, const SvgOptions& options = {});
// A grouped scene (scene/grouped_scene.h): its frames first, as rounded rectangles
// tinted with their repeat class's colour and a title band, then the same drawing
// as above (closed groups get their class's colour as header).
void writeSvg(std::ostream& out, const GroupedScene& scene, const SvgOptions& options = {});

struct DotOptions {
  bool edge_labels = true;  // false: the bare graph (what a layout comparison wants)
  bool positions = true;    // pos="x,y!" from the scene, when one is given
};
// scene may be null (no positions; rankdir TB).
void writeDot(std::ostream& out, const ir::Model& model, const DisplayGraph& graph, const SceneLayout* scene,
              const DotOptions& options = {});
void writeGraphml(std::ostream& out, const ir::Model& model, const DisplayGraph& graph, const SceneLayout* scene);
void writeJson(std::ostream& out, const ir::Model& model, const DisplayGraph& graph, const SceneLayout& scene);

// XML text/attribute escaping of clean text (& < > " ' as entities). Any remaining
// control character or invalid byte is replaced as cleanText() would.
std::string escapeXml(std::string_view text);
// The tensor name of an edge (clean), for the exporters and the app.
std::string edgeTensorName(const ir::Model& model, const DisplayEdge& edge);
// Colour as "#rrggbb".
std::string cssColor(uint32_t rgb);

// A coordinate as SVG text: two decimals, trailing zeros trimmed ("12.5", "3"), no "-0".
struct SvgNumber {
  char buf[24];
  explicit SvgNumber(float v);
};
std::ostream& operator<<(std::ostream& o, const SvgNumber& n);

}  // namespace nf::scene
