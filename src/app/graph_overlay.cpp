// app/graph_overlay.cpp - "Colour by" (graph_overlay.h).
#include "app/graph_overlay.h"

#include <cmath>

#include "app/graph_pipeline.h"
#include "app/platform.h"
#include "app/session.h"
#include "base/strings.h"
#include "scene/exports.h"
#include "scene/grouped_scene.h"

namespace nf::app {

namespace {

ImU32 imColor(uint32_t rgb) { return IM_COL32((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF, 255); }

}  // namespace

bool GraphOverlay::drawMenu(TestProbe& probe) {
  using scene::ColorBy;
  const scene::ColorBy before = by_;
  const scene::Aggregate agg_before = aggregate_;
  struct Item {
    ColorBy by;
    const char* label;
    const char* probe;
    const char* tip;
  };
  static const Item kItems[] = {
      {ColorBy::Category, "Op category", "color_category", "The usual look: header colour by op category"},
      {ColorBy::Params, "Parameters", "color_params", "Weight elements per node; groups add up their nodes"},
      {ColorBy::Macs, "MACs", "color_macs", "Multiply-accumulates per node (log scale)"},
      {ColorBy::Flops, "FLOPs share", "color_flops", "Each node's share of the model's FLOPs, in percent"},
      {ColorBy::Memory, "Output memory", "color_memory", "Bytes of each node's outputs (activations)"},
  };
  for (const Item& it : kItems) {
    if (ImGui::RadioButton(it.label, by_ == it.by)) by_ = it.by;
    probe.note(it.probe);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", it.tip);
  }
  ImGui::BeginDisabled(run_ms_.empty());
  if (ImGui::RadioButton("Run time", by_ == ColorBy::RunTime)) by_ = ColorBy::RunTime;
  probe.note("color_time");
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip(run_ms_.empty() ? "Time per node of a run (none yet)" : "Milliseconds per node of the last run");
  if (!diff_values_.value.empty()) {  // comparing two models
    if (ImGui::RadioButton("Differences", by_ == ColorBy::Difference)) by_ = ColorBy::Difference;
    probe.note("color_diff");
  }
  ImGui::BeginDisabled(!has_file_);
  const std::string file_label = has_file_ ? "File: " + displayName(file_name_, 40) : std::string("File (none loaded)");
  if (ImGui::RadioButton(file_label.c_str(), by_ == ColorBy::NodeData)) by_ = ColorBy::NodeData;
  probe.note("color_file");
  ImGui::EndDisabled();
  if (ImGui::SmallButton("Load node data...")) {
    platform::setupNodeDataPicker();
    platform::pickNodeDataFile();
  }
  probe.note("color_load");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("A Model Explorer node-data JSON file: {\"results\": {node or tensor name: {\"value\": v}}, "
                      "\"thresholds\" or \"gradient\"}");
  if (!error_.empty()) ImGui::TextColored(ImVec4(0.85f, 0.3f, 0.25f, 1), "%s", error_.c_str());
  ImGui::Separator();
  ImGui::TextDisabled("Group boxes show the");
  for (scene::Aggregate a : {scene::Aggregate::Sum, scene::Aggregate::Max, scene::Aggregate::Mean}) {
    ImGui::SameLine();
    if (ImGui::RadioButton(scene::aggregateName(a), aggregate_ == a)) aggregate_ = a;
    probe.note(std::string("aggregate_") + scene::aggregateName(a));
  }
  return by_ != before || aggregate_ != agg_before;
}

bool GraphOverlay::takeFiles(AppContext& ctx) {
  auto file = platform::takeNodeDataFile();
  if (!file) return false;
  const OpenedModel* m = ctx.session.document().current();
  if (file->too_big) {
    error_ = displayName(file->name, 60) + ": node data larger than 64 MB";
  } else if (!m) {
    error_ = "Open a model before loading node data";
  } else {
    auto parsed = scene::parseNodeData(file->text, m->model, displayName(file->name, 60));
    if (!parsed) {
      error_ = displayName(file->name, 60) + ": " + parsed.error().message;
    } else if (parsed->matched == 0) {
      error_ = displayName(file->name, 60) + ": none of its " + std::to_string(parsed->unmatched) +
               " results names a node or tensor of this graph";
    } else {
      error_.clear();
      file_values_ = std::move(*parsed);
      file_name_ = file->name;
      has_file_ = true;
      by_ = scene::ColorBy::NodeData;
      return true;
    }
  }
  ctx.session.logProblem("colour by: " + error_);
  return false;
}

void GraphOverlay::reset() {
  by_ = scene::ColorBy::Category;
  active_ = false;
  has_file_ = false;
  file_values_ = {};
  file_name_.clear();
  run_ms_.clear();
  error_.clear();
  overlay_ = {};
  colored_ = 0;
}

bool GraphOverlay::setDifference(scene::NodeValues values) {
  if (values.value.empty()) {
    const bool was = by_ == scene::ColorBy::Difference;
    diff_values_ = {};
    if (was) by_ = scene::ColorBy::Category;
    return was;
  }
  diff_values_ = std::move(values);
  by_ = scene::ColorBy::Difference;
  return true;
}

void GraphOverlay::setRunTimes(std::vector<double> ms_per_node) { run_ms_ = std::move(ms_per_node); }

bool GraphOverlay::takeRunTimes(AppContext& ctx) {
  const document::ModelDocument& doc = ctx.session.document();
  if (doc.nodeTimesVersion() == run_times_version_) return false;
  run_times_version_ = doc.nodeTimesVersion();
  setRunTimes(doc.nodeTimesMs());  // -1 (not run) is left out by scene::runTimeValues
  return by_ == scene::ColorBy::RunTime;
}

void GraphOverlay::rebuild(const GraphPipeline& pipeline, AppContext& ctx) {
  active_ = false;
  colored_ = 0;
  overlay_ = {};
  if (by_ == scene::ColorBy::Category || pipeline.stage() != GraphPipeline::Stage::Ready || !pipeline.model()) return;
  const ir::Model& model = *pipeline.model();
  scene::NodeValues values;
  switch (by_) {
    case scene::ColorBy::NodeData:
      if (!has_file_) return;
      values = file_values_;
      break;
    case scene::ColorBy::Difference:
      if (diff_values_.value.empty()) return;
      values = diff_values_;
      break;
    case scene::ColorBy::RunTime:
      if (run_ms_.empty()) return;
      values = scene::runTimeValues(model, run_ms_);
      break;
    default: {
      // Metrics come from the document's analysis (computed once per model).
      const document::ModelAnalysis* a = ctx.session.document().analysis();
      if (!a || !a->has_metrics) {
        error_ = a && !a->error.empty() ? "metrics unavailable: " + a->error : "metrics unavailable";
        return;
      }
      values = scene::metricValues(model, a->metrics, by_);
    }
  }
  // A group's difference is the strongest inside it (anything changed shows).
  const scene::Aggregate aggregate = by_ == scene::ColorBy::Difference ? scene::Aggregate::Max : aggregate_;
  overlay_ = pipeline.grouped() ? scene::buildOverlay(pipeline.groupedScene(), pipeline.hierarchy(), values, aggregate)
                                : scene::buildOverlay(pipeline.graph(), values);
  for (uint32_t c : overlay_.node_header) colored_ += c != scene::kNoOverlayColor && c != scene::kNoValueColor;
  active_ = true;
}

void GraphOverlay::drawLegend(ImVec2 canvas_pos, ImVec2 canvas_size, TestProbe& probe, const char* window_id) const {
  if (!active_) return;
  const scene::Legend& l = overlay_.legend;
  // Bottom centre: the side panels cover the canvas's corners.
  ImGui::SetNextWindowPos(ImVec2(canvas_pos.x + canvas_size.x * 0.5f, canvas_pos.y + canvas_size.y - 10), ImGuiCond_Always,
                          ImVec2(0.5f, 1));
  ImGui::SetNextWindowBgAlpha(0.9f);
  constexpr ImGuiWindowFlags kFlags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize |
                                      ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                                      ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoMove;
  if (ImGui::Begin(window_id, nullptr, kFlags)) {
    ImGui::TextUnformatted(l.title.c_str());
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float sw = ImGui::GetFontSize() * 1.6f, sh = ImGui::GetFontSize() * 0.9f;
    for (size_t i = 0; i < l.entries.size(); ++i) {
      if (i) ImGui::SameLine(0, l.continuous && i + 1 < l.entries.size() ? 6.0f : 14.0f);
      const ImVec2 p = ImGui::GetCursorScreenPos();
      dl->AddRectFilled(ImVec2(p.x, p.y + 2), ImVec2(p.x + sw, p.y + 2 + sh), imColor(l.entries[i].color));
      dl->AddRect(ImVec2(p.x, p.y + 2), ImVec2(p.x + sw, p.y + 2 + sh), IM_COL32(110, 110, 110, 255));
      ImGui::Dummy(ImVec2(sw, sh + 4));
      ImGui::SameLine(0, 4);
      ImGui::TextUnformatted(l.entries[i].label.c_str());
    }
    probe.noteRect("legend", ImGui::GetWindowPos(),
                   ImVec2(ImGui::GetWindowPos().x + ImGui::GetWindowSize().x, ImGui::GetWindowPos().y + ImGui::GetWindowSize().y));
  }
  ImGui::End();
}

nlohmann::ordered_json GraphOverlay::state() const {
  nlohmann::ordered_json j;
  j["color_by"] = scene::colorByName(by_);
  j["aggregate"] = scene::aggregateName(aggregate_);
  j["active"] = active_;
  j["title"] = active_ ? overlay_.legend.title : std::string();
  nlohmann::ordered_json entries = nlohmann::ordered_json::array();
  if (active_)
    for (const scene::LegendEntry& e : overlay_.legend.entries) entries.push_back({scene::cssColor(e.color), e.label});
  j["entries"] = std::move(entries);
  j["colored"] = colored_;
  j["file"] = has_file_ ? file_name_.substr(0, 200) : std::string();
  j["error"] = error_.substr(0, 300);
  return j;
}

}  // namespace nf::app
