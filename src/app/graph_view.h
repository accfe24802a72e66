// app/graph_view.h - the graph canvas: the open model's graph, laid out and drawn
// with WebGL2, navigable with mouse, touchpad and keyboard.
//
// Index of the implementation
//   graph_view.cpp          model tracking, the pipeline, the canvas (GL + text),
//                           selection/hover, mouse and keyboard navigation, the
//                           window.netforgeGraph snapshot
//   graph_view_overlays.cpp toolbar + breadcrumb, progress + cancel, search bar,
//                           export dialog
//   graph_pictures.h        the layered and neurons pictures (Graph | Layered | 3D | Neurons)
//   graph_space.h           the 3D picture
//   graph_view_groups.cpp   grouped scenes: frames, expand/collapse by click, keys and
//                           the Groups menu
// Parts GraphView owns, each a small class of its own:
//   graph_search.h          the search's query, matches and cursor
//   graph_minimap.h         the minimap texture and overlay
//   camera_animator.h       animated camera moves (fit, focus, zoom keys)
//   group_transition.h      boxes gliding between two expansions
//   graph_export.h          PNG (tiled offscreen rendering) and SVG export
//   graph_overlay.h         "Colour by": metrics or node data as colour, the legend
//   graph_options_storage.h the options remembered in page storage (JSON)
//   test_probe.h            named control rectangles for tests (shared with the builder)
//
// Frame flow (GraphView::update runs before any view draws):
//   update    new model or options -> pipeline.start; pipeline.step(slice budget);
//             on Ready: upload to the GPU, fit, tell the session the layout is done
//   draw      canvas window: a GL callback draws boxes/edges (GraphRenderer), then
//             ImGui draws text for the visible nodes (GraphFonts) and the overlays
//
// The session's load state follows: "laying-out" while the pipeline works (also for
// a re-layout after a toggle), "drawn" after the first frame that shows the result.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/camera_animator.h"
#include "app/gl_graph_renderer.h"
#include "app/graph_camera.h"
#include "app/graph_minimap.h"
#include "app/graph_pictures.h"
#include "app/graph_space.h"
#include "app/graph_overlay.h"
#include "app/graph_pipeline.h"
#include "app/graph_search.h"
#include "app/graph_text.h"
#include "app/group_transition.h"
#include "app/test_probe.h"
#include "app/view.h"

namespace nf::app {

class Comparison;
class GraphExporter;

// Which model a graph view shows: the open one (A), or the one it is compared with
// (B, app/comparison.h; shown only while a comparison is open, in the right half), or
// the two merged into one graph (Comparison's merged view: in place of both).
enum class GraphPane : uint8_t { A, B, Merged };

// Grouped scenes with more boxes than this change without animation (and without
// text while boxes move).
inline constexpr size_t kMaxAnimatedBoxes = 3000;

// The small borderless windows over the canvas (toolbar, search, progress, minimap):
// ImGui routes the mouse to them instead of the canvas underneath.
inline constexpr ImGuiWindowFlags kGraphOverlayFlags =
    ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings |
    ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoMove;

// Height of the toolbar overlay (two rows of small buttons), kept clear when fitting.
inline constexpr float kToolbarHeight = 58.0f;

class GraphView final : public View {
 public:
  explicit GraphView(GraphPane pane = GraphPane::A);
  ~GraphView() override;
  // Pane B works in the comparison's context (B's session and selection).
  void update(AppContext& ctx) override;
  bool inViewMenu() const override { return false; }
  // Animations, layout slices, overview tiles and exports need frames without input.
  bool wantsFrames() const override;

  // For the GL draw callback.
  void drawGl();

 protected:
  void drawContent(AppContext& ctx) override;
  bool closable() const override { return false; }
  void placeWindow(const WorkArea& area) override;
  ImGuiWindowFlags windowFlags() const override;
  ImVec2 windowPadding() const override { return ImVec2(0, 0); }
  bool fillsCanvas() const override { return true; }

 private:
  struct Crumb {
    ir::GraphId graph;
    std::string label;
  };

