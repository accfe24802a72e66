// TensorView: an initializer's facts and, on request, its statistics.
#include <algorithm>
#include <cfloat>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "app/comparison.h"
#include "app/page_json.h"
#include "app/platform.h"
#include "app/selection.h"
#include "app/session.h"
#include "app/views_inspect.h"
#include "base/strings.h"
#include "ir/format.h"

namespace nf::app {

namespace {

constexpr double kStatsSliceMs = 8;  // statistics work per frame

const ir::Tensor* selectedTensor(const OpenedModel* opened, const Selection& sel) {
  if (!opened || !sel.value.valid() || sel.graph.index >= opened->model.graphs.size()) return nullptr;
  const ir::Graph& g = opened->model.graph(sel.graph);
  if (sel.value.index >= g.values.size()) return nullptr;
  int32_t init = g.value(sel.value).initializer;
  return init >= 0 ? &g.initializers[static_cast<size_t>(init)] : nullptr;
}

std::string storageText(const ir::Model& m, const ir::Tensor& t) {
  switch (t.storage) {
    case ir::Tensor::Storage::None: return "no data";
    case ir::Tensor::Storage::Inline: return "in the model (" + humanBytes(t.bytes.size()) + ")";
    case ir::Tensor::Storage::Source: {
      const std::string& file = t.ref.source < m.sources.size() ? m.sources[t.ref.source].name : "?";
      return "'" + displayName(file, 80) + "' at offset " + withThousands(static_cast<int64_t>(t.ref.offset));
    }
    case ir::Tensor::Storage::MissingExternal:
      return "MISSING: '" + displayName(t.external_location, 80) +
             "' was not provided; drop it together with the model";
  }
  return "?";
}

}  // namespace

void TensorView::update(AppContext& panel_ctx) {
  // Merged view: its selection and its model (a weight row there is the merged graph's).
  AppContext& ctx = inspectedContext(panel_ctx);
  const OpenedModel* opened = ctx.session.document().current();
  const uint64_t generation = ctx.session.document().generation();
  // The page asked for a weight's statistics (NetForgeHost.tensorStats): select it and
  // start, as the button does.
  if (auto name = platform::takeTensorStatsRequest()) {
    const ir::Tensor* wanted = nullptr;
    if (opened && !opened->model.graphs.empty()) {
      const ir::Graph& g = opened->model.graphs[0];
      const ir::ValueId v = g.find(*name);
      if (v.valid() && g.value(v).initializer >= 0) {
        ctx.selection.selectValue(ir::GraphId{0}, v);
        wanted = &g.initializers[static_cast<size_t>(g.value(v).initializer)];
      }
    }
    if (wanted) {
      setOpen(true);
      stats_for_ = wanted;
      stats_document_ = &ctx.session.document();
      stats_generation_ = generation;
      start(opened->model, *wanted);
    } else {
      nlohmann::ordered_json j{{"name", *name}, {"state", "error"}, {"error", "the model has no weight with this name"}};
      platform::publishTensorStatus(pageJson(j));
    }
  }
  if (ctx.selection.version != seen_selection_) {
    seen_selection_ = ctx.selection.version;
    if (selectedTensor(opened, ctx.selection)) setOpen(true);
  }
  // Statistics belong to one tensor of one model: a new selection or model drops them
  // (the job holds references into the model).
  const ir::Tensor* t = selectedTensor(opened, ctx.selection);
  if (job_ && (stats_for_ != t || stats_document_ != &ctx.session.document() || stats_generation_ != generation)) {
    job_.reset();
    publish();
  }
  if (job_ && !job_->done()) {
    job_->step(kStatsSliceMs);
    if (job_->done()) stats_ms_ = platform::nowMs() - started_ms_;
    publish();
  }
}

bool TensorView::wantsFrames() const { return (job_ && !job_->done()) || platform::tensorStatsRequested(); }

void TensorView::start(const ir::Model& model, const ir::Tensor& t) {
  job_ = std::make_unique<weights::StatsJob>(model, t);
  started_ms_ = platform::nowMs();
  stats_ms_ = 0;
  publish();
}

void TensorView::publish() const {
  nlohmann::ordered_json j;
  if (!job_ || !stats_for_) {
    platform::publishTensorStatus("null");
    return;
  }
  j["name"] = stats_for_->name;
  if (!job_->done()) {
    j["state"] = job_->waiting() ? "reading" : "computing";
    j["progress"] = roundTo(job_->progress(), 3);
  } else if (!job_->result().ok()) {
    j["state"] = "error";
    j["error"] = job_->result().error().message;
  } else {
    const weights::TensorStats& st = job_->result().value();
    j["state"] = "done";
    j["ms"] = roundTo(stats_ms_, 1);
    j["stats"] = {{"count", st.count},     {"min", significant(st.min, 6)},
                  {"max", significant(st.max, 6)}, {"mean", significant(st.mean, 6)},
                  {"std", significant(st.stddev, 6)}, {"zero_fraction", roundTo(st.zero_fraction, 6)},
                  {"nan", st.nan_count},   {"inf", st.inf_count}};
  }
  platform::publishTensorStatus(pageJson(j));
}

void TensorView::placeWindow(const WorkArea& area) {
  float w = std::min(420.0f, area.size.x * 0.4f);
  ImGui::SetNextWindowPos(ImVec2(area.pos.x + area.size.x - w - 10, area.pos.y + area.size.y * 0.45f),
                          ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(ImVec2(w, std::max(200.0f, area.size.y * 0.5f)), ImGuiCond_FirstUseEver);
}

void TensorView::drawContent(AppContext& panel_ctx) {
  AppContext& ctx = inspectedContext(panel_ctx);
  const OpenedModel* opened = ctx.session.document().current();
  const ir::Tensor* t = selectedTensor(opened, ctx.selection);
  if (!t) {
    ImGui::TextWrapped("Select a weight (an initializer input in the node details) to see its values.");
    return;
  }
  const ir::Model& m = opened->model;
  ImGui::TextWrapped("%s", displayName(t->name, 300).c_str());
  ImGui::Separator();
  ImGui::Text("Type     %s", std::string(ir::elemTypeName(t->elem)).c_str());
  ImGui::Text("Shape    %s", ir::shapeToString(ir::Shape::ofKnown(t->dims)).c_str());
  ImGui::Text("Elements %s", withThousands(t->elementCount()).c_str());
  ImGui::Text("Bytes    %s", humanBytes(t->byteSize()).c_str());
  ImGui::TextWrapped("Data     %s", storageText(m, *t).c_str());
  ImGui::Spacing();

  if (!job_ || stats_for_ != t) {
    if (ImGui::Button("Compute statistics")) {
      stats_for_ = t;
      stats_document_ = &ctx.session.document();
      stats_generation_ = ctx.session.document().generation();
      start(m, *t);
    }
    return;
  }
  if (!job_->done()) {
    char label[64];
    std::snprintf(label, sizeof label, "%s %.0f%%", job_->waiting() ? "reading" : "computing",
                  100.0 * job_->progress());
    ImGui::ProgressBar(static_cast<float>(job_->progress()), ImVec2(-1, 0), label);
    return;
  }
  if (!job_->result().ok()) {
    // Wrapped: the message names the file and what to do, longer than the panel is wide.
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.45f, 0.4f, 1.0f));
    ImGui::TextWrapped("%s", job_->result().error().message.c_str());
    ImGui::PopStyleColor();
    return;
  }
  const weights::TensorStats& s = job_->result().value();
  ImGui::Text("min %.6g   max %.6g", s.min, s.max);
  ImGui::Text("mean %.6g   std %.6g", s.mean, s.stddev);
  ImGui::Text("zeros %.2f%%   NaN %lld   Inf %lld", 100.0 * s.zero_fraction, static_cast<long long>(s.nan_count),
              static_cast<long long>(s.inf_count));
  std::vector<float> hist(s.histogram.begin(), s.histogram.end());
  char overlay[64];
  std::snprintf(overlay, sizeof overlay, "%.3g .. %.3g", s.hist_min, s.hist_max);
  ImGui::PlotHistogram("##hist", hist.data(), static_cast<int>(hist.size()), 0, overlay, 0.0f, FLT_MAX,
                       ImVec2(-1, 90));
  std::string first;
  for (double v : s.first) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%.5g", first.empty() ? "" : ", ", v);
    first += buf;
  }
  ImGui::TextWrapped("first values: %s%s", first.c_str(), s.count > static_cast<int64_t>(s.first.size()) ? ", ..." : "");
  ImGui::TextDisabled("computed in %.1f ms", stats_ms_);
}

}  // namespace nf::app
