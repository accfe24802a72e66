// netforge bench FILE [--runs N]: native timings of the core stages on one model,
// median of N runs, as one table row (scripts/bench.sh prints the header).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "base/strings.h"
#include "base/timing.h"
#include "cli/commands.h"
#include "hierarchy/hierarchy.h"
#include "onnx/reader.h"
#include "shapes/inference.h"
#include "shapes/metrics.h"

namespace nf::cli {

namespace {
constexpr double kOpenSliceMs = onnx::ReadJob::kPageSliceMs;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}
}  // namespace

int runBench(const Args& args) {
  int runs = std::clamp(std::atoi(args.get("runs", "5").c_str()), 1, 100);
  std::vector<double> open_ms, skeleton_ms, decode_ms, convert_ms, longest_ms, shapes_ms, hier_ms;
  size_t nodes = 0;
  uint64_t bytes = 0;
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
  }
  std::string name = args.positional[0].substr(args.positional[0].find_last_of('/') + 1);
  std::printf("  %-30s %8.1f %8zu %10.2f %10.2f %10.2f  (skeleton %.1f, decode %.1f, IR %.1f; longest %g ms slice %.1f, %s)\n",
              displayName(name, 30).c_str(), bytes / 1e6, nodes, median(open_ms), median(shapes_ms), median(hier_ms),
              median(skeleton_ms), median(decode_ms), median(convert_ms), kOpenSliceMs, median(longest_ms), longest_label.c_str());
  return kExitOk;
}

}  // namespace nf::cli
