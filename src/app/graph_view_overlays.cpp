// GraphView overlays: toolbar + breadcrumb, progress + cancel, search, minimap
// (graph_view.h). Each is a small borderless window over the canvas, so ImGui routes
// the mouse to it instead of the canvas underneath.
#include <GLES3/gl3.h>
#include <SDL_scancode.h>
#include <imgui.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "app/graph_export.h"
#include "app/graph_view.h"
#include "app/platform.h"
#include "app/session.h"
#include "base/strings.h"
#include "scene/exports.h"

namespace nf::app {

namespace {

constexpr uint32_t kNone = 0xFFFFFFFFu;

constexpr ImGuiWindowFlags kOverlayFlags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize |
                                           ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                                           ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoMove;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

// [SECTION] Toolbar ----------------------------------------------------------------

void GraphView::drawToolbar(AppContext& ctx, ImVec2 canvas_pos, ImVec2 canvas_size) {
  if (!ctx.session.current()) return;
  // Top centre: the model panel sits on the left, the node panel on the right.
  ImGui::SetNextWindowPos(ImVec2(canvas_pos.x + canvas_size.x * 0.5f, canvas_pos.y + 8), ImGuiCond_Always,
                          ImVec2(0.5f, 0.0f));
  ImGui::SetNextWindowBgAlpha(0.88f);
  if (!ImGui::Begin("##graph_toolbar", nullptr, kOverlayFlags)) {
    ImGui::End();
    return;
  }
  overlay_focused_ = ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows);
  // Breadcrumb: the graphs opened so far; a click goes back.
  for (size_t i = 0; i < crumbs_.size(); ++i) {
    if (i) {
      ImGui::SameLine(0, 4);
      ImGui::TextDisabled("\xE2\x80\xBA");
      ImGui::SameLine(0, 4);
    }
    ImGui::PushID(static_cast<int>(i));
    const bool last = i + 1 == crumbs_.size();
    if (last) {
      ImGui::AlignTextToFramePadding();
      ImGui::TextUnformatted(crumbs_[i].label.c_str());
    } else {
      const bool back = ImGui::SmallButton(crumbs_[i].label.c_str());
      noteItem(i == 0 ? "crumb0" : "crumb");
      if (back) {
        const ir::GraphId g = crumbs_[i].graph;
        const std::string label = crumbs_[i].label;
        ImGui::PopID();
        ImGui::End();
        openGraph(ctx, g, label);
        return;
      }
    }
    ImGui::PopID();
  }
  if (uploaded_ && pipeline_.grouped()) {
    ImGui::SameLine(0, 16);
    const size_t nodes = pipeline_.model()->graph(pipeline_.graphId()).nodes.size();
    ImGui::TextDisabled("%s nodes as %s boxes", withThousands(nodes).c_str(),
                        withThousands(pipeline_.graph().nodeCount()).c_str());
  } else if (uploaded_) {
    ImGui::SameLine(0, 16);
    ImGui::TextDisabled("%s nodes, %s edges", withThousands(pipeline_.graph().nodeCount()).c_str(),
                        withThousands(pipeline_.graph().edgeCount()).c_str());
  }

