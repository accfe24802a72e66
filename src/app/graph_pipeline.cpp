#include "app/graph_pipeline.h"

#include "base/guard.h"
#include "base/timing.h"

namespace nf::app {

void GraphPipeline::reset() {
  job_.reset();
  failed_before_start_ = Stage::Idle;
  error_.clear();
  timings_ = Timings{};
  regroup_ms_ = 0;
  stall_ = layout::StallWatch(kStallSlices);
}

void GraphPipeline::start(const ir::Model& model, ir::GraphId graph, const GraphViewOptions& options, double now_ms,
                          scene::SceneJob::ShapeSource shapes) {
  reset();
  model_ = &model;
  graph_id_ = graph;
  options_ = options;
  started_ms_ = now_ms;
  if (!graph.valid() || graph.index >= model.graphs.size()) {
    failed_before_start_ = Stage::Failed;
    error_ = "this graph does not exist in the model";
    return;
  }
  const ir::Graph& g = model.graph(graph);
  scene::SceneRequest r;
  r.graph = graph;
  r.direction = options_.direction;
  r.initializers_as_nodes = options_.initializers_as_nodes;
  r.show_names = options_.show_names;
  r.expand_bodies = options_.expand_bodies;
  r.infer_shapes = g.nodes.size() <= kSyncShapesNodes;
  r.grouped = wantsGroups(g);
  r.visible = visibleOptions();
  r.opening.first_sight = first_sight_;
  job_ = shapes ? std::make_unique<scene::SceneJob>(model, r, std::move(shapes))
               : std::make_unique<scene::SceneJob>(model, r);
}

bool GraphPipeline::wantsGroups(const ir::Graph& g) const {
  if (options_.expand_bodies || options_.grouping == Grouping::Flat) return false;
  return options_.grouping == Grouping::Groups || g.nodes.size() > kAutoGroupNodes;
}

hierarchy::VisibleOptions GraphPipeline::visibleOptions() const {
  hierarchy::VisibleOptions v;
  v.fold = options_.fold;
  if (!options_.stubs) v.stub_fan_out = 0;
  return v;
}

GraphPipeline::Stage GraphPipeline::stage() const {
  if (!job_) return failed_before_start_;
  using Step = scene::SceneJob::Step;
  switch (job_->current()) {
    case Step::Shapes: return Stage::Shapes;
    case Step::Hierarchy: return Stage::Hierarchy;
    case Step::Grouping: return Stage::Grouping;
    case Step::Building: return Stage::Building;
    case Step::LayingOut: return Stage::LayingOut;
    case Step::Geometry: return Stage::Geometry;
    case Step::Indexing: return Stage::Indexing;
    case Step::Ready: return Stage::Ready;
    case Step::Failed: return Stage::Failed;
    case Step::Cancelled: return Stage::Cancelled;
  }
  return Stage::Failed;
}

bool GraphPipeline::busy() const { return job_ && job_->running(); }

void GraphPipeline::cancel() {
  if (job_) job_->cancel();
}

float GraphPipeline::progress() const { return job_ ? job_->progress() : 0.0f; }

const char* GraphPipeline::stageLabel() const {
  if (job_) return job_->label();
  return failed_before_start_ == Stage::Failed ? "failed" : "idle";
}

void GraphPipeline::step(double budget_ms, double now_ms) {
  if (!busy()) return;
  const auto slice_start = SteadyClock::now();
  // Each slice runs inside guardStage (base/guard.h): an exception fails the pipeline with a message.
  const Status guarded = guardStage("graph pipeline", [&] { job_->step(budget_ms); });
  if (!guarded) fail(guarded.message() + " while " + stageLabel());
  static_cast<scene::SceneTimings&>(timings_) = job_->timings();
  if (job_->current() == scene::SceneJob::Step::Ready)
    timings_.wall_ms = now_ms + msSince(slice_start) - started_ms_;
  if (busy() && stall_.stalled(job_->progressCounter()))
    fail(std::string("laying out made no progress in stage \"") + stageLabel() + "\" for " +
         std::to_string(kStallSlices) + " frames");
}

void GraphPipeline::fail(std::string message) { job_->fail(std::move(message)); }

Status GraphPipeline::regroup(const hierarchy::Expansion& expansion) {
  if (!job_) return Error{"the graph is not shown as groups"};
  const auto t0 = SteadyClock::now();
  if (Status s = job_->regroup(expansion); !s) return s;
  regroup_ms_ = msSince(t0);
  return {};
}

bool GraphPipeline::reconfigure(const GraphViewOptions& options) {
  GraphViewOptions same = options;
  same.fold = options_.fold;
  same.stubs = options_.stubs;
  if (stage() != Stage::Ready || !grouped() || same != options_) return false;
  const GraphViewOptions previous = options_;
  options_ = options;
  if (!job_->refold(visibleOptions())) {
    options_ = previous;
    return false;
  }
  return true;
}

void GraphPipeline::inferShapesNow() {
  if (job_) job_->inferShapesNow();
}

}  // namespace nf::app