  // graph_view.cpp
  void updatePane(AppContext& ctx);
  void drawPane(AppContext& ctx);
  std::string paneId(const char* base) const {
    return pane_ == GraphPane::A ? std::string(base) : std::string(base) + (pane_ == GraphPane::B ? "_b" : "_m");
  }
  // graph_view_compare.cpp: the comparison's colours, and the camera mirrored on the
  // other pane through the pair of the node nearest the centre.
  void followComparison();
  void mirrorCamera(GraphView& other);
  uint32_t centreOpNode(scene::Point* at_canvas) const;  // main-graph node index, kNoIndex if none
  GraphView* otherPane(AppContext& ctx) const;
  void restart(AppContext& ctx, double now);
  void onReady(AppContext& ctx);
  void openGraph(AppContext& ctx, ir::GraphId graph, const std::string& label);
  void handleInput(AppContext& ctx, ImVec2 canvas_pos, ImVec2 canvas_size);
  void handleKeys(AppContext& ctx, ImVec2 canvas_size);
  void followSelection(AppContext& ctx);
  void selectDisplayNode(AppContext& ctx, uint32_t node, bool focus);
  // The layer of the layered/neurons picture that draws the selected node (-1 none).
  int32_t pictureLayerOf(const Selection& sel) const;
  void updateHighlight();
  void animateTo(const GraphCamera& target, double now);
  void fitAll(bool animate);
  void firstCamera();
  bool boxOnScreen(uint32_t node) const;  // fully visible below the toolbar
  void publishView(AppContext& ctx);
  void drawHint(AppContext& ctx, ImVec2 canvas_pos, ImVec2 canvas_size);
  void focusNode(uint32_t node, bool animate);
  void saveOptions() const;
  // The box showing the node: its own, the closed group holding it, or the box of the
  // node it is folded into; kNoIndex when none.
  uint32_t displayNodeOf(ir::GraphId graph, ir::NodeId node) const;
  uint32_t boxOf(ir::GraphId graph, ir::NodeId node) const;  // its own item or group only
  RenderStyle renderStyle(const AppContext& ctx) const;
  void publishState(const AppContext& ctx);
  nlohmann::ordered_json groupedState() const;

  // graph_view_groups.cpp
  void drawFrames(AppContext& ctx, ImDrawList* dl, ImVec2 canvas_pos, ImVec2 canvas_size);
  bool clickGroups(AppContext& ctx, scene::Point p);  // true when the click opened/closed a group
  bool groupKeys(AppContext& ctx);                     // Enter/Backspace on groups; true if handled
  void drawGroupsMenu(AppContext& ctx);
  void groupTooltip(uint32_t node) const;
  void frameTooltip(uint32_t frame) const;
  // Shows the graph with these groups open, keeping the item `anchor` (a visible item
  // key, 0 = none) where it is on screen, and animating the boxes that move.
  void applyExpansion(AppContext& ctx, const hierarchy::Expansion& e, uint64_t anchor);
  // Does to the partner of group g on the other pane what the user just did to g here:
  // opened, closed, or unfolded a series' folded rest (groups paired through the
  // matching, diff/group_pairs.h).
  enum class GroupChange : uint8_t { Open, Close, Unfold };
  // The other pane of a comparison when both show their main graph grouped (the
  // matching pairs main graphs); null otherwise.
  GraphView* groupedPartnerPane(AppContext& ctx);
  uint32_t partnerGroupIn(const GraphView& other, hierarchy::GroupId g) const;  // kNoIndex: none
  void mirrorGroup(AppContext& ctx, hierarchy::GroupId g, GroupChange change);
  // The Groups menu's "Fold repeated layers" done here: the partners of these series on
  // the other pane fold (or unfold) too.
  void mirrorFolding(AppContext& ctx, const std::vector<hierarchy::GroupId>& series, bool fold);
  void uploadScene();
  void recolor();  // the "Colour by" overlay for the current scene, onto the GPU
  void stepGroupAnimation(double now);
  uint32_t frameTitleAt(scene::Point p) const;
  // Grouped scenes: the group item or frame containing a hidden node is revealed.
  bool revealNode(AppContext& ctx, ir::NodeId node);

  // graph_view_overlays.cpp
  void drawToolbar(AppContext& ctx, ImVec2 canvas_pos, ImVec2 canvas_size);
  void editInBuilder(AppContext& ctx);  // "Edit in builder": the open model as a builder document
  void drawProgress(AppContext& ctx, ImVec2 canvas_pos, ImVec2 canvas_size);
  void drawSearch(AppContext& ctx, ImVec2 canvas_pos, ImVec2 canvas_size);
  void drawMinimap(ImVec2 canvas_pos, ImVec2 canvas_size);
  void runSearch(AppContext& ctx);
  void gotoMatch(AppContext& ctx, int delta);
  uint32_t matchBox(size_t k) const;  // the display node showing match k (kNoIndex if folded)
  std::string matchName(size_t k) const;

