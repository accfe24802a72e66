#include "app/graph_pipeline.h"

#include <algorithm>
#include <chrono>

#include "base/guard.h"
#include "base/timing.h"
#include "scene/model_scene.h"

namespace nf::app {

namespace {

// Share of the progress bar per stage (measured on big graphs: layout dominates).
constexpr float kBuildShare = 0.15f, kLayoutShare = 0.75f, kGeometryShare = 0.05f;

}  // namespace

void GraphPipeline::reset() {
  stage_ = Stage::Idle;
  error_.clear();
  timings_ = Timings{};
  shapes_ = nullptr;
  build_job_.reset();
  layout_job_.reset();
  graph_ = scene::DisplayGraph{};
  layout_ = scene::SceneLayout{};
  index_ = scene::SpatialIndex{};
  grouped_layout_.reset();  // before the hierarchy it points into
  hierarchy_.reset();
  expansion_ = hierarchy::Expansion{};
  grouped_scene_ = scene::GroupedScene{};
  regroup_ms_ = 0;
  stall_ = layout::StallWatch(kStallSlices);
}

void GraphPipeline::start(const ir::Model& model, ir::GraphId graph, const GraphViewOptions& options, double now_ms,
                          ShapeSource shapes) {
  reset();
  shape_source_ = std::move(shapes);
  model_ = &model;
  graph_id_ = graph;
  options_ = options;
  started_ms_ = now_ms;
  if (!graph.valid() || graph.index >= model.graphs.size()) {
    stage_ = Stage::Failed;
    error_ = "this graph does not exist in the model";
    return;
  }
  const ir::Graph& g = model.graph(graph);
  if (g.nodes.size() <= kSyncShapesNodes) stage_ = Stage::Shapes;
  else if (wantsGroups(g)) stage_ = Stage::Hierarchy;
  else startBuild();
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

scene::GroupedOptions GraphPipeline::groupedOptions() const {
  scene::GroupedOptions o;
  o.direction = options_.direction;
  o.visible = visibleOptions();
  o.build.initializers_as_nodes = options_.initializers_as_nodes;
  o.build.show_names = options_.show_names;
  if (shapes_) o.build.value_type = scene::inferredTypes(*shapes_);
  return o;
}

Status GraphPipeline::buildGrouped(const hierarchy::Expansion& expansion) {
  auto built = grouped_layout_->build(expansion);
  if (!built) return built.error();
  expansion_ = expansion;
  grouped_scene_ = std::move(*built);
  return {};
}

Status GraphPipeline::regroup(const hierarchy::Expansion& expansion) {
  if (stage_ != Stage::Ready || !grouped()) return Error{"the graph is not shown as groups"};
  const auto t0 = std::chrono::steady_clock::now();
  if (Status s = buildGrouped(expansion); !s) return s;
  index_.build(layout());
  regroup_ms_ = msSince(t0);
  return {};
}

void GraphPipeline::startBuild() {
  stage_ = Stage::Building;  // here, so that no path can create the job and leave the stage idle
  scene::BuildOptions bo;
  bo.initializers_as_nodes = options_.initializers_as_nodes;
  bo.show_names = options_.show_names;
  bo.expand_bodies = options_.expand_bodies;
  if (shapes_) bo.value_type = scene::inferredTypes(*shapes_);
  build_job_ = std::make_unique<scene::DisplayGraphJob>(*model_, graph_id_, std::move(bo));
}

bool GraphPipeline::busy() const {
  return stage_ == Stage::Shapes || stage_ == Stage::Building || stage_ == Stage::LayingOut ||
         stage_ == Stage::Geometry || stage_ == Stage::Hierarchy || stage_ == Stage::Grouping ||
         stage_ == Stage::Indexing;
}

void GraphPipeline::cancel() {
  if (!busy()) return;
  if (layout_job_) layout_job_->cancel();
  build_job_.reset();
  layout_job_.reset();
  stage_ = Stage::Cancelled;
}

float GraphPipeline::progress() const {
  switch (stage_) {
    case Stage::Idle:
    case Stage::Shapes: return 0.0f;
    case Stage::Building: return build_job_ ? build_job_->progress() * kBuildShare : 0.0f;
    case Stage::LayingOut:
      return kBuildShare + (layout_job_ ? layout_job_->progress() : 0.0f) * kLayoutShare;
    case Stage::Geometry: return kBuildShare + kLayoutShare;
    case Stage::Hierarchy: return 0.1f;
    case Stage::Grouping: return 0.5f;
    case Stage::Indexing: return kBuildShare + kLayoutShare + kGeometryShare;
    default: return 1.0f;
  }
}

const char* GraphPipeline::stageLabel() const {
  switch (stage_) {
    case Stage::Idle: return "idle";
    case Stage::Shapes: return "inferring shapes";
    case Stage::Building: return "building boxes";
    case Stage::LayingOut:
      return layout_job_ ? layout::phaseName(layout_job_->phase()) : "laying out";
    case Stage::Geometry: return "routing edges";
    case Stage::Hierarchy: return "finding groups";
    case Stage::Grouping: return "laying out groups";
    case Stage::Indexing: return "indexing";
    case Stage::Ready: return "ready";
    case Stage::Failed: return "failed";
    case Stage::Cancelled: return "cancelled";
  }
  return "";
}

void GraphPipeline::step(double budget_ms, double now_ms) {
  if (!busy()) return;
  const auto slice_start = std::chrono::steady_clock::now();
  ++timings_.slices;
  auto left = [&] { return budget_ms - msSince(slice_start); };
  // Stages that finish early hand the rest of the slice to the next one. Each slice
  // runs inside guardStage (app/guard.h): an exception fails the pipeline with a message.
  const Status guarded = guardStage("graph pipeline", [&] {
  while (busy() && left() > 0.5) {
    const auto t0 = std::chrono::steady_clock::now();
    if (stage_ == Stage::Shapes) {
      shapes_ = shape_source_ ? shape_source_() : nullptr;
      timings_.shapes_ms += msSince(t0);
      if (wantsGroups(model_->graph(graph_id_))) {
        stage_ = Stage::Hierarchy;
      } else {
        startBuild();
      }
    } else if (stage_ == Stage::Hierarchy) {
      auto h = hierarchy::buildHierarchy(*model_, graph_id_);
      if (!h) {
        stage_ = Stage::Failed;
        error_ = h.error().message;
        break;
      }
      hierarchy_ = std::make_unique<hierarchy::Hierarchy>(std::move(*h));
      const scene::GroupedOptions go = groupedOptions();
      expansion_ = hierarchy::firstSight(*hierarchy_, go.visible);
      grouped_layout_ = std::make_unique<scene::GroupedLayout>(*model_, *hierarchy_, go);
      timings_.hierarchy_ms += msSince(t0);
      stage_ = Stage::Grouping;
      if (left() < budget_ms * 0.5) break;
    } else if (stage_ == Stage::Grouping) {
      if (Status s = buildGrouped(expansion_); !s) {
        stage_ = Stage::Failed;
        error_ = "layout failed: " + s.message();
        break;
      }
      timings_.grouping_ms += msSince(t0);
      stage_ = Stage::Indexing;
    } else if (stage_ == Stage::Building) {
      const bool done = build_job_->step(left());
      timings_.build_ms += msSince(t0);
      if (!done) break;
      auto g = build_job_->take();
      build_job_.reset();
      if (!g) {
        stage_ = Stage::Failed;
        error_ = g.error().message;
        break;
      }
      graph_ = std::move(*g);
      layout::Options lo = scene::defaultLayoutOptions(options_.direction);
      layout_job_ = std::make_unique<layout::LayoutJob>(scene::layoutInput(graph_), lo);
      stage_ = Stage::LayingOut;
    } else if (stage_ == Stage::LayingOut) {
      const bool done = layout_job_->step(left());
      timings_.layout_ms += msSince(t0);
      if (!done) break;
      if (!layout_job_->succeeded()) {
        stage_ = Stage::Failed;
        error_ = "layout failed: " + layout_job_->status().message();
        layout_job_.reset();
        break;
      }
      stage_ = Stage::Geometry;
      // Geometry is one pass over every edge: give it a slice of its own when this one is mostly spent.
      if (left() < budget_ms * 0.5) break;
    } else if (stage_ == Stage::Geometry) {
      layout::Layout result = layout_job_->takeLayout();
      layout_job_.reset();
      layout_ = scene::makeSceneLayout(graph_, result, options_.direction);
      timings_.geometry_ms += msSince(t0);
      stage_ = Stage::Indexing;
      if (left() < budget_ms * 0.5) break;
    } else if (stage_ == Stage::Indexing) {
      index_.build(layout());
      timings_.index_ms += msSince(t0);
      stage_ = Stage::Ready;
      timings_.wall_ms = now_ms + msSince(slice_start) - started_ms_;
    }
  }
  });
  if (!guarded) fail(guarded.message() + " while " + stageLabel());
  timings_.max_slice_ms = std::max(timings_.max_slice_ms, msSince(slice_start));
  if (busy() && stall_.stalled(progressCounter()))
    fail(std::string("laying out made no progress in stage \"") + stageLabel() + "\" for " +
         std::to_string(kStallSlices) + " frames");
}

void GraphPipeline::fail(std::string message) {
  error_ = std::move(message);
  build_job_.reset();
  layout_job_.reset();
  stage_ = Stage::Failed;
}

uint64_t GraphPipeline::progressCounter() const {
  // The stage in the top byte; below it the stage's own counter (the one-call stages
  // have none: they end within the slice that starts them).
  uint64_t within = 0;
  if (stage_ == Stage::Building && build_job_) within = static_cast<uint64_t>(build_job_->progress() * 1e9);
  if (stage_ == Stage::LayingOut && layout_job_) within = layout_job_->workDone();
  return (static_cast<uint64_t>(stage_) << 56) | (within & ((uint64_t{1} << 56) - 1));
}

bool GraphPipeline::reconfigure(const GraphViewOptions& options) {
  GraphViewOptions same = options;
  same.fold = options_.fold;
  same.stubs = options_.stubs;
  if (stage_ != Stage::Ready || !grouped() || same != options_) return false;
  const GraphViewOptions previous = options_;
  options_ = options;
  grouped_layout_ = std::make_unique<scene::GroupedLayout>(*model_, *hierarchy_, groupedOptions());
  if (!regroup(expansion_)) {
    options_ = previous;
    grouped_layout_ = std::make_unique<scene::GroupedLayout>(*model_, *hierarchy_, groupedOptions());
    return false;
  }
  return true;
}

void GraphPipeline::inferShapesNow() {
  if (stage_ != Stage::Ready || !model_ || shapes_ || !shape_source_) return;
  shapes_ = shape_source_();
  if (!shapes_) return;
  if (grouped()) {  // bundle labels come from the grouped layout: rebuild it with the shapes
    grouped_layout_ = std::make_unique<scene::GroupedLayout>(*model_, *hierarchy_, groupedOptions());
    (void)regroup(expansion_);
    return;
  }
  const auto types = scene::inferredTypes(*shapes_);
  for (scene::DisplayEdge& e : graph_.edges) {
    const ir::Type* t = types(e.graph, e.value);
    if (t && t->isTensor()) e.label = scene::cleanText(scene::shapeLabel(t->shape), 128);
  }
  scene::placeEdgeLabels(graph_, layout_);
}

}  // namespace nf::app
