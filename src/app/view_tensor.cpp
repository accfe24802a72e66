// TensorView: an initializer's facts and, on request, its statistics.
#include <algorithm>
#include <cfloat>
#include <cstdio>

#include "app/platform.h"
#include "app/selection.h"
#include "app/session.h"
#include "app/views_inspect.h"
#include "base/strings.h"
#include "ir/format.h"

namespace nf::app {

namespace {

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

void TensorView::update(AppContext& ctx) {
  if (ctx.selection.version == seen_selection_) return;
  seen_selection_ = ctx.selection.version;
  if (selectedTensor(ctx.session.document().current(), ctx.selection)) setOpen(true);
}

void TensorView::placeWindow(const WorkArea& area) {
  float w = std::min(420.0f, area.size.x * 0.4f);
  ImGui::SetNextWindowPos(ImVec2(area.pos.x + area.size.x - w - 10, area.pos.y + area.size.y * 0.45f),
                          ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(ImVec2(w, std::max(200.0f, area.size.y * 0.5f)), ImGuiCond_FirstUseEver);
}

void TensorView::drawContent(AppContext& ctx) {
  const OpenedModel* opened = ctx.session.document().current();
  const ir::Tensor* t = selectedTensor(opened, ctx.selection);
  if (!t) {
    ImGui::TextWrapped("Select a weight (an initializer input in the node details) to see its values.");
    return;
  }
  const ir::Model& m = opened->model;
  if (stats_for_ != t || stats_generation_ != ctx.session.document().generation()) {
    stats_.reset();
    stats_for_ = t;
    stats_generation_ = ctx.session.document().generation();
  }
  ImGui::TextWrapped("%s", displayName(t->name, 300).c_str());
  ImGui::Separator();
  ImGui::Text("Type     %s", std::string(ir::elemTypeName(t->elem)).c_str());
  ImGui::Text("Shape    %s", ir::shapeToString(ir::Shape::ofKnown(t->dims)).c_str());
  ImGui::Text("Elements %s", withThousands(t->elementCount()).c_str());
  ImGui::Text("Bytes    %s", humanBytes(t->byteSize()).c_str());
  ImGui::TextWrapped("Data     %s", storageText(m, *t).c_str());
  ImGui::Spacing();

  if (!stats_) {
    if (ImGui::Button("Compute statistics")) {
      double t0 = platform::nowMs();
      stats_ = weights::computeStats(m, *t);
      stats_ms_ = platform::nowMs() - t0;
    }
    return;
  }
  if (!stats_->ok()) {
    ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s", stats_->error().message.c_str());
    return;
  }
  const weights::TensorStats& s = stats_->value();
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
