// app/platform_web_run.cpp - the Run panel's file bridge (JavaScript half: web/run.js).
//
// The page decodes images itself (createImageBitmap) to RGBA pixels, holds them (or
// a tensor/labels file's bytes) under an id, and calls
//   nf_host_run_input(kind, name, id, n, width, height, is_default)
// which allocates n bytes here, copies them over with nf_js_run_read, and queues the
// file for the Run panel (drained each frame). The page drops its copy afterwards.
#include <emscripten.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "app/platform.h"

EM_JS(int, nf_js_run_read, (int id, void* dst, double n), { return NetForgeRun.readInto(id, HEAPU8, dst, n) ? 1 : 0; });
EM_JS(void, nf_js_run_pick, (), { NetForgeRun.pick(); });
EM_JS(void, nf_js_run_default_labels, (), { NetForgeRun.fetchDefaultLabels(); });
EM_JS(void, nf_js_run_publish, (const char* json), { NetForgeHost.publishRun(UTF8ToString(json)); });

namespace nf::app::platform {

namespace {
std::vector<RunInputFile> g_run_inputs;
constexpr size_t kMaxQueued = 16;  // a flood of drops cannot pile up unbounded memory
constexpr double kMaxBytes = 1 << 30;  // 1 GiB: an input bigger than this is refused
}  // namespace

int g_bench_runs = 0;
std::vector<RunInputFile> takeRunInputs() { return std::exchange(g_run_inputs, {}); }
int takeRunBenchRequest() { return std::exchange(g_bench_runs, 0); }
bool runBenchRequested() { return g_bench_runs > 0; }
void pickRunInputFile() { nf_js_run_pick(); }
void requestDefaultLabels() { nf_js_run_default_labels(); }
void publishRunStatus(const std::string& json) { nf_js_run_publish(json.c_str()); }

}  // namespace nf::app::platform

extern "C" {

// kind: 0 image (RGBA, width x height), 1 tensor file, 2 labels.
// Returns 1 if taken, 0 if refused (too big, queue full, read failed).
EMSCRIPTEN_KEEPALIVE int nf_host_run_input(int kind, const char* name, int id, double n, double width, double height,
                                           int is_default) {
  using nf::app::platform::RunInputFile;
  namespace p = nf::app::platform;
  if (!(n >= 0 && n <= p::kMaxBytes) || kind < 0 || kind > 2 || p::g_run_inputs.size() >= p::kMaxQueued) return 0;
  RunInputFile f;
  f.kind = kind == 0 ? RunInputFile::Kind::Image : kind == 1 ? RunInputFile::Kind::Tensor : RunInputFile::Kind::Labels;
  f.name = name ? name : "";
  f.width = static_cast<int64_t>(width);
  f.height = static_cast<int64_t>(height);
  f.bytes.resize(static_cast<size_t>(n));
  if (n > 0 && !nf_js_run_read(id, f.bytes.data(), n)) return 0;
  f.default_labels = is_default != 0;
  nf::app::platform::g_run_inputs.push_back(std::move(f));
  return 1;
}

// NetForgeRun.bench(runs): 1..1000 timed runs of the open model (benchmarks only).
EMSCRIPTEN_KEEPALIVE void nf_host_run_bench(double runs) {
  nf::app::platform::g_bench_runs = runs >= 1 ? static_cast<int>(std::min(runs, 1000.0)) : 0;
}

}  // extern "C"