  GraphViewOptions next = options_;
  if (ImGui::SmallButton("Fit")) fitAll(true);
  noteItem("fit");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show the whole graph (0)");
  ImGui::SameLine();
  const bool lr = options_.direction == layout::Direction::LeftToRight;
  if (ImGui::SmallButton(lr ? "Left to right" : "Top to bottom"))
    next.direction = lr ? layout::Direction::TopToBottom : layout::Direction::LeftToRight;
  noteItem("direction");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Switch the layout direction (remembered)");
  ImGui::SameLine();
  if (ImGui::SmallButton("Options")) ImGui::OpenPopup("##graph_options");
  noteItem("options");
  if (ImGui::BeginPopup("##graph_options")) {
    ImGui::Checkbox("Weights as nodes", &next.initializers_as_nodes);
    noteItem("initializers");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Initializers as boxes of their own instead of rows in their consumer");
    ImGui::Checkbox("Node names", &next.show_names);
    noteItem("names");
    ImGui::Checkbox("Expand subgraphs", &next.expand_bodies);
    noteItem("expand");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Draw If/Loop/Scan bodies inline, below their node");
    if (uploaded_ && !pipeline_.shapesInferred()) {
      if (ImGui::Selectable("Infer shapes for edge labels")) pipeline_.inferShapesNow();
      noteItem("infer_shapes");
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("Large graphs: takes a moment (inference is not sliced)");
    }
    ImGui::EndPopup();
  }
  ImGui::SameLine();
  if (ImGui::SmallButton(pipeline_.grouped() ? "Groups" : "Flat")) ImGui::OpenPopup("##graph_groups");
  noteItem("groups");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Name scopes and repeated blocks as boxes: expand, collapse, declutter");
  drawGroupsMenu(ctx);  // applies its own changes: keep them out of `next`
  next.grouping = options_.grouping;
  next.fold = options_.fold;
  next.stubs = options_.stubs;
  ImGui::SameLine();
  if (ImGui::SmallButton("Search")) {
    search_open_ = !search_open_;
    search_focus_ = search_open_;
  }
  noteItem("search");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Find nodes, op types and tensors (Ctrl+F)");
  if (uploaded_) {
    ImGui::SameLine();
    if (ImGui::SmallButton("Export...")) export_open_ = true;
    noteItem("export");
  }
  ImGui::End();

  if (next != options_) {
    options_ = next;
    saveOptions();
    fit_pending_ = true;
    restart(ctx, platform::nowMs());
  }

