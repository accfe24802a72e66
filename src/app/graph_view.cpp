// GraphView core: the pipeline, the canvas, selection and navigation (graph_view.h).
#include "app/graph_view.h"

#include <SDL_scancode.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "app/frame_log.h"
#include "app/graph_export.h"
#include "app/graph_options_storage.h"
#include "app/page_json.h"
#include "app/graph_platform.h"
#include "app/platform.h"
#include "app/selection.h"
#include "app/comparison.h"
#include "app/session.h"
#include "app/theme.h"
#include "base/strings.h"
#include "scene/exports.h"
#include "scene/first_view.h"

namespace nf::app {

namespace {

constexpr const char* kOptionsKey = "netforge.graph.options";
// Work per frame while laying out: below the 50 ms a frame may take, with room
// for drawing the frame itself (the slices overrun by a few ms at most).
constexpr double kSliceMs = 30.0;
// A layout frame aims under this (the browser's long task is 50 ms): its slice gets
// what the rest of the frame (panels; the GL draw when it presents) leaves, at least kMinSliceMs.
constexpr double kLayoutFrameMs = 40.0;
constexpr double kMinSliceMs = 10.0;
// Series of up to this many instances open at first sight (ResNet's layer1 ×3); longer
// ones stay one box.
constexpr uint32_t kFirstSightSeriesOpened = 4;

void glCallback(const ImDrawList*, const ImDrawCmd* cmd) { static_cast<GraphView*>(cmd->UserCallbackData)->drawGl(); }

}  // namespace

GraphView::GraphView(GraphPane pane)
    : View(pane == GraphPane::A ? "Graph" : pane == GraphPane::B ? "Graph B" : "Graph (merged)", pane == GraphPane::A),
      pane_(pane) {
  const std::string saved = platform::storageGet(kOptionsKey);
  options_ = decodeGraphOptions(saved, options_);
  if (isLegacyGraphOptions(saved)) saveOptions();  // stored once more, as JSON
  picture_view_ = parsePictureView(platform::storageGet(kPictureStorageKey));
  minimap_.setWindowId(paneId("##graph_minimap"));
}

GraphView::~GraphView() = default;

bool GraphView::wantsFrames() const {
  return camera_anim_.active() || group_transition_.active() || pictures_.busy() ||
         (picture_view_ == PictureView::Space && space_.animating()) || toggle_started_ >= 0 || pipeline_.busy() || (uploaded_ && !renderer_.overviewComplete()) ||
         (exporter_ && exporter_->busy());
}

void GraphView::saveOptions() const { platform::storageSet(kOptionsKey, encodeGraphOptions(options_)); }

void GraphView::placeWindow(const WorkArea& area) {
  if (!split_) {
    ImGui::SetNextWindowPos(area.pos, ImGuiCond_Always);
    ImGui::SetNextWindowSize(area.size, ImGuiCond_Always);
    return;
  }
  // Comparing: A on the left half, B on the right, a thin gap between.
  const float half = std::floor(area.size.x * 0.5f);
  const float x = pane_ == GraphPane::A ? area.pos.x : area.pos.x + half + 2.0f;
  ImGui::SetNextWindowPos(ImVec2(x, area.pos.y), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(half - 2.0f, area.size.y), ImGuiCond_Always);
}

ImGuiWindowFlags GraphView::windowFlags() const {
  return ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
         ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoBackground |
         ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoNavInputs;
}

// [SECTION] Model tracking and the pipeline -----------------------------------------

void GraphView::restart(AppContext& ctx, double now) {
  const OpenedModel* m = ctx.session.document().current();
  uploaded_ = false;
  report_pending_ = true;
  group_transition_.stop();
  toggle_started_ = -1;
  hovered_ = selected_ = hover_edge_ = kNoIndex;
  search_.reset();
  minimap_.invalidate();
  if (!m) {
    pipeline_.reset();
    renderer_.clearScene();
    return;
  }
  // The pipeline takes shapes from the document's analysis (computed once per model);
  // the generation check keeps it from ever reading another model's.
  document::ModelDocument& doc = ctx.session.document();
  const uint64_t generation = doc.generation();
  // Grouped graphs open as many groups as the canvas shows readably; a long series
  // stays one box with its count ("layers ×24") rather than a column of slivers.
  hierarchy::FirstSightOptions sight;
  sight.max_items = scene::firstSightItemBudget(canvas_size_.x, canvas_size_.y - kToolbarHeight);
  sight.max_series_opened = kFirstSightSeriesOpened;
  pipeline_.setFirstSight(sight);
  pipeline_.start(m->model, crumbs_.back().graph, options_, now,
                  [&doc, generation]() -> const shapes::InferenceResult* {
                    return doc.generation() == generation ? doc.inference() : nullptr;
                  });
  ctx.session.graphLayoutStarted();
}

void GraphView::openGraph(AppContext& ctx, ir::GraphId graph, const std::string& label) {
  // Opening a graph already on the breadcrumb goes back to it.
  for (size_t i = 0; i < crumbs_.size(); ++i)
    if (crumbs_[i].graph == graph) {
      crumbs_.resize(i + 1);
      restart(ctx, platform::nowMs());
      fit_pending_ = true;
      return;
    }
  crumbs_.push_back(Crumb{graph, label});
  restart(ctx, platform::nowMs());
  fit_pending_ = true;
}

void GraphView::update(AppContext& ctx) {
  if (ctx.comparison) comparison_ = ctx.comparison;
  // The merged view takes the canvas from both sides (which keep their scenes).
  const bool merged = comparison_ && comparison_->mergedShown();
  if (pane_ == GraphPane::Merged) {
    setOpen(merged);
    if (!merged) return;
    updatePane(comparison_->mergedContext());
    followComparison();
    return;
  }
  const bool split = comparison_ && comparison_->active();
  if (split != split_) refit_ = true;  // half or all of the width: what was in view may be off-canvas now
  split_ = split;
  if (pane_ == GraphPane::A) setOpen(!merged);
  if (pane_ == GraphPane::B) {
    setOpen(split_ && !merged);
    if (!split_) return;
    AppContext& b = comparison_->bContext();
    updatePane(b);
    followComparison();
    if (GraphView* a = otherPane(ctx)) {
      // A updated first this frame: whichever pane the user moved leads.
      if (a->user_moved_) a->mirrorCamera(*this);
      else if (user_moved_) mirrorCamera(*a);
    }
    return;
  }
  updatePane(ctx);
  followComparison();
}

void GraphView::drawContent(AppContext& ctx) {
  if (pane_ == GraphPane::B) {
    if (!comparison_ || !comparison_->active()) return;
    drawPane(comparison_->bContext());
    return;
  }
  if (pane_ == GraphPane::Merged) {
    if (comparison_ && comparison_->mergedShown()) drawPane(comparison_->mergedContext());
    return;
  }
  drawPane(ctx);
}

void GraphView::updatePane(AppContext& ctx) {
  const double now = platform::nowMs();
  ctx_ = &ctx;
  const OpenedModel* m = ctx.session.document().current();
  bool frame_spent = false;  // this frame already ran a slice of parsing
  if (ctx.session.document().generation() != generation_seen_) {
    // Even a short last slice of parsing (15-30 ms) and the layout's first slice
    // together made a 60-80 ms task (firstsight_bench, 10k-30k nodes).
    frame_spent = ctx.session.document().timings().last_parse_slice_ms > 0;
    generation_seen_ = ctx.session.document().generation();
    color_.reset();
    diff_version_seen_ = ~0ull;  // the comparison's colours, if any, come back
    crumbs_.assign(1, Crumb{ir::GraphId{0}, "Main graph"});
    if (m && !m->model.graphs.empty() && !m->model.main().name.empty())
      crumbs_[0].label = displayName(m->model.main().name, 40);
    fit_pending_ = true;
    restart(ctx, now);
  }
  if (!renderer_.ready() && gl_error_.empty()) {
    if (Status s = renderer_.init(); !s) {
      gl_error_ = s.message();
      ctx.session.logProblem("graph view: " + gl_error_);
    }
  }
  // The text atlas takes a while to build: do it while nothing else is going on.
  if (!fonts_.built() && !ctx.session.busy() && renderer_.ready()) {
    if (ctx.frame_log) ctx.frame_log->mark("graph view");
    fonts_.ensureBuilt();
    if (ctx.frame_log) ctx.frame_log->mark("text atlas");
    fonts_ms_ += platform::nowMs() - now;
  }
  if (picture_view_ != PictureView::Graph && pictures_.busy()) pictures_.step(kSliceMs);
  // The first slice waits for the next frame when this one parsed: a slice's first
  // step always runs, and the page would block for both.
  bool long_slice = false;
  if (pipeline_.busy() && !frame_spent) {
    const std::string label = pipeline_.stageLabel();
    if (ctx.frame_log) ctx.frame_log->mark("graph view");
    double budget = kSliceMs;
    if (ctx.frame_log) {
      // What else this frame will cost: the last frame's drawing without its slice and
      // presentation, and a presentation if this frame has one.
      const FrameLog& f = *ctx.frame_log;
      double others = f.presents() ? f.lastPresentMs() : 0;
      if (last_slice_ms_ > 0)
        others += std::max(0.0, f.lastFrameMs() - last_slice_ms_ - (f.lastFramePresented() ? f.lastPresentMs() : 0));
      budget = std::clamp(kLayoutFrameMs - others, kMinSliceMs, kSliceMs);
    }
    const double slice_start = platform::nowMs();
    pipeline_.step(budget, now);
    last_slice_ms_ = platform::nowMs() - slice_start;
    // With the first real picture (at least as costly as a progress frame) it would overrun.
    long_slice = last_slice_ms_ + (ctx.frame_log ? ctx.frame_log->lastPresentMs() : 0) > kLayoutFrameMs - kMinSliceMs;
    if (ctx.frame_log) {
      const std::string after = pipeline_.stageLabel();
      ctx.frame_log->mark("layout slice (" + label + (after != label ? " -> " + after : "") + ")");
    }
    if (pipeline_.stage() == GraphPipeline::Stage::Failed) {
      // The session restores the model shown before (if any) at the next frame and
      // reports the message (status bar, Errors panel); with none, state "error" and
      // the overlay's "Lay out again" retries.
      report_pending_ = false;
      ctx.session.stageFailed("graph view: " + pipeline_.error());
    }
  }
  // The upload and the first draw of a scene (tens of ms in SwiftShader) wait for the
  // next frame when the slice that finished the layout leaves too little of this one.
  if (pipeline_.stage() == GraphPipeline::Stage::Ready && !uploaded_ && !long_slice) {
    if (renderer_.ready()) {
      if (ctx.frame_log) ctx.frame_log->mark("graph view");
      onReady(ctx);
      if (ctx.frame_log) ctx.frame_log->mark("text atlas and upload");
    } else if (report_pending_) {  // no WebGL2 program: the load still completes
      report_pending_ = false;
      ctx.session.graphLaidOut(pipeline_.timings().wall_ms);
    }
  }
  if (pipeline_.stage() == GraphPipeline::Stage::Cancelled && report_pending_) {
    report_pending_ = false;
    ctx.session.graphLaidOut(pipeline_.timings().wall_ms, /*cancelled=*/true);
  }
  if (uploaded_) followSelection(ctx);
  if (exporter_) exporter_->step(pipeline_, renderer_, fonts_, ctx);
  // The overview textures for far zoom, a tile per frame once the graph is on screen.
  if (uploaded_ && !report_pending_ && !group_transition_.active() && !renderer_.overviewComplete()) {
    RenderStyle style = renderStyle(ctx);
    renderer_.buildOverview(style, 1);
    if (renderer_.overviewComplete()) minimap_.invalidate();
  }
  camera_anim_.step(camera_, now, canvas_size_.x, canvas_size_.y);
  stepGroupAnimation(now);
}

void GraphView::onReady(AppContext& ctx) {
  (void)ctx;
  const double t0 = platform::nowMs();
  uploaded_ = true;
  fonts_.ensureBuilt();
  const double t1 = platform::nowMs();
  uploadScene();
  reapply_selection_ = true;  // show the current selection in the new scene
  fonts_ms_ += t1 - t0;
  upload_ms_ = platform::nowMs() - t1;
}

// The pipeline's scene to the GPU, with what is derived from it (edges per box).
void GraphView::uploadScene() {
  if (ctx_) color_.rebuild(pipeline_, *ctx_);
  const scene::Overlay* overlay = color_.overlay();
  renderer_.setScene(pipeline_.graph(), pipeline_.layout(),
                     canvas_size_.x * canvas_size_.y * pixel_ratio_ * pixel_ratio_,
                     overlay ? &overlay->node_header : nullptr);
  // Edges by box (both ends), for highlighting a box's edges and neighbours.
  const scene::DisplayGraph& g = pipeline_.graph();
  adj_begin_.assign(g.nodes.size() + 1, 0);
  for (const scene::DisplayEdge& e : g.edges) {
    ++adj_begin_[e.from + 1];
    if (e.to != e.from) ++adj_begin_[e.to + 1];
  }
  for (size_t i = 0; i < g.nodes.size(); ++i) adj_begin_[i + 1] += adj_begin_[i];
  adj_edges_.assign(adj_begin_.back(), 0);
  std::vector<uint32_t> fill(adj_begin_.begin(), adj_begin_.end() - 1);
  for (uint32_t e = 0; e < g.edges.size(); ++e) {
    adj_edges_[fill[g.edges[e].from]++] = e;
    if (g.edges[e].to != g.edges[e].from) adj_edges_[fill[g.edges[e].to]++] = e;
  }
  states_.assign(pipeline_.graph().nodes.size(), kStatePlain);
  ++frames_seen_scene_;
  minimap_.invalidate();
  updateHighlight();
  states_dirty_ = true;
}

void GraphView::recolor() {
  if (!uploaded_ || !ctx_) return;
  color_.rebuild(pipeline_, *ctx_);
  const scene::Overlay* overlay = color_.overlay();
  renderer_.setScene(pipeline_.graph(), pipeline_.layout(), canvas_size_.x * canvas_size_.y * pixel_ratio_ * pixel_ratio_,
                     overlay ? &overlay->node_header : nullptr);
  minimap_.invalidate();
  states_dirty_ = true;
}

uint32_t GraphView::displayNodeOf(ir::GraphId graph, ir::NodeId node) const {
  const uint32_t shown = boxOf(graph, node);
  const ir::Model* model = pipeline_.model();
  if (shown != kNoIndex || !node.valid() || !model || graph.index >= model->graphs.size()) return shown;
  // A node folded into the box of a node it feeds (a "+1 constant" row): that box, so
  // selecting it (the node list, a Differences row, its pair on the other side) shows
  // where it is drawn. Chains of folded nodes: a few hops along the first consumer.
  const ir::Graph& g = model->graph(graph);
  for (int hop = 0; hop < 4 && node.index < g.nodes.size(); ++hop) {
    ir::NodeId next;
    for (ir::ValueId v : g.node(node).outputs)
      if (v.valid() && !g.value(v).consumers.empty()) {
        next = g.value(v).consumers.front();
        break;
      }
    if (!next.valid()) return kNoIndex;
    if (const uint32_t d = boxOf(graph, next); d != kNoIndex) return d;
    node = next;
  }
  return kNoIndex;
}

uint32_t GraphView::boxOf(ir::GraphId graph, ir::NodeId node) const {
  if (!node.valid()) return kNoIndex;
  const scene::DisplayGraph& g = pipeline_.graph();
  // Grouped: the item showing the node (its box, or the closed group holding it).
  if (pipeline_.grouped()) {
    const hierarchy::VisibleGraph& v = pipeline_.groupedScene().visible;
    if (graph != g.graph || node.index >= pipeline_.hierarchy().node_group.size()) return kNoIndex;
    const uint32_t item = v.itemOfNode(node);
    return item < g.nodes.size() ? item : kNoIndex;
  }
  if (graph == g.graph && node.index < g.node_of_op.size()) return g.node_of_op[node.index];
  for (uint32_t i = 0; i < g.nodes.size(); ++i)  // expanded bodies
    if (g.nodes[i].kind == scene::NodeKind::Op && g.nodes[i].graph == graph && g.nodes[i].op == node) return i;
  return kNoIndex;
}

void GraphView::followSelection(AppContext& ctx) {
  Selection& sel = ctx.selection;
  const bool changed = sel.version != selection_seen_;
  if (!changed && !reapply_selection_) return;
  selection_seen_ = sel.version;
  reapply_selection_ = false;
  uint32_t n = displayNodeOf(sel.graph, sel.node);
  // A node hidden in a closed group, chosen elsewhere (the node list, search): open
  // the groups around it.
  if (changed && n != kNoIndex && pipeline_.grouped() && sel.graph == pipeline_.graphId() &&
      pipeline_.graph().nodes[n].kind == scene::NodeKind::Group && revealNode(ctx, sel.node)) {
    selection_seen_ = sel.version;
    n = displayNodeOf(sel.graph, sel.node);
  }
  // A node of another graph chosen elsewhere (the node list, a body): open that graph.
  // Only for a new choice: a scene rebuilt for another graph keeps showing it.
  if (changed && n == kNoIndex && sel.node.valid() && sel.graph != pipeline_.graphId() && ctx.session.document().current()) {
    const ir::Model& model = ctx.session.document().current()->model;
    if (sel.graph.index < model.graphs.size()) {
      openGraph(ctx, sel.graph, displayName(model.graph(sel.graph).name, 40));
      return;  // applied again once laid out (reapply_selection_)
    }
  }
  if (n != selected_) {
    selected_ = n;
    updateHighlight();
  }
  if (sel.focus_requested && n != kNoIndex) {
    sel.focus_requested = false;
    focusNode(n, true);
  }
}

int32_t GraphView::pictureLayerOf(const Selection& sel) const {
  if (sel.graph.index != 0) return -1;
  const auto& layers = pictures_.layers().layers;
  for (size_t i = 0; i < layers.size(); ++i) {
    const views::Layer& l = layers[i];
    if (sel.node.valid() ? l.kind == views::LayerKind::Op &&
                               (l.node == sel.node || std::find(l.folded.begin(), l.folded.end(), sel.node) != l.folded.end())
                         : l.kind == views::LayerKind::Input && sel.value.valid() && l.value == sel.value)
      return static_cast<int32_t>(i);
  }
  return -1;
}

void GraphView::selectDisplayNode(AppContext& ctx, uint32_t node, bool focus) {
  selected_ = node;
  updateHighlight();
  Selection& sel = ctx.selection;
  if (node == kNoIndex) {
    sel.clear();
  } else {
    const scene::DisplayNode& n = pipeline_.graph().nodes[node];
    if (n.kind == scene::NodeKind::Op) {
      sel.selectNode(n.graph, n.op, false);
    } else if (n.kind == scene::NodeKind::Group) {
      sel.clear();  // a group is not a node of the model: highlighted here only
    } else {
      sel.selectValue(n.graph, n.value);
    }
  }
  selection_seen_ = sel.version;
  if (focus && node != kNoIndex) focusNode(node, true);
}

// Hovered/selected node, its neighbours and its edges; search matches.
void GraphView::updateHighlight() {
  if (!uploaded_) return;
  const scene::DisplayGraph& g = pipeline_.graph();
  std::fill(states_.begin(), states_.end(), kStatePlain);
  for (size_t k = 0; k < search_.matches().size(); ++k)
    if (const uint32_t m = matchBox(k); m < states_.size()) states_[m] = kStateMatch;
  std::vector<uint32_t> edges;
  for (uint32_t focus : {selected_, hovered_}) {
    if (focus == kNoIndex || focus >= g.nodes.size()) continue;
    for (uint32_t k = adj_begin_[focus]; k < adj_begin_[focus + 1]; ++k) {
      const uint32_t e = adj_edges_[k];
      const scene::DisplayEdge& de = g.edges[e];
      edges.push_back(e);
      const uint32_t other = de.from == focus ? de.to : de.from;
      if (states_[other] == kStatePlain || states_[other] == kStateMatch) states_[other] = kStateNeighbor;
    }
  }
  if (hover_edge_ != kNoIndex && hover_edge_ < g.edges.size()) edges.push_back(hover_edge_);
  if (hovered_ != kNoIndex && hovered_ < states_.size()) states_[hovered_] = kStateHovered;
  if (selected_ != kNoIndex && selected_ < states_.size()) states_[selected_] = kStateSelected;
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  renderer_.setHighlightedEdges(edges, pipeline_.layout());
  states_dirty_ = true;
}

// [SECTION] Camera -----------------------------------------------------------------

void GraphView::animateTo(const GraphCamera& target, double now) { camera_anim_.start(camera_, target, now); }

void GraphView::fitAll(bool animate) {
  if (!uploaded_) return;
  // Fit below the toolbar overlay.
  const float top = kToolbarHeight + 8.0f;
  GraphCamera target =
      fitRect(pipeline_.layout().bounds, canvas_size_.x, std::max(1.0f, canvas_size_.y - top), 24.0f, 2.0f);
  target.origin_y -= top / target.zoom;
  if (animate) animateTo(target, platform::nowMs());
  else camera_ = target, camera_anim_.stop();
}

// The first picture: the whole graph when its titles are readable that way, else a
// readable zoom at its inputs (scene::firstView); 0 / Fit shows everything.
void GraphView::firstCamera() {
  if (!uploaded_) return;
  const float top = kToolbarHeight + 8.0f;
  const scene::ViewPlacement v = scene::firstView(pipeline_.layout(), canvas_size_.x, canvas_size_.y, top, 2.0f);
  camera_.origin_x = v.origin_x;
  camera_.origin_y = v.origin_y;
  camera_.zoom = v.zoom;
  camera_anim_.stop();
  first_view_whole_ = v.whole;
}

void GraphView::focusNode(uint32_t node, bool animate) {
  if (!uploaded_ || node >= pipeline_.layout().nodes.size()) return;
  const scene::Rect& r = pipeline_.layout().nodes[node];
  // Readable: at least zoom 1, or closer if the box is small; never zoom out to focus.
  GraphCamera target = fitRect(r, canvas_size_.x, canvas_size_.y, std::min(canvas_size_.x, canvas_size_.y) * 0.3f, 1.5f);
  target.zoom = std::max(target.zoom, std::min(1.0f, camera_.zoom));
  target = centerOn(target, pipeline_.layout().nodeCenter(node), canvas_size_.x, canvas_size_.y);
  if (animate) animateTo(target, platform::nowMs());
  else camera_ = target;
}

// [SECTION] Drawing ----------------------------------------------------------------

RenderStyle GraphView::renderStyle(const AppContext& ctx) const {
  RenderStyle s = RenderStyle::fromPalette(graphPalette(ctx.settings.theme));
  s.highlight = accentRgb(ctx.settings.theme);
  s.neighbor = accentSoftRgb(ctx.settings.theme);
  s.pixel_ratio = pixel_ratio_;
  // Far away the boxes become flat category colour (their text is gone anyway).
  const float header_px = scene::boxStyle().header_height * camera_.zoom;
  s.detail = std::clamp((header_px - 4.0f) / 6.0f, 0.0f, 1.0f);
  return s;
}

void GraphView::drawGl() {
  if (states_dirty_) {
    renderer_.setNodeStates(states_);
    states_dirty_ = false;
  }
  renderer_.draw(gl_view_, gl_style_);
}

void GraphView::drawPane(AppContext& ctx) {
  const ImGuiIO& io = ImGui::GetIO();
  pixel_ratio_ = io.DisplayFramebufferScale.x > 0 ? io.DisplayFramebufferScale.x : 1.0f;
  canvas_pos_ = ImGui::GetCursorScreenPos();
  canvas_size_ = ImGui::GetContentRegionAvail();
  canvas_size_.x = std::max(canvas_size_.x, 1.0f);
  canvas_size_.y = std::max(canvas_size_.y, 1.0f);
  const ImVec2 canvas_pos = canvas_pos_, canvas_size = canvas_size_;
  if (refit_ && uploaded_) {
    refit_ = false;
    firstCamera();
  }

  // One nearly transparent pixel: the window's draw list is never empty (an empty
  // list makes ImGui's GL3 backend call bufferSubData with length 0, which WebGL2
  // reads as "the whole heap" and reports as an overflow).
  ImGui::GetWindowDrawList()->AddRectFilled(canvas_pos, ImVec2(canvas_pos.x + 1, canvas_pos.y + 1), IM_COL32(0, 0, 0, 1));
  ImGui::InvisibleButton("##graph_canvas", canvas_size,
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  // The layered and neurons pictures replace the graph on the canvas (graph_pictures.h).
  if (picture_view_ != PictureView::Graph && ctx.session.document().current()) {
    document::ModelDocument& doc = ctx.session.document();
    if (picture_view_ == PictureView::Space) {
      space_.prepare(&doc.current()->model, doc.generation(), doc.analysis());
      space_.setRun(&ctx.session.runResults());
      space_.draw(ImGui::GetWindowDrawList(), canvas_pos, canvas_size, kToolbarHeight, pixel_ratio_);
    } else {
      pictures_.setLook(ctx.settings.theme == Theme::Dark, pictures_.legendDims());
      pictures_.prepare(&doc.current()->model, doc.generation(), doc.analysis(), picture_view_);
      pictures_.setSelectedLayer(pictureLayerOf(ctx.selection));
      pictures_.draw(ImGui::GetWindowDrawList(), canvas_pos, canvas_size, kToolbarHeight);
      // A click on a box or neuron layer selects its node (or its graph input) for the Node panel.
      if (const int32_t clicked = pictures_.takeClick(); clicked >= 0) {
        const views::Layer& l = pictures_.layers().layers[static_cast<size_t>(clicked)];
        if (l.kind == views::LayerKind::Op) ctx.selection.selectNode(ir::GraphId{0}, l.node, false);
        else ctx.selection.selectValue(ir::GraphId{0}, l.value);
      }
    }
    ++frames_drawn_;
    // The model's load completes with its layout, as when the graph is shown.
    if (report_pending_ && uploaded_) {
      report_pending_ = false;
      ctx.session.graphLaidOut(pipeline_.timings().wall_ms);
    }
    drawToolbar(ctx, canvas_pos, canvas_size);
    const std::string& picture_error = picture_view_ == PictureView::Space ? space_.error() : pictures_.error();
    if (!picture_error.empty()) {
      ImGui::SetCursorScreenPos(ImVec2(canvas_pos.x + 16, canvas_pos.y + kToolbarHeight + 16));
      ImGui::TextColored(ImVec4(0.8f, 0.2f, 0.1f, 1), "This picture cannot be drawn: %s", picture_error.c_str());
    }
    publishState(ctx);
    return;
  }
  const bool ready = uploaded_ && renderer_.hasScene();
  if (ready && fit_pending_) {
    fit_pending_ = false;
    firstCamera();
  }
  if (ready) handleInput(ctx, canvas_pos, canvas_size);
  // Ctrl+F opens the search wherever the focus is (unless a text field has the keys).
  if (ready && !io.WantTextInput && (io.KeyCtrl || io.KeySuper) && ImGui::IsKeyPressed(SDL_SCANCODE_F, false)) {
    search_.open = true;
    search_.focus = true;
  }

  if (ready) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float fb_h = io.DisplaySize.y * pixel_ratio_;
    gl_view_.origin_x = camera_.origin_x;
    gl_view_.origin_y = camera_.origin_y;
    gl_view_.scale = camera_.zoom * pixel_ratio_;
    gl_view_.x = static_cast<int>(std::lround(canvas_pos.x * pixel_ratio_));
    gl_view_.width = std::max(1, static_cast<int>(std::lround(canvas_size.x * pixel_ratio_)));
    gl_view_.height = std::max(1, static_cast<int>(std::lround(canvas_size.y * pixel_ratio_)));
    gl_view_.y = static_cast<int>(std::lround(fb_h - canvas_pos.y * pixel_ratio_)) - gl_view_.height;
    const RenderStyle previous = gl_style_;
    gl_style_ = renderStyle(ctx);
    if (!(previous == gl_style_)) minimap_.invalidate();  // the theme changed
    ++frames_drawn_;
    text_strings_ = 0;
    drawFrames(ctx, dl, canvas_pos, canvas_size);
    dl->AddCallback(glCallback, this);
    dl->AddCallback(ImDrawCallback_ResetRenderState, nullptr);

    // Text over the boxes, for what is on screen only.
    visible_nodes_.clear();
    visible_edges_.clear();
    // While groups open or close the boxes move (no edges): all their text, if few.
    const bool moving = group_transition_.moving(pipeline_.graph().nodes.size());
    const scene::SceneLayout& shown = moving ? group_transition_.layout() : pipeline_.layout();
    if (textVisibleAt(camera_.zoom, pixel_ratio_)) {
      const scene::Rect view = camera_.visible(canvas_size.x, canvas_size.y);
      if (!moving) {
        pipeline_.index().queryNodes(view, visible_nodes_);
        pipeline_.index().queryEdges(view, visible_edges_);
      } else if (shown.nodes.size() <= kMaxAnimatedBoxes) {
        for (uint32_t i = 0; i < shown.nodes.size(); ++i) visible_nodes_.push_back(i);
      }
      TextFrame f;
      f.draw_list = dl;
      f.canvas_pos = canvas_pos;
      f.camera = camera_;
      f.pixel_ratio = pixel_ratio_;
      const TextStyle ts = TextStyle::fromPalette(graphPalette(ctx.settings.theme));
      dl->PushClipRect(canvas_pos, ImVec2(canvas_pos.x + canvas_size.x, canvas_pos.y + canvas_size.y), true);
      const scene::Overlay* overlay = color_.overlay();
      text_strings_ = drawGraphText(f, fonts_, pipeline_.graph(), shown, visible_nodes_, visible_edges_, ts,
                                    overlay ? &overlay->node_text : nullptr);
      dl->PopClipRect();
    }
    // An expand/collapse has been drawn once a later frame starts (the GL work of the
    // frame that showed it is done by then).
    if (toggle_started_ >= 0 && frames_drawn_ > toggle_frame_ + 1) {
      toggle_ms_ = platform::nowMs() - toggle_started_;
      toggle_started_ = -1;
    }
    // The first frame that shows the whole laid-out graph: the load is complete.
    if (report_pending_) {
      report_pending_ = false;
      ctx.session.graphLaidOut(pipeline_.timings().wall_ms);
    }
  }

  drawToolbar(ctx, canvas_pos, canvas_size);
  if (ready) {
    color_.drawLegend(canvas_pos, canvas_size, probe_, paneId("##graph_legend").c_str());
    drawMinimap(canvas_pos, canvas_size);
    drawSearch(ctx, canvas_pos, canvas_size);
  }
  drawProgress(ctx, canvas_pos, canvas_size);
  if (ready && !split_) drawHint(ctx, canvas_pos, canvas_size);  // side by side the legends take the bottom
  if (ready && !report_pending_) publishView(ctx);
  if (!gl_error_.empty()) {
    ImGui::SetCursorScreenPos(ImVec2(canvas_pos.x + 16, canvas_pos.y + 48));
    ImGui::TextColored(ImVec4(1, 0.4f, 0.3f, 1), "The graph cannot be drawn: %s", gl_error_.c_str());
  }
  publishState(ctx);
}

// window.netforgeGraph: what tests and benchmarks read (sent only when it changed).
// Numbers are rounded (0.1 px, 0.1 ms, 5 digits of zoom) so an idle frame sends nothing.
void GraphView::publishState(const AppContext& ctx) {
  (void)ctx;
  using Json = nlohmann::ordered_json;
  const GraphPipeline::Timings& t = pipeline_.timings();
  const GraphRenderer::FrameStats& gl = renderer_.lastFrame();
  const bool ready = uploaded_;
  std::string sel_name, match_name;
  if (ready && selected_ != kNoIndex) sel_name = pipeline_.graph().nodes[selected_].name;
  if (ready && search_.cursor() >= 0) match_name = matchName(static_cast<size_t>(search_.cursor()));
  auto ms = [](double v) { return roundTo(v, 1); };
  auto px = [](double v) { return roundTo(v, 1); };
  Json j;
  j["stage"] = pipeline_.stageLabel();
  j["view"] = pictureViewName(picture_view_);
  if (picture_view_ == PictureView::Space) {
    j["space"] = space_.status();
  } else if (picture_view_ != PictureView::Graph) {
    const views::Drawing& d = pictures_.drawing();
    j["picture"] = {{"view", d.view},
                    {"shapes", d.shapes.size()},
                    {"boxes", d.groupCount("layer") + d.groupCount("box")},
                    {"neuron_layers", d.groupCount("neuron-layer")},
                    {"bounds", {roundTo(d.bounds.width, 0), roundTo(d.bounds.height, 0)}},
                    {"zoom", significant(pictures_.camera().zoom, 5)},
                    {"build_ms", roundTo(pictures_.buildMs(), 1)},
                    {"caption", pictures_.caption().substr(0, 300)},
                    {"error", pictures_.error()},
                    {"dark", pictures_.dark()},
                    {"legend_dims", pictures_.legendDims()},
                    {"background", d.background},
                    {"hotspots", pictures_.screenHotspots(64)}};
    j["picture"]["hover_layer"] = pictures_.hoverLayer();
    if (const int32_t h = pictures_.hoverLayer(); h >= 0) {
      const views::Layer& l = pictures_.layers().layers[static_cast<size_t>(h)];
      j["picture"]["hover"] = {{"name", l.name}, {"type", pictures_.layerType(static_cast<uint32_t>(h))},
                               {"shape", l.shape.rank_known ? scene::shapeLabel(l.shape) : ""}, {"params", l.params}};
    }
  }
  if (builder_import_ms_ >= 0)
    j["edit_in_builder"] = {{"ms", ms(builder_import_ms_)}, {"layers", builder_layers_}, {"error", builder_message_}};
  j["graph"] = pipeline_.graphId().index;
  j["depth"] = static_cast<unsigned>(crumbs_.size());
  j["nodes"] = ready ? pipeline_.graph().nodeCount() : 0u;
  j["edges"] = ready ? pipeline_.graph().edgeCount() : 0u;
  j["direction"] = options_.direction == layout::Direction::LeftToRight ? "LR" : "TB";
  j["initializers_as_nodes"] = options_.initializers_as_nodes;
  j["names"] = options_.show_names;
  j["expand_bodies"] = options_.expand_bodies;
  j["shapes"] = pipeline_.shapesInferred();
  j["zoom"] = significant(camera_.zoom, 5);
  j["origin"] = {px(camera_.origin_x), px(camera_.origin_y)};
  j["canvas"] = {roundTo(canvas_pos_.x, 0), roundTo(canvas_pos_.y, 0), roundTo(canvas_size_.x, 0),
                 roundTo(canvas_size_.y, 0)};
  j["bounds"] = {ready ? roundTo(pipeline_.layout().bounds.width, 0) : 0.0,
                 ready ? roundTo(pipeline_.layout().bounds.height, 0) : 0.0};
  j["selected"] = selected_ == kNoIndex ? -1 : static_cast<int>(selected_);
  j["selected_name"] = sel_name.substr(0, 200);
  j["hovered"] = hovered_ == kNoIndex ? -1 : static_cast<int>(hovered_);
  j["matches"] = static_cast<unsigned>(search_.matches().size());
  j["match"] = search_.cursor();
  j["match_name"] = match_name.substr(0, 200);
  j["search_open"] = search_.open;
  j["visible_nodes"] = static_cast<unsigned>(visible_nodes_.size());
  j["text_strings"] = text_strings_;
  j["gl"] = {{"boxes", gl.boxes},           {"segments", gl.segments},
             {"arrows", gl.arrows},         {"draw_calls", gl.draw_calls},
             {"tiles", gl.tiles},           {"level", gl.overview_level},
             {"overview_done", renderer_.overviewComplete()}};
  j["frames"] = frames_drawn_;
  j["timings"] = {{"shapes_ms", ms(t.shapes_ms)},   {"build_ms", ms(t.build_ms)},
                  {"layout_ms", ms(t.layout_ms)},   {"geometry_ms", ms(t.geometry_ms)},
                  {"index_ms", ms(t.index_ms)},     {"wall_ms", ms(t.wall_ms)},
                  {"max_slice_ms", ms(t.max_slice_ms)}, {"slices", t.slices},
                  {"fonts_ms", ms(fonts_ms_)},      {"upload_ms", ms(upload_ms_)}};
  j["export"] = exporter_ ? exporter_->message() : std::string();
  // Controls and the selected box, in page (CSS pixel) coordinates.
  j["ui"] = probe_.take();
  if (ready && pipeline_.grouped()) j["grouped"] = groupedState();
  j["overlay"] = color_.state();
  if (ready && selected_ != kNoIndex) {
    const scene::Rect& r = pipeline_.layout().nodes[selected_];
    const scene::Point a = camera_.toCanvas({r.x, r.y});
    j["selected_rect"] = {px(canvas_pos_.x + a.x), px(canvas_pos_.y + a.y), px(r.width * camera_.zoom),
                          px(r.height * camera_.zoom)};
  }
  std::string json = pageJson(j);
  if (published_ != json) {
    published_ = std::move(json);
    platform::publishPageState(pane_ == GraphPane::A   ? "netforgeGraph"
                               : pane_ == GraphPane::B ? "netforgeGraphB"
                                                       : "netforgeGraphMerged",
                               published_);
  }
}

// The grouped part of window.netforgeGraph: counts, timings, and where the group
// boxes and frame titles on screen are (page coordinates), so tests can click them.
nlohmann::ordered_json GraphView::groupedState() const {
  using Json = nlohmann::ordered_json;
  const scene::GroupedScene& gs = pipeline_.groupedScene();
  const scene::GroupedLayout::Stats& st = pipeline_.groupedStats();
  const GraphPipeline::Timings& t = pipeline_.timings();
  uint32_t open = 0;
  for (uint8_t o : pipeline_.expansion().open) open += o ? 1 : 0;
  Json out;
  out["groups"] = pipeline_.hierarchy().groupCount();
  out["repeats"] = pipeline_.hierarchy().repeats.size();
  out["open"] = open;
  // The names of the open groups (the first 24 by id), so tests can tell which opened.
  Json open_names = Json::array();
  const hierarchy::Hierarchy& h = pipeline_.hierarchy();
  for (uint32_t g = 1; g < pipeline_.expansion().open.size() && g < h.groupCount() && open_names.size() < 24; ++g)
    if (pipeline_.expansion().open[g]) open_names.push_back(h.groups[g].name);
  out["open_names"] = std::move(open_names);
  // The folded series (first 24 by id): unfolding "layers ×N" in one pane of a
  // comparison unfolds its partner in the other.
  Json folded_names = Json::array();
  for (uint32_t g = 1; g < h.groupCount() && folded_names.size() < 24; ++g)
    if (h.groups[g].kind == hierarchy::GroupKind::Series && pipeline_.expansion().isFolded(hierarchy::GroupId{g}))
      folded_names.push_back(h.groups[g].name);
  out["folded_names"] = std::move(folded_names);
  out["frames"] = gs.frames.size();
  out["items"] = gs.visible.items.size();
  out["hierarchy_ms"] = roundTo(t.hierarchy_ms, 1);
  out["grouping_ms"] = roundTo(t.grouping_ms, 1);
  out["regroup_ms"] = roundTo(pipeline_.lastRegroupMs(), 1);
  out["toggle_ms"] = roundTo(toggle_ms_, 1);
  out["laid_out"] = st.levels_laid_out;
  out["reused"] = st.levels_reused;
  out["animating"] = group_transition_.active();
  // [name, x, y, width, height] on the page.
  auto rect = [&](const std::string& name, const scene::Rect& r) {
    const scene::Point a = camera_.toCanvas({r.x, r.y});
    return Json::array({name.substr(0, 120), roundTo(canvas_pos_.x + a.x, 1), roundTo(canvas_pos_.y + a.y, 1),
                        roundTo(r.width * camera_.zoom, 1), roundTo(r.height * camera_.zoom, 1)});
  };
  const scene::Rect view = camera_.visible(canvas_size_.x, canvas_size_.y);
  Json boxes = Json::array();
  const scene::DisplayGraph& g = pipeline_.graph();
  for (uint32_t i = 0; i < g.nodes.size() && boxes.size() < 12; ++i) {
    const scene::Rect& r = pipeline_.layout().nodes[i];
    if (g.nodes[i].kind != scene::NodeKind::Group || r.x < view.x || r.y < view.y ||
        r.x + r.width > view.x + view.width || r.y + r.height > view.y + view.height)
      continue;
    boxes.push_back(rect(g.nodes[i].title, r));
  }
  out["boxes"] = std::move(boxes);
  Json titles = Json::array();
  for (const scene::GroupFrame& f : gs.frames) {
    if (titles.size() >= 12) break;
    const scene::Rect band{f.rect.x, f.rect.y, f.rect.width, f.title_height};
    if (band.x < view.x || band.y < view.y || band.x + std::min(band.width, 60.0f) > view.x + view.width ||
        band.y + band.height > view.y + view.height)
      continue;
    titles.push_back(rect(f.title, band));
  }
  out["frame_titles"] = std::move(titles);
  return out;
}

// [SECTION] Input ------------------------------------------------------------------

void GraphView::handleInput(AppContext& ctx, ImVec2 canvas_pos, ImVec2 canvas_size) {
  const ImGuiIO& io = ImGui::GetIO();
  user_moved_ = false;
  const bool hovered = ImGui::IsItemHovered();
  const scene::Rect& bounds = pipeline_.layout().bounds;
  const float min_zoom = minZoom(bounds, canvas_size.x, canvas_size.y);
  const scene::Point mouse{io.MousePos.x - canvas_pos.x, io.MousePos.y - canvas_pos.y};

  // Wheel (and touchpad pinch, which browsers send as a wheel with ctrl): zoom at
  // the cursor. Horizontal wheel pans.
  if (hovered && (io.MouseWheel != 0.0f || io.MouseWheelH != 0.0f)) {
    camera_anim_.stop();
    if (io.MouseWheel != 0.0f)
      camera_ = zoomAt(camera_, mouse, std::pow(1.2f, std::clamp(io.MouseWheel, -5.0f, 5.0f)), min_zoom);
    if (io.MouseWheelH != 0.0f) camera_ = panBy(camera_, io.MouseWheelH * 40.0f, 0.0f);
  }
  // Drag to pan (left or right button).
  if (ImGui::IsItemActive() && (ImGui::IsMouseDragging(ImGuiMouseButton_Left, 3.0f) ||
                                ImGui::IsMouseDragging(ImGuiMouseButton_Right, 3.0f))) {
    dragging_ = true;
    camera_anim_.stop();
    camera_ = panBy(camera_, io.MouseDelta.x, io.MouseDelta.y);
    user_moved_ = true;
  }
  if (hovered && (io.MouseWheel != 0.0f || io.MouseWheelH != 0.0f)) user_moved_ = true;
  camera_ = clampToBounds(camera_, bounds, canvas_size.x, canvas_size.y);

  // Hover: the box under the cursor, else an edge near it.
  uint32_t hover = kNoIndex, hover_edge = kNoIndex;
  if (hovered && !dragging_) {
    const scene::Point p = camera_.toScene(mouse);
    hover = pipeline_.index().nodeAt(p);
    // Edges are only worth pointing at when they are drawn at a readable size (and far
    // out a 4-pixel tolerance would cover thousands of them).
    if (hover == kNoIndex && camera_.zoom >= 0.2f)
      hover_edge = pipeline_.index().edgeAt(pipeline_.layout(), p, 4.0f / camera_.zoom);
  }
  if (hover != hovered_ || hover_edge != hover_edge_) {
    hovered_ = hover;
    hover_edge_ = hover_edge;
    updateHighlight();
  }
  // Far out the boxes have no legible text: say what is under the cursor.
  if (hovered && !dragging_ && hovered_ != kNoIndex && camera_.zoom < 0.6f) {
    const scene::DisplayNode& n = pipeline_.graph().nodes[hovered_];
    ImGui::BeginTooltip();
    ImGui::TextUnformatted(n.title.c_str());
    if (!n.name.empty() && n.name != n.title) ImGui::TextDisabled("%s", displayName(n.name, 120).c_str());
    ImGui::EndTooltip();
  }
  if (hovered && !dragging_ && hovered_ != kNoIndex && camera_.zoom >= 0.6f) groupTooltip(hovered_);
  if (hovered && !dragging_ && hovered_ == kNoIndex && hover_edge_ == kNoIndex && pipeline_.grouped()) {
    const uint32_t f = frameTitleAt(camera_.toScene(mouse));
    if (f != kNoIndex) {
      ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
      frameTooltip(f);
    }
  }
  if (hovered && hover_edge_ != kNoIndex) {
    const scene::DisplayEdge& e = pipeline_.graph().edges[hover_edge_];
    ImGui::BeginTooltip();
    ImGui::TextUnformatted(displayName(scene::edgeTensorName(ctx.session.document().current()->model, e), 120).c_str());
    if (!e.label.empty()) ImGui::TextDisabled("%s", e.label.c_str());
    ImGui::EndTooltip();
  }

  // Click (a press and release without dragging): select; a subgraph row opens the body.
  if (ImGui::IsItemDeactivated()) {
    if (!dragging_ && ImGui::IsMouseReleased(ImGuiMouseButton_Left)) {
      const scene::Point p = camera_.toScene(mouse);
      const uint32_t n = pipeline_.index().nodeAt(p);
      bool opened = clickGroups(ctx, p);
      if (!opened && n != kNoIndex) {
        const scene::DisplayNode& node = pipeline_.graph().nodes[n];
        const scene::Rect& r = pipeline_.layout().nodes[n];
        const scene::BoxStyle& st = scene::boxStyle();
        for (size_t k = 0; k < node.rows.size(); ++k) {
          const float cy = r.y + st.rowCenter(k);
          if (node.rows[k].kind == scene::RowKind::Body && std::abs(p.y - cy) <= st.row_height * 0.5f) {
            const std::string label = displayName(node.title, 24) + " \xE2\x80\xBA " + node.rows[k].text;
            openGraph(ctx, node.rows[k].body, label);
            opened = true;
            break;
          }
        }
      }
      if (!opened) selectDisplayNode(ctx, n, false);
    }
    dragging_ = false;
  }
  // Keys act on the graph when the pointer is over it, or when the focus is on the
  // graph or its overlays, or on no window at all.
  // Hover by geometry: after an arrow key ImGui's keyboard navigation reports no item
  // hovered until the mouse moves, and the tooltips above replace its last item.
  const bool over_canvas =
      ImGui::IsWindowHovered() &&
      ImGui::IsMouseHoveringRect(canvas_pos, ImVec2(canvas_pos.x + canvas_size.x, canvas_pos.y + canvas_size.y));
  const bool keys = hovered || over_canvas || ImGui::IsWindowFocused() || overlay_focused_ ||
                    !ImGui::IsWindowFocused(ImGuiFocusedFlags_AnyWindow);
  if (keys) handleKeys(ctx, canvas_size);
}

void GraphView::handleKeys(AppContext& ctx, ImVec2 canvas_size) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput || io.KeyCtrl || io.KeySuper || io.KeyAlt) return;
  if (groupKeys(ctx)) return;
  const float step = 60.0f;
  const scene::Point centre{canvas_size.x * 0.5f, canvas_size.y * 0.5f};
  const float min_zoom = minZoom(pipeline_.layout().bounds, canvas_size.x, canvas_size.y);
  auto key = [](int sc) { return ImGui::IsKeyPressed(sc, true); };
  // With a selection (and no Shift), arrows move it along the edges, as in Netron:
  // against the flow to a producer, with it to a consumer, across to a sibling.
  if (selected_ != kNoIndex && !io.KeyShift) {
    const bool tb = options_.direction == layout::Direction::TopToBottom;
    using scene::Along;
    Along along = Along::Back;
    bool moved = true;
    if (key(SDL_SCANCODE_UP)) along = tb ? Along::Back : Along::Previous;
    else if (key(SDL_SCANCODE_DOWN)) along = tb ? Along::Forward : Along::Next;
    else if (key(SDL_SCANCODE_LEFT)) along = tb ? Along::Previous : Along::Back;
    else if (key(SDL_SCANCODE_RIGHT)) along = tb ? Along::Next : Along::Forward;
    else moved = false;
    if (moved) {
      const uint32_t next = scene::neighbourAlong(pipeline_.graph(), pipeline_.layout(), selected_, along);
      if (next != kNoIndex) {
        selectDisplayNode(ctx, next, false);
        // Off screen: pan to it (the zoom stays, unlike F's focus).
        if (!boxOnScreen(next))
          animateTo(centerOn(camera_, pipeline_.layout().nodeCenter(next), canvas_size.x, canvas_size.y), platform::nowMs());
      }
      return;
    }
  }
  if (key(SDL_SCANCODE_LEFT)) camera_ = panBy(camera_, step, 0), camera_anim_.stop();
  if (key(SDL_SCANCODE_RIGHT)) camera_ = panBy(camera_, -step, 0), camera_anim_.stop();
  if (key(SDL_SCANCODE_UP)) camera_ = panBy(camera_, 0, step), camera_anim_.stop();
  if (key(SDL_SCANCODE_DOWN)) camera_ = panBy(camera_, 0, -step), camera_anim_.stop();
  if (key(SDL_SCANCODE_EQUALS) || key(SDL_SCANCODE_KP_PLUS)) animateTo(zoomAt(camera_, centre, 1.25f, min_zoom), platform::nowMs());
  if (key(SDL_SCANCODE_MINUS) || key(SDL_SCANCODE_KP_MINUS))
    animateTo(zoomAt(camera_, centre, 0.8f, min_zoom), platform::nowMs());
  if (ImGui::IsKeyPressed(SDL_SCANCODE_0, false) || ImGui::IsKeyPressed(SDL_SCANCODE_KP_0, false)) fitAll(true);
  if (ImGui::IsKeyPressed(SDL_SCANCODE_F, false) && selected_ != kNoIndex) focusNode(selected_, true);
  if (ImGui::IsKeyPressed(SDL_SCANCODE_ESCAPE, false)) {
    if (search_.open) {  // closes and clears the search (its highlights go too)
      search_.open = false;
      search_.clearText();
      runSearch(ctx);
    } else {
      selectDisplayNode(ctx, kNoIndex, false);
    }
  }
}