  GraphPane pane_ = GraphPane::A;
  Comparison* comparison_ = nullptr;  // from A's context (B's has none)
  bool split_ = false;                // a comparison is open side by side: half the canvas each
  bool refit_ = false;                // the pane changed width (split or back): first picture again
  uint64_t diff_version_seen_ = ~0ull;
  bool user_moved_ = false;           // the user panned/zoomed this pane this frame

  GraphPipeline pipeline_;
  GraphRenderer renderer_;
  GraphFonts fonts_;
  std::string gl_error_;
  bool uploaded_ = false;         // the pipeline's scene is on the GPU
  double last_slice_ms_ = 0;      // the last layout slice, for the next one's budget
  bool fit_pending_ = false;      // fit once the canvas size is known
  bool report_pending_ = false;   // tell the session once this scene is on screen
  uint64_t generation_seen_ = 0;  // the document generation the pipeline works on
  GraphViewOptions options_;
  std::vector<Crumb> crumbs_;     // crumbs_.back() is the graph shown

  GraphCamera camera_;
  bool first_view_whole_ = true;  // the first picture showed the whole graph
  // netforgeStatus.view, recounted when these change.
  GraphCamera view_camera_{0, 0, -1};
  uint64_t view_frames_ = 0, frames_seen_scene_ = 0;  // scenes uploaded (bumps on each)
  float view_canvas_w_ = 0;
  std::vector<uint32_t> view_scratch_;
  CameraAnimator camera_anim_;
  ImVec2 canvas_pos_{0, 0}, canvas_size_{1, 1};
  float pixel_ratio_ = 1.0f;

  uint32_t hovered_ = 0xFFFFFFFFu;
  uint32_t selected_ = 0xFFFFFFFFu;
  uint32_t hover_edge_ = 0xFFFFFFFFu;
  uint64_t selection_seen_ = 0;
  bool reapply_selection_ = false;  // a new scene: highlight the selection, never navigate
  std::vector<uint8_t> states_;
  std::vector<uint32_t> adj_begin_, adj_edges_;  // edges touching each box (CSR)
  bool states_dirty_ = false;
  bool dragging_ = false;
  bool overlay_focused_ = false;  // one of the overlay windows had the focus (last frame)

  GraphSearch search_;  // Ctrl+F

  GraphMinimap minimap_;

  GraphOverlay color_;  // "Colour by" (toolbar)
  AppContext* ctx_ = nullptr;  // this frame's context (uploadScene recolours with the document's metrics)

  // Frame data for the GL callback.
  RenderView gl_view_;
  RenderStyle gl_style_;
  std::vector<uint32_t> visible_nodes_, visible_edges_;

  uint64_t frames_drawn_ = 0;          // frames that drew the scene
  double fonts_ms_ = 0, upload_ms_ = 0;  // text atlas build, GPU upload of the last scene
  uint32_t text_strings_ = 0;          // strings drawn in the last frame
  std::string published_;              // last JSON sent to window.netforgeGraph
  TestProbe probe_;  // screen rectangles of the overlay controls this frame (for tests)

  // Grouped scenes: boxes move from where they were to where they go after an
  // expand/collapse.
  GroupTransition group_transition_;
  std::vector<uint32_t> visible_frames_;
  double toggle_started_ = -1;  // platform time of the last expand/collapse, until drawn
  uint64_t toggle_frame_ = 0;   // frames_drawn_ when it happened
  double toggle_ms_ = 0;        // input -> first frame showing the new scene
  int expand_depth_ = 2;        // the Groups menu's "expand to depth"

  // Graph | Layered | Neurons (graph_pictures.h); remembered in page storage.
  PictureView picture_view_ = PictureView::Graph;
  GraphPictures pictures_;
  GraphSpace space_;  // the 3D picture
  std::string picture_message_;  // the last picture export's result, shown on the toolbar
  // The last "Edit in builder": import time, layers made, or why it failed (on the toolbar).
  double builder_import_ms_ = -1.0;
  int64_t builder_layers_ = 0;
  std::string builder_message_;

  std::unique_ptr<GraphExporter> exporter_;  // made on the first export
  bool export_open_ = false;
  float export_scale_ = 1.0f;
};

}  // namespace nf::app