  if (export_open_ && uploaded_) {
    ImGui::SetNextWindowPos(ImVec2(canvas_pos.x + canvas_size.x * 0.5f, canvas_pos.y + canvas_size.y * 0.3f),
                            ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    if (ImGui::Begin("Export graph", &export_open_, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings)) {
      const scene::Rect& b = pipeline_.layout().bounds;
      ImGui::TextUnformatted("PNG of the whole graph:");
      static const float kScales[] = {0.25f, 0.5f, 1.0f, 2.0f};
      for (float s : kScales) {
        ImGui::SameLine();
        char label[16];
        std::snprintf(label, sizeof label, "%gx", s);
        if (ImGui::RadioButton(label, export_scale_ == s)) export_scale_ = s;
        if (s == 0.25f) noteItem("scale_quarter");
      }
      const double w = std::ceil(b.width * export_scale_ + 16), h = std::ceil(b.height * export_scale_ + 16);
      const bool too_big = w * h > GraphExporter::kMaxPixels;
      ImGui::TextDisabled("%.0f x %.0f pixels%s", w, h, too_big ? " - too large, choose a smaller scale" : "");
      const bool busy = exporter_ && exporter_->busy();
      ImGui::BeginDisabled(too_big || busy);
      const bool save_png = ImGui::Button("Save PNG");
      noteItem("save_png");
      if (save_png) {
        if (!exporter_) exporter_ = new GraphExporter();
        exporter_->startPng(export_scale_);
      }
      ImGui::EndDisabled();
      ImGui::SameLine();
      ImGui::BeginDisabled(busy);
      const bool save_svg = ImGui::Button("Save SVG");
      noteItem("save_svg");
      if (save_svg) {
        if (!exporter_) exporter_ = new GraphExporter();
        exporter_->saveSvg(pipeline_, ctx);
      }
      ImGui::EndDisabled();
      if (exporter_ && !exporter_->message().empty()) ImGui::TextDisabled("%s", exporter_->message().c_str());
    }
    ImGui::End();
  }
}

// [SECTION] Progress ---------------------------------------------------------------

void GraphView::drawProgress(AppContext& ctx, ImVec2 canvas_pos, ImVec2 canvas_size) {
  if (!pipeline_.busy() && pipeline_.stage() != GraphPipeline::Stage::Cancelled &&
      pipeline_.stage() != GraphPipeline::Stage::Failed)
    return;
  ImGui::SetNextWindowPos(ImVec2(canvas_pos.x + canvas_size.x * 0.5f, canvas_pos.y + canvas_size.y * 0.5f + 48),
                          ImGuiCond_Always, ImVec2(0.5f, 0.0f));
  ImGui::SetNextWindowBgAlpha(0.92f);
  if (ImGui::Begin("##graph_progress", nullptr, kOverlayFlags)) {
    if (pipeline_.busy()) {
      char overlay[64];
      std::snprintf(overlay, sizeof overlay, "%s %.0f%%", pipeline_.stageLabel(), pipeline_.progress() * 100.0f);
      ImGui::ProgressBar(pipeline_.progress(), ImVec2(260, 0), overlay);
      ImGui::SameLine();
      const bool cancel = ImGui::Button("Cancel");
      noteItem("cancel_layout");  // tests check it is there during every stage
      if (cancel) pipeline_.cancel();
    } else if (pipeline_.stage() == GraphPipeline::Stage::Cancelled) {
      ImGui::TextUnformatted("Layout cancelled.");
      ImGui::SameLine();
      if (ImGui::Button("Lay out again")) restart(ctx, platform::nowMs());
    } else {
      ImGui::TextColored(ImVec4(1, 0.45f, 0.35f, 1), "The graph could not be laid out: %s", pipeline_.error().c_str());
      if (ImGui::Button("Lay out again")) restart(ctx, platform::nowMs());
    }
  }
  ImGui::End();
}

// [SECTION] Search -----------------------------------------------------------------

void GraphView::runSearch(AppContext& ctx) {
  const std::string query = lower(search_text_);
  if (query == search_applied_) return;
  search_applied_ = query;
  matches_.clear();
  match_cursor_ = -1;
  const ir::Model* model = pipeline_.model();
  if (!query.empty() && pipeline_.grouped() && model) {
    if (haystack_.empty()) {
      // Per node of the graph: op type, name, the tensors it reads and writes.
      const ir::Graph& graph = model->graph(pipeline_.graphId());
      haystack_.resize(graph.nodes.size());
      for (size_t i = 0; i < graph.nodes.size(); ++i) {
        const ir::Node& n = graph.nodes[i];
        haystack_[i] = lower(n.op_type) + "\n" + lower(n.name);
        for (ir::ValueId v : n.inputs)
          if (v.valid()) haystack_[i] += "\n" + lower(graph.value(v).name);
        for (ir::ValueId v : n.outputs)
          if (v.valid()) haystack_[i] += "\n" + lower(graph.value(v).name);
      }
    }
  } else if (!query.empty() && haystack_.empty()) {
    // Per box: op type, name, and the tensors on its edges and rows.
    const scene::DisplayGraph& g = pipeline_.graph();
    haystack_.resize(g.nodes.size());
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      const scene::DisplayNode& n = g.nodes[i];
      haystack_[i] = lower(n.title) + "\n" + lower(n.name);
      for (const scene::BoxRow& r : n.rows)
        if (r.kind == scene::RowKind::Tensor && model && r.value.valid())
          haystack_[i] += "\n" + lower(model->graph(n.graph).value(r.value).name);
    }
    if (model)
      for (const scene::DisplayEdge& e : g.edges) {
        const std::string t = "\n" + lower(scene::edgeTensorName(*model, e));
        haystack_[e.from] += t;
        haystack_[e.to] += t;
      }
  }
  if (!query.empty())
    for (uint32_t i = 0; i < haystack_.size(); ++i)
      if (haystack_[i].find(query) != std::string::npos) matches_.push_back(i);
  updateHighlight();
  if (!matches_.empty()) gotoMatch(ctx, +1);
}

uint32_t GraphView::matchBox(size_t k) const {
  if (k >= matches_.size()) return kNone;
  if (!pipeline_.grouped()) return matches_[k];
  return displayNodeOf(pipeline_.graphId(), ir::NodeId{matches_[k]});
}

std::string GraphView::matchName(size_t k) const {
  if (k >= matches_.size()) return {};
  if (!pipeline_.grouped()) return pipeline_.graph().nodes[matches_[k]].name;
  const ir::Graph& g = pipeline_.model()->graph(pipeline_.graphId());
  return scene::cleanText(g.nodes[matches_[k]].name.empty() ? g.nodes[matches_[k]].op_type : g.nodes[matches_[k]].name, 200);
}

void GraphView::gotoMatch(AppContext& ctx, int delta) {
  if (matches_.empty()) return;
  const int n = static_cast<int>(matches_.size());
  match_cursor_ = match_cursor_ < 0 ? (delta > 0 ? 0 : n - 1) : ((match_cursor_ + delta) % n + n) % n;
  const size_t k = static_cast<size_t>(match_cursor_);
  // Grouped: open the groups hiding the match first.
  if (pipeline_.grouped()) {
    const uint32_t box = matchBox(k);
    if (box != kNone && pipeline_.graph().nodes[box].kind == scene::NodeKind::Group)
      revealNode(ctx, ir::NodeId{matches_[k]});
    stepGroupAnimation(1e300);  // jump to the end: the camera moves to the final place
  }
  focusNode(matchBox(k), true);
}

void GraphView::drawSearch(AppContext& ctx, ImVec2 canvas_pos, ImVec2 canvas_size) {
  if (!search_open_) return;
  ImGui::SetNextWindowPos(ImVec2(canvas_pos.x + canvas_size.x * 0.5f, canvas_pos.y + kToolbarHeight + 14),
                          ImGuiCond_Always, ImVec2(0.5f, 0.0f));
  ImGui::SetNextWindowBgAlpha(0.92f);
  if (ImGui::Begin("##graph_search", nullptr, kOverlayFlags & ~ImGuiWindowFlags_NoFocusOnAppearing)) {
    // Escape in the field closes the search (ImGui's text field would only let go of it).
    if (ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows) && ImGui::IsKeyPressed(SDL_SCANCODE_ESCAPE, false)) {
      search_open_ = false;
      ImGui::End();
      return;
    }
    if (search_focus_) {
      ImGui::SetKeyboardFocusHere();
      search_focus_ = false;
    }
    ImGui::SetNextItemWidth(240);
    const bool enter = ImGui::InputTextWithHint("##query", "Search nodes, op types, tensors", search_text_,
                                                sizeof search_text_, ImGuiInputTextFlags_EnterReturnsTrue);
    runSearch(ctx);
    if (enter) {
      gotoMatch(ctx, ImGui::GetIO().KeyShift ? -1 : +1);
      ImGui::SetKeyboardFocusHere(-1);  // keep typing / pressing Enter
    }
    ImGui::SameLine();
    if (search_applied_.empty()) ImGui::TextDisabled("      ");
    else if (matches_.empty()) ImGui::TextDisabled("no match");
    else ImGui::Text("%d / %d", match_cursor_ + 1, static_cast<int>(matches_.size()));
    ImGui::SameLine();
    if (ImGui::ArrowButton("##prev", ImGuiDir_Up)) gotoMatch(ctx, -1);
    ImGui::SameLine();
    if (ImGui::ArrowButton("##next", ImGuiDir_Down)) gotoMatch(ctx, +1);
    ImGui::SameLine();
    if (ImGui::SmallButton("x")) {
      search_open_ = false;
      search_text_[0] = 0;
      runSearch(ctx);
    }
    const uint32_t m = match_cursor_ >= 0 ? matchBox(static_cast<size_t>(match_cursor_)) : kNone;
    if (m != kNone) {
      const scene::DisplayNode& n = pipeline_.graph().nodes[m];
      ImGui::TextDisabled("%s  %s", n.title.c_str(), displayName(n.name, 60).c_str());
      if (ImGui::SmallButton("Select")) selectDisplayNode(ctx, m, true);
      noteItem("search_select");
    }
  }
  ImGui::End();
}

