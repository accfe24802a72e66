// app/graph_pipeline.h - the graph view's scene: a scene::SceneJob (scene/scene_job.h:
// the steps from a model to a drawable scene) stepped one slice per frame.
//
// What the app adds to the job: the view options (GraphViewOptions) turned into a
// request (flat or grouped, shapes inferred up front only for graphs small enough),
// the error boundary around each slice (base/guard.h), the watchdog that fails a stage
// which stops advancing for kStallSlices frames, and the wall-clock time from start()
// to Ready. The GPU upload is the graph view's (graph_view.cpp).
//
// A grouped scene changes without starting over: regroup(expansion) lays out again
// only the groups whose contents changed (one call; fast because each group is small).
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "hierarchy/hierarchy.h"
#include "hierarchy/visible.h"
#include "ir/model.h"
#include "layout/budget.h"
#include "scene/scene_job.h"

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

  // The job's per-step times (shapes_ms, build_ms, layout_ms, ...), and the wall clock.
  struct Timings : scene::SceneTimings {
    double wall_ms = 0;  // start() to Ready, including the frames in between
  };

  // Starts over for model.graphs[graph]; the model must outlive the pipeline's use of
  // it. Graphs up to kSyncShapesNodes get shapes first: from `shapes` (the document's
  // analysis, computed once per model and shared with the other views), else inferred.
  void start(const ir::Model& model, ir::GraphId graph, const GraphViewOptions& options, double now_ms,
             scene::SceneJob::ShapeSource shapes = {});
  // Works for about budget_ms; now_ms is platform time for the wall clock.
  void step(double budget_ms, double now_ms);
  void cancel();
  void reset();

  Stage stage() const;
  bool busy() const;
  float progress() const;  // 0..1 over all stages
  const char* stageLabel() const;
  const std::string& error() const { return job_ ? job_->error() : error_; }
  const Timings& timings() const { return timings_; }
  ir::GraphId graphId() const { return graph_id_; }
  const GraphViewOptions& options() const { return options_; }
  const ir::Model* model() const { return model_; }

  // Valid once Ready (and until the next start/reset).
  const scene::DisplayGraph& graph() const { return job_ ? job_->graph() : empty_.graph; }
  const scene::SceneLayout& layout() const { return job_ ? job_->layout() : empty_.layout; }
  const scene::SpatialIndex& index() const { return job_ ? job_->index() : empty_index_; }
  bool shapesInferred() const { return job_ && job_->shapes() != nullptr; }
  // Runs shape inference now (one blocking call) and relabels the edges in place.
  void inferShapesNow();

  // [SECTION] Grouped scenes (valid once Ready with grouped() true)
  bool grouped() const { return job_ && job_->grouped(); }
  const hierarchy::Hierarchy& hierarchy() const { return job_->hierarchy(); }
  const hierarchy::Expansion& expansion() const { return job_->expansion(); }
  // The whole grouped scene: graph() and layout() are its graph and layout.
  const scene::GroupedScene& groupedScene() const { return job_->groupedScene(); }
  const scene::GroupedLayout::Stats& groupedStats() const { return job_->groupedStats(); }
  // Shows the graph with these groups open: lays out again what changed, rebuilds the
  // index. One synchronous call. On failure the previous scene stays.
  Status regroup(const hierarchy::Expansion& expansion);
  double lastRegroupMs() const { return regroup_ms_; }
  // New options that change only what is folded (fold, stubs): a grouped scene keeps
  // its expansion and is rebuilt at once. False when a restart is needed instead.
  bool reconfigure(const GraphViewOptions& options);
  // What the options fold and stub, as the visible graph takes it.
  hierarchy::VisibleOptions visibleOptions() const;
  // Which groups open first (grouped graphs): the view sets the budget of what its
  // canvas shows readably before start().
  void setFirstSight(const hierarchy::FirstSightOptions& o) { first_sight_ = o; }
  const hierarchy::FirstSightOptions& firstSightOptions() const { return first_sight_; }

 private:
  // Stops the job and ends in Failed with this message.
  void fail(std::string message);
  bool wantsGroups(const ir::Graph& g) const;

  const ir::Model* model_ = nullptr;
  hierarchy::FirstSightOptions first_sight_;
  ir::GraphId graph_id_;
  GraphViewOptions options_;
  Stage failed_before_start_ = Stage::Idle;  // Idle, or Failed when start() found no graph
  std::string error_;
  Timings timings_;
  double started_ms_ = 0;
  layout::StallWatch stall_{kStallSlices};
  std::unique_ptr<scene::SceneJob> job_;
  scene::GroupedScene empty_;  // what graph() and layout() show before a job exists
  scene::SpatialIndex empty_index_;
  double regroup_ms_ = 0;
};

}  // namespace nf::app
