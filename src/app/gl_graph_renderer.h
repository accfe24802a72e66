// app/gl_graph_renderer.h - draws a laid-out scene with WebGL2: instanced boxes,
// Bezier edges widened in the vertex shader, arrowheads.
//
// Everything static is uploaded once per scene (setScene): one instance per box, one
// per cubic segment, one per arrowhead, each array sorted by tile (a coarse grid over
// the scene). A frame only computes which tiles the viewport touches and issues one
// instanced draw per contiguous run of visible tiles (WebGL2 has no base instance,
// so each run re-points the instance attributes at its first element). So the
// per-frame CPU and vertex work follows what is visible, not the graph size — what
// SwiftShader (software GL) needs to pan a 10k-node graph at 60 fps.
//
// Highlight state (hovered/selected/neighbour/search match) is one byte per box in a
// separate buffer, re-uploaded when it changes; the highlighted edges are a small
// dynamic buffer drawn over the others.
//
// Text is not drawn here: graph_text.h puts it in ImGui draw lists over this.
#pragma once
#include <GLES3/gl3.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "app/gl_program.h"
#include "base/result.h"
#include "scene/display_graph.h"
#include "scene/scene_layout.h"

namespace nf::app {

// Where and how big the scene is drawn this frame.
struct RenderView {
  float origin_x = 0, origin_y = 0;  // scene point at the viewport's top-left
  float scale = 1;                   // framebuffer pixels per scene unit
  int x = 0, y = 0, width = 1, height = 1;  // viewport in framebuffer pixels, GL convention (y up)
};

// Colours as 0xRRGGBB plus what to draw.
struct RenderStyle {
  uint32_t body = 0xFBFBFB, border = 0x6B6B6B, edge = 0x6A6A6A, highlight = 0xE8890C, neighbor = 0xF2B35E,
           match = 0x2F9E44;
  float detail = 1.0f;       // 0: far look (flat boxes), 1: header/body/border
  float pixel_ratio = 1.0f;  // framebuffer pixels per CSS pixel (line widths)
  bool edges = true;
  bool arrows = true;
};

// Per-box highlight states (the a_state attribute).
enum NodeState : uint8_t { kStatePlain = 0, kStateNeighbor = 1, kStateSelected = 2, kStateHovered = 3, kStateMatch = 4 };

// A grid over the scene; items (boxes, segments) are sorted by the tile holding
// their centre, and `margin` is how far an item reaches beyond its tile.
struct TileGrid {
  float origin_x = 0, origin_y = 0, tile = 1, margin = 0;
  uint32_t cols = 1, rows = 1;
  std::vector<uint32_t> begin;  // [tile + 1]: items of tile t are [begin[t], begin[t+1])

  void setup(const scene::Rect& bounds, size_t item_count);
  uint32_t tileOf(float x, float y) const;
  // Runs of item indices whose tiles may touch `view` (scene), merged; many runs
  // collapse into one spanning run (fewer draw calls beat skipping a few items).
  void visibleRuns(const scene::Rect& view, std::vector<std::pair<uint32_t, uint32_t>>& runs) const;
};

class GraphRenderer {
 public:
  GraphRenderer() = default;
  ~GraphRenderer();
  GraphRenderer(const GraphRenderer&) = delete;
  GraphRenderer& operator=(const GraphRenderer&) = delete;

  // Compiles the shaders and creates the vertex arrays; call with the context current.
  Status init();
  bool ready() const { return ready_; }
  // Uploads a scene (replacing the previous one).
  void setScene(const scene::DisplayGraph& graph, const scene::SceneLayout& layout);
  void clearScene();
  bool hasScene() const { return node_count_ > 0; }
  // One state per display node (NodeState); re-uploaded whole.
  void setNodeStates(const std::vector<uint8_t>& by_node);
  // Edges drawn over the others in the highlight colour (a handful: a node's edges).
  void setHighlightedEdges(const std::vector<uint32_t>& edges, const scene::SceneLayout& layout);

  // Draws into the current framebuffer at view's viewport (sets viewport, scissor,
  // blending; leaves the rest of the GL state as ImGui's backend expects to reset it).
  void draw(const RenderView& view, const RenderStyle& style);

  struct FrameStats {
    uint32_t boxes = 0, segments = 0, arrows = 0, draw_calls = 0;
  };
  const FrameStats& lastFrame() const { return stats_; }

 private:
  void drawEdges(const RenderView& v, const RenderStyle& s, GLuint vao, const GlBuffer& buf, uint32_t count,
                 const std::vector<std::pair<uint32_t, uint32_t>>& runs, uint32_t color, float half_width,
                 float segments);
  void setCommon(const GlProgram& p, const RenderView& v);

  bool ready_ = false;
  GlProgram node_prog_, edge_prog_, arrow_prog_;
  GLuint node_vao_ = 0, edge_vao_ = 0, curve_vao_ = 0, arrow_vao_ = 0, hl_edge_vao_ = 0, hl_arrow_vao_ = 0;
  GlBuffer node_buf_, state_buf_, line_buf_, curve_buf_, arrow_buf_, hl_edge_buf_, hl_arrow_buf_;
  TileGrid node_tiles_, line_tiles_, curve_tiles_, arrow_tiles_;
  uint32_t node_count_ = 0, line_count_ = 0, curve_count_ = 0, arrow_count_ = 0, hl_edge_count_ = 0,
           hl_arrow_count_ = 0;
  std::vector<uint32_t> instance_of_node_;  // display node -> position in the tile-sorted arrays
  std::vector<uint8_t> states_;             // in instance order
  std::vector<std::pair<uint32_t, uint32_t>> runs_;  // scratch
  FrameStats stats_;
};

}  // namespace nf::app
