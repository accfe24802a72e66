// app/graph_overlay.h - "Colour by" for the graph view: the choice (op category, a
// metric, run times, a loaded node-data file), the overlay the core computes for the
// current scene (scene/overlay.h), and the legend drawn over the canvas.
//
// The graph view asks for a rebuild whenever its scene changes (layout done, a group
// opened) and hands the overlay's colours to the GL renderer, the text and the frames;
// the SVG and PNG exports take the same overlay.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <imgui.h>
#include <nlohmann/json.hpp>

#include "app/context.h"
#include "app/test_probe.h"
#include "scene/overlay.h"

namespace nf::app {

class GraphPipeline;

class GraphOverlay {
 public:
  // The "Colour by" popup's items; true when the choice changed (rebuild then).
  bool drawMenu(TestProbe& probe);
  // A node-data file picked since the last frame: parsed against the open model; true
  // when it became the colouring (its error, if any, is shown in the menu and logged).
  bool takeFiles(AppContext& ctx);
  // The document's per-node times of a new run (ModelDocument::nodeTimesMs): true when
  // run times are the colouring and changed (rebuild then).
  bool takeRunTimes(AppContext& ctx);
  // Recomputes the colours for the pipeline's current scene (nothing for Category).
  void rebuild(const GraphPipeline& pipeline, AppContext& ctx);
  // A new model: back to category colours, the file and run times dropped.
  void reset();
  // The hook for run results: milliseconds per main-graph node (NaN = not run), e.g.
  // runtime::Executor::nodeTimes() spread by node index. Enables "Run time".
  void setRunTimes(std::vector<double> ms_per_node);

  // A comparison's colours for this side (scene::differenceValues), which become the
  // colouring; empty values drop them (back to category). True when anything changed.
  bool setDifference(scene::NodeValues values);

  // The overlay to draw, or null for the usual category colours.
  const scene::Overlay* overlay() const { return active_ ? &overlay_ : nullptr; }
  // The legend at the bottom centre of the canvas.
  void drawLegend(ImVec2 canvas_pos, ImVec2 canvas_size, TestProbe& probe, const char* window_id = "##graph_legend") const;
  // window.netforgeGraph.overlay: {color_by, aggregate, title, entries: [[#rrggbb, label]], colored, error}.
  nlohmann::ordered_json state() const;

 private:
  scene::ColorBy by_ = scene::ColorBy::Category;
  scene::Aggregate aggregate_ = scene::Aggregate::Sum;
  bool active_ = false;
  scene::Overlay overlay_;
  uint32_t colored_ = 0;  // boxes with an overlay colour
  bool has_file_ = false;
  scene::NodeValues file_values_;
  std::string file_name_;
  std::vector<double> run_ms_;
  scene::NodeValues diff_values_;  // setDifference
  uint64_t run_times_version_ = 0;  // the document's nodeTimesVersion() taken last
  std::string error_;
};

}  // namespace nf::app
