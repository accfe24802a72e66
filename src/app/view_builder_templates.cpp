// app/view_builder_templates.cpp - New > From template: a searchable gallery of the
// core's templates (builder/templates.h). Picking one replaces the model as one undo
// step, so the user's own model is one Ctrl+Z away.
#include <imgui.h>

#include <algorithm>
#include <cctype>

#include "app/theme.h"
#include "app/view_builder.h"
#include "builder/templates.h"

namespace nf::app {

namespace b = nf::builder;

namespace {

bool containsNoCase(const std::string& text, const std::string& needle) {
  auto lower = [](unsigned char c) { return static_cast<char>(std::tolower(c)); };
  return std::search(text.begin(), text.end(), needle.begin(), needle.end(),
                     [&](char a, char c) { return lower(a) == lower(c); }) != text.end();
}

}  // namespace

void BuilderView::drawTemplateGallery() {
  ImGui::SetNextWindowSize(ImVec2(620, 440), ImGuiCond_Appearing);
  if (!ImGui::BeginPopupModal("New from template", nullptr)) return;
  if (ImGui::IsWindowAppearing()) {
    template_filter_.clear();
    ImGui::SetKeyboardFocusHere();
  }
  ImGui::SetNextItemWidth(-1);
  inputString("##templatefilter", "search templates (name or description)", &template_filter_);
  note("template_search");
  ImGui::TextDisabled("Your current model is replaced; Undo (Ctrl+Z) brings it back.");
  const b::Template* picked = nullptr;
  ImGui::BeginChild("##templates", ImVec2(0, -ImGui::GetFrameHeightWithSpacing()), true);
  for (const b::Template& t : b::templates()) {
    if (!template_filter_.empty() && !containsNoCase(t.name, template_filter_) &&
        !containsNoCase(t.description, template_filter_))
      continue;
    ImGui::PushID(t.name.c_str());
    // One row per template: the name, and its description in the secondary colour.
    const float h = ImGui::GetTextLineHeightWithSpacing() * 2;
    if (ImGui::Selectable("##row", false, 0, ImVec2(0, h))) picked = &t;
    note("template:" + t.name);
    ImGui::SameLine(ImGui::GetStyle().ItemSpacing.x);
    ImGui::BeginGroup();
    ImGui::TextUnformatted(t.name.c_str());
    ImGui::TextDisabled("%s", t.description.c_str());
    ImGui::EndGroup();
    ImGui::PopID();
  }
  ImGui::EndChild();
  if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
  note("btn:Cancel template");
  if (picked) {
    auto done = editor_.replaceDocument(picked->build(), "Template " + picked->name);
    if (done.ok()) {
      selectMany({});
      status_.clear();
      fit_pending_ = true;
    } else {
      status_ = done.message();
    }
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
}

}  // namespace nf::app
