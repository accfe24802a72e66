// app/graph_view_compare.cpp - the graph view's part in a comparison (app/comparison.h):
// the difference colours through the overlay, and the camera mirrored on the other
// pane through the matching (group open/close: GraphView::mirrorGroup, with the groups).
#include <cmath>
#include <limits>

#include "app/comparison.h"
#include "app/graph_view.h"

namespace nf::app {

void GraphView::followComparison() {
  const bool on = comparison_ && comparison_->active();
  const uint64_t v = on ? comparison_->version() : 0;
  if (v == diff_version_seen_) return;
  diff_version_seen_ = v;
  const std::vector<scene::DiffStatus>* status = nullptr;
  scene::DiffSide side = scene::DiffSide::A;
  if (on) {
    switch (pane_) {
      case GraphPane::A: status = &comparison_->statusA(); break;
      case GraphPane::B: status = &comparison_->statusB(), side = scene::DiffSide::B; break;
      case GraphPane::Merged: status = &comparison_->statusMerged(), side = scene::DiffSide::Merged; break;
    }
  }
  const bool changed = color_.setDifference(status && !status->empty() ? scene::differenceValues(*status, side)
                                                                        : scene::NodeValues{});
  if (changed) recolor();  // before the scene is up, uploadScene colours it
}

GraphView* GraphView::otherPane(AppContext& ctx) const {
  if (pane_ == GraphPane::Merged) return nullptr;  // one graph: nothing to mirror
  const GraphPane other = pane_ == GraphPane::A ? GraphPane::B : GraphPane::A;
  for (const auto& v : ctx.views.all())
    if (auto* g = dynamic_cast<GraphView*>(v.get()); g && g->pane_ == other) return g;
  return nullptr;
}

// The op box of the main graph nearest the canvas centre, and where its centre is on
// the canvas.
uint32_t GraphView::centreOpNode(scene::Point* at_canvas) const {
  if (!uploaded_ || pipeline_.graphId().index != 0) return kNoIndex;
  const scene::Rect view = camera_.visible(canvas_size_.x, canvas_size_.y);
  std::vector<uint32_t> shown;
  pipeline_.index().queryNodes(view, shown);
  const scene::DisplayGraph& g = pipeline_.graph();
  const scene::SceneLayout& l = pipeline_.layout();
  const float cx = view.x + view.width * 0.5f, cy = view.y + view.height * 0.5f;
  uint32_t best = kNoIndex;
  float best_d = std::numeric_limits<float>::infinity();
  for (uint32_t i : shown) {
    if (i >= g.nodes.size() || g.nodes[i].kind != scene::NodeKind::Op || g.nodes[i].graph.index != 0) continue;
    const scene::Rect& r = l.nodes[i];
    const float dx = r.x + r.width * 0.5f - cx, dy = r.y + r.height * 0.5f - cy;
    if (dx * dx + dy * dy < best_d) best_d = dx * dx + dy * dy, best = i;
  }
  if (best == kNoIndex) return kNoIndex;
  const scene::Rect& r = l.nodes[best];
  *at_canvas = camera_.toCanvas({r.x + r.width * 0.5f, r.y + r.height * 0.5f});
  return g.nodes[best].op.index;
}

// Shows on `other` the pair of this pane's centre node where this pane shows it, at
// this pane's zoom. Nothing when that node has no pair (the other pane stays put).
void GraphView::mirrorCamera(GraphView& other) {
  if (!comparison_ || !other.uploaded_) return;
  scene::Point at;
  const uint32_t node = centreOpNode(&at);
  if (node == kNoIndex) return;
  const uint32_t pair = pane_ == GraphPane::A ? comparison_->pairOfA(node) : comparison_->pairOfB(node);
  const uint32_t d = other.displayNodeOf(ir::GraphId{0}, ir::NodeId{pair});
  if (pair == kNoIndex || d == kNoIndex || d >= other.pipeline_.layout().nodes.size()) return;
  const scene::Rect& r = other.pipeline_.layout().nodes[d];
  GraphCamera c;
  c.zoom = camera_.zoom;
  c.origin_x = r.x + r.width * 0.5f - at.x / c.zoom;
  c.origin_y = r.y + r.height * 0.5f - at.y / c.zoom;
  other.camera_anim_.stop();
  other.camera_ = clampToBounds(c, other.pipeline_.layout().bounds, other.canvas_size_.x, other.canvas_size_.y);
}

}  // namespace nf::app
