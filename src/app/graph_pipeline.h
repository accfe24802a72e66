// app/graph_pipeline.h - from an opened model to a drawable scene, in slices.
//
// Stages, each resumable, run by step(budget) once per frame:
//
//   Shapes     shape inference for edge labels (small graphs only: it is one call
//              that cannot be sliced; bigger graphs get labels on request)
// then, for the flat graph:
//   Building   scene::DisplayGraphJob   boxes, rows, edges, text measured
//   LayingOut  layout::LayoutJob        the Sugiyama phases, each resumable
//   Geometry   scene::makeSceneLayout   boxes, curves, arrowheads, labels
// or, grouped (name scopes and repeated blocks as boxes, see hierarchy/hierarchy.h):
//   Hierarchy  hierarchy::buildHierarchy, then hierarchy::firstSight picks the groups
//              to open (at most ~200 boxes on screen)
//   Grouping   scene::GroupedLayout     the open groups laid out one by one
// and both end with
//   Indexing   scene::SpatialIndex      culling and hit testing
//   Ready
// A watchdog fails a stage that stops advancing for kStallSlices frames.
//
// A grouped scene changes without starting over: regroup(expansion) lays out again
// only the groups whose contents changed (one call; fast because each group is small).
//
// Why slices and not a worker: the web build is single-threaded (a static site gets
// no SharedArrayBuffer), so the page stays responsive only if no frame works for
// long. Every stage checks the clock in its inner loops; a frame overruns its budget
// by at most one check interval. cancel() stops at the next check.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "hierarchy/hierarchy.h"
#include "hierarchy/visible.h"
#include "ir/model.h"
#include "layout/budget.h"
#include "layout/layout.h"
#include "scene/display_graph.h"
#include "scene/grouped_scene.h"
#include "scene/scene_layout.h"
#include "scene/spatial_index.h"
#include "shapes/inference.h"

namespace nf::app {

// Groups as boxes, or the flat graph. Auto groups graphs with more than
// GraphPipeline::kAutoGroupNodes nodes (small ones read fine flat).
enum class Grouping : uint8_t { Auto, Groups, Flat };

// What the user chose for the graph view (remembered between visits).
struct GraphViewOptions {
  layout::Direction direction = layout::Direction::TopToBottom;
  bool initializers_as_nodes = false;
  bool show_names = false;
  bool expand_bodies = false;  // inline If/Loop/Scan bodies (flat graph only)
  Grouping grouping = Grouping::Auto;
  uint8_t fold = hierarchy::kFoldableCategories;  // grouped: bookkeeping categories folded away
  bool stubs = true;                              // grouped: high fan-out edges drawn as stubs
  bool operator==(const GraphViewOptions& o) const {
    return direction == o.direction && initializers_as_nodes == o.initializers_as_nodes &&
           show_names == o.show_names && expand_bodies == o.expand_bodies && grouping == o.grouping &&
           fold == o.fold && stubs == o.stubs;
  }
  bool operator!=(const GraphViewOptions& o) const { return !(*this == o); }
};

class GraphPipeline {
 public:
  enum class Stage : uint8_t {
    Idle, Shapes, Building, LayingOut, Geometry, Hierarchy, Grouping, Indexing, Ready, Failed, Cancelled
  };
  // Grouping::Auto draws groups for graphs with more nodes than this.
  static constexpr size_t kAutoGroupNodes = 300;
  // The watchdog: a stage whose progress counter stays still for this many step()
  // calls in a row fails with a message naming it (a bug, never expected; without it
  // the page would say "laying out" forever).
  static constexpr uint32_t kStallSlices = 300;
  // Graphs up to this many nodes get shapes inferred before layout. Inference is one
  // call that cannot be sliced (measured in wasm: 17 ms for DenseNet-201, 40 ms for the
  // 6.5k-node Swin-T, 52 ms for 18k nodes); this keeps it under the 50 ms a frame may
  // take. Bigger graphs get edge labels on request (Options > Infer shapes).
  static constexpr size_t kSyncShapesNodes = 8000;

