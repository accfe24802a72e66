// app/graph_pictures.h - the graph canvas's other pictures of the open model: the
// layered view (visualkeras-style boxes) and the neurons view (ANN Visualizer-style),
// chosen with the Graph | Layered | 3D | Neurons switch on the graph toolbar (3D:
// graph_space.h).
//
// The geometry is the core's (src/views): the same views::Drawing the CLI writes as
// SVG/PNG, drawn here with the ImGui draw list (polygons, lines, circles, text) under
// its own camera (wheel zoom at the cursor, drag to pan, 0 = fit). Built once per
// (model, view) on the first frame that shows it, from the model's shared analysis;
// the layered picture's layout runs as a layout::LayoutJob in slices (step), so the
// page keeps drawing while a big model is laid out. Past kModulesAbove op boxes a
// model with name scopes gets one box per module (as the CLI's --boxes auto).
//
// Hovering a box or a neuron column (views::layerHotspots) outlines it and shows a
// tooltip (name, type, output shape, params); a click (not a drag) hands its layer to
// the caller (takeClick), which selects the node: the ONNX model's in the shared
// Selection, the document's in the builder. The paper follows the app's theme
// (setLook), in the exports too, and the layered legend can list dims.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <imgui.h>

#include <memory>

#include "app/graph_camera.h"
#include "builder/analysis.h"
#include "builder/document.h"
#include "ir/model.h"
#include "layout/layout.h"
#include "views/drawing.h"
#include "views/layer_graph.h"
#include "views/layered_view.h"

namespace nf::document {
struct ModelAnalysis;
}

namespace nf::app {

enum class PictureView : uint8_t { Graph, Layered, Space, Neurons };  // Space: the 3D view (graph_space.h)
// Page-storage key of the chosen picture ("graph", "layered", "3d", "neurons").
inline constexpr const char* kPictureStorageKey = "netforge.graph.picture";
const char* pictureViewName(PictureView v);  // "graph", "layered", "3d", "neurons"
PictureView parsePictureView(std::string_view s);  // unknown -> Graph

// As the CLI's --boxes auto: modules past this many op boxes (when the model has scopes).
inline constexpr uint32_t kModulesAbove = 60;
inline constexpr size_t kMaxOpBoxes = 3000;

class GraphPictures {
 public:
  GraphPictures();
  ~GraphPictures();
  // Builds the picture of `view` for `model` (the document's `generation`) if it is not
  // the one held. False (and error() set) when it cannot be built.
  bool prepare(const ir::Model* model, uint64_t generation, const document::ModelAnalysis* analysis, PictureView view);
  // The layered picture of a builder document (its layers as drawn, shapes from its
  // propagation; views/builder_layers.h), rebuilt when `revision` changes.
  // `view`: Layered or Neurons (views::builderDensePart).
  bool prepareBuilder(const builder::Document& doc, const builder::Analysis& analysis, uint64_t revision,
                      PictureView view = PictureView::Layered);
  // Dark paper (the app's dark theme) and the legend with dims; a change rebuilds the picture.
  void setLook(bool dark, bool legend_dims);
  bool dark() const { return layered_.dark; }
  bool legendDims() const { return layered_.legend_dims; }
  // Input on the canvas item (the InvisibleButton just submitted), then the picture.
  void draw(ImDrawList* dl, ImVec2 canvas_pos, ImVec2 canvas_size, float toolbar_height);
  void requestFit() { fit_pending_ = true; }
  // Downloads the picture as `base`-<view>.svg, or .png at `scale` (on its paper: the theme's).
  // Returns a one-line message for the toolbar.
  std::string exportSvg(const std::string& base) const;
  std::string exportPng(const std::string& base, float scale) const;
  // The layered layout in progress: advance it by about budget_ms.
  bool busy() const;
  void step(double budget_ms);

  const views::Drawing& drawing() const { return drawing_; }
  const views::LayerGraph& layers() const { return layers_; }
  PictureView view() const { return view_; }
  // The layer under the pointer (-1 none), and the one clicked since the last call (-1 none).
  int32_t hoverLayer() const { return hover_layer_; }
  int32_t takeClick() {
    const int32_t c = clicked_layer_;
    clicked_layer_ = -1;
    return c;
  }
  // Outlined as selected (-1 none): the caller's selection, as a layer of this picture.
  void setSelectedLayer(int32_t layer) { selected_layer_ = layer; }
  // A layer's type as the tooltip says it: "Conv · Relu" (its folded activations too).
  std::string layerType(uint32_t layer) const;
  // Where layers are on screen, as of the last draw: {layer, x, y, w, h} in page
  // pixels, the first `max` of them (the page status, for tests and tools).
  std::vector<std::vector<float>> screenHotspots(size_t max) const;
  const std::string& error() const { return error_; }
  const GraphCamera& camera() const { return camera_; }
  double buildMs() const { return build_ms_; }
  std::string caption() const { return caption_; }

 private:
  void fit(ImVec2 canvas_size, float toolbar_height);
  void reset(const ir::Model* model, uint64_t generation, PictureView view, bool for_builder);
  void startLayered();  // lays out layers_ as a LayoutJob (step() finishes it)
  void setDrawing(views::Drawing d);  // and its hotspots
  void tooltip(uint32_t layer) const;

  const ir::Model* model_ = nullptr;
  uint64_t generation_ = 0;  // the model's generation, or the builder document's revision
  bool for_builder_ = false;
  views::LayerGraph layers_;
  views::LayeredOptions layered_;
  std::unique_ptr<layout::LayoutJob> job_;
  PictureView view_ = PictureView::Graph;
  views::Drawing drawing_;
  std::string error_;
  std::string caption_;
  GraphCamera camera_;
  bool fit_pending_ = true;
  double build_ms_ = 0;
  std::vector<views::Hotspot> hotspots_;
  int32_t hover_layer_ = -1;
  int32_t clicked_layer_ = -1;
  int32_t selected_layer_ = -1;
  ImVec2 press_at_{0, 0};
  ImVec2 canvas_pos_{0, 0};
  std::vector<std::string> layer_types_;  // [layer]: layerType
  bool stale_ = false;  // the look changed: rebuild on the next prepare
};

}  // namespace nf::app
