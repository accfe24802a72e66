#include "app/model_analysis.h"

#include "app/open_files.h"
#include "app/platform.h"

namespace nf::app {

const ModelAnalysis* analysisOf(const OpenedModel* opened) {
  // One cache entry: only one model is open at a time.
  static const OpenedModel* cached_for = nullptr;
  static std::unique_ptr<ModelAnalysis> cached;
  if (!opened) return nullptr;
  if (cached_for != opened || !cached) {
    auto a = std::make_unique<ModelAnalysis>();
    double t0 = platform::nowMs();
    a->inference = shapes::inferShapes(opened->model);
    a->metrics = shapes::computeMetrics(opened->model, a->inference);
    a->ms = platform::nowMs() - t0;
    cached = std::move(a);
    cached_for = opened;
  }
  return cached.get();
}

}  // namespace nf::app
