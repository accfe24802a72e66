// The ONNX backend conformance suite: every model of the shared corpus that has
// test_data_set_* runs through the runtime and its outputs are compared with the
// expected ones (rtol 1e-3, atol 1e-5, NaN positions equal, types and shapes equal).
// Prints the pass rate and every failure with its reason, grouped; fails when the
// pass count falls below the floor (raise it as kernels are added).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>

#include "onnx/reader.h"
#include "onnx/test_data.h"
#include "runtime/compare.h"
#include "runtime/executor.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using namespace nf;

namespace {

// Pass count reached when this floor was last raised (of 947 run, whole networks included).
constexpr int kPassFloor = 927;

Result<runtime::Value> loadValue(const std::string& path, const ir::Type& type) {
  auto tv = onnx::readTestValueFile(path, type);
  if (!tv) return tv.error();
  ir::Model empty;
  runtime::Value v;
  if (tv->kind == onnx::TestValue::Kind::EmptyOptional) return v;
  std::vector<runtime::Tensor> items;
  for (const ir::Tensor& t : tv->tensors) {
    auto rt = runtime::tensorFromIr(empty, t);
    if (!rt) return rt.error();
    items.push_back(std::move(rt.value()));
  }
  if (tv->kind == onnx::TestValue::Kind::Sequence) {
    v.kind = runtime::Value::Kind::Sequence;
    v.sequence = std::move(items);
    return v;
  }
  if (items.empty()) return Error{"no tensor in " + path};
  return runtime::Value::of(std::move(items[0]));
}

// Empty on success, else the reason.
std::string runCase(const fs::path& model_path, const fs::path& data_dir) {
  auto model = onnx::readModelFile(model_path.string());
  if (!model) return "load: " + model.error().message;
  const ir::Graph& g = model->main();
  std::vector<ir::ValueId> inputs = g.realInputs();
  std::vector<runtime::NamedValue> feeds;
  for (size_t i = 0;; ++i) {
    const fs::path p = data_dir / ("input_" + std::to_string(i) + ".pb");
    if (!fs::exists(p)) break;
    if (i >= inputs.size()) return "more input files than graph inputs";
    auto v = loadValue(p.string(), g.value(inputs[i]).type);
    if (!v) return "input data: " + v.error().message;
    feeds.emplace_back(g.value(inputs[i]).name, std::move(v.value()));
  }
  runtime::Executor ex(*model);
  if (Status s = ex.runAll(std::move(feeds)); !s) return s.message();
  for (size_t i = 0; i < g.outputs.size(); ++i) {
    const fs::path p = data_dir / ("output_" + std::to_string(i) + ".pb");
    if (!fs::exists(p)) continue;
    auto want = loadValue(p.string(), g.value(g.outputs[i]).type);
    if (!want) return "output data: " + want.error().message;
    std::string diff = runtime::compareValues(ex.outputs()[i].second, want.value());
    if (!diff.empty()) return "output '" + g.value(g.outputs[i]).name + "': " + diff;
  }
  return {};
}

// The reason with names and numbers cut, so similar failures group together.
std::string reasonGroup(const std::string& r) {
  if (r.rfind("no kernel for: ", 0) == 0) return r.substr(0, r.find(" (domain")) ;
  const size_t colon = r.find(": ");
  std::string head = r;
  if (r.find("output '") == 0) head = "wrong output: " + r.substr(r.find("': ") + 3, 12);
  else if (colon != std::string::npos) head = r.substr(0, colon) + ": " + r.substr(colon + 2, 40);
  return head;
}

}  // namespace

TEST(Conformance, BackendTestsMatchTheirOutputs) {
  if (!test::corpusAvailable()) GTEST_SKIP() << "corpus not available";
  const fs::path root = test::corpusPath("");
  const char* filter = std::getenv("NETFORGE_CONFORMANCE_FILTER");
  std::vector<std::pair<std::string, std::string>> failures;  // test, reason
  int passed = 0, total = 0;
  std::vector<std::pair<double, std::string>> slow;  // seconds, model
  const auto t0 = std::chrono::steady_clock::now();
  for (const auto& entry : test::corpusManifest()["files"]) {
    if (!entry.contains("data_files") || entry["data_files"].empty()) continue;
    const std::string rel = entry["path"];
    if (filter && rel.find(filter) == std::string::npos) continue;
    const fs::path model = root / rel;
    const fs::path dir = model.parent_path() / model.stem();
    for (const auto& set : fs::directory_iterator(dir)) {
      if (set.path().filename().string().rfind("test_data_set_", 0) != 0) continue;
      ++total;
      const auto c0 = std::chrono::steady_clock::now();
      const std::string reason = runCase(model, set.path());
      slow.emplace_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - c0).count(), rel);
      if (reason.empty()) ++passed;
      else failures.emplace_back(rel + "/" + set.path().filename().string(), reason);
      break;  // the first data set of each model
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::map<std::string, std::vector<std::string>> groups;
  for (const auto& [name, reason] : failures) groups[reasonGroup(reason)].push_back(name + ": " + reason);
  std::vector<std::pair<std::string, std::vector<std::string>>> sorted(groups.begin(), groups.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](auto& a, auto& b) { return a.second.size() > b.second.size(); });
  for (const auto& [group, items] : sorted) {
    std::printf("FAIL x%zu  %s\n", items.size(), group.c_str());
    for (const auto& item : items) std::printf("    %s\n", item.c_str());
  }
  std::sort(slow.rbegin(), slow.rend());
  for (size_t i = 0; i < std::min<size_t>(5, slow.size()); ++i) std::printf("slowest: %.2f s %s\n", slow[i].first, slow[i].second.c_str());
  std::printf("conformance: %d / %d passed (%.1f%%), %.1f s\n", passed, total, total ? 100.0 * passed / total : 0.0, secs);
  EXPECT_GE(passed, filter ? 0 : kPassFloor);
}
