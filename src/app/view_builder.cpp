// app/view_builder.cpp - the Builder window (see view_builder.h).
//
// Layout: a toolbar row; then three columns: layer picker | canvas | properties and
// code. Canvas units are the document's Vec2 (node top-left corners); screen position =
// canvas origin + pan + pos.
#include "app/view_builder.h"

#include <SDL_scancode.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <cctype>

#include "app/builder_platform.h"
#include "app/platform.h"

namespace nf::app {

namespace b = nf::builder;

namespace {

constexpr const char* kAutosaveKey = "netforge.builder.document";
constexpr float kNodeW = 170.0f;
constexpr float kNodeH = 46.0f;
constexpr float kPortR = 5.0f;

ImVec2 add(ImVec2 a, ImVec2 c) { return ImVec2(a.x + c.x, a.y + c.y); }
float dist2(ImVec2 a, ImVec2 c) { return (a.x - c.x) * (a.x - c.x) + (a.y - c.y) * (a.y - c.y); }

// Input ports drawn on a node: the spec's maximum, or (for any-input merges) one more
// than connected so there is always a free one to drop on.
int portCount(const b::Document& doc, const b::Node& n, const b::LayerSpec* spec) {
  if (!spec) return std::max<int>(1, static_cast<int>(doc.inputEdges(n.id).size()) + 1);
  if (spec->maxInputs >= 0) return spec->maxInputs;
  int used = 0;
  for (const auto& e : doc.inputEdges(n.id)) used = std::max(used, e.port + 1);
  return std::max(spec->minInputs, used + 1);
}

ImVec2 inPort(ImVec2 topLeft, int port, int count) {
  return ImVec2(topLeft.x + kNodeW * (port + 1) / (count + 1), topLeft.y);
}
ImVec2 outPort(ImVec2 topLeft) { return ImVec2(topLeft.x + kNodeW * 0.5f, topLeft.y + kNodeH); }

// Simple Python keyword colouring for one line of read-only code.
void drawCodeLine(const std::string& line) {
  static const char* kKeywords[] = {"def", "class", "return", "import", "from", "for", "in", "if",
                                    "else", "self", "None", "True", "False", "as", "with", "print"};
  const ImVec4 kw(0.80f, 0.55f, 0.95f, 1.0f), comment(0.5f, 0.65f, 0.5f, 1.0f);
  size_t hash = line.find('#');
  std::string body = hash == std::string::npos ? line : line.substr(0, hash);
  size_t i = 0;
  bool first = true;
  auto emit = [&](const std::string& text, const ImVec4* colour) {
    if (text.empty()) return;
    if (!first) ImGui::SameLine(0, 0);
    first = false;
    if (colour)
      ImGui::TextColored(*colour, "%s", text.c_str());
    else
      ImGui::TextUnformatted(text.c_str());
  };
  std::string plain;
  while (i < body.size()) {
    if (std::isalpha(static_cast<unsigned char>(body[i])) || body[i] == '_') {
      size_t j = i;
      while (j < body.size() && (std::isalnum(static_cast<unsigned char>(body[j])) || body[j] == '_')) ++j;
      std::string word = body.substr(i, j - i);
      bool isKw = std::any_of(std::begin(kKeywords), std::end(kKeywords), [&](const char* k) { return word == k; });
      if (isKw) {
        emit(plain, nullptr);
        plain.clear();
        emit(word, &kw);
      } else {
        plain += word;
      }
      i = j;
    } else {
      plain += body[i++];
    }
  }
  emit(plain, nullptr);
  if (hash != std::string::npos) emit(line.substr(hash), &comment);
  if (first) ImGui::TextUnformatted("");
}

}  // namespace

void BuilderView::placeWindow(const WorkArea& area) {
  ImGui::SetNextWindowPos(ImVec2(area.pos.x + 20, area.pos.y + 20), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(ImVec2(std::max(600.0f, area.size.x - 40), std::max(400.0f, area.size.y - 40)),
                           ImGuiCond_FirstUseEver);
}

void BuilderView::update(AppContext&) {
  if (!restored_) {
    restored_ = true;
    std::string saved = platform::storageGet(kAutosaveKey);
    if (!saved.empty()) {
      if (auto doc = b::loadDocument(saved); doc.ok()) editor_.load(std::move(doc.value()));
    }
    editor_.markSaved();
    platform::shareStart();
  }
  pollShare();
  refresh();
}

void BuilderView::pollShare() {
  std::string kind, text;
  while (platform::sharePoll(&kind, &text)) {
    if (kind == "password") {
      needPassword_ = true;
      unlockError_.clear();
      setOpen(true);
    } else if (kind == "doc") {
      auto doc = b::loadCompact(text);
      if (doc.ok()) {
        incoming_ = text;
        askAccept_ = true;
        needPassword_ = false;
      } else {
        shareMessage_ = "The shared model could not be read: " + doc.error().message;
      }
      setOpen(true);
    } else if (kind == "error") {
      if (needPassword_) {
        unlockError_ = text;
        unlockPassword_[0] = '\0';  // ready for the next try
        focusUnlock_ = true;
      } else {
        shareMessage_ = text;
      }
      setOpen(true);
    } else if (kind == "link") {
      shareMessage_ = "Share link copied and shown in the address bar.";
    }
  }
}

void BuilderView::drawSharePopups() {
  if (needPassword_ && !ImGui::IsPopupOpen("Encrypted share link")) ImGui::OpenPopup("Encrypted share link");
  if (ImGui::BeginPopupModal("Encrypted share link", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted("This link holds an encrypted model. Enter its password:");
    if (ImGui::IsWindowAppearing() || focusUnlock_) ImGui::SetKeyboardFocusHere();
    focusUnlock_ = false;
    bool enter = ImGui::InputText("##unlock", unlockPassword_, sizeof(unlockPassword_),
                                  ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
    if (ImGui::Button("Unlock") || enter) {
      unlockError_ = "Decrypting...";
      platform::shareUnlock(unlockPassword_);
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) {
      needPassword_ = false;
      ImGui::CloseCurrentPopup();
    }
    if (!needPassword_) ImGui::CloseCurrentPopup();
    if (!unlockError_.empty()) ImGui::TextColored(ImVec4(1, 0.5f, 0.45f, 1), "%s", unlockError_.c_str());
    ImGui::EndPopup();
  }
  if (askAccept_ && !needPassword_ && !ImGui::IsPopupOpen("Open shared model")) ImGui::OpenPopup("Open shared model");
  if (ImGui::BeginPopupModal("Open shared model", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted("Replace the model in the builder with the shared one?");
    ImGui::TextDisabled("Your current model stays saved in this browser until you accept.");
    ImGui::TextDisabled("Enter: open it, Escape: keep mine.");
    const bool enter = ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false);
    const bool escape = ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false);
    if (ImGui::Button("Open shared model") || enter) {
      auto doc = b::loadCompact(incoming_);
      if (doc.ok()) {
        editor_.load(std::move(doc.value()));
        selected_ = {};
        platform::storageSet(kAutosaveKey, b::saveJson(editor_.document()));
        editor_.markSaved();
        seen_ = UINT64_MAX;  // recompute analysis and code
      }
      askAccept_ = false;
      incoming_.clear();
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Keep mine") || escape) {
      askAccept_ = false;
      incoming_.clear();
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
  }
}

void BuilderView::refresh() {
  if (editor_.revision() == seen_ && framework_ == lastFramework_ && trainingLoop_ == lastTraining_) return;
  bool edited = editor_.revision() != seen_;
  seen_ = editor_.revision();
  lastFramework_ = framework_;
  lastTraining_ = trainingLoop_;
  analysis_ = b::analyze(editor_.document(), framework_);
  b::CodegenOptions options;
  options.framework = framework_;
  options.trainingLoop = trainingLoop_;
  auto code = b::generateCode(editor_.document(), options);
  codeOk_ = code.ok();
  code_ = code.ok() ? code.value() : code.error().message;
  std::string json = b::saveJson(editor_.document());
  // Every revision change is saved, loads included (Editor::load may count as saved).
  if (edited) {
    platform::storageSet(kAutosaveKey, json);
    editor_.markSaved();
  }
  platform::publishBuilderState(code_, codeOk_, json);
}

void BuilderView::addFromPicker(const std::string& type) {
  const b::Document& doc = editor_.document();
  nf::Result<b::NodeId> added = nf::Error{"nothing added"};
  if (selected_.valid() && doc.contains(selected_)) {
    added = editor_.appendAfter(selected_, type);
  } else {
    double y = 0, x = 0;
    for (const auto& n : doc.nodes()) y = std::max(y, n.pos.y + 100), x = n.pos.x;
    added = editor_.addNode(type, b::Vec2{x, y});
  }
  if (added.ok()) {
    selected_ = added.value();
    status_.clear();
  } else {
    status_ = added.error().message;
  }
}

void BuilderView::drawContent(AppContext&) {
  refresh();
  drawToolbar();
  float avail = ImGui::GetContentRegionAvail().x;
  float pickerW = 235.0f, rightW = std::max(300.0f, avail * 0.34f);
  float canvasW = std::max(200.0f, avail - pickerW - rightW - 2 * ImGui::GetStyle().ItemSpacing.x);

  ImGui::BeginChild("##picker", ImVec2(pickerW, 0), true);
  drawPicker();
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##canvas", ImVec2(canvasW, 0), true, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoMove);
  drawCanvas();
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

  // Undo/redo and delete while the builder has focus and no text field is active.
  ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows) && !io.WantTextInput) {
    if (io.KeyCtrl && ImGui::IsKeyPressed(SDL_SCANCODE_Z, true)) editor_.undo();
    if (io.KeyCtrl && ImGui::IsKeyPressed(SDL_SCANCODE_Y, true)) editor_.redo();
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Delete), false) && selected_.valid()) {
      editor_.removeNodes({selected_});
      selected_ = {};
    }
  }
}

