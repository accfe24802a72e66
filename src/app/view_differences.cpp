#include "app/view_differences.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "app/comparison.h"
#include "app/graph_platform.h"
#include "app/page_json.h"
#include "app/session.h"
#include "base/strings.h"

namespace nf::app {

namespace {

std::string lowerCase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string changeText(const diff::Change& c) {
  std::string t = c.what;
  if (!c.a.empty() || !c.b.empty()) t += ": " + (c.a.empty() ? std::string("(none)") : c.a) + " -> " + (c.b.empty() ? std::string("(none)") : c.b);
  return t;
}

ImVec4 statusColor(scene::DiffStatus s) {
  const uint32_t c = scene::diffStatusColor(s);
  return ImVec4(((c >> 16) & 0xFF) / 255.0f, ((c >> 8) & 0xFF) / 255.0f, (c & 0xFF) / 255.0f, 1.0f);
}

}  // namespace

bool DifferencesView::dockShown(const AppContext& ctx) const { return ctx.comparison && ctx.comparison->active(); }

void DifferencesView::rebuild(AppContext& ctx) {
  Comparison& cmp = *ctx.comparison;
  built_version_ = cmp.version();
  items_.clear();
  graph_changes_.clear();
  shown_.clear();
  applied_filter_ = "\x01";
  clicked_ = kNoIndex;
  const diff::Report* r = cmp.report();
  const document::OpenedModel* ma = ctx.session.document().current();
  const document::OpenedModel* mb = cmp.bSession().document().current();
  if (!r || !ma || !mb) return;
  const ir::Graph& ga = ma->model.main();
  const ir::Graph& gb = mb->model.main();
  auto titleOf = [](const ir::Graph& g, uint32_t i) { return g.nodes[i].op_type + " " + diff::nodeLabel(g, i); };
  for (const diff::NodeDiff& d : r->nodes) {
    if (d.same()) continue;
    Item it{scene::DiffStatus::Changed, d.pair.a.index, d.pair.b.index, titleOf(ga, d.pair.a.index), {}, {}};
    const std::string lb = diff::nodeLabel(gb, d.pair.b.index);
    if (lb != diff::nodeLabel(ga, d.pair.a.index)) it.title += " -> " + lb;
    for (size_t k = 0; k < d.changes.size(); ++k) it.detail += (k ? "; " : "") + changeText(d.changes[k]);
    items_.push_back(std::move(it));
  }
  for (uint32_t a : r->removed) items_.push_back({scene::DiffStatus::Removed, a, kNoIndex, titleOf(ga, a), "only in A", {}});
  for (uint32_t b : r->added) items_.push_back({scene::DiffStatus::Added, kNoIndex, b, titleOf(gb, b), "only in B", {}});
  for (Item& it : items_) it.lower = lowerCase(it.title + " " + it.detail);
  for (const diff::Change& c : r->graph) graph_changes_.push_back(changeText(c));
  for (const diff::Rewrite& w : r->rewrites) graph_changes_.push_back("rewritten: " + w.description);
}

void DifferencesView::refilter() {
  const std::string needle = lowerCase(filter_);
  shown_.clear();
  for (uint32_t i = 0; i < items_.size(); ++i) {
    const Item& it = items_[i];
    const bool kind = it.status == scene::DiffStatus::Changed ? show_changed_
                      : it.status == scene::DiffStatus::Removed ? show_removed_
                                                                : show_added_;
    if (kind && (needle.empty() || it.lower.find(needle) != std::string::npos)) shown_.push_back(i);
  }
  applied_filter_ = filter_;
  applied_flags_[0] = show_changed_;
  applied_flags_[1] = show_removed_;
  applied_flags_[2] = show_added_;
}

void DifferencesView::drawContent(AppContext& ctx) {
  Comparison* cmp = ctx.comparison;
  if (!cmp || !cmp->active()) return;
  const document::OpenedModel* mb = cmp->bSession().document().current();
  const document::OpenedModel* ma = ctx.session.document().current();
  ImGui::TextWrapped("A: %s", ma ? displayName(ma->file_name, 48).c_str() : "(none)");
  ImGui::TextWrapped("B: %s", mb ? displayName(mb->file_name, 48).c_str() : "(opening)");
  if (ImGui::SmallButton("Close comparison")) {
    cmp->close();
    probe_.clear();
    return;
  }
  probe_.note("diff_close");
  // One graph or two: the merged view (A and B as one graph) replaces both panes.
  const bool merged = cmp->layout() == Comparison::Layout::Merged;
  if (ImGui::RadioButton("Side by side", !merged)) cmp->setLayout(Comparison::Layout::SideBySide);
  probe_.note("diff_view_side");
  ImGui::SameLine();
  if (ImGui::RadioButton("Merged", merged)) cmp->setLayout(Comparison::Layout::Merged);
  probe_.note("diff_view_merged");
  if (cmp->merging()) ImGui::TextDisabled("Building the merged graph...");
  ImGui::Separator();
  switch (cmp->state()) {
    case Comparison::State::LoadingB:
      ImGui::TextUnformatted(mb ? "Waiting for both graphs..." : "Opening the second model...");
      if (!cmp->bSession().document().lastError().empty())
        ImGui::TextColored(ImVec4(0.85f, 0.3f, 0.25f, 1), "%s", cmp->bSession().document().lastError().c_str());
      break;
    case Comparison::State::Diffing: {
      ImGui::Text("Comparing: %s", cmp->label());
      ImGui::ProgressBar(cmp->progress(), ImVec2(-1, 0));
      if (ImGui::Button("Cancel")) cmp->cancel();
      probe_.note("diff_cancel");
      break;
    }
    case Comparison::State::Cancelled:
      ImGui::TextUnformatted("Comparison cancelled.");
      if (ImGui::Button("Compare again")) cmp->restart();
      probe_.note("diff_again");
      break;
    case Comparison::State::Failed:
      ImGui::TextColored(ImVec4(0.85f, 0.3f, 0.25f, 1), "%s", cmp->error().empty() ? "failed" : cmp->error().c_str());
      break;
    case Comparison::State::Off:
    case Comparison::State::Ready: break;
  }
  if (cmp->version() != built_version_) rebuild(ctx);
  if (const diff::Report* r = cmp->report()) {
    int changed = r->changedNodes();
    if (r->equal()) {
      ImGui::TextUnformatted("The models are the same.");
    } else {
      ImGui::Text("%zu paired: %d changed", r->nodes.size(), changed);
      ImGui::TextColored(statusColor(scene::DiffStatus::Removed), "%zu removed", r->removed.size());
      ImGui::SameLine();
      ImGui::TextColored(statusColor(scene::DiffStatus::Added), "%zu added", r->added.size());
    }
    ImGui::TextDisabled("diffed in %.0f ms", cmp->diffMs());
    for (const std::string& g : graph_changes_) ImGui::TextWrapped("%s", g.c_str());
    ImGui::SetNextItemWidth(-1);
    ImGui::InputTextWithHint("##diff_filter", "Filter (name, op, attribute)", &filter_);
    probe_.note("diff_filter");
    ImGui::Checkbox("changed", &show_changed_);
    probe_.note("diff_show_changed");
    ImGui::SameLine();
    ImGui::Checkbox("removed", &show_removed_);
    ImGui::SameLine();
    ImGui::Checkbox("added", &show_added_);
    if (filter_ != applied_filter_ || show_changed_ != applied_flags_[0] || show_removed_ != applied_flags_[1] ||
        show_added_ != applied_flags_[2])
      refilter();
    ImGui::BeginChild("##diff_list");
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(shown_.size()));
    while (clipper.Step()) {
      for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
        const uint32_t k = shown_[row];
        const Item& it = items_[k];
        ImGui::PushID(static_cast<int>(k));
        ImGui::TextColored(statusColor(it.status), "%s", scene::diffStatusName(it.status));
        ImGui::SameLine(64);
        if (ImGui::Selectable(displayName(it.title, 60).c_str(), clicked_ == k)) {
          clicked_ = k;
          cmp->focusBoth(ctx, it.a, it.b);
        }
        probe_.note("diff_row_" + std::to_string(row));
        if (ImGui::IsItemHovered() && !it.detail.empty()) ImGui::SetTooltip("%s", it.detail.c_str());
        if (!it.detail.empty()) {
          ImGui::Indent(64);
          ImGui::TextDisabled("%s", displayName(it.detail, 90).c_str());
          ImGui::Unindent(64);
        }
        ImGui::PopID();
      }
    }
    ImGui::EndChild();
  }
  publish();
}

// window.netforgeDifferences: the rows as the panel lists them (first 200) and where
// its controls are, for tests.
void DifferencesView::publish() {
  nlohmann::ordered_json j;
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (size_t r = 0; r < shown_.size() && r < 200; ++r) {
    const Item& it = items_[shown_[r]];
    rows.push_back({{"status", scene::diffStatusName(it.status)},
                    {"a", it.a == kNoIndex ? -1 : static_cast<int64_t>(it.a)},
                    {"b", it.b == kNoIndex ? -1 : static_cast<int64_t>(it.b)},
                    {"title", it.title.substr(0, 200)},
                    {"detail", it.detail.substr(0, 300)}});
  }
  j["total"] = items_.size();
  j["shown"] = shown_.size();
  j["rows"] = std::move(rows);
  j["graph"] = graph_changes_;
  j["ui"] = probe_.take();
  std::string s = pageJson(j);
  if (s == published_) return;
  published_ = std::move(s);
  platform::publishPageState("netforgeDifferences", published_);
}

}  // namespace nf::app
