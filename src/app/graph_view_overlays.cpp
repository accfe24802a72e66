// GraphView overlays: toolbar + breadcrumb, progress + cancel, search, minimap
// (graph_view.h). Each is a small borderless window over the canvas, so ImGui routes
// the mouse to it instead of the canvas underneath.
#include <SDL_scancode.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "app/graph_export.h"
#include "app/graph_view.h"
#include "app/platform.h"
#include "app/session.h"
#include "app/view_builder.h"
#include "base/strings.h"
#include "importer/builder_import.h"
#include "scene/exports.h"

namespace nf::app {

// [SECTION] Toolbar ----------------------------------------------------------------

void GraphView::editInBuilder(AppContext& ctx) {
  const auto* opened = ctx.session.document().current();
  auto* builder = ctx.views.find<BuilderView>();
  if (!opened || !builder) return;
  const double t0 = platform::nowMs();
  auto imported = importer::onnxToBuilder(opened->model);
  builder_import_ms_ = platform::nowMs() - t0;
  if (!imported) {
    builder_message_ = "Edit in builder: " + imported.error().message;
    builder_layers_ = 0;
    return;
  }
  builder_layers_ = imported->layers;
  Status done = builder->importDocument(std::move(imported->doc), "Edit " + opened->file_name + " in builder",
                                        opened->file_name, std::move(imported->folds));
  builder_message_ = done.ok() ? "" : "Edit in builder: " + done.message();
}

namespace {

// A caption at the end of a toolbar line, cut with "…" where it would pass right_x
// (the canvas edge), so the toolbar never spreads over the side panels; the whole
// text shows on hover.
void captionUpTo(const std::string& text, float right_x) {
  const float room = right_x - ImGui::GetCursorScreenPos().x;
  if (ImGui::CalcTextSize(text.c_str()).x <= room) {
    ImGui::TextDisabled("%s", text.c_str());
    return;
  }
  const char* ellipsis = "\xE2\x80\xA6";
  const float ellipsis_w = ImGui::CalcTextSize(ellipsis).x;
  size_t keep = 0;
  for (size_t i = 0; i < text.size();) {
    size_t next = i + 1;
    while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) ++next;  // one UTF-8 character
    if (ImGui::CalcTextSize(text.c_str(), text.c_str() + next).x + ellipsis_w > room) break;
    keep = next;
    i = next;
  }
  ImGui::TextDisabled("%s%s", text.substr(0, keep).c_str(), ellipsis);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text.c_str());
}

}  // namespace

