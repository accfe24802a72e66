// builder/folds.h - runs of repeated layers shown folded on the canvas.
//
// A Fold names the layers of a repeated series (an imported transformer's
// "enc.layers", 96 instances) so the canvas can show them as one labelled box that
// unfolds and folds again. Folding is a view state: the document stays flat, every
// layer keeps its position and its edges, and edits work as ever. foldView() says
// where the canvas draws each layer and box: a folded run takes one row at its top
// (the smallest y of its layers), and whatever lies below it moves up by the rows the
// run spanned, so a folded 11k-layer model is a short column.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "builder/document.h"

namespace nf::builder {

struct Fold {
  std::string name;              // "enc.layers"
  int64_t count = 0;             // instances in the run (96)
  std::vector<NodeId> members;   // every layer of every instance, ascending ids

  bool operator==(const Fold&) const = default;
};

// "enc.layers ×96" (the box's title).
std::string foldTitle(const Fold& f);

struct FoldedView {
  // A run: how many of its layers the document still has (0: nothing to draw), and
  // where it is drawn (view coordinates): folded, its box's top-left; unfolded, the
  // top-left corner of its layers (where the canvas puts the tab that folds it).
  struct Box {
    Vec2 pos;
    size_t layers = 0;
    bool folded = false;
  };
  // An edge as drawn: each end a node index (< node count) or node count + fold index;
  // `edge` is the first document edge (Document::edges() index) it stands for.
  struct Edge {
    size_t from = 0, to = 0;
    int port = 0;
    size_t edge = 0;
  };
  std::vector<Vec2> pos;         // per node (Document::nodes() order): where it is drawn
  std::vector<int32_t> hidden_by;  // per node: the folded run hiding it, -1 if drawn
  std::vector<Box> boxes;        // per fold (folds[k])
  std::vector<Edge> edges;       // edges among what is drawn: one per (from, to, port); none inside a box

  bool isBox(size_t end) const { return end >= pos.size(); }
  size_t foldOf(size_t end) const { return end - pos.size(); }
};

// The canvas of `doc` with folds[k] folded where folded[k] is true (missing entries:
// unfolded). A folded run's box sits at its top layer's row and the rows down to its
// bottom layer's are taken out; ids a fold names that the document lacks are ignored
// (an undone import, a deleted layer). About linear in nodes + edges + members.
FoldedView foldView(const Document& doc, const std::vector<Fold>& folds, const std::vector<bool>& folded);

}  // namespace nf::builder
