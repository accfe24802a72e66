// netforge bench FILE [--runs N] [--scene]: native timings of the core stages on one
// model, median of N runs, as one table row (scripts/bench.sh prints the header).
// --scene adds a line on laying the graph out as the page does (scene::SceneJob in
// 30 ms slices, grouped first sight for a 1280x800 page above 300 nodes, shapes first
// up to 8,000): the longest slice, and per step its longest unit (the job stepped
// with a budget so small that every call does one unit): what the page cannot cut.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "base/strings.h"
#include "base/timing.h"
#include "cli/commands.h"
#include "hierarchy/hierarchy.h"
#include "onnx/reader.h"
#include "scene/first_view.h"
#include "scene/scene_job.h"
#include "shapes/inference.h"
#include "shapes/metrics.h"

namespace nf::cli {

namespace {
constexpr double kOpenSliceMs = onnx::ReadJob::kPageSliceMs;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// The request the page makes for its main graph (app/graph_pipeline.cpp) on a
// 1280x800 page (about: its canvas is the page below the menu bar and the toolbar).
scene::SceneRequest pageRequest(const ir::Model& m) {
  const size_t nodes = m.main().nodes.size();
  scene::SceneRequest r;
  r.infer_shapes = nodes <= 8000;
  r.grouped = nodes > 300;
  r.opening.first_sight.max_items = scene::firstSightItemBudget(1280, 800 - 19 - 58);
  r.opening.first_sight.max_series_opened = 4;
  return r;
}

// Runs the job in calls of budget_ms; per step (by the step a call started in) the
// longest call, and the longest call overall with the steps it went through.
struct SliceReport {
  double total_ms = 0, longest_ms = 0;
  uint32_t calls = 0;
  std::string longest_steps;
  std::vector<std::pair<scene::SceneJob::Step, double>> per_step;  // in plan order
  bool ok = true;
  std::string error;
};

SliceReport runInSlices(const ir::Model& m, double budget_ms) {
  using Step = scene::SceneJob::Step;
  SliceReport r;
  scene::SceneJob job(m, pageRequest(m));
  for (Step s : job.plan()) r.per_step.emplace_back(s, 0.0);
  const auto t0 = std::chrono::steady_clock::now();
  for (bool done = false; !done;) {
    const Step before = job.current();
    const auto s0 = std::chrono::steady_clock::now();
    done = job.step(budget_ms);
    const double ms = msSince(s0);
    ++r.calls;
    for (auto& [step, longest] : r.per_step)
      if (step == before) longest = std::max(longest, ms);
    if (ms > r.longest_ms) {
      r.longest_ms = ms;
      r.longest_steps = scene::SceneJob::stepName(before);
      if (job.current() != before) r.longest_steps += std::string(" -> ") + scene::SceneJob::stepName(job.current());
    }
  }
  r.total_ms = msSince(t0);
  r.ok = job.current() == Step::Ready;
  r.error = job.error();
  return r;
}

void printSceneSlices(const ir::Model& m) {
  const SliceReport page = runInSlices(m, kOpenSliceMs);
  if (!page.ok) {
    std::printf("    scene: failed: %s\n", page.error.c_str());
    return;
  }
  const SliceReport units = runInSlices(m, 0.001);
  std::printf("    scene (%s, as the page): %.1f ms in %u %g ms slices, longest %.1f ms (%s); longest unit per step:",
              pageRequest(m).grouped ? "grouped first sight" : "flat", page.total_ms, page.calls, kOpenSliceMs,
              page.longest_ms, page.longest_steps.c_str());
  for (const auto& [step, ms] : units.per_step) std::printf(" %s %.1f,", scene::SceneJob::stepName(step), ms);
  std::printf(" (%u units)\n", units.calls);
}
}  // namespace

int runBench(const Args& args) {
  int runs = std::clamp(std::atoi(args.get("runs", "5").c_str()), 1, 100);
  std::vector<double> open_ms, skeleton_ms, decode_ms, convert_ms, longest_ms, shapes_ms, hier_ms;
  size_t nodes = 0;
  uint64_t bytes = 0;
  std::optional<ir::Model> last;  // for --scene
  const std::string& path = args.positional[0];
  std::string longest_label;  // the phase of the last run's longest slice
  for (int i = 0; i < runs; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    std::string err;
    auto source = openFileSource(path, &err);
    if (!source) {
      std::fprintf(stderr, "netforge: %s: %s\n", displayName(path).c_str(), err.c_str());
      return kExitBadInput;
    }
    // In the page's slices, to see the longest one.
    onnx::ReadJob job(std::move(source), path.substr(path.find_last_of('/') + 1), onnx::externalDataNextTo(path));
    double longest = 0;
    for (bool done = false; !done;) {
      const auto s0 = std::chrono::steady_clock::now();
      const char* label = job.phaseLabel();
      done = job.step(kOpenSliceMs);
      if (msSince(s0) > longest) {
        longest = msSince(s0);
        longest_label = label;
      }
    }
    auto m = job.take();
    open_ms.push_back(msSince(t0));
    skeleton_ms.push_back(job.timings().skeleton_ms);
    decode_ms.push_back(job.timings().decode_ms);
    convert_ms.push_back(job.timings().convert_ms);
    longest_ms.push_back(longest);
    if (!m) {
      std::fprintf(stderr, "netforge: %s: %s\n", displayName(args.positional[0]).c_str(), m.error().message.c_str());
      return kExitBadInput;
    }
    nodes = m->nodeCountIncludingSubgraphs();
    bytes = m->sources[0].bytes ? m->sources[0].bytes->size() : 0;
    t0 = std::chrono::steady_clock::now();
    auto inf = shapes::inferShapes(m.value());
    auto met = shapes::computeMetrics(m.value(), inf);
    shapes_ms.push_back(msSince(t0));
    t0 = std::chrono::steady_clock::now();
    auto h = hierarchy::buildHierarchy(m.value());
    hier_ms.push_back(msSince(t0));
    if (i + 1 == runs && args.has("scene")) last = std::move(m.value());
  }
  std::string name = args.positional[0].substr(args.positional[0].find_last_of('/') + 1);
  std::printf("  %-30s %8.1f %8zu %10.2f %10.2f %10.2f  (skeleton %.1f, decode %.1f, IR %.1f; longest %g ms slice %.1f, %s)\n",
              displayName(name, 30).c_str(), bytes / 1e6, nodes, median(open_ms), median(shapes_ms), median(hier_ms),
              median(skeleton_ms), median(decode_ms), median(convert_ms), kOpenSliceMs, median(longest_ms), longest_label.c_str());
  if (last && !last->graphs.empty()) printSceneSlices(*last);
  return kExitOk;
}

}  // namespace nf::cli
