// views/layered_view.h - the layered view (visualkeras-style): one solid box per
// layer, sized by its output tensor, laid out as a DAG.
//
//   LayerGraph (layer_graph.h) --sizeLayer--> box extents (front w x h, oblique depth)
//     --layoutLayered--> the layered layout engine (src/layout), box footprints as
//                        node sizes, left to right by default: residual, Inception
//                        and U-Net branches sit side by side instead of in one line
//     --drawLayered--> Drawing (drawing.h): faces shaded front/top/side in the
//                      category colour, funnels between consecutive boxes, routed
//                      connectors where the flow branches or merges, "×N" frames for
//                      folded repeats, optional text under each box, a legend.
//
// Sizing follows visualkeras: height by H, oblique depth by W, width by channels
// (layer_graph.h's boxDims), each through the sizing mode:
//   accurate     v * scale, at least min (no upper cap: true proportions)
//   capped       v * scale clamped to [min, max]
//   logarithmic  unit * scale * log2(1 + v) clamped to [min, max] (unit 12 for H/W,
//                4 for channels): the default, so 7x7 and 224x224 maps, 3 and 2048
//                channels all read in one picture
//   uniform      every box the same size
// A dim that is unknown or absent gets the min.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "layout/types.h"
#include "views/drawing.h"
#include "views/layer_graph.h"

namespace nf::views {

enum class SizingMode : uint8_t { Accurate, Logarithmic, Capped, Uniform };
const char* sizingModeName(SizingMode m);            // "accurate", ...
bool parseSizingMode(std::string_view s, SizingMode* out);

struct LayeredOptions {
  SizingMode sizing = SizingMode::Logarithmic;
  float scale_xy = 1.0f;  // H and W
  float scale_z = 1.0f;   // channels
  float min_xy = 12.0f, max_xy = 320.0f;
  float min_z = 6.0f, max_z = 160.0f;
  float spacing = 26.0f;        // gap between consecutive boxes, and between branches
  float depth_ratio = 0.45f;    // oblique depth = ratio * sized W
  layout::Direction direction = layout::Direction::LeftToRight;
  bool legend = true;
  // The legend lists each (layer type, output shape) drawn, "Conv2d 1×6×28×28", instead
  // of one entry per colour (visualkeras's legend with show_dimension).
  bool legend_dims = false;
  bool dark = false;            // the dark look: pictureLook(true)'s paper, text and connectors
  bool label_name = false;      // text under each box
  bool label_shape = false;
  bool label_params = false;
  bool label_above = false;     // the text over each box instead of under it
  // Labelled background regions for the hierarchy's groups at this depth (1 = the
  // top-level scopes: a ResNet's layer1..layer4), as visualkeras's layered_groups; 0 none.
  uint32_t group_depth = 0;
};

struct BoxSize {
  float width = 0;   // front face, along the flow (channels)
  float height = 0;  // front face (H)
  float depth = 0;   // oblique (W); drawn up and right at 45 degrees
};
BoxSize sizeLayer(const Layer& layer, const LayeredOptions& options);
// One dim through the sizing mode (z: the channel axis, else H/W).
float sizeDim(int64_t v, bool z, const LayeredOptions& options);

struct LayerBox {
  BoxSize size;
  Rect footprint;  // the whole solid plus its text, as laid out
  Point front;     // top-left of the front face
};

struct LayeredScene {
  std::vector<LayerBox> boxes;  // [layer]
  layout::Layout layout;        // node i = layer i, edge j = LayerGraph::edges[j]
};

// Synchronous: layeredLayoutInput -> the layout engine -> placeLayered. The app runs
// the engine as a layout::LayoutJob in slices between frames instead.
Result<LayeredScene> layoutLayered(const LayerGraph& graph, const LayeredOptions& options);
layout::Graph layeredLayoutInput(const LayerGraph& graph, const LayeredOptions& options);
layout::Options layeredLayoutOptions(const LayeredOptions& options);
LayeredScene placeLayered(const LayerGraph& graph, const LayeredOptions& options, layout::Layout result);
Drawing drawLayered(const LayerGraph& graph, const LayeredScene& scene, const LayeredOptions& options);

}  // namespace nf::views
