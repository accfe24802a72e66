// views/space_view.h - the 3D view (TensorSpace-style): the model's layers as slabs
// in space, geometry only (no GL, no UI); the app draws it with WebGL2.
//
//   LayerGraph (layer_graph.h) --spaceLayer--> each layer's kind and footprint
//     --layoutSpace--> the layered layout engine (src/layout), top to bottom, with
//                      each layer's footprint (x extent by flow thickness) as node
//                      size: the main path runs down the y axis (input on top) and
//                      branches (residual skips, Inception towers) sit side by side
//                      along x, so no two layers' boxes overlap.
//     --> SpaceScene: boxes (closed slabs, dense units) and planes (open channels),
//         each with its layer.
//
// Axes (right-handed, y up): flow goes down -y; a feature map lies in the x-z plane
// (W along x, H along z); a closed layer's thickness along y is by its channels.
// A feature layer (C x H x W) is closed (one slab W x C x H) or open (its channels
// as separate W x H planes in a grid, at most page_size of them: page p shows
// channels [p * page_size, ...)). A dense layer (rank 2, or C x 1 x 1 after global
// pooling) is a row of unit cubes along x, at most page_size units. An input image
// layer is a feature layer like any other.
//
// Sizes are logarithmic (as the layered view's default), so 224x224 and 7x7 maps,
// 3 and 2048 channels all read in one scene.
#pragma once
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "views/layer_graph.h"

namespace nf::views {

struct Vec3 {
  float x = 0, y = 0, z = 0;
};

enum class SpaceLayerKind : uint8_t { Feature, Dense };

struct SpaceOptions {
  float unit = 3.0f;           // side = unit * log2(1 + dim)
  float min_side = 2.0f, max_side = 40.0f;  // a map side within these
  float channel_unit = 1.2f;   // closed thickness = channel_unit * log2(1 + C)
  float min_thickness = 1.0f, max_thickness = 30.0f;
  float layer_gap = 14.0f;     // between consecutive layers along the flow
  float branch_gap = 10.0f;    // between side-by-side layers
  float plane_gap = 0.25f;     // between open planes, as a fraction of the plane side
  float plane_thickness = 0.4f;
  float open_height = 0.25f;   // an open layer's room along the flow, as a fraction of its grid's width
  float unit_side = 1.2f;      // a dense unit cube
  uint32_t page_size = 256;    // planes of an open layer / units of a dense row at most
};

// Per-layer state the caller keeps (open layers and their page).
struct SpaceState {
  std::set<uint32_t> open;         // layer indices shown open
  std::vector<uint32_t> page;      // [layer] page of an open layer (missing = 0)
};

// One layer's shape in space.
struct SpaceLayer {
  uint32_t layer = 0;  // index into LayerGraph::layers
  SpaceLayerKind kind = SpaceLayerKind::Feature;
  int64_t c = 1, h = 1, w = 1;  // Dense: c = units, h = w = 1; unknown dims count as 1
  bool open = false;
  uint32_t page = 0, pages = 1;  // open feature / dense layers: which page of how many
  uint32_t first = 0, count = 0;  // channels (open) or units (dense) shown: [first, first + count)
  Vec3 center;      // of its footprint
  Vec3 size;        // footprint extents (x, y, z)
  float side_w = 0, side_h = 0;  // one map's plane (x by z)
};

// An axis-aligned solid: a closed slab or one dense unit.
struct SpaceBox {
  uint32_t layer = 0;   // index into SpaceScene::layers
  uint32_t unit = kNoIndex;  // Dense: the unit index; kNoIndex for a closed slab
  Vec3 center, size;
};

// One open channel: a thin slab, its top face (normal +y) shows the map.
struct SpacePlane {
  uint32_t layer = 0;    // index into SpaceScene::layers
  uint32_t channel = 0;  // channel of the layer's output
  Vec3 center, size;     // size.x = W side, size.z = H side
};

struct SpaceLink {
  uint32_t from = 0, to = 0;  // SpaceScene::layers indices
};

struct SpaceScene {
  std::vector<SpaceLayer> layers;  // [LayerGraph layer]
  std::vector<SpaceBox> boxes;
  std::vector<SpacePlane> planes;
  std::vector<SpaceLink> links;   // LayerGraph::edges
  Vec3 min, max;                  // bounds of everything
};

// The layer's kind and extents (before placement).
SpaceLayer spaceLayer(const Layer& layer, uint32_t index, const SpaceOptions& o, const SpaceState& state);
// Places every layer with the layout engine and emits boxes and planes.
Result<SpaceScene> layoutSpace(const LayerGraph& graph, const SpaceOptions& o, const SpaceState& state);

// The first box or plane a ray hits (nearest), or none.
struct SpaceHit {
  bool hit = false;
  bool plane = false;       // planes[index] else boxes[index]
  uint32_t index = 0;
  uint32_t layer = 0;       // SpaceScene::layers index
  float t = 0;              // distance along the (unit) ray
  Vec3 point;               // where it hits
  // Where on the map (plane top face, or a closed slab's top face): [0,1) each, x along W, z along H.
  float u = -1, v = -1;
};
SpaceHit pickSpace(const SpaceScene& scene, Vec3 origin, Vec3 dir);

// For a hit on an open plane of layer `to` at map cell (row, col): the region of
// `from` (a predecessor) it depends on, in `from`'s cells, as [row0, row1) x [col0, col1):
// its receptive field, by the ratio of the two maps' sizes widened by the kernel's
// reach (kernel_reach cells each way). Clamped to `from`'s map.
struct CellRect {
  int64_t row0 = 0, row1 = 0, col0 = 0, col1 = 0;
};
CellRect receptiveField(const SpaceLayer& from, const SpaceLayer& to, int64_t row, int64_t col, int64_t kernel_reach);

}  // namespace nf::views