  struct Timings {
    double shapes_ms = 0, build_ms = 0, layout_ms = 0, geometry_ms = 0, index_ms = 0;
    double hierarchy_ms = 0, grouping_ms = 0;  // grouped: buildHierarchy + firstSight, GroupedLayout::build
    double wall_ms = 0;       // start() to Ready, including the frames in between
    double max_slice_ms = 0;  // the longest single step() call
    uint32_t slices = 0;
  };

  // Where shape inference comes from: the document's analysis (computed once per model,
  // shared with the other views); null when there is none.
  using ShapeSource = std::function<const shapes::InferenceResult*()>;

  // Starts over for model.graphs[graph]; the model must outlive the pipeline's use of it.
  void start(const ir::Model& model, ir::GraphId graph, const GraphViewOptions& options, double now_ms,
             ShapeSource shapes = {});
  // Works for about budget_ms; now_ms is platform time for the wall clock.
  void step(double budget_ms, double now_ms);
  void cancel();
  void reset();

  Stage stage() const { return stage_; }
  bool busy() const;
  float progress() const;  // 0..1 over all stages
  const char* stageLabel() const;
  const std::string& error() const { return error_; }
  const Timings& timings() const { return timings_; }
  ir::GraphId graphId() const { return graph_id_; }
  const GraphViewOptions& options() const { return options_; }
  const ir::Model* model() const { return model_; }

  // Valid once Ready (and until the next start/reset).
  const scene::DisplayGraph& graph() const { return grouped() ? grouped_scene_.graph : graph_; }
  const scene::SceneLayout& layout() const { return grouped() ? grouped_scene_.layout : layout_; }
  const scene::SpatialIndex& index() const { return index_; }
  bool shapesInferred() const { return shapes_ != nullptr; }
  // Takes the shapes now (inferring them is one blocking call) and relabels the edges in place.
  void inferShapesNow();

  // [SECTION] Grouped scenes (valid once Ready with grouped() true)
  bool grouped() const { return grouped_layout_ != nullptr; }
  const hierarchy::Hierarchy& hierarchy() const { return *hierarchy_; }
  const hierarchy::Expansion& expansion() const { return expansion_; }
  // The whole grouped scene: graph() and layout() are its graph and layout.
  const scene::GroupedScene& groupedScene() const { return grouped_scene_; }
  const scene::GroupedLayout::Stats& groupedStats() const { return grouped_layout_->lastStats(); }
  // Shows the graph with these groups open: lays out again what changed, rebuilds the
  // index. One synchronous call. On failure the previous scene stays.
  Status regroup(const hierarchy::Expansion& expansion);
  double lastRegroupMs() const { return regroup_ms_; }
  // New options that change only what is folded (fold, stubs): a grouped scene keeps
  // its expansion and is rebuilt at once. False when a restart is needed instead.
  bool reconfigure(const GraphViewOptions& options);
  // What the options fold and stub, as the visible graph takes it.
  hierarchy::VisibleOptions visibleOptions() const;

 private:
  void startBuild();
  // Stops every job and ends in Failed with this message.
  void fail(std::string message);
  uint64_t progressCounter() const;  // changes whenever the current stage advances
  bool wantsGroups(const ir::Graph& g) const;
  scene::GroupedOptions groupedOptions() const;
  Status buildGrouped(const hierarchy::Expansion& expansion);

  const ir::Model* model_ = nullptr;
  ir::GraphId graph_id_;
  GraphViewOptions options_;
  Stage stage_ = Stage::Idle;
  std::string error_;
  Timings timings_;
  double started_ms_ = 0;
  layout::StallWatch stall_{kStallSlices};
  ShapeSource shape_source_;
  const shapes::InferenceResult* shapes_ = nullptr;  // owned by the document
  std::unique_ptr<scene::DisplayGraphJob> build_job_;
  std::unique_ptr<layout::LayoutJob> layout_job_;
  scene::DisplayGraph graph_;
  scene::SceneLayout layout_;
  scene::SpatialIndex index_;
  // Grouped mode: the hierarchy, which groups are open, the cached group layouts, and
  // the current scene (graph_ and layout_ stay empty).
  std::unique_ptr<hierarchy::Hierarchy> hierarchy_;
  hierarchy::Expansion expansion_;
  std::unique_ptr<scene::GroupedLayout> grouped_layout_;
  scene::GroupedScene grouped_scene_;
  double regroup_ms_ = 0;
};

}  // namespace nf::app
