// app/view_builder.cpp - the Builder window (see view_builder.h): layout, toolbar,
// keyboard shortcuts, the analysis cache and the test hook. Autosave and share links
// are in view_builder_storage.cpp.
//
// Layout: a toolbar row; then three columns: layer picker | canvas | properties and
// code. The canvas is in view_builder_canvas.cpp, the side panels in
// view_builder_panels.cpp.
#include "app/view_builder.h"

#include <SDL_scancode.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <cstdio>
#include <cstring>

#include "app/builder_platform.h"
#include "app/graph_platform.h"
#include "app/platform.h"
#include "app/theme.h"
#include "scene/display_graph.h"
#include "importer/onnx_op_torch.h"
#include "onnxexport/export_onnx.h"
#include "views/builder_picture.h"

namespace nf::app {

namespace b = nf::builder;

// [SECTION] Window, autosave, analysis cache

void BuilderView::placeWindow(const WorkArea& area) {
  ImGui::SetNextWindowPos(ImVec2(area.pos.x + 20, area.pos.y + 20), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(ImVec2(std::max(600.0f, area.size.x - 40), std::max(400.0f, area.size.y - 40)),
                           ImGuiCond_FirstUseEver);
  // Opaque: the windows and the drop hint behind it would show through the canvas.
  ImGui::SetNextWindowBgAlpha(1.0f);
}


bool BuilderView::openDocument(const std::string& json, std::string* error) {
  auto doc = b::loadDocument(json);
  if (!doc.ok()) {
    if (error) *error = doc.error().message;
    return false;
  }
  editor_.load(std::move(doc.value()));
  selectMany({});
  status_.clear();
  folds_.clear();
  folded_.clear();
  fit_pending_ = true;
  setOpen(true);
  return true;
}

Status BuilderView::importDocument(b::Document doc, std::string label, std::string from,
                                   std::vector<b::Fold> folds) {
  if (doc.nodes().size() > b::kMaxDocumentNodes) return Error{b::nodeLimitMessage()};
  setOpen(true);
  pending_import_ = PendingImport{std::move(doc), std::move(label), std::move(from), std::move(folds)};
  ask_import_ = false;
  if (restored_) offerImport();  // otherwise pollAutosave offers it once the saved model is in
  return {};
}

void BuilderView::offerImport() {
  if (!pending_import_) return;
  if (editor_.document().nodes().empty()) {
    applyImport();
  } else {
    ask_import_ = true;
    frames_wanted_ = 3;
  }
}

void BuilderView::applyImport() {
  if (!pending_import_) return;
  PendingImport pending = std::move(*pending_import_);
  pending_import_.reset();
  ask_import_ = false;
  Status done = editor_.replaceDocument(pending.doc, pending.label);
  if (!done.ok()) {
    status_ = "Edit in builder: " + done.message();
    return;
  }
  selectMany({});
  status_.clear();
  folds_ = std::move(pending.folds);
  folded_.assign(folds_.size(), true);  // the first picture: every series as one box
  fit_pending_ = true;
}

void BuilderView::drawImportPopup() {
  if (ask_import_ && !ImGui::IsPopupOpen("Replace the builder model")) ImGui::OpenPopup("Replace the builder model");
  if (!ImGui::BeginPopupModal("Replace the builder model", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  const size_t mine = editor_.document().nodes().size();
  const size_t theirs = pending_import_ ? pending_import_->doc.nodes().size() : 0;
  ImGui::Text("Replace the model in the builder (%zu layers) with the %zu layers of %s?", mine, theirs,
              pending_import_ ? pending_import_->from.c_str() : "the model");
  ImGui::TextDisabled("Undo (Ctrl+Z) in the builder brings your model back; Save JSON keeps a copy.");
  ImGui::TextDisabled("Enter: replace, Escape: keep mine.");
  const bool enter = ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false);
  const bool escape = ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false);
  const bool replace = ImGui::Button("Replace");
  note("btn:Replace");
  ImGui::SameLine();
  const bool keep = ImGui::Button("Keep mine");
  note("btn:Keep mine");
  if (replace || enter) {
    applyImport();
    ImGui::CloseCurrentPopup();
  } else if (keep || escape || !pending_import_) {
    pending_import_.reset();
    ask_import_ = false;
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
}

void BuilderView::refresh() {
  if (editor_.revision() == seen_ && framework_ == last_framework_ && training_loop_ == last_training_) return;
  const b::Document& doc = editor_.document();
  // While a drag is under way only positions change: analysis, code and autosave wait
  // for the release (one refresh then), so a drag frame costs drawing only.
  if (dragging_ && looks_.size() == doc.nodes().size()) {
    refold(true);
    return;
  }
  const double t0 = platform::nowMs();
  seen_ = editor_.revision();
  last_framework_ = framework_;
  last_training_ = training_loop_;
  pruneSelection();
  const std::optional<std::vector<b::NodeId>> changed = promiseChanges();
  analysis_ = b::analyze(doc, framework_, &codegen_cache_.analysis);
  const bool same_look = changed && looks_framework_ == framework_;  // a box's text may stay
  looks_framework_ = framework_;
  // The highest connected input port per layer, in one walk (edges are sorted by (to, port)).
  std::vector<int> used_ports(doc.nodes().size(), 0);
  for (size_t i = 0, e = 0; i < doc.nodes().size(); ++i) {
    for (; e < doc.edges().size() && doc.edges()[e].to < doc.nodes()[i].id; ++e) {}
    for (; e < doc.edges().size() && doc.edges()[e].to == doc.nodes()[i].id; ++e)
      used_ports[i] = std::max(used_ports[i], doc.edges()[e].port + 1);
  }

  // Draw cache (analysis_.nodes is in document order). A box keeps its measured width
  // while its name and subtitle stay the same.
  std::vector<NodeLook> old = std::move(looks_);
  looks_.clear();
  looks_.reserve(doc.nodes().size());
  size_t old_at = 0;
  for (size_t i = 0; i < doc.nodes().size(); ++i) {
    const b::Node& n = doc.nodes()[i];
    const b::NodeReport* rep = i < analysis_.nodes.size() && analysis_.nodes[i].id == n.id ? &analysis_.nodes[i]
                                                                                         : analysis_.find(n.id);
    NodeLook look;
    look.id = n.id;
    look.name = n.name;
    look.output = rep ? rep->output : std::nullopt;
    while (old_at < old.size() && old[old_at].id < n.id) ++old_at;  // both sorted by id
    const NodeLook* was = old_at < old.size() && old[old_at].id == n.id ? &old[old_at] : nullptr;
    // An untouched layer whose output is the same keeps its text (no string building per layer).
    const bool kept = was && same_look && was->output == look.output &&
                      !std::binary_search(changed->begin(), changed->end(), n.id);
    look.sub = kept ? std::move(old[old_at].sub) : views::builderBoxSubtitle(n, rep, true, framework_);
    if (was && (kept || look.sub == was->sub) && was->name == n.name) look.width = was->width;
    look.error = rep && rep->hasError();
    look.blocked = rep && rep->blocked;
    const b::LayerSpec* spec = rep ? rep->spec : nullptr;
    const int used = used_ports[i];
    // The spec's maximum, or (for any-input merges) one more than connected so there is
    // always a free port to drop on.
    if (!spec) look.ports = std::max(1, used + 1);
    else if (spec->max_inputs >= 0) look.ports = spec->max_inputs;
    else look.ports = std::max(spec->min_inputs, used + 1);
    look.outputs = rep ? rep->output_count : 1;
    looks_.push_back(std::move(look));
  }
  refold();
  code_stale_ = state_stale_ = true;
  last_edit_ms_ = platform::nowMs() - t0;
  refreshed_frame_ = ImGui::GetFrameCount();
  if (doc.nodes().size() <= kSettleLater) settle(true);
  else frames_wanted_ = std::max(frames_wanted_, 3);  // the code and the JSON on the next frames
}

std::optional<std::vector<b::NodeId>> BuilderView::promiseChanges() {
  std::optional<std::vector<b::NodeId>> changed;
  if (analysed_revision_ != UINT64_MAX) changed = editor_.changedSince(analysed_revision_);
  if (changed) codegen_cache_.analysis.onlyChanged(*changed);
  analysed_revision_ = editor_.revision();
  return changed;
}

void BuilderView::refold(bool positions_only) {
  const b::Document& doc = editor_.document();
  if (folded_.size() != folds_.size()) folded_.resize(folds_.size(), true);
  fold_view_ = b::foldView(doc, folds_, folded_);
  if (positions_only) return;
  fold_widths_.assign(folds_.size(), -1.0f);  // measured by the canvas
  detours_for_ = UINT64_MAX;  // the boxes moved: the lines round them again
  edge_looks_.clear();
  edge_looks_.reserve(fold_view_.edges.size());
  for (const b::FoldedView::Edge& e : fold_view_.edges) {
    EdgeLook el;
    el.from = e.from;
    el.to = e.to;
    el.port = e.port;
    // A folded box has one output: an edge leaving it starts at its only port.
    el.out = fold_view_.isBox(e.from) || e.edge >= doc.edges().size() ? 0 : doc.edges()[e.edge].out;
    if (e.edge < analysis_.edges.size() && analysis_.edges[e.edge].tensor)
      el.label = b::formatShape(*analysis_.edges[e.edge].tensor, framework_);
    edge_looks_.push_back(std::move(el));
  }
}

void BuilderView::setFolded(size_t fold, bool folded) {
  if (fold >= folds_.size()) return;
  folded_.resize(folds_.size(), true);
  if (folded_[fold] == folded) return;
  folded_[fold] = folded;
  refold();
}

b::Vec2 BuilderView::viewPos(size_t index) const {
  if (index < fold_view_.pos.size()) return fold_view_.pos[index];
  const auto& nodes = editor_.document().nodes();
  return index < nodes.size() ? nodes[index].pos : b::Vec2{};
}

void BuilderView::settle(bool all) {
  if (code_stale_) {
    generateCodeNow();
    if (!all) return;
  }
  if (state_stale_) saveStateNow();
}

void BuilderView::generateCodeNow() {
  const double t0 = platform::nowMs();
  code_stale_ = false;
  b::CodegenOptions options;
  options.framework = framework_;
  options.training_loop = training_loop_;
  options.onnx_ops = nf::importer::onnxOpTorch;
  options.cache = &codegen_cache_;
  (void)promiseChanges();
  auto code = b::generateCode(editor_.document(), options);
  code_ok_ = code.ok();
  code_ = code.ok() ? code.value() : code.error().message;
  last_code_ms_ = platform::nowMs() - t0;
}

void BuilderView::saveStateNow() {
  const double t0 = platform::nowMs();
  state_stale_ = false;
  if (json_revision_ != UINT64_MAX)
    if (auto changed = editor_.changedSince(json_revision_)) json_cache_.onlyChanged(std::move(*changed));
  json_revision_ = editor_.revision();
  std::string json = b::saveJson(editor_.document(), &json_cache_);
  // Every revision change after the restore is saved, loads included; nothing is saved
  // before the restore has read what is stored (it would be overwritten unread).
  if (restored_ && editor_.revision() != autosaved_revision_) {
    autosaved_revision_ = editor_.revision();
    platform::autosaveSave(json);
    editor_.markSaved();
  }
  platform::publishBuilderState(code_, code_ok_, json);
  last_state_ms_ = platform::nowMs() - t0;
}

// [SECTION] Selection

void BuilderView::select(b::NodeId id) {
  selected_ = id;
  selection_.clear();
  if (id.valid()) selection_.push_back(id);
}

void BuilderView::selectMany(std::vector<b::NodeId> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  selection_ = std::move(ids);
  if (!isSelected(selected_)) selected_ = selection_.empty() ? b::NodeId{} : selection_.back();
  if (selected_annotation_ && !editor_.document().annotation(selected_annotation_)) selected_annotation_ = 0;
}

bool BuilderView::isSelected(b::NodeId id) const {
  return id.valid() && std::binary_search(selection_.begin(), selection_.end(), id);
}

void BuilderView::pruneSelection() {
  const b::Document& doc = editor_.document();
  selection_.erase(std::remove_if(selection_.begin(), selection_.end(), [&](b::NodeId id) { return !doc.contains(id); }),
                   selection_.end());
  if (!isSelected(selected_)) selected_ = selection_.empty() ? b::NodeId{} : selection_.back();
  if (selected_annotation_ && !doc.annotation(selected_annotation_)) selected_annotation_ = 0;
}

// [SECTION] Layout, toolbar, shortcuts

void BuilderView::drawContent(AppContext& ctx) {
  window_start_ms_ = platform::nowMs();
  if (!restored_) {  // a few milliseconds: nothing may be edited before the saved model is in
    ImGui::TextDisabled("Reading the saved model...");
    return;
  }
  refresh();
  drawToolbar();
  float avail = ImGui::GetContentRegionAvail().x;
  float picker_w = 235.0f, rightW = std::max(300.0f, avail * 0.34f);
  float canvas_w = std::max(200.0f, avail - picker_w - rightW - 2 * ImGui::GetStyle().ItemSpacing.x);

  ImGui::BeginChild("##picker", ImVec2(picker_w, 0), true);
  drawPicker();
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##canvas", ImVec2(canvas_w, 0), true,
                    ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoScrollWithMouse);
  const double t0 = platform::nowMs();
  if (picture_view_ != PictureView::Graph) drawPicture(ctx.settings.theme == Theme::Dark);
  else drawCanvas();
  canvas_ms_ = platform::nowMs() - t0;
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##right", ImVec2(0, 0), false);
  ImGui::BeginChild("##props", ImVec2(0, ImGui::GetContentRegionAvail().y * 0.42f), true);
  drawProperties();
  ImGui::EndChild();
  ImGui::BeginChild("##code", ImVec2(0, 0), true);
  drawCode();
  ImGui::EndChild();
  ImGui::EndChild();

  handleShortcuts();
  publishUi();
}

void BuilderView::handleShortcuts() {
  // Only while the builder has focus and no text field takes the keys.
  ImGuiIO& io = ImGui::GetIO();
  if (!ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows) || io.WantTextInput) return;
  auto pressed = [](int scancode) { return ImGui::IsKeyPressed(scancode, true); };
  const bool ctrl = io.KeyCtrl || io.KeySuper;
  if (ctrl && pressed(SDL_SCANCODE_Z)) {
    if (io.KeyShift) editor_.redo();
    else editor_.undo();
  }
  if (ctrl && pressed(SDL_SCANCODE_Y)) editor_.redo();
  if (ctrl && pressed(SDL_SCANCODE_A)) {
    std::vector<b::NodeId> all;
    for (const auto& n : editor_.document().nodes()) all.push_back(n.id);
    selectMany(std::move(all));
  }
  if (ctrl && pressed(SDL_SCANCODE_C) && !selection_.empty()) {
    clipboard_ = editor_.copy(selection_);
    paste_count_ = 0;
    platform::setClipboardText(clipboard_);
  }
  if (ctrl && pressed(SDL_SCANCODE_X) && !selection_.empty()) {
    clipboard_ = editor_.copy(selection_);
    paste_count_ = 0;
    platform::setClipboardText(clipboard_);
    editor_.removeNodes(selection_);
    selectMany({});
  }
  if (ctrl && pressed(SDL_SCANCODE_V) && !clipboard_.empty()) {
    ++paste_count_;
    auto pasted = editor_.paste(clipboard_, b::Vec2{40.0 * paste_count_, 40.0 * paste_count_});
    if (pasted.ok()) selectMany(pasted.value());
    else status_ = pasted.error().message;
  }
  if (ctrl && pressed(SDL_SCANCODE_D) && !selection_.empty()) {
    auto copies = editor_.duplicate(selection_);
    if (copies.ok()) selectMany(copies.value());
    else status_ = copies.error().message;
  }
  if ((ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Delete), false) ||
       ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Backspace), false)) &&
      (!selection_.empty() || selected_annotation_)) {
    if (!selection_.empty()) editor_.removeNodes(selection_);
    else (void)editor_.removeAnnotations({selected_annotation_});
    selectMany({});
    selected_annotation_ = 0;
  }
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) {
    selectMany({});
    selected_annotation_ = 0;
  }
  // Zoom about the canvas centre: + / - (main row or keypad), 0 = 100 %, F = fit.
  const ImVec2 centre(canvas_origin_.x + canvas_size_.x * 0.5f, canvas_origin_.y + canvas_size_.y * 0.5f);
  if (!ctrl && (pressed(SDL_SCANCODE_EQUALS) || pressed(SDL_SCANCODE_KP_PLUS))) zoomAt(1.25f, centre);
  if (!ctrl && (pressed(SDL_SCANCODE_MINUS) || pressed(SDL_SCANCODE_KP_MINUS))) zoomAt(0.8f, centre);
  if (!ctrl && pressed(SDL_SCANCODE_0)) zoomAt(1.0f / zoom_, centre);
  if (!ctrl && pressed(SDL_SCANCODE_F)) fitPressed();
}

