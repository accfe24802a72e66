#include "app/graph_pipeline.h"

#include <algorithm>
#include <chrono>

#include "scene/model_scene.h"

namespace nf::app {

namespace {

double msSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// Share of the progress bar per stage (measured on big graphs: layout dominates).
constexpr float kBuildShare = 0.15f, kLayoutShare = 0.75f, kGeometryShare = 0.05f;

}  // namespace

void GraphPipeline::reset() {
  stage_ = Stage::Idle;
  error_.clear();
  timings_ = Timings{};
  shapes_.reset();
  build_job_.reset();
  layout_job_.reset();
  graph_ = scene::DisplayGraph{};
  layout_ = scene::SceneLayout{};
  index_ = scene::SpatialIndex{};
}

void GraphPipeline::start(const ir::Model& model, ir::GraphId graph, const GraphViewOptions& options, double now_ms) {
  reset();
  model_ = &model;
  graph_id_ = graph;
  options_ = options;
  started_ms_ = now_ms;
  if (!graph.valid() || graph.index >= model.graphs.size()) {
    stage_ = Stage::Failed;
    error_ = "this graph does not exist in the model";
    return;
  }
  stage_ = model.graph(graph).nodes.size() <= kSyncShapesNodes ? Stage::Shapes : Stage::Building;
  if (stage_ == Stage::Building) startBuild();
}

void GraphPipeline::startBuild() {
  scene::BuildOptions bo;
  bo.initializers_as_nodes = options_.initializers_as_nodes;
  bo.show_names = options_.show_names;
  bo.expand_bodies = options_.expand_bodies;
  if (shapes_) bo.value_type = scene::inferredTypes(*shapes_);
  build_job_ = std::make_unique<scene::DisplayGraphJob>(*model_, graph_id_, std::move(bo));
}

bool GraphPipeline::busy() const {
  return stage_ == Stage::Shapes || stage_ == Stage::Building || stage_ == Stage::LayingOut ||
         stage_ == Stage::Geometry || stage_ == Stage::Indexing;
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
  // Stages that finish early hand the rest of the slice to the next one.
  while (busy() && left() > 0.5) {
    const auto t0 = std::chrono::steady_clock::now();
    if (stage_ == Stage::Shapes) {
      shapes_ = std::make_unique<shapes::InferenceResult>(shapes::inferShapes(*model_));
      timings_.shapes_ms += msSince(t0);
      stage_ = Stage::Building;
      startBuild();
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
      index_.build(layout_);
      timings_.index_ms += msSince(t0);
      stage_ = Stage::Ready;
      timings_.wall_ms = now_ms + msSince(slice_start) - started_ms_;
    }
  }
  timings_.max_slice_ms = std::max(timings_.max_slice_ms, msSince(slice_start));
}

void GraphPipeline::inferShapesNow() {
  if (stage_ != Stage::Ready || !model_ || shapes_) return;
  shapes_ = std::make_unique<shapes::InferenceResult>(shapes::inferShapes(*model_));
  const auto types = scene::inferredTypes(*shapes_);
  for (scene::DisplayEdge& e : graph_.edges) {
    const ir::Type* t = types(e.graph, e.value);
    if (t && t->isTensor()) e.label = scene::cleanText(scene::shapeLabel(t->shape), 128);
  }
  scene::placeEdgeLabels(graph_, layout_);
}

}  // namespace nf::app