void BuilderView::drawToolbar() {
  if (ImGui::Button("Auto-arrange")) editor_.autoArrange();
  ImGui::SameLine();
  ImGui::BeginDisabled(!editor_.canUndo());
  if (ImGui::Button("Undo")) editor_.undo();
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(!editor_.canRedo());
  if (ImGui::Button("Redo")) editor_.redo();
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Save JSON"))
    platform::downloadText(editor_.document().name + ".netforge.json", "application/json",
                           b::saveJson(editor_.document()));
  ImGui::SameLine();
  if (ImGui::Button("Open document...")) {
    importText_.clear();
    ImGui::OpenPopup("Open builder document");
  }
  ImGui::SameLine();
  if (ImGui::Button("New")) {
    editor_.load(b::Document{});
    selected_ = {};
  }
  ImGui::SameLine();
  ImGui::Text("Parameters: %lld trainable, %lld total   %d error(s)",
              static_cast<long long>(analysis_.total.trainable), static_cast<long long>(analysis_.total.total()),
              analysis_.errors);
  ImGui::TextUnformatted("Share:");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(160);
  ImGui::InputTextWithHint("##sharepw", "password (optional)", sharePassword_, sizeof(sharePassword_),
                           ImGuiInputTextFlags_Password);
  ImGui::SameLine();
  if (ImGui::Button("Copy share link")) {
    shareMessage_ = "Making the link...";
    platform::shareMake(b::saveCompact(editor_.document()), sharePassword_);
  }
  if (!shareMessage_.empty()) {
    ImGui::SameLine();
    ImGui::TextUnformatted(shareMessage_.c_str());
  }
  drawSharePopups();
  if (!status_.empty()) ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", status_.c_str());

  if (ImGui::BeginPopupModal("Open builder document", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    static char buffer[1 << 16];
    if (ImGui::IsWindowAppearing()) buffer[0] = '\0';
    ImGui::TextUnformatted("Paste a saved builder document (JSON):");
    ImGui::InputTextMultiline("##import", buffer, sizeof(buffer), ImVec2(520, 260));
    if (ImGui::Button("Open")) {
      auto doc = b::loadDocument(buffer);
      if (doc.ok()) {
        editor_.load(std::move(doc.value()));
        selected_ = {};
        status_.clear();
        ImGui::CloseCurrentPopup();
      } else {
        importText_ = doc.error().message;
      }
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    if (!importText_.empty()) ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", importText_.c_str());
    ImGui::EndPopup();
  }
}

void BuilderView::drawPicker() {
  ImGui::TextUnformatted("Layers");
  ImGui::SetNextItemWidth(-1);
  if (focusSearch_) {
    ImGui::SetKeyboardFocusHere();
    focusSearch_ = false;
  }
  bool enter = ImGui::InputTextWithHint("##search", "search, Enter adds", search_, sizeof(search_),
                                        ImGuiInputTextFlags_EnterReturnsTrue);
  auto hits = b::catalog().search(search_);
  if (enter) {
    if (!hits.empty()) addFromPicker(hits.front().spec->type);
    search_[0] = '\0';
    ImGui::SetKeyboardFocusHere(-1);  // keep typing layer after layer
  }
  ImGui::TextDisabled(selected_.valid() ? "adds after the selected node" : "adds a new node");
  for (const auto& hit : hits) {
    const b::LayerSpec& s = *hit.spec;
    ImGui::PushID(s.type.c_str());
    if (ImGui::SmallButton("+")) addFromPicker(s.type);
    ImGui::SameLine();
    ImGui::TextUnformatted(s.label.c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s (%s): %s", s.type.c_str(), s.category.c_str(), s.help.c_str());
    ImGui::SameLine();
    ImGui::TextColored(s.has(b::Framework::PyTorch) ? ImVec4(0.95f, 0.45f, 0.2f, 1) : ImVec4(0.4f, 0.4f, 0.4f, 1), "PT");
    ImGui::SameLine(0, 3);
    ImGui::TextColored(s.has(b::Framework::Keras) ? ImVec4(0.95f, 0.75f, 0.2f, 1) : ImVec4(0.4f, 0.4f, 0.4f, 1), "TF");
    ImGui::PopID();
  }
}

void BuilderView::drawCanvas() {
  const b::Document& doc = editor_.document();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 origin = ImGui::GetCursorScreenPos();
  ImVec2 size = ImGui::GetContentRegionAvail();
  ImGui::InvisibleButton("##canvasbg", size, ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  bool canvasHovered = ImGui::IsItemHovered();
  ImVec2 base = add(origin, scroll_);
  ImVec2 mouse = ImGui::GetIO().MousePos;
  dl->PushClipRect(origin, add(origin, size), true);

  auto topLeft = [&](const b::Node& n) {
    return add(base, ImVec2(static_cast<float>(n.pos.x), static_cast<float>(n.pos.y)));
  };
  const ImU32 textCol = ImGui::GetColorU32(ImGuiCol_Text);

  // Edges first, under the nodes, labelled with the shape they carry.
  for (const auto& er : analysis_.edges) {
    const b::Node* from = doc.node(er.edge.from);
    const b::Node* to = doc.node(er.edge.to);
    if (!from || !to) continue;
    const b::NodeReport* rep = analysis_.find(to->id);
    ImVec2 p0 = outPort(topLeft(*from));
    ImVec2 p1 = inPort(topLeft(*to), er.edge.port, portCount(doc, *to, rep ? rep->spec : nullptr));
    float dy = std::max(30.0f, std::fabs(p1.y - p0.y) * 0.5f);
    dl->AddBezierCubic(p0, ImVec2(p0.x, p0.y + dy), ImVec2(p1.x, p1.y - dy), p1, IM_COL32(150, 170, 200, 255), 2.0f);
    if (er.tensor) {
      std::string label = b::formatShape(*er.tensor, framework_);
      dl->AddText(ImVec2((p0.x + p1.x) * 0.5f + 6, (p0.y + p1.y) * 0.5f - 7), IM_COL32(160, 200, 160, 255),
                  label.c_str());
    }
  }
  if (linkFrom_.valid()) {
    if (const b::Node* from = doc.node(linkFrom_)) {
      ImVec2 p0 = outPort(topLeft(*from));
      dl->AddBezierCubic(p0, ImVec2(p0.x, p0.y + 40), ImVec2(mouse.x, mouse.y - 40), mouse,
                         IM_COL32(230, 200, 90, 255), 2.0f);
    }
  }

  // Nodes; find what the mouse is over on the way.
  b::NodeId hoverNode, hoverOut, hoverIn;
  int hoverPort = -1;
  for (const auto& n : doc.nodes()) {
    const b::NodeReport* rep = analysis_.find(n.id);
    ImVec2 tl = topLeft(n), br = add(tl, ImVec2(kNodeW, kNodeH));
    bool error = rep && rep->hasError();
    ImU32 fill = error ? IM_COL32(120, 35, 35, 240) : IM_COL32(45, 55, 75, 240);
    if (rep && rep->blocked && !error) fill = IM_COL32(60, 60, 60, 240);
    dl->AddRectFilled(tl, br, fill, 5.0f);
    dl->AddRect(tl, br, n.id == selected_ ? IM_COL32(255, 210, 80, 255) : IM_COL32(110, 120, 140, 255), 5.0f, 0,
                n.id == selected_ ? 2.5f : 1.0f);
    dl->AddText(ImVec2(tl.x + 8, tl.y + 6), textCol, n.name.c_str());
    std::string sub = n.type;
    if (rep && rep->output) sub += "  " + b::formatShape(*rep->output, framework_);
    dl->AddText(ImVec2(tl.x + 8, tl.y + 24), IM_COL32(170, 180, 195, 255), sub.c_str());
    int ports = portCount(doc, n, rep ? rep->spec : nullptr);
    for (int p = 0; p < ports; ++p) {
      ImVec2 c = inPort(tl, p, ports);
      bool over = dist2(c, mouse) < 64;
      dl->AddCircleFilled(c, kPortR, over ? IM_COL32(255, 220, 120, 255) : IM_COL32(140, 190, 255, 255));
      if (over) hoverIn = n.id, hoverPort = p;
    }
    ImVec2 o = outPort(tl);
    bool overOut = dist2(o, mouse) < 64;
    dl->AddCircleFilled(o, kPortR, overOut ? IM_COL32(255, 220, 120, 255) : IM_COL32(140, 255, 170, 255));
    if (overOut) hoverOut = n.id;
    if (mouse.x >= tl.x && mouse.x <= br.x && mouse.y >= tl.y && mouse.y <= br.y) hoverNode = n.id;
  }
  dl->PopClipRect();

  // Gestures.
  ImGuiIO& io = ImGui::GetIO();
  if (canvasHovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    if (hoverOut.valid()) {
      linkFrom_ = hoverOut;
    } else if (hoverNode.valid()) {
      selected_ = hoverNode;
      dragging_ = true;
    } else {
      selected_ = {};
    }
  }
  if (dragging_ && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2.0f) && selected_.valid()) {
    ImVec2 d = io.MouseDelta;
    if (d.x != 0 || d.y != 0) editor_.moveNodes({selected_}, b::Vec2{d.x, d.y}, true);
  }
  if (ImGui::IsMouseReleased(ImGuiMouseButton_Left)) {
    if (linkFrom_.valid()) {
      b::NodeId target = hoverIn.valid() ? hoverIn : hoverNode;
      if (target.valid() && target != linkFrom_) {
        auto st = editor_.connect(linkFrom_, target, hoverIn.valid() ? hoverPort : -1);
        status_ = st.ok() ? "" : st.message();
      }
    }
    linkFrom_ = {};
    dragging_ = false;
  }
  if (canvasHovered && ImGui::IsMouseDragging(ImGuiMouseButton_Right, 0.0f)) scroll_ = add(scroll_, io.MouseDelta);
  if (hoverNode.valid() && !linkFrom_.valid()) {
    if (const b::NodeReport* rep = analysis_.find(hoverNode); rep && !rep->issues.empty()) {
      ImGui::BeginTooltip();
      for (const auto& is : rep->issues)
        ImGui::TextColored(is.level == b::Issue::Level::Error ? ImVec4(1, 0.5f, 0.45f, 1) : ImVec4(1, 0.85f, 0.4f, 1),
                           "%s", is.message.c_str());
      ImGui::EndTooltip();
    }
  }
  if (doc.nodes().empty())
    dl->AddText(add(origin, ImVec2(20, 20)), IM_COL32(150, 150, 150, 255),
                "Empty model: type a layer name in the picker (start with Input) and press Enter.");
}

void BuilderView::drawProperties() {
  const b::Document& doc = editor_.document();
  const b::Node* n = selected_.valid() ? doc.node(selected_) : nullptr;
  if (!n) {
    ImGui::TextDisabled("Select a node to edit its parameters.");
    ImGui::Text("Nodes: %zu, edges: %zu", doc.nodes().size(), doc.edges().size());
    return;
  }
  const b::NodeReport* rep = analysis_.find(n->id);
  const b::LayerSpec* spec = rep ? rep->spec : b::catalog().find(n->type);
  ImGui::Text("%s  (%s)", n->name.c_str(), n->type.c_str());
  if (rep) {
    if (rep->output) ImGui::Text("Output: %s", b::formatShape(*rep->output, framework_).c_str());
    ImGui::Text("Parameters: %lld (%lld trainable)", static_cast<long long>(rep->params.total()),
                static_cast<long long>(rep->params.trainable));
    for (const auto& is : rep->issues)
      ImGui::TextColored(is.level == b::Issue::Level::Error ? ImVec4(1, 0.5f, 0.45f, 1) : ImVec4(1, 0.85f, 0.4f, 1),
                         "%s", is.message.c_str());
  }
  ImGui::Separator();
  if (!spec) return;
  for (const auto& p : spec->params) {
    ImGui::PushID(p.name.c_str());
    auto it = n->params.find(p.name);
    b::ParamValue value = it != n->params.end() ? it->second : p.defaultValue;
    if (p.kind == b::ParamKind::Bool) {
      bool v = std::get<bool>(value);
      if (ImGui::Checkbox(p.name.c_str(), &v)) editor_.setParam(n->id, p.name, v);
    } else if (p.kind == b::ParamKind::Enum) {
      const std::string& cur = std::get<std::string>(value);
      if (ImGui::BeginCombo(p.name.c_str(), cur.c_str())) {
        for (const auto& c : p.choices)
          if (ImGui::Selectable(c.c_str(), c == cur)) editor_.setParam(n->id, p.name, c);
        ImGui::EndCombo();
      }
    } else {
      // Text fields keep the user's text while focused; commit on Enter or leaving.
      char buf[96];
      std::snprintf(buf, sizeof(buf), "%s", b::formatParamValue(value).c_str());
      ImGui::SetNextItemWidth(140);
      if (ImGui::InputText(p.name.c_str(), buf, sizeof(buf), ImGuiInputTextFlags_EnterReturnsTrue)) {
        auto parsed = p.parse(buf);
        if (parsed.ok()) {
          auto st = editor_.setParam(n->id, p.name, parsed.value());
          status_ = st.ok() ? "" : st.message();
        } else {
          status_ = parsed.error().message;
        }
      }
    }
    if (ImGui::IsItemHovered() && !p.help.empty()) ImGui::SetTooltip("%s", p.help.c_str());
    ImGui::PopID();
  }
}

void BuilderView::drawCode() {
  int fw = static_cast<int>(framework_);
  ImGui::RadioButton("PyTorch", &fw, 0);
  ImGui::SameLine();
  ImGui::RadioButton("Keras", &fw, 1);
  framework_ = static_cast<b::Framework>(fw);
  ImGui::SameLine();
  ImGui::Checkbox("training loop", &trainingLoop_);
  ImGui::BeginDisabled(!codeOk_);
  if (ImGui::Button("Copy")) ImGui::SetClipboardText(code_.c_str());
  ImGui::SameLine();
  if (ImGui::Button("Download .py"))
    platform::downloadText(b::codeFileName(editor_.document(), framework_), "text/x-python", code_);
  ImGui::EndDisabled();
  ImGui::Separator();
  ImGui::BeginChild("##codetext", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
  if (!codeOk_) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(ImVec4(1, 0.5f, 0.45f, 1), "%s", code_.c_str());
    ImGui::PopTextWrapPos();
  } else {
    size_t start = 0;
    while (start <= code_.size()) {
      size_t end = code_.find('\n', start);
      if (end == std::string::npos) end = code_.size();
      drawCodeLine(code_.substr(start, end - start));
      start = end + 1;
    }
  }
  ImGui::EndChild();
}

}  // namespace nf::app
