// builder/columns.h - a long top-to-bottom diagram set in side-by-side columns, as a slide
// shows a deep model: its rows (the nodes that share a y) are cut into consecutive
// bands, each cut where the fewest edges cross it near an even split, and the bands
// stand side by side so the whole is as large as an area allows. Opening a template
// in the builder uses it to fill the canvas with readable boxes instead of one column
// too long for the screen. The edges from one column into the next are drawn through
// the gap between them (views/builder_look.h builderEdgeRoute).
#pragma once
#include <utility>
#include <vector>

#include "builder/document.h"

namespace nf::builder {

struct ColumnWrap {
  int columns = 1;
  double scale = 0;  // area over the wrapped picture (capped at 1: larger gains nothing)
  std::vector<std::pair<NodeId, Vec2>> positions;  // every node's new top-left
};

// `sizes`: each node's box (Document::nodes() order; default 170 x 46); `area`: the room
// to fill, in the units the positions are drawn in at scale 1; `gap`: between columns.
// Tries 1 to 12 columns and keeps the fewest that reach the best scale.
ColumnWrap wrapInColumns(const Document& doc, const std::vector<Vec2>& sizes, Vec2 area, double gap = 80.0);

}  // namespace nf::builder
