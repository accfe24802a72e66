// app/gl_graph_renderer.h - draws a laid-out scene with WebGL2.
//
// Everything static is uploaded once per scene (setScene), sorted by tile (a coarse
// grid over the scene) so that a frame only draws the index ranges of the tiles the
// viewport touches:
//   boxes       4 vertices + 6 indices each (rounded, headed, ringed in the shader)
//   chords      every cubic of every edge as a straight chord, 4 vertices each
//   arrowheads  3 vertices each
//   curves      the true cubics, instanced (graph_edge.vert samples them), used
//               close up where only a few are visible
// Plain indexed vertices rather than instancing for everything numerous: SwiftShader
// (Chromium's software GL, what headless tests and GPU-less machines get) processes
// instanced draws one instance at a time, several times slower per box.
//
// Level of detail: when the viewport holds more boxes than are cheap to draw (far
// zoom on a big graph), the frame draws an overview instead: the whole graph
// pre-rendered at a few scales into textures (built a tile per call to
// buildOverview(), between frames), so panning a 100k-node graph at fit-to-screen
// costs a few textured quads. Highlighted boxes and edges are drawn over it.
//
// Text is not drawn here: graph_text.h puts it in ImGui draw lists over this.
#pragma once
#include <GLES3/gl3.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "app/gl_program.h"
#include "base/result.h"
#include "scene/categories.h"
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
  // Boxes and edges: the light palette unless fromPalette() says otherwise.
  uint32_t body = scene::lightPalette().node_body, border = scene::lightPalette().node_border,
           edge = scene::lightPalette().edge;
  uint32_t highlight = 0xE8890C, neighbor = 0xF2B35E, match = 0x2F9E44;
  float detail = 1.0f;       // 0: far look (flat boxes), 1: header/body/border
  float pixel_ratio = 1.0f;  // framebuffer pixels per CSS pixel (line widths)
  bool edges = true;
  bool arrows = true;
  bool overview = true;      // may use the overview textures
  bool states = true;        // highlight rings (off for overview textures and exports)
  static RenderStyle fromPalette(const scene::Palette& p) {
    RenderStyle s;
    s.body = p.node_body;
    s.border = p.node_border;
    s.edge = p.edge;
    return s;
  }
  bool operator==(const RenderStyle& o) const {
    return body == o.body && border == o.border && edge == o.edge && highlight == o.highlight &&
           neighbor == o.neighbor && pixel_ratio == o.pixel_ratio;
  }
};

// Per-box highlight states (the a_state attribute).
enum NodeState : uint8_t { kStatePlain = 0, kStateNeighbor = 1, kStateSelected = 2, kStateHovered = 3, kStateMatch = 4 };

// A grid over the scene; items (boxes, chords) are sorted by the tile holding their
// centre, and `margin` is how far an item reaches beyond its tile.
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
  // Above this many boxes in view, the overview is drawn instead of the boxes.
  static constexpr uint32_t kMaxGeometryBoxes = 1500;

  GraphRenderer() = default;
  ~GraphRenderer();
  GraphRenderer(const GraphRenderer&) = delete;
  GraphRenderer& operator=(const GraphRenderer&) = delete;

  // Compiles the shaders and creates the vertex arrays; call with the context current.
  Status init();
  bool ready() const { return ready_; }
  // Uploads a scene (replacing the previous one); plans (but does not build) the overview.
  // `header_colors` (per display node, scene::kNoOverlayColor = usual): a metrics
  // overlay's header fills (scene/overlay.h).
  void setScene(const scene::DisplayGraph& graph, const scene::SceneLayout& layout, float canvas_pixels,
                const std::vector<uint32_t>* header_colors = nullptr);
  void clearScene();
  bool hasScene() const { return box_count_ > 0; }
  // One state per display node (NodeState); only the boxes that changed are re-sent.
  void setNodeStates(const std::vector<uint8_t>& by_node);
  // Edges drawn over the others in the highlight colour (a handful: a node's edges).
  void setHighlightedEdges(const std::vector<uint32_t>& edges, const scene::SceneLayout& layout);

  // Renders up to max_tiles overview tiles (outside ImGui's render pass: it binds its
  // own framebuffer, then the default one). True when the overview is complete.
  bool buildOverview(const RenderStyle& style, int max_tiles);
  bool overviewComplete() const;

  // Draws into the current framebuffer at view's viewport (sets viewport, scissor,
  // blending; leaves the rest of the GL state as ImGui's backend expects to reset it).
  void draw(const RenderView& view, const RenderStyle& style);

  struct FrameStats {
    uint32_t boxes = 0, segments = 0, arrows = 0, tiles = 0, draw_calls = 0;
    int overview_level = -1;  // the level drawn, -1 for geometry
  };
  const FrameStats& lastFrame() const { return stats_; }

 private:
  struct OverviewTile {
    GLuint texture = 0;
    scene::Rect rect;  // scene rectangle covered
    int width = 0, height = 0;
  };
  struct OverviewLevel {
    float scale = 0;  // framebuffer pixels per scene unit
    std::vector<OverviewTile> tiles;
    uint32_t built = 0;
  };

  void setCommon(const GlProgram& p, const RenderView& v);
  void drawGeometry(const RenderView& v, const RenderStyle& s, bool boxes, bool edges, bool arrows);
  void drawBoxes(const RenderView& v, const RenderStyle& s, const std::vector<std::pair<uint32_t, uint32_t>>& runs);
  void drawCurves(const RenderView& v, GLuint vao, const GlBuffer& buf, uint32_t first, uint32_t count,
                  uint32_t color, float half_width, float segments);
  void drawHighlights(const RenderView& v, const RenderStyle& s, float half_width, float chords);
  void freeOverview();
  void warmUp();

  bool ready_ = false;
  GlProgram box_prog_, chord_prog_, curve_prog_, arrow_prog_, tile_prog_;
  GLuint box_vao_ = 0, chord_vao_ = 0, curve_vao_ = 0, arrow_vao_ = 0, hl_vao_ = 0, hl_arrow_vao_ = 0, tile_vao_ = 0;
  GlBuffer box_buf_, box_state_buf_, chord_buf_, curve_buf_, arrow_buf_, hl_buf_, hl_arrow_buf_;
  // Quad indices 4i + {0,1,2,1,3,2} for boxes and chords. Only ever bound as an element
  // buffer: WebGL fixes a buffer's kind at its first binding.
  GLuint index_buf_ = 0;
  TileGrid box_tiles_, chord_tiles_, curve_tiles_, arrow_tiles_;
  uint32_t box_count_ = 0, chord_count_ = 0, curve_count_ = 0, arrow_count_ = 0, hl_count_ = 0, hl_arrow_count_ = 0;
  std::vector<uint32_t> slot_of_node_;  // display node -> position in the tile-sorted box arrays
  std::vector<uint8_t> states_;         // by display node, as last sent
  std::vector<std::pair<uint32_t, uint32_t>> runs_;  // scratch
  scene::Rect bounds_;
  std::vector<OverviewLevel> overview_;
  RenderStyle overview_style_;
  GLuint overview_fbo_ = 0;
  FrameStats stats_;
};

}  // namespace nf::app