void BuilderView::drawToolbar() {
  ImGui::BeginDisabled(!editor_.canUndo());
  if (ImGui::Button("Undo")) editor_.undo();
  note("btn:Undo");
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(!editor_.canRedo());
  if (ImGui::Button("Redo")) editor_.redo();
  note("btn:Redo");
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Save JSON"))
    platform::downloadText(editor_.document().name + ".netforge.json", "application/json",
                           b::saveJson(editor_.document()));
  note("btn:Save JSON");
  ImGui::SameLine();
  if (ImGui::Button("Export ONNX")) exportOnnx();
  note("btn:Export ONNX");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Download the model as ONNX (opset 17, PyTorch's default initialisation)");
  ImGui::SameLine();
  if (ImGui::Button("Open document...")) {
    import_text_.clear();
    ImGui::OpenPopup("Open builder document");
  }
  note("btn:Open document");
  ImGui::SameLine();
  if (ImGui::Button("New")) {  // one undo step: Undo brings the model back
    (void)editor_.clear();
    selectMany({});
  }
  note("btn:New");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Start an empty model (Undo brings this one back)");
  ImGui::SameLine();
  if (ImGui::Button("From template...")) ImGui::OpenPopup("New from template");
  note("btn:From template");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Start from a classic architecture (Undo brings this one back)");
  ImGui::SameLine();
  if (ImGui::Button("Fit")) fitPressed();
  note("btn:Fit");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Fit the model at a readable size (F); again: the whole model, however small.\n"
                      "+/- or the mouse wheel zoom; drag with the right button to pan");
  ImGui::SameLine();
  ImGui::Text("%3.0f%%", zoom_ * 100.0f);
  ImGui::SameLine();
  ImGui::Text("Parameters: %lld trainable, %lld total   %d error(s)",
              static_cast<long long>(analysis_.total.trainable), static_cast<long long>(analysis_.total.total()),
              analysis_.errors);
  note("params");
  ImGui::TextUnformatted("Share:");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(160);
  inputString("##sharepw", "password (optional)", &share_password_, ImGuiInputTextFlags_Password);
  note("share_password");
  ImGui::SameLine();
  if (ImGui::Button("Copy share link")) {
    share_message_ = "Making the link...";
    platform::shareMake(b::saveCompact(editor_.document()), share_password_);
  }
  note("btn:Copy share link");
  if (!share_message_.empty()) {
    ImGui::SameLine();
    ImGui::TextUnformatted(share_message_.c_str());
  }
  drawDiagramToolbar();
  drawTemplateGallery();
  drawSharePopups();
  drawImportPopup();
  drawStorageNotices();
  if (!status_.empty()) ImGui::TextColored(errorTextColor(), "%s", status_.c_str());

  if (ImGui::BeginPopupModal("Open builder document", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    if (ImGui::IsWindowAppearing()) import_buffer_.clear();
    ImGui::TextUnformatted("Paste a saved builder document (JSON), or drop its file on the page:");
    // Any length: the text grows as needed (openDocument refuses what the loader cannot read).
    inputStringMultiline("##import", &import_buffer_, ImVec2(520, 260));
    note("import_text");
    if (ImGui::Button("Paste from clipboard")) platform::sharePasteClipboard();
    note("btn:Paste from clipboard");
    ImGui::SameLine();
    if (ImGui::Button("Open")) {
      if (openDocument(import_buffer_, &import_text_)) ImGui::CloseCurrentPopup();
    }
    note("btn:Open");
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    if (import_buffer_.size() > 4096) ImGui::TextDisabled("%zu characters", import_buffer_.size());
    if (!import_text_.empty()) ImGui::TextColored(errorTextColor(), "%s", import_text_.c_str());
    ImGui::EndPopup();
  }
}

// Downloads the document as an ONNX model (onnxexport): the viewer, `netforge run` and
// any ONNX tool open it. A document with errors says why instead.
void BuilderView::exportOnnx() {
  auto model = onnxexport::exportOnnx(editor_.document());
  if (!model) {
    status_ = "Export ONNX: " + model.error().message;
    return;
  }
  status_.clear();
  platform::downloadFile(editor_.document().name + ".onnx", reinterpret_cast<const uint8_t*>(model->bytes.data()),
                         model->bytes.size(), "application/octet-stream");
}

// [SECTION] Test hook

void BuilderView::note(std::string name) { probe_.note(std::move(name)); }

void BuilderView::noteRect(std::string name, ImVec2 a, ImVec2 c) { probe_.noteRect(std::move(name), a, c); }

void BuilderView::publishUi() {
  // Rectangles move with every drag frame; the page only needs them between gestures,
  // so a frame with a mouse button down publishes nothing (drags stay cheap).
  const ImGuiIO& io = ImGui::GetIO();
  const bool busy = io.MouseDown[0] || io.MouseDown[1] || io.MouseDown[2];
  if (busy) {
    probe_.clear();
    gesture_ms_sum_ += canvas_ms_;
    gesture_window_sum_ += platform::nowMs() - window_start_ms_;
    ++gesture_frames_;
    return;
  }
  if (gesture_frames_) {
    gesture_ms_ = gesture_ms_sum_ / gesture_frames_;
    gesture_window_ms_ = gesture_window_sum_ / gesture_frames_;
    gesture_ms_sum_ = gesture_window_sum_ = 0;
    gesture_frames_ = 0;
  }
  nlohmann::ordered_json j;
  j["zoom"] = std::round(zoom_ * 1e4) / 1e4;
  j["text_px"] = std::round(ImGui::GetFontSize() * zoom_ * 100) / 100;  // box text height on screen
  j["params_total"] = analysis_.total.total();
  j["params_trainable"] = analysis_.total.trainable;
  j["errors"] = analysis_.errors;
  // Only the gesture's mean, which changes once per gesture: a per-frame timing would
  // make every idle frame republish.
  j["gesture_canvas_ms"] = std::round(gesture_ms_ * 100) / 100;
  j["gesture_window_ms"] = std::round(gesture_window_ms_ * 100) / 100;
  j["canvas_vertices"] = canvas_vertices_;
  // The last edit's cost in this frame loop (issue 15): analysis and looks on the edit's
  // frame, then the code and the saved JSON (a big document's on the frames after).
  j["edit_ms"] = std::round(last_edit_ms_ * 10) / 10;
  j["code_ms"] = std::round(last_code_ms_ * 10) / 10;
  j["state_ms"] = std::round(last_state_ms_ * 10) / 10;
  j["settled"] = !code_stale_ && !state_stale_;
  j["revision"] = seen_ == UINT64_MAX ? -1 : static_cast<int64_t>(seen_);  // the edits the canvas shows
  nlohmann::ordered_json folds = nlohmann::ordered_json::array();
  for (size_t k = 0; k < folds_.size() && k < fold_view_.boxes.size(); ++k)
    folds.push_back({{"name", folds_[k].name}, {"count", folds_[k].count}, {"layers", fold_view_.boxes[k].layers},
                     {"folded", fold_view_.boxes[k].folded}});
  j["folds"] = std::move(folds);
  const bool picture = picture_view_ != PictureView::Graph;
  const views::Drawing& drawing = picture_.drawing();
  j["picture"] = {{"view", picture ? pictureViewName(picture_view_) : "diagram"},
                  {"busy", picture_.busy()},
                  {"boxes", picture ? drawing.groupCount("layer") + drawing.groupCount("box") : 0},
                  {"neuron_layers", picture ? drawing.groupCount("neuron-layer") : 0},
                  {"caption", picture ? picture_.caption().substr(0, 300) : ""},
                  {"dark", picture_.dark()},
                  {"background", drawing.background},
                  {"error", picture_.error()},
                  {"hover_layer", picture ? picture_.hoverLayer() : -1},
                  {"hotspots", picture ? picture_.screenHotspots(64) : std::vector<std::vector<float>>{}}};
  if (const int32_t h = picture ? picture_.hoverLayer() : -1; h >= 0) {
    const views::Layer& l = picture_.layers().layers[static_cast<size_t>(h)];
    j["picture"]["hover"] = {{"name", l.name}, {"type", picture_.layerType(static_cast<uint32_t>(h))},
                             {"shape", l.shape.rank_known ? scene::shapeLabel(l.shape) : ""}, {"params", l.params}};
  }
  nlohmann::ordered_json names = nlohmann::ordered_json::array();
  for (b::NodeId id : selection_) {
    const b::Node* n = editor_.document().node(id);
    names.push_back(n ? n->name : std::string());
  }
  j["selection"] = std::move(names);
  j["status"] = status_;
  j["field_error"] = field_error_;
  // What the page tells the user about storage and links (tests read the words).
  j["notice"] = storage_notice_;
  j["share_message"] = share_message_;
  j["unlock_error"] = unlock_error_;
  j["import_error"] = import_text_;
  j["kept"] = kept_count_;
  j["other_tab"] = other_tab_;
  j["import_chars"] = import_buffer_.size();
  j["rects"] = probe_.take();
  // Names come from the user: invalid UTF-8 is replaced rather than thrown on.
  std::string json = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  if (json != published_ui_) {
    published_ui_ = std::move(json);
    platform::publishBuilderUi(published_ui_);
  }
}

}  // namespace nf::app