// [SECTION] Minimap ----------------------------------------------------------------

void GraphView::renderMinimapTexture() {
  const scene::Rect& b = pipeline_.layout().bounds;
  minimap_scale_ = std::min(200.0f / std::max(1.0f, b.width), 240.0f / std::max(1.0f, b.height));
  minimap_w_ = std::max(24, static_cast<int>(std::ceil(b.width * minimap_scale_)));
  minimap_h_ = std::max(24, static_cast<int>(std::ceil(b.height * minimap_scale_)));
  const int tw = static_cast<int>(std::ceil(minimap_w_ * pixel_ratio_)), th = static_cast<int>(std::ceil(minimap_h_ * pixel_ratio_));
  if (!minimap_tex_) {
    glGenTextures(1, &minimap_tex_);
    glGenFramebuffers(1, &minimap_fbo_);
  }
  glBindTexture(GL_TEXTURE_2D, minimap_tex_);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, tw, th, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  // No glGet* here: a query waits for the GPU to finish everything queued (SwiftShader:
  // a whole frame). Outside ImGui's render pass the default framebuffer is bound.
  glBindFramebuffer(GL_FRAMEBUFFER, minimap_fbo_);
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, minimap_tex_, 0);
  glViewport(0, 0, tw, th);
  glDisable(GL_SCISSOR_TEST);
  glClearColor(0, 0, 0, 0);
  glClear(GL_COLOR_BUFFER_BIT);
  // One scale both ways; a graph thinner than the map is centred in it.
  RenderView v;
  v.scale = minimap_scale_ * pixel_ratio_;
  v.origin_x = b.x - (minimap_w_ / minimap_scale_ - b.width) * 0.5f;
  v.origin_y = b.y - (minimap_h_ / minimap_scale_ - b.height) * 0.5f;
  v.width = tw;
  v.height = th;
  RenderStyle s = gl_style_;
  s.detail = 0.0f;
  s.edges = false;
  s.arrows = false;
  // The texture is read with v flipped (GL rows go up): draw upside down.
  renderer_.draw(v, s);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  minimap_dirty_ = false;
}

