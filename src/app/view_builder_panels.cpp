// app/view_builder_panels.cpp - the builder's side panels: the layer picker, the
// properties of the selected node, and the generated code.
#include <imgui.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

#include "app/builder_platform.h"
#include "app/platform.h"
#include "app/theme.h"
#include "app/view_builder.h"

namespace nf::app {

namespace b = nf::builder;

namespace {


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
      bool is_kw = std::any_of(std::begin(kKeywords), std::end(kKeywords), [&](const char* k) { return word == k; });
      if (is_kw) {
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

// How a value shows in its text field: tuples as "32x32x3" (what people type for
// shapes and kernel sizes; ParamSpec::parse reads it back), everything else as saved.
std::string fieldText(const b::ParamValue& v) {
  if (const auto* list = std::get_if<b::IntList>(&v)) {
    std::string s;
    for (size_t i = 0; i < list->size(); ++i) s += (i ? "x" : "") + std::to_string((*list)[i]);
    return s;
  }
  return b::formatParamValue(v);
}

}  // namespace

// [SECTION] Picker

void BuilderView::addFromPicker(const std::string& type) {
  const b::Document& doc = editor_.document();
  nf::Result<b::NodeId> added = nf::Error{"nothing added"};
  // Flowpoints: "+" adds after the selection and connects it; with nothing selected,
  // after the last layer added (ids only grow, so the highest one).
  b::NodeId after = selected_.valid() && doc.contains(selected_) ? selected_ : b::NodeId{};
  if (!after.valid())
    for (const auto& n : doc.nodes())
      if (!after.valid() || after < n.id) after = n.id;
  if (after.valid()) added = editor_.appendAfter(after, type);
  else added = editor_.addNode(type, b::Vec2{0, 0});
  if (added.ok()) {
    select(added.value());
    scrollIntoView(added.value());  // the layer just added is where the user looks next
    status_.clear();
  } else {
    status_ = added.error().message;
  }
}

void BuilderView::drawPicker() {
  ImGui::TextUnformatted("Layers");
  ImGui::SetNextItemWidth(-1);
  if (focus_search_) {
    ImGui::SetKeyboardFocusHere();
    focus_search_ = false;
  }
  bool enter = ImGui::InputTextWithHint("##search", "search, Enter adds", search_, sizeof(search_),
                                        ImGuiInputTextFlags_EnterReturnsTrue);
  note("search");
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
    if (ImGui::IsItemVisible()) note("add:" + s.type);
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

// [SECTION] Properties

void BuilderView::drawProperties() {
  const b::Document& doc = editor_.document();
  if (selected_annotation_ && selection_.empty() && doc.annotation(selected_annotation_)) {
    drawAnnotationProperties();
    return;
  }
  if (selection_.size() > 1) {
    ImGui::Text("%zu nodes selected", selection_.size());
    ImGui::TextDisabled("Align... lines them up; + Frame draws a titled box round them.");
    ImGui::TextDisabled("Ctrl+C copy, Ctrl+V paste, Ctrl+D duplicate, Delete removes them.");
    return;
  }
  const b::Node* n = selected_.valid() ? doc.node(selected_) : nullptr;
  if (!n) {
    ImGui::TextDisabled("Select a node to edit its parameters.");
    ImGui::Text("Nodes: %zu, edges: %zu", doc.nodes().size(), doc.edges().size());
    ImGui::TextDisabled("Drag from a green output port to a blue input port to connect,");
    ImGui::TextDisabled("or select a node and Shift+click another.");
    return;
  }
  const b::NodeReport* rep = analysis_.find(n->id);
  const b::LayerSpec* spec = rep ? rep->spec : b::catalog().find(n->type);
  ImGui::Text("%s  (%s)", n->name.c_str(), b::typeLabel(*n).c_str());
  if (rep) {
    if (rep->output) ImGui::Text("Output: %s", b::formatShape(*rep->output, framework_).c_str());
    ImGui::Text("Parameters: %lld (%lld trainable)", static_cast<long long>(rep->params.total()),
                static_cast<long long>(rep->params.trainable));
    for (const auto& is : rep->issues)
      ImGui::TextColored(is.level == b::Issue::Level::Error ? errorTextColor() : warningTextColor(), "%s", is.message.c_str());
  }
  drawNodeLook(*n);
  ImGui::Separator();
  if (!spec) return;
  for (const auto& p : spec->params) drawParamField(*n, p);
}

void BuilderView::drawParamField(const b::Node& n, const b::ParamSpec& p) {
  ImGui::PushID(p.name.c_str());
  auto it = n.params.find(p.name);
  const b::ParamValue value = it != n.params.end() ? it->second : p.default_value;
  const std::string key = std::to_string(n.id.index) + "/" + p.name;
  if (p.kind == b::ParamKind::Bool) {
    bool v = std::get<bool>(value);
    if (ImGui::Checkbox(p.name.c_str(), &v)) editor_.setParam(n.id, p.name, v);
    note("param:" + p.name);
  } else if (p.kind == b::ParamKind::Enum && p.choices.empty() && std::get<std::string>(value).size() + 1 >= sizeof(field_buf_)) {
    // Free text (an ONNX op's attributes or constants) longer than the edit field: shown whole, not cut.
    ImGui::TextDisabled("%s:", p.name.c_str());
    ImGui::TextWrapped("%s", std::get<std::string>(value).c_str());
    note("param:" + p.name);
  } else if (p.kind == b::ParamKind::Enum && !p.choices.empty()) {
    const std::string& cur = std::get<std::string>(value);
    ImGui::SetNextItemWidth(140);
    if (ImGui::BeginCombo(p.name.c_str(), cur.c_str())) {
      for (const auto& c : p.choices) {
        if (ImGui::Selectable(c.c_str(), c == cur)) editor_.setParam(n.id, p.name, c);
        note("choice:" + p.name + ":" + c);
      }
      ImGui::EndCombo();
    }
    note("param:" + p.name);
  } else {
    // The text typed stays in field_buf_ while the field is active; it is parsed and
    // committed when the field is left (Enter, Tab or a click elsewhere). A rejected
    // value leaves the document unchanged and its message under the field.
    const bool editing = field_key_ == key;
    char shown[96];
    std::snprintf(shown, sizeof shown, "%s", fieldText(value).c_str());
    char* buf = editing ? field_buf_ : shown;
    ImGui::SetNextItemWidth(140);
    ImGui::InputText(p.name.c_str(), buf, sizeof(field_buf_), ImGuiInputTextFlags_AutoSelectAll);
    note("param:" + p.name);
    if (ImGui::IsItemActive() && !editing) {
      field_key_ = key;
      std::memcpy(field_buf_, shown, sizeof field_buf_);
    }
    if (ImGui::IsItemDeactivated() && editing) {
      const std::string text = field_buf_;
      field_key_.clear();
      if (text == fieldText(value)) {
        if (field_error_key_ == key) field_error_.clear();  // back to the valid value: nothing to report
      } else {
        auto parsed = p.parse(text);
        Status st = parsed.ok() ? editor_.setParam(n.id, p.name, parsed.value()) : Status(parsed.error());
        if (st.ok()) {
          field_error_key_.clear();
          field_error_.clear();
        } else {
          field_error_key_ = key;
          field_error_ = st.message();
        }
      }
    }
  }
  if (ImGui::IsItemHovered() && !p.help.empty()) ImGui::SetTooltip("%s", p.help.c_str());
  if (field_error_key_ == key && !field_error_.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(errorTextColor(), "%s", field_error_.c_str());
    ImGui::PopTextWrapPos();
    note("field_error");
  }
  ImGui::PopID();
}

// [SECTION] Code

void BuilderView::drawCode() {
  int fw = static_cast<int>(framework_);
  ImGui::RadioButton("PyTorch", &fw, 0);
  note("btn:PyTorch");
  ImGui::SameLine();
  ImGui::RadioButton("Keras", &fw, 1);
  note("btn:Keras");
  framework_ = static_cast<b::Framework>(fw);
  ImGui::SameLine();
  ImGui::Checkbox("training loop", &training_loop_);
  note("btn:training loop");
  ImGui::BeginDisabled(!code_ok_);
  if (ImGui::Button("Copy")) {
    ImGui::SetClipboardText(code_.c_str());
    copied_ = code_;
    platform::publishBuilderCopied(copied_);
  }
  note("btn:Copy");
  ImGui::SameLine();
  if (ImGui::Button("Download .py"))
    platform::downloadText(b::codeFileName(editor_.document(), framework_), "text/x-python", code_);
  note("btn:Download");
  ImGui::EndDisabled();
  // The other ways out do not depend on the framework shown: each is made on the click,
  // and a document it cannot express says why under the toolbar.
  auto downloadKerasJson = [this](b::KerasJsonForm form) {
    auto json = b::generateKerasJson(editor_.document(), form);
    if (json) platform::downloadText(b::kerasJsonFileName(editor_.document(), form), "application/json", *json);
    status_ = json ? "" : json.error().message;
  };
  if (ImGui::Button("Download TF.js model")) downloadKerasJson(b::KerasJsonForm::TfjsModel);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("model.json: the Keras model config (no weights) for TensorFlow.js's tf.loadLayersModel");
  note("btn:Download TF.js model");
  ImGui::SameLine();
  if (ImGui::Button("Download Keras JSON")) downloadKerasJson(b::KerasJsonForm::ModelConfig);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("What Keras's model.to_json() writes (no weights): keras.models.model_from_json reads it back");
  note("btn:Download Keras JSON");
  if (ImGui::Button("Download notebook")) {
    auto notebook = b::generateNotebook(editor_.document());
    if (notebook) platform::downloadText(b::notebookFileName(editor_.document()), "application/x-ipynb+json", *notebook);
    status_ = notebook ? "" : notebook.error().message;
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("A Jupyter/Colab notebook: the PyTorch model, a torchvision MNIST or CIFAR-10 loader\n"
                      "(chosen from the input shape) and a training loop with test accuracy");
  note("btn:Download notebook");
  ImGui::Separator();
  ImGui::BeginChild("##codetext", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
  if (!code_ok_) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(errorTextColor(), "%s", code_.c_str());
    ImGui::PopTextWrapPos();
  } else {
    // Only the visible lines are laid out (a 500-layer model has thousands of lines).
    const float line_h = ImGui::GetTextLineHeightWithSpacing();
    const float top = ImGui::GetScrollY(), height = ImGui::GetWindowHeight();
    size_t start = 0;
    int line = 0;
    int skipped = 0;
    while (start <= code_.size()) {
      size_t end = code_.find('\n', start);
      if (end == std::string::npos) end = code_.size();
      const float y = line * line_h;
      if (y + line_h < top - line_h || y > top + height + line_h) {
        ++skipped;
      } else {
        if (skipped) ImGui::Dummy(ImVec2(1, skipped * line_h - ImGui::GetStyle().ItemSpacing.y));
        skipped = 0;
        drawCodeLine(code_.substr(start, end - start));
      }
      ++line;
      start = end + 1;
    }
    if (skipped) ImGui::Dummy(ImVec2(1, skipped * line_h - ImGui::GetStyle().ItemSpacing.y));
  }
  ImGui::EndChild();
}

}  // namespace nf::app
