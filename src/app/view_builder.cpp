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
  fit_pending_ = true;
  setOpen(true);
  return true;
}

Status BuilderView::importDocument(b::Document doc, std::string label, std::string from) {
  if (doc.nodes().size() > b::kMaxDocumentNodes) return Error{b::nodeLimitMessage()};
  setOpen(true);
  pending_import_ = PendingImport{std::move(doc), std::move(label), std::move(from)};
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
  if (dragging_ && looks_.size() == doc.nodes().size()) return;
  seen_ = editor_.revision();
  last_framework_ = framework_;
  last_training_ = training_loop_;
  pruneSelection();
  analysis_ = b::analyze(doc, framework_);
  b::CodegenOptions options;
  options.framework = framework_;
  options.training_loop = training_loop_;
  options.onnx_ops = nf::importer::onnxOpTorch;
  auto code = b::generateCode(doc, options);
  code_ok_ = code.ok();
  code_ = code.ok() ? code.value() : code.error().message;

  // Draw cache (analysis_.nodes is in document order).
  looks_.clear();
  looks_.reserve(doc.nodes().size());
  detours_for_ = UINT64_MAX;  // the boxes' widths are measured again
  for (size_t i = 0; i < doc.nodes().size(); ++i) {
    const b::Node& n = doc.nodes()[i];
    const b::NodeReport* rep = i < analysis_.nodes.size() && analysis_.nodes[i].id == n.id ? &analysis_.nodes[i]
                                                                                         : analysis_.find(n.id);
    NodeLook look;
    look.id = n.id;
    look.sub = views::builderBoxSubtitle(n, rep, true, framework_);
    look.error = rep && rep->hasError();
    look.blocked = rep && rep->blocked;
    const b::LayerSpec* spec = rep ? rep->spec : nullptr;
    int used = 0;
    for (const auto& e : doc.inputEdges(n.id)) used = std::max(used, e.port + 1);
    // The spec's maximum, or (for any-input merges) one more than connected so there is
    // always a free port to drop on.
    if (!spec) look.ports = std::max(1, used + 1);
    else if (spec->max_inputs >= 0) look.ports = spec->max_inputs;
    else look.ports = std::max(spec->min_inputs, used + 1);
    look.outputs = rep ? rep->output_count : 1;
    looks_.push_back(std::move(look));
  }
  edge_looks_.clear();
  auto indexOf = [&](b::NodeId id) {
    auto it = std::lower_bound(doc.nodes().begin(), doc.nodes().end(), id,
                               [](const b::Node& n, b::NodeId v) { return n.id < v; });
    return static_cast<size_t>(it - doc.nodes().begin());
  };
  for (const auto& er : analysis_.edges) {
    EdgeLook el;
    el.from = indexOf(er.edge.from);
    el.to = indexOf(er.edge.to);
    el.port = er.edge.port;
    el.out = er.edge.out;
    if (el.from >= doc.nodes().size() || el.to >= doc.nodes().size()) continue;
    if (er.tensor) el.label = b::formatShape(*er.tensor, framework_);
    edge_looks_.push_back(std::move(el));
  }

  std::string json = b::saveJson(doc);
  // Every revision change after the restore is saved, loads included; nothing is saved
  // before the restore has read what is stored (it would be overwritten unread).
  if (restored_ && editor_.revision() != autosaved_revision_) {
    autosaved_revision_ = editor_.revision();
    platform::autosaveSave(json);
    editor_.markSaved();
  }
  platform::publishBuilderState(code_, code_ok_, json);
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
