// scene/scene_job.h - from a model to a drawable scene: the one place that runs the
// sequence, for the app (in slices, one per frame), the CLI, tests and benchmarks
// (to the end in one call).
//
// The steps, each with the label the app's progress overlay and status JSON show:
//
//   Shapes     "inferring shapes"   shapes::inferShapes, for edge labels and tensor rows
//                                   (skipped when the caller passes a result, or asks
//                                   for declared types only; one call: not sliced)
// then, for the flat graph:
//   Building   "building boxes"     scene::DisplayGraphJob: boxes, rows, edges, text measured
//   LayingOut  (the layout phase)   layout::LayoutJob: the Sugiyama phases, each resumable
//   Geometry   "routing edges"      scene::makeSceneLayout: boxes, curves, arrowheads, labels
// or, grouped (name scopes and repeated blocks as boxes, see hierarchy/hierarchy.h):
//   Hierarchy  "finding groups"     hierarchy::HierarchyJob (its passes, one or more a
//                                   call), then the groups to open (first sight: what
//                                   fits the canvas readably)
//   Building   "building boxes"     scene::DisplayGraphJob: every op's box, the items'
//                                   source (resumable, as for the flat graph)
//   Grouping   "laying out groups"  scene::GroupedLayout: the open groups one by one
// and both end with
//   Indexing   "indexing"           scene::SpatialIndex: culling and hit testing
//   Ready
//
// step(budget_ms) works for about budget_ms and returns; the next call goes on where
// it stopped. Every step checks the clock in its inner loops, so a call overruns its
// budget by at most one check interval (Hierarchy: one pass); the one-call steps
// (Shapes, Grouping, Geometry) get a call of their own when the current one is half spent.
// budget_ms <= 0 runs to the end. cancel() stops at the next check.
//
// Why slices and not a worker: the web build is single-threaded (a static site gets
// no SharedArrayBuffer), so the page stays responsive only if no frame works for long.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "hierarchy/hierarchy.h"
#include "hierarchy/visible.h"
#include "ir/model.h"
#include "layout/layout.h"
#include "layout/types.h"
#include "scene/display_graph.h"
#include "scene/grouped_scene.h"
#include "scene/scene_layout.h"
#include "scene/spatial_index.h"
#include "shapes/inference.h"

namespace nf::scene {

// Which groups a grouped scene opens with.
struct GroupOpening {
  enum class Kind : uint8_t { FirstSight, Collapsed, Expanded, ToDepth };
  Kind kind = Kind::FirstSight;
  uint32_t depth = 0;  // ToDepth: groups of depth < this are open
  hierarchy::FirstSightOptions first_sight;  // FirstSight: the budget (the app's: what fits its canvas)
};

// What to draw and how.
struct SceneRequest {
  ir::GraphId graph{0};
  layout::Direction direction = layout::Direction::TopToBottom;
  bool initializers_as_nodes = false;
  bool show_names = false;
  bool expand_bodies = false;  // flat only: inline If/Loop/Scan bodies
  bool infer_shapes = true;    // false: only declared types label the edges
  bool grouped = false;        // groups as boxes instead of the flat graph
  hierarchy::VisibleOptions visible;  // grouped: what is folded, which edges are stubs
  GroupOpening opening;               // grouped: which groups are open at first
  bool spatial_index = true;          // false: no Indexing step (nothing to hit-test)
};

// Milliseconds per step, summed over the calls that ran it.
struct SceneTimings {
  double shapes_ms = 0, build_ms = 0, layout_ms = 0, geometry_ms = 0, index_ms = 0;
  double hierarchy_ms = 0, grouping_ms = 0;  // grouped: buildHierarchy + opening, GroupedLayout::build
  double max_slice_ms = 0;                   // the longest single step() call
  uint32_t slices = 0;                       // step() calls that worked
};

class SceneJob {
 public:
  enum class Step : uint8_t { Shapes, Hierarchy, Grouping, Building, LayingOut, Geometry, Indexing, Ready, Failed, Cancelled };

  // Where inferred types come from when they are computed elsewhere (the app's model
  // document, which shares one inference among its views); asked during the Shapes
  // step, so the cost lands in a slice. It may answer null (then: declared types).
  using ShapeSource = std::function<const shapes::InferenceResult*()>;