void GraphView::drawToolbar(AppContext& ctx, ImVec2 canvas_pos, ImVec2 canvas_size) {
  if (!ctx.session.document().current()) return;
  // Top centre: the model panel sits on the left, the node panel on the right. Side
  // by side (a comparison) each pane's toolbar stays inside its half, clipped there;
  // merged, it starts at the left edge as theirs do, its "A + B:" in sight.
  if (split_ || pane_ == GraphPane::Merged) {
    ImGui::SetNextWindowPos(ImVec2(canvas_pos.x + 6, canvas_pos.y + 8), ImGuiCond_Always);
    ImGui::SetNextWindowSizeConstraints(ImVec2(0, 0), ImVec2(std::max(60.0f, canvas_size.x - 12), canvas_size.y));
  } else {
    ImGui::SetNextWindowPos(ImVec2(canvas_pos.x + canvas_size.x * 0.5f, canvas_pos.y + 8), ImGuiCond_Always,
                            ImVec2(0.5f, 0.0f));
  }
  // Captions stop at the canvas edge less the window's padding, so a long one never
  // widens the toolbar over the side panels (its buttons are not cut: they must stay
  // clickable even on a narrow canvas).
  const float caption_right = canvas_pos.x + canvas_size.x - 6 - ImGui::GetStyle().WindowPadding.x;
  ImGui::SetNextWindowBgAlpha(0.88f);
  if (!ImGui::Begin(paneId("##graph_toolbar").c_str(), nullptr, kGraphOverlayFlags)) {
    ImGui::End();
    return;
  }
  overlay_focused_ = ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows);
  // The next button on this row. Side by side the toolbar is clipped at its half: a
  // button that would not fit starts a new row, so every one stays clickable.
  auto nextButton = [&](const char* label, float spacing = -1.0f) {
    ImGui::SameLine(0, spacing);
    const float width = ImGui::CalcTextSize(label).x + 2 * ImGui::GetStyle().FramePadding.x;
    if (split_ && ImGui::GetCursorScreenPos().x + width > caption_right) ImGui::NewLine();
  };
  if (split_ || pane_ == GraphPane::Merged) {  // which side: both graphs may well have the same name
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(pane_ == GraphPane::A ? "A:" : pane_ == GraphPane::B ? "B:" : "A + B:");
    ImGui::SameLine(0, 6);
  }
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
      probe_.note(i == 0 ? "crumb0" : "crumb");
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

  // Which picture: the graph, layered boxes or neurons (remembered).
  static constexpr PictureView kPictures[] = {PictureView::Graph, PictureView::Layered, PictureView::Space,
                                              PictureView::Neurons};
  static constexpr const char* kPictureLabels[] = {"Graph", "Layered", "3D", "Neurons"};
  for (int k = 0; k < 4; ++k) {
    const bool on = picture_view_ == kPictures[k];
    if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    const bool clicked = ImGui::SmallButton(kPictureLabels[k]);
    if (on) ImGui::PopStyleColor();
    probe_.note(std::string("view_") + pictureViewName(kPictures[k]));
    if (clicked && !on) {
      picture_view_ = kPictures[k];
      picture_message_.clear();
      platform::storageSet(kPictureStorageKey, pictureViewName(picture_view_));
      pictures_.requestFit();
      space_.requestFit();
      fit_pending_ = true;
    }
    if (k < 3) ImGui::SameLine(0, 2.0f);
    else nextButton(picture_view_ == PictureView::Space ? "Fit" : "Edit in builder", 14.0f);
  }
  if (picture_view_ == PictureView::Space) {
    if (ImGui::SmallButton("Fit")) space_.requestFit();
    probe_.note("fit");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show the whole model (0)");
    if (space_.error().empty()) {
      const auto* m = ctx.session.document().current();
      std::string base = m ? m->file_name : "model";
      if (const auto dot = base.rfind('.'); dot != std::string::npos && dot > 0) base.resize(dot);
      ImGui::SameLine();
      if (ImGui::SmallButton("PNG")) picture_message_ = space_.exportPng(base);
      probe_.note("picture_png");
    }
    ImGui::SameLine(0, 12);
    captionUpTo(picture_message_.empty() ? space_.caption() : picture_message_, caption_right);
    ImGui::End();
    return;
  }
  if (ImGui::SmallButton("Edit in builder")) editInBuilder(ctx);
  probe_.note("edit_in_builder");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Open this model in the builder as layers (Undo there brings the previous builder model back)");
  nextButton("Fit", 14.0f);
  if (!builder_message_.empty()) {
    ImGui::TextColored(ImVec4(1.0f, 0.55f, 0.45f, 1.0f), "%s", builder_message_.substr(0, 160).c_str());
    ImGui::SameLine(0, 14.0f);
  }
  if (picture_view_ != PictureView::Graph) {
    if (ImGui::SmallButton("Fit")) pictures_.requestFit();
    probe_.note("fit");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show the whole picture (0)");
    if (picture_view_ == PictureView::Layered) {
      ImGui::SameLine();
      bool dims = pictures_.legendDims();
      if (ImGui::Checkbox("Legend dims", &dims)) pictures_.setLook(pictures_.dark(), dims);
      probe_.note("legend_dims");
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("The legend lists each layer type with its output shape (visualkeras's show_dimension)");
    }
    if (!pictures_.busy() && pictures_.error().empty() && !pictures_.drawing().shapes.empty()) {
      // Downloads named after the model: resnet50-layered.svg / .png (2x, on the theme's paper).
      const auto* m = ctx.session.document().current();
      std::string base = m ? m->file_name : "model";
      if (const auto dot = base.rfind('.'); dot != std::string::npos && dot > 0) base.resize(dot);
      ImGui::SameLine();
      if (ImGui::SmallButton("SVG")) picture_message_ = pictures_.exportSvg(base);
      probe_.note("picture_svg");
      ImGui::SameLine();
      if (ImGui::SmallButton("PNG")) picture_message_ = pictures_.exportPng(base, 2.0f);
      probe_.note("picture_png");
    }
    ImGui::SameLine(0, 12);
    captionUpTo(picture_message_.empty() ? pictures_.caption() : picture_message_, caption_right);
    ImGui::End();
    return;
  }
  GraphViewOptions next = options_;
  if (ImGui::SmallButton("Fit")) fitAll(true);
  probe_.note("fit");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show the whole graph (0)");
  const bool lr = options_.direction == layout::Direction::LeftToRight;
  const char* direction = lr ? "Left to right" : "Top to bottom";
  nextButton(direction);
  if (ImGui::SmallButton(direction))
    next.direction = lr ? layout::Direction::TopToBottom : layout::Direction::LeftToRight;
  probe_.note("direction");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Switch the layout direction (remembered)");
  nextButton("Options");
  if (ImGui::SmallButton("Options")) ImGui::OpenPopup("##graph_options");
  probe_.note("options");
  if (ImGui::BeginPopup("##graph_options")) {
    ImGui::Checkbox("Weights as nodes", &next.initializers_as_nodes);
    probe_.note("initializers");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Initializers as boxes of their own instead of rows in their consumer");
    ImGui::Checkbox("Node names", &next.show_names);
    probe_.note("names");
    ImGui::Checkbox("Expand subgraphs", &next.expand_bodies);
    probe_.note("expand");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Draw If/Loop/Scan bodies inline, below their node");
    if (uploaded_ && !pipeline_.shapesInferred()) {
      if (ImGui::Selectable("Infer shapes for edge labels")) pipeline_.inferShapesNow();
      probe_.note("infer_shapes");
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("Large graphs: takes a moment (inference is not sliced)");
    }
    ImGui::EndPopup();
  }
  const char* grouping = pipeline_.grouped() ? "Groups" : "Flat";
  nextButton(grouping);
  if (ImGui::SmallButton(grouping)) ImGui::OpenPopup("##graph_groups");
  probe_.note("groups");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Name scopes and repeated blocks as boxes: expand, collapse, declutter");
  drawGroupsMenu(ctx);  // applies its own changes: keep them out of `next`
  next.grouping = options_.grouping;
  next.fold = options_.fold;
  next.stubs = options_.stubs;
  nextButton("Search");
  if (ImGui::SmallButton("Search")) {
    search_.open = !search_.open;
    search_.focus = search_.open;
  }
  probe_.note("search");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Find nodes, op types and tensors (Ctrl+F)");
  if (uploaded_) {
    nextButton("Colour by");
    if (ImGui::SmallButton("Colour by")) ImGui::OpenPopup("##graph_color");
    probe_.note("color_by");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Colour boxes by op category, a metric or node data (with a legend)");
    if (ImGui::BeginPopup("##graph_color")) {
      if (color_.drawMenu(probe_)) recolor();
      ImGui::EndPopup();
    }
    nextButton("Export...");
    if (ImGui::SmallButton("Export...")) export_open_ = true;
    probe_.note("export");
  }
  ImGui::End();
  if (color_.takeFiles(ctx)) recolor();
  if (color_.takeRunTimes(ctx)) recolor();

  if (next != options_) {
    options_ = next;
    saveOptions();
    fit_pending_ = true;
    restart(ctx, platform::nowMs());
  }

  if (export_open_ && uploaded_) {
    ImGui::SetNextWindowPos(ImVec2(canvas_pos.x + canvas_size.x * 0.5f, canvas_pos.y + canvas_size.y * 0.3f),
                            ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    if (ImGui::Begin(pane_ == GraphPane::A ? "Export graph" : pane_ == GraphPane::B ? "Export graph (B)" : "Export graph (merged)", &export_open_, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings)) {
      const scene::Rect& b = pipeline_.layout().bounds;
      ImGui::TextUnformatted("PNG of the whole graph:");
      static const float kScales[] = {0.25f, 0.5f, 1.0f, 2.0f};
      for (float s : kScales) {
        ImGui::SameLine();
        char label[16];
        std::snprintf(label, sizeof label, "%gx", s);
        if (ImGui::RadioButton(label, export_scale_ == s)) export_scale_ = s;
        if (s == 0.25f) probe_.note("scale_quarter");
      }
      const double w = std::ceil(b.width * export_scale_ + 16), h = std::ceil(b.height * export_scale_ + 16);
      const bool too_big = w * h > GraphExporter::kMaxPixels;
      ImGui::TextDisabled("%.0f x %.0f pixels%s", w, h, too_big ? " - too large, choose a smaller scale" : "");
      const bool busy = exporter_ && exporter_->busy();
      ImGui::BeginDisabled(too_big || busy);
      const bool save_png = ImGui::Button("Save PNG");
      probe_.note("save_png");
      if (save_png) {
        if (!exporter_) exporter_ = std::make_unique<GraphExporter>();
        exporter_->startPng(export_scale_, color_.overlay());
      }
      ImGui::EndDisabled();
      ImGui::SameLine();
      ImGui::BeginDisabled(busy);
      const bool save_svg = ImGui::Button("Save SVG");
      probe_.note("save_svg");
      if (save_svg) {
        if (!exporter_) exporter_ = std::make_unique<GraphExporter>();
        exporter_->saveSvg(pipeline_, ctx, color_.overlay());
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
  if (ImGui::Begin(paneId("##graph_progress").c_str(), nullptr, kGraphOverlayFlags)) {
    if (pipeline_.busy()) {
      char overlay[64];
      std::snprintf(overlay, sizeof overlay, "%s %.0f%%", pipeline_.stageLabel(), pipeline_.progress() * 100.0f);
      ImGui::ProgressBar(pipeline_.progress(), ImVec2(260, 0), overlay);
      ImGui::SameLine();
      const bool cancel = ImGui::Button("Cancel");
      probe_.note("cancel_layout");  // tests check it is there during every stage
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
  if (!search_.run(pipeline_)) return;
  updateHighlight();
  if (!search_.matches().empty()) gotoMatch(ctx, +1);
}

uint32_t GraphView::matchBox(size_t k) const {
  if (k >= search_.matches().size()) return kNoIndex;
  if (!pipeline_.grouped()) return search_.matches()[k];
  return displayNodeOf(pipeline_.graphId(), ir::NodeId{search_.matches()[k]});
}

std::string GraphView::matchName(size_t k) const {
  if (k >= search_.matches().size()) return {};
  if (!pipeline_.grouped()) return pipeline_.graph().nodes[search_.matches()[k]].name;
  const ir::Graph& g = pipeline_.model()->graph(pipeline_.graphId());
  return scene::cleanText(g.nodes[search_.matches()[k]].name.empty() ? g.nodes[search_.matches()[k]].op_type : g.nodes[search_.matches()[k]].name, 200);
}

void GraphView::gotoMatch(AppContext& ctx, int delta) {
  if (!search_.advance(delta)) return;
  const size_t k = static_cast<size_t>(search_.cursor());
  // Grouped: open the groups hiding the match first.
  if (pipeline_.grouped()) {
    const uint32_t box = matchBox(k);
    if (box != kNoIndex && pipeline_.graph().nodes[box].kind == scene::NodeKind::Group)
      revealNode(ctx, ir::NodeId{search_.matches()[k]});
    stepGroupAnimation(1e300);  // jump to the end: the camera moves to the final place
  }
  focusNode(matchBox(k), true);
}

void GraphView::drawSearch(AppContext& ctx, ImVec2 canvas_pos, ImVec2 canvas_size) {
  if (!search_.open) return;
  ImGui::SetNextWindowPos(ImVec2(canvas_pos.x + canvas_size.x * 0.5f, canvas_pos.y + kToolbarHeight + 14),
                          ImGuiCond_Always, ImVec2(0.5f, 0.0f));
  ImGui::SetNextWindowBgAlpha(0.92f);
  if (ImGui::Begin(paneId("##graph_search").c_str(), nullptr, kGraphOverlayFlags & ~ImGuiWindowFlags_NoFocusOnAppearing)) {
    // Escape in the field closes and clears the search, its highlights too (ImGui's
    // text field would only let go of it).
    if (ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows) && ImGui::IsKeyPressed(SDL_SCANCODE_ESCAPE, false)) {
      search_.open = false;
      search_.clearText();
      runSearch(ctx);
      ImGui::End();
      return;
    }
    if (search_.focus) {
      ImGui::SetKeyboardFocusHere();
      search_.focus = false;
    }
    ImGui::SetNextItemWidth(240);
    const bool enter = ImGui::InputTextWithHint("##query", "Search nodes, op types, tensors", search_.text(),
                                                search_.textCapacity(), ImGuiInputTextFlags_EnterReturnsTrue);
    runSearch(ctx);
    if (enter) {
      gotoMatch(ctx, ImGui::GetIO().KeyShift ? -1 : +1);
      ImGui::SetKeyboardFocusHere(-1);  // keep typing / pressing Enter
    }
    ImGui::SameLine();
    if (!search_.applied()) ImGui::TextDisabled("      ");
    else if (search_.matches().empty()) ImGui::TextDisabled("no match");
    else ImGui::Text("%d / %d", search_.cursor() + 1, static_cast<int>(search_.matches().size()));
    ImGui::SameLine();
    if (ImGui::ArrowButton("##prev", ImGuiDir_Up)) gotoMatch(ctx, -1);
    ImGui::SameLine();
    if (ImGui::ArrowButton("##next", ImGuiDir_Down)) gotoMatch(ctx, +1);
    ImGui::SameLine();
    if (ImGui::SmallButton("x")) {
      search_.open = false;
      search_.clearText();
      runSearch(ctx);
    }
    const uint32_t m = search_.cursor() >= 0 ? matchBox(static_cast<size_t>(search_.cursor())) : kNoIndex;
    if (m != kNoIndex) {
      const scene::DisplayNode& n = pipeline_.graph().nodes[m];
      ImGui::TextDisabled("%s  %s", n.title.c_str(), displayName(n.name, 60).c_str());
      if (ImGui::SmallButton("Select")) selectDisplayNode(ctx, m, true);
      probe_.note("search_select");
    }
  }
  ImGui::End();
}

// [SECTION] Minimap ----------------------------------------------------------------

void GraphView::drawMinimap(ImVec2 canvas_pos, ImVec2 canvas_size) {
  const GraphMinimap::Result r = minimap_.draw(renderer_, gl_style_, pipeline_.layout().bounds, camera_, canvas_pos,
                                               canvas_size, pixel_ratio_, probe_);
  overlay_focused_ = overlay_focused_ || r.focused;
  if (r.centre) {
    camera_anim_.stop();
    camera_ = centerOn(camera_, *r.centre, canvas_size.x, canvas_size.y);
  }
}

}  // namespace nf::app
