// app/view_builder_templates.cpp - New > From template: a searchable gallery of the
// core's templates (builder/templates.h). Picking one replaces the model as one undo
// step, so the user's own model is one Ctrl+Z away.
#include <imgui.h>

#include <algorithm>
#include <cctype>

#include "app/theme.h"
#include "app/view_builder.h"
#include "builder/columns.h"
#include "builder/templates.h"
#include "views/builder_picture.h"

namespace nf::app {

namespace b = nf::builder;

namespace {

bool containsNoCase(const std::string& text, const std::string& needle) {
  auto lower = [](unsigned char c) { return static_cast<char>(std::tolower(c)); };
  return std::search(text.begin(), text.end(), needle.begin(), needle.end(),
                     [&](char a, char c) { return lower(a) == lower(c); }) != text.end();
}

}  // namespace

void BuilderView::setInColumns(b::Document* doc) const {
  if (canvas_size_.x <= 0 || canvas_size_.y <= 0) return;
  const b::Analysis analysis = b::analyze(*doc, framework_);
  std::vector<b::Vec2> sizes;
  for (const b::Node& n : doc->nodes())
    sizes.push_back({boxWidth(n.name, views::builderBoxSubtitle(n, analysis.find(n.id), true, framework_)), kNodeH});
  // The room fitView gives the diagram (the legend's strip: two rows, if not yet measured).
  const float legend = show_legend_ ? std::max(legend_h_, 4.0f * ImGui::GetTextLineHeight()) : 0.0f;
  const b::ColumnWrap wrap = b::wrapInColumns(
      *doc, sizes, b::Vec2{canvas_size_.x - 2 * kFitMargin, canvas_size_.y - legend - 2 * kFitMargin});
  if (wrap.columns < 2 || wrap.scale < readableZoom()) return;  // fits as it is, or too big either way
  for (const auto& [id, pos] : wrap.positions)
    if (b::Node* n = doc->mutableNode(id)) n->pos = pos;
}

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
    b::Document doc = picked->build();
    setInColumns(&doc);
    auto done = editor_.replaceDocument(std::move(doc), "Template " + picked->name);
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