bool GraphView::boxOnScreen(uint32_t node) const {
  if (node >= pipeline_.layout().nodes.size()) return false;
  const scene::Rect& r = pipeline_.layout().nodes[node];
  const scene::Rect v = camera_.visible(canvas_size_.x, canvas_size_.y);
  const float top = (kToolbarHeight + 8.0f) / camera_.zoom;
  return r.x >= v.x && r.y >= v.y + top && r.x + r.width <= v.x + v.width && r.y + r.height <= v.y + v.height;
}

// netforgeStatus.view: is the picture readable? Recounted only when the camera or
// the scene changed (far out, a query can return most of a 100k-box graph).
void GraphView::publishView(AppContext& ctx) {
  const ImGuiIO& io = ImGui::GetIO();
  const bool same = camera_.origin_x == view_camera_.origin_x && camera_.origin_y == view_camera_.origin_y &&
                    camera_.zoom == view_camera_.zoom && view_frames_ == frames_seen_scene_ &&
                    view_canvas_w_ == canvas_size_.x;
  if (same) return;
  view_camera_ = camera_;
  view_frames_ = frames_seen_scene_;
  view_canvas_w_ = canvas_size_.x;
  const scene::Rect view = camera_.visible(canvas_size_.x, canvas_size_.y);
  view_scratch_.clear();
  pipeline_.index().queryNodes(view, view_scratch_);
  platform::ViewMetrics m;
  m.drawn = true;
  m.boxes_on_screen = static_cast<uint32_t>(view_scratch_.size());
  // Every box title has the same font; none is drawn when text is too small to show.
  m.title_px_min = m.boxes_on_screen && textVisibleAt(camera_.zoom, pixel_ratio_) ? scene::titlePxAt(camera_.zoom) : 0.0;
  m.canvas_fraction = io.DisplaySize.x > 0 ? canvas_size_.x / io.DisplaySize.x : 0.0;
  ctx.session.setViewMetrics(m);
}

// One line at the canvas's bottom: how to open groups and see everything.
void GraphView::drawHint(AppContext& ctx, ImVec2 canvas_pos, ImVec2 canvas_size) {
  (void)ctx;
  std::string hint;
  if (pipeline_.grouped()) hint = "Click a group box (or select it and press Enter) to open it; Backspace closes.";
  if (!first_view_whole_) hint += std::string(hint.empty() ? "" : "  ") + "0 or Fit shows the whole graph.";
  if (hint.empty()) return;
  hint += "  F1: keys";
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 size = ImGui::CalcTextSize(hint.c_str());
  const ImVec2 at(canvas_pos.x + 10, canvas_pos.y + canvas_size.y - size.y - 10);
  dl->AddRectFilled(ImVec2(at.x - 6, at.y - 3), ImVec2(at.x + size.x + 6, at.y + size.y + 3),
                    ImGui::GetColorU32(ImGuiCol_WindowBg, 0.85f), 4.0f);
  dl->AddText(at, ImGui::GetColorU32(ImGuiCol_Text), hint.c_str());
  probe_.noteRect("hint", ImVec2(at.x - 6, at.y - 3), ImVec2(at.x + size.x + 6, at.y + size.y + 3));
}

}  // namespace nf::app