  // The model (and `shapes`, when given) must outlive the job. `shapes`: inferred
  // types computed elsewhere; null: the job infers them itself when request.infer_shapes.
  SceneJob(const ir::Model& model, SceneRequest request, const shapes::InferenceResult* shapes = nullptr);
  SceneJob(const ir::Model& model, SceneRequest request, ShapeSource source);
  ~SceneJob();
  SceneJob(const SceneJob&) = delete;
  SceneJob& operator=(const SceneJob&) = delete;

  // Works for about budget_ms (<= 0: to the end). Returns true once the job is over
  // (Ready, Failed or Cancelled).
  bool step(double budget_ms);
  // To the end in one call; the error when it failed or was cancelled.
  Status run();
  void cancel();
  // Stops the work and ends in Failed with this message (the caller's watchdog).
  void fail(std::string message);

  Step current() const { return step_; }
  bool running() const { return step_ < Step::Ready; }
  // The steps this job runs, in order (what its options chose).
  const std::vector<Step>& plan() const { return plan_; }
  const char* label() const;        // the current step's label (LayingOut: the layout phase)
  static const char* stepName(Step step);
  float progress() const;           // 0..1 over all steps
  // Changes whenever the job advances: the current step in the top byte, below it
  // the step's own work counter. For a caller's watchdog (layout::StallWatch).
  uint64_t progressCounter() const;
  const std::string& error() const { return error_; }
  const SceneTimings& timings() const { return timings_; }
  const SceneRequest& request() const { return request_; }
  const ir::Model& model() const { return model_; }

  // [SECTION] The scene, valid once Ready
  const DisplayGraph& graph() const { return grouped() ? grouped_scene_.graph : graph_; }
  const SceneLayout& layout() const { return grouped() ? grouped_scene_.layout : layout_; }
  const SpatialIndex& index() const { return index_; }
  const shapes::InferenceResult* shapes() const { return shapes_; }  // null: declared types
  // Moves the flat graph and its layout out (the job is spent afterwards).
  DisplayGraph takeGraph() { return std::move(graph_); }
  SceneLayout takeLayout() { return std::move(layout_); }

  // [SECTION] Grouped scenes (valid once Ready with grouped() true)
  bool grouped() const { return grouped_layout_ != nullptr; }
  const hierarchy::Hierarchy& hierarchy() const { return *hierarchy_; }
  const hierarchy::Expansion& expansion() const { return expansion_; }
  const GroupedScene& groupedScene() const { return grouped_scene_; }
  const GroupedLayout::Stats& groupedStats() const { return grouped_layout_->lastStats(); }
  // Shows the graph with these groups open: lays out again only the groups whose
  // contents changed and rebuilds the index. One call. On failure the scene stays.
  Status regroup(const hierarchy::Expansion& expansion);
  // New fold/stub options for a grouped scene: rebuilt at once with the same groups
  // open. On failure the previous options and scene stay.
  Status refold(const hierarchy::VisibleOptions& visible);

  // Ready without shapes: infers them now (one blocking call) and relabels the edges.
  void inferShapesNow();

 private:
  void startBuilding();
  void enter(Step next);
  void failWith(std::string message);
  void inferOwnShapes();
  void takeShapes();  // from source_ when there is one, else inferred by the job
  GroupedOptions groupedOptions() const;
  void resetGroupedLayout();
  Status buildGrouped(const hierarchy::Expansion& expansion);

  const ir::Model& model_;
  SceneRequest request_;
  std::vector<Step> plan_;
  Step step_ = Step::Shapes;
  std::string error_;
  SceneTimings timings_;
  const shapes::InferenceResult* shapes_ = nullptr;
  ShapeSource source_;
  std::unique_ptr<shapes::InferenceResult> own_shapes_;
  std::unique_ptr<DisplayGraphJob> build_job_;
  std::unique_ptr<hierarchy::HierarchyJob> hierarchy_job_;
  std::unique_ptr<layout::LayoutJob> layout_job_;
  DisplayGraph graph_;
  SceneLayout layout_;
  SpatialIndex index_;
  // Grouped: the hierarchy, which groups are open, the cached group layouts, and the
  // current scene (graph_ and layout_ stay empty).
  std::unique_ptr<hierarchy::Hierarchy> hierarchy_;
  hierarchy::Expansion expansion_;
  std::unique_ptr<GroupedLayout> grouped_layout_;
  GroupedScene grouped_scene_;
};

}  // namespace nf::scene
