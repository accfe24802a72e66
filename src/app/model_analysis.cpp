#include "app/model_analysis.h"

#include "app/guard.h"
#include "app/open_files.h"
#include "app/platform.h"

namespace nf::app {

namespace {
std::function<void(const std::string&)>& failureSink() {
  static std::function<void(const std::string&)> sink;
  return sink;
}
}  // namespace

void setAnalysisFailureSink(std::function<void(const std::string&)> sink) { failureSink() = std::move(sink); }

const ModelAnalysis* analysisOf(const OpenedModel* opened) {
  // One cache entry: only one model is open at a time.
  static const OpenedModel* cached_for = nullptr;
  static std::unique_ptr<ModelAnalysis> cached;
  if (!opened) return nullptr;
  if (cached_for != opened || !cached) {
    auto a = std::make_unique<ModelAnalysis>();
    double t0 = platform::nowMs();
    Status s = guardStage("shape inference and metrics", [&] {
      a->inference = shapes::inferShapes(opened->model);
      a->metrics = shapes::computeMetrics(opened->model, a->inference);
    });
    a->ms = platform::nowMs() - t0;
    if (!s) {
      a = std::make_unique<ModelAnalysis>();
      a->error = s.message();
    }
    cached = std::move(a);
    cached_for = opened;
    // Cached before reporting: the sink may switch models, and this one is not retried.
    if (!s && failureSink()) failureSink()(s.message());
  }
  return cached.get();
}

}  // namespace nf::app