void GraphView::drawMinimap(AppContext& ctx, ImVec2 canvas_pos, ImVec2 canvas_size) {
  if (minimap_dirty_) renderMinimapTexture();
  const scene::Rect& b = pipeline_.layout().bounds;
  const float pad = 6.0f;
  const ImVec2 size(static_cast<float>(minimap_w_), static_cast<float>(minimap_h_));
  ImGui::SetNextWindowPos(ImVec2(canvas_pos.x + canvas_size.x - 8, canvas_pos.y + canvas_size.y - 8), ImGuiCond_Always,
                          ImVec2(1.0f, 1.0f));
  ImGui::SetNextWindowBgAlpha(0.80f);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(pad, pad));
  if (ImGui::Begin("##graph_minimap", nullptr, kOverlayFlags)) {
    overlay_focused_ = overlay_focused_ || ImGui::IsWindowFocused();
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(minimap_tex_)), size, ImVec2(0, 1), ImVec2(1, 0));
    const float k = minimap_scale_;
    const float ox = b.x - (size.x / k - b.width) * 0.5f, oy = b.y - (size.y / k - b.height) * 0.5f;
    // The viewport rectangle.
    const scene::Rect v = camera_.visible(canvas_size.x, canvas_size.y);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p0(at.x + std::clamp((v.x - ox) * k, 0.0f, size.x), at.y + std::clamp((v.y - oy) * k, 0.0f, size.y));
    const ImVec2 p1(at.x + std::clamp((v.x + v.width - ox) * k, 0.0f, size.x),
                    at.y + std::clamp((v.y + v.height - oy) * k, 0.0f, size.y));
    dl->AddRectFilled(p0, ImVec2(std::max(p1.x, p0.x + 2), std::max(p1.y, p0.y + 2)), IM_COL32(232, 137, 12, 28));
    dl->AddRect(p0, ImVec2(std::max(p1.x, p0.x + 2), std::max(p1.y, p0.y + 2)), IM_COL32(232, 137, 12, 230), 0, 0, 1.5f);
    // Click or drag: centre the view there.
    ImGui::SetCursorScreenPos(at);
    ImGui::InvisibleButton("##minimap_hit", size);
    noteItem("minimap");
    if (ImGui::IsItemActive()) {
      const ImVec2 m = ImGui::GetIO().MousePos;
      const scene::Point target{ox + (m.x - at.x) / k, oy + (m.y - at.y) / k};
      anim_start_ = -1;
      camera_ = centerOn(camera_, target, canvas_size.x, canvas_size.y);
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Click or drag to move the view");
  }
  ImGui::End();
  ImGui::PopStyleVar();
  (void)ctx;
}

}  // namespace nf::app
