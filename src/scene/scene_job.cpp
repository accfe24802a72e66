#include "scene/scene_job.h"

#include <algorithm>
#include <iterator>

#include "base/timing.h"
#include "scene/model_scene.h"

namespace nf::scene {

namespace {

using Step = SceneJob::Step;

// Share of the progress bar per step (measured on big graphs: layout dominates).
constexpr float kBuildShare = 0.15f, kLayoutShare = 0.75f, kGeometryShare = 0.05f;

hierarchy::Expansion openGroups(const hierarchy::Hierarchy& h, const GroupOpening& o,
                                const hierarchy::VisibleOptions& visible) {
  switch (o.kind) {
    case GroupOpening::Kind::Collapsed: return hierarchy::collapseAll(h);
    case GroupOpening::Kind::Expanded: return hierarchy::expandAll(h);
    case GroupOpening::Kind::ToDepth: return hierarchy::expandToDepth(h, o.depth);
    case GroupOpening::Kind::FirstSight: break;
  }
  return hierarchy::firstSight(h, visible, o.first_sight);
}

}  // namespace

SceneJob::SceneJob(const ir::Model& model, SceneRequest request, const shapes::InferenceResult* shapes)
    : model_(model), request_(std::move(request)), shapes_(shapes) {
  const bool infer = request_.infer_shapes && shapes_ == nullptr;
  // Grouped: every op's box is made (in slices, like the flat graph's) before the
  // groups are laid out, so that no single call builds a 100k-node graph's boxes.
  static constexpr Step kGrouped[] = {Step::Hierarchy, Step::Building, Step::Grouping};
  static constexpr Step kFlat[] = {Step::Building, Step::LayingOut, Step::Geometry};
  plan_.reserve(5);
  if (infer) plan_.push_back(Step::Shapes);
  for (Step s : request_.grouped ? kGrouped : kFlat) plan_.push_back(s);
  if (request_.spatial_index) plan_.push_back(Step::Indexing);
  if (!request_.infer_shapes) shapes_ = nullptr;
  enter(plan_.front());
}

SceneJob::SceneJob(const ir::Model& model, SceneRequest request, ShapeSource source)
    : SceneJob(model, std::move(request), nullptr) {
  source_ = std::move(source);
}

SceneJob::~SceneJob() = default;

// Moves to `next`; a step that owns a resumable job creates it here, so no path can
// enter the step without its job.
void SceneJob::enter(Step next) {
  step_ = next;
  if (next == Step::Building) startBuilding();
}

void SceneJob::startBuilding() {
  if (request_.grouped) {  // the boxes GroupedLayout takes its items from
    build_job_ = std::make_unique<DisplayGraphJob>(model_, request_.graph, groupedOptions().build);
    return;
  }
  BuildOptions bo;
  bo.initializers_as_nodes = request_.initializers_as_nodes;
  bo.show_names = request_.show_names;
  bo.expand_bodies = request_.expand_bodies;
  if (shapes_) bo.value_type = inferredTypes(*shapes_);
  build_job_ = std::make_unique<DisplayGraphJob>(model_, request_.graph, std::move(bo));
}

void SceneJob::inferOwnShapes() {
  own_shapes_ = std::make_unique<shapes::InferenceResult>(shapes::inferShapes(model_));
  shapes_ = own_shapes_.get();
}

void SceneJob::takeShapes() {
  if (source_) shapes_ = source_();
  else inferOwnShapes();
}

GroupedOptions SceneJob::groupedOptions() const {
  GroupedOptions o;
  o.direction = request_.direction;
  o.visible = request_.visible;
  o.build.initializers_as_nodes = request_.initializers_as_nodes;
  o.build.show_names = request_.show_names;
  if (shapes_) o.build.value_type = inferredTypes(*shapes_);
  return o;
}

void SceneJob::resetGroupedLayout() {
  grouped_layout_ = std::make_unique<GroupedLayout>(model_, *hierarchy_, groupedOptions());
}

bool SceneJob::step(double budget_ms) {
  if (!running()) return true;
  const auto slice_start = SteadyClock::now();
  ++timings_.slices;
  const bool unlimited = budget_ms <= 0;
  auto left = [&] { return budget_ms - msSince(slice_start); };
  // What a resumable job may use of this call (never <= 0, which would mean "unlimited").
  auto subBudget = [&] { return unlimited ? 0.0 : std::max(left(), 0.001); };
  // A one-call step gets a call of its own when this one is mostly spent.
  auto halfSpent = [&] { return !unlimited && left() < budget_ms * 0.5; };
  // Steps that finish early hand the rest of the call to the next one; the first
  // step of a call always runs, so that every call advances.
  for (bool first = true; running() && (first || unlimited || left() > 0.5); first = false) {
    const auto t0 = SteadyClock::now();
    const size_t at = static_cast<size_t>(std::find(plan_.begin(), plan_.end(), step_) - plan_.begin());
    const Step next = at + 1 < plan_.size() ? plan_[at + 1] : Step::Ready;
    if (step_ == Step::Shapes) {
      takeShapes();
      timings_.shapes_ms += msSince(t0);
      enter(next);
    } else if (step_ == Step::Hierarchy) {
      if (!hierarchy_job_) hierarchy_job_ = std::make_unique<hierarchy::HierarchyJob>(model_, request_.graph);
      const bool done = hierarchy_job_->step(subBudget());
      if (!done) {
        timings_.hierarchy_ms += msSince(t0);
        break;
      }
      auto h = hierarchy_job_->take();
      hierarchy_job_.reset();
      if (!h) {
        failWith(h.error().message);
        break;
      }
      hierarchy_ = std::make_unique<hierarchy::Hierarchy>(std::move(*h));
      expansion_ = openGroups(*hierarchy_, request_.opening, request_.visible);
      timings_.hierarchy_ms += msSince(t0);
      enter(next);
      if (halfSpent()) break;
    } else if (step_ == Step::Grouping) {
      if (Status s = buildGrouped(expansion_); !s) {
        failWith("layout failed: " + s.message());
        break;
      }
      timings_.grouping_ms += msSince(t0);
      enter(next);
    } else if (step_ == Step::Building) {
      const bool done = build_job_->step(subBudget());
      timings_.build_ms += msSince(t0);
      if (!done) break;
      if (request_.grouped) {
        grouped_layout_ = std::make_unique<GroupedLayout>(model_, *hierarchy_, groupedOptions(), build_job_->take());
        build_job_.reset();
        enter(next);
        if (halfSpent()) break;
        continue;
      }
      auto g = build_job_->take();
      build_job_.reset();
      if (!g) {
        failWith(g.error().message);
        break;
      }
      graph_ = std::move(*g);
      layout_job_ = std::make_unique<layout::LayoutJob>(layoutInput(graph_), defaultLayoutOptions(request_.direction));
      enter(next);
    } else if (step_ == Step::LayingOut) {
      const bool done = layout_job_->step(subBudget());
      timings_.layout_ms += msSince(t0);
      if (!done) break;
      if (!layout_job_->succeeded()) {
        failWith("layout failed: " + layout_job_->status().message());
        break;
      }
      enter(next);
      // Geometry is one pass over every edge: a call of its own when this one is mostly spent.
      if (halfSpent()) break;
    } else if (step_ == Step::Geometry) {
      layout::Layout result = layout_job_->takeLayout();
      layout_job_.reset();
      layout_ = makeSceneLayout(graph_, result, request_.direction);
      timings_.geometry_ms += msSince(t0);
      enter(next);
      if (halfSpent()) break;
    } else if (step_ == Step::Indexing) {
      index_.build(layout());
      timings_.index_ms += msSince(t0);
      enter(next);
    }
  }
  timings_.max_slice_ms = std::max(timings_.max_slice_ms, msSince(slice_start));
  return !running();
}

Status SceneJob::run() {
  step(0);
  if (step_ == Step::Cancelled) return Error{"cancelled"};
  if (step_ == Step::Failed) return Error{error_};
  return {};
}

void SceneJob::cancel() {
  if (!running()) return;
  if (layout_job_) layout_job_->cancel();
  build_job_.reset();
  layout_job_.reset();
  step_ = Step::Cancelled;
}

void SceneJob::fail(std::string message) { failWith(std::move(message)); }

void SceneJob::failWith(std::string message) {
  error_ = std::move(message);
  build_job_.reset();
  layout_job_.reset();
  step_ = Step::Failed;
}

const char* SceneJob::stepName(Step step) {
  switch (step) {
    case Step::Shapes: return "inferring shapes";
    case Step::Hierarchy: return "finding groups";
    case Step::Grouping: return "laying out groups";
    case Step::Building: return "building boxes";
    case Step::LayingOut: return "laying out";
    case Step::Geometry: return "routing edges";
    case Step::Indexing: return "indexing";
    case Step::Ready: return "ready";
    case Step::Failed: return "failed";
    case Step::Cancelled: return "cancelled";
  }
  return "";
}

const char* SceneJob::label() const {
  if (step_ == Step::LayingOut && layout_job_) return layout::phaseName(layout_job_->phase());
  if (step_ == Step::Hierarchy && hierarchy_job_) {
    // The pass under way (hierarchy/build.cpp), so a long slice can be told apart.
    static constexpr const char* kPasses[] = {"finding groups (graph arrays)", "finding groups (declutter)",
                                              "finding groups (scopes)", "finding groups (repeated blocks)",
                                              "finding groups (repeat classes)"};
    const uint32_t pass = hierarchy_job_->passesDone();
    if (pass < std::size(kPasses)) return kPasses[pass];
  }
  return stepName(step_);
}

float SceneJob::progress() const {
  switch (step_) {
    case Step::Shapes: return 0.0f;
    case Step::Building: {
      const float built = build_job_ ? build_job_->progress() : 0.0f;
      return request_.grouped ? 0.1f + 0.4f * built : built * kBuildShare;  // grouped: between Hierarchy and Grouping
    }
    case Step::LayingOut: return kBuildShare + (layout_job_ ? layout_job_->progress() : 0.0f) * kLayoutShare;
    case Step::Geometry: return kBuildShare + kLayoutShare;
    case Step::Hierarchy: return 0.1f;
    case Step::Grouping: return 0.5f;
    case Step::Indexing: return kBuildShare + kLayoutShare + kGeometryShare;
    default: return 1.0f;
  }
}

uint64_t SceneJob::progressCounter() const {
  // The other one-call steps have no counter of their own: they end within the call that starts them.
  uint64_t within = 0;
  if (step_ == Step::Building && build_job_) within = static_cast<uint64_t>(build_job_->progress() * 1e9);
  if (step_ == Step::Hierarchy && hierarchy_job_) within = hierarchy_job_->workDone();
  if (step_ == Step::LayingOut && layout_job_) within = layout_job_->workDone();
  return (static_cast<uint64_t>(step_) << 56) | (within & ((uint64_t{1} << 56) - 1));
}

Status SceneJob::buildGrouped(const hierarchy::Expansion& expansion) {
  auto built = grouped_layout_->build(expansion);
  if (!built) return built.error();
  expansion_ = expansion;
  grouped_scene_ = std::move(*built);
  return {};
}

Status SceneJob::regroup(const hierarchy::Expansion& expansion) {
  if (step_ != Step::Ready || !grouped()) return Error{"the graph is not shown as groups"};
  if (Status s = buildGrouped(expansion); !s) return s;
  if (request_.spatial_index) index_.build(layout());
  return {};
}

Status SceneJob::refold(const hierarchy::VisibleOptions& visible) {
  if (step_ != Step::Ready || !grouped()) return Error{"the graph is not shown as groups"};
  const hierarchy::VisibleOptions previous = request_.visible;
  request_.visible = visible;
  resetGroupedLayout();
  if (Status s = regroup(expansion_); !s) {
    request_.visible = previous;
    resetGroupedLayout();
    return s;
  }
  return {};
}

void SceneJob::inferShapesNow() {
  if (step_ != Step::Ready || shapes_) return;
  takeShapes();
  if (!shapes_) return;
  request_.infer_shapes = true;
  if (grouped()) {  // bundle labels come from the grouped layout: rebuild it with the shapes
    resetGroupedLayout();
    (void)regroup(expansion_);
    return;
  }
  const auto types = inferredTypes(*shapes_);
  for (DisplayEdge& e : graph_.edges) {
    const ir::Type* t = types(e.graph, e.value);
    if (t && t->isTensor()) e.label = cleanText(shapeLabel(t->shape), 128);
  }
  placeEdgeLabels(graph_, layout_);
}

}  // namespace nf::scene
