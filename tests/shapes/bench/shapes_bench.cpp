// shapes_bench: time shape inference + metrics on a big transformer-like graph.
//
//   shapes_bench [--nodes N] [--repeat R] [--file MODEL.onnx]
//
// Without --file it builds a synthetic encoder of about N nodes (default 20,000;
// transformerGraph in tests/support/synthetic_models.h) with symbolic batch/seq, so the timing
// includes constant folding of the reshape targets and symbolic arithmetic.
// Prints the best, median and first of R runs for inference and for metrics (the
// first run is what a user waits for; under WebAssembly it includes warm-up).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "shapes/inference.h"
#include "shapes/metrics.h"
#include "support/bench_support.h"
#include "support/synthetic_models.h"
#ifdef NF_BENCH_WITH_ONNX
#include "onnx/reader.h"
#endif

int main(int argc, char** argv) {
  int nodes = 20000, repeat = 5;
  std::string file;
  for (nf::bench::Args a(argc, argv); a.more();) {
    if (!a.option("--nodes", &nodes) && !a.option("--repeat", &repeat, 1) && !a.option("--file", &file)) {
      std::fprintf(stderr, "usage: shapes_bench [--nodes N] [--repeat R] [--file MODEL.onnx]\n");
      return 2;
    }
  }
  nf::ir::Model model;
  if (!file.empty()) {
#ifdef NF_BENCH_WITH_ONNX
    auto r = nf::onnx::readModelFile(file);
    if (!r) {
      std::fprintf(stderr, "shapes_bench: %s: %s\n", file.c_str(), r.error().message.c_str());
      return 1;
    }
    model = std::move(r.value());
#else
    std::fprintf(stderr, "shapes_bench: built without the ONNX reader\n");
    return 1;
#endif
  } else {
    int per_layer = static_cast<int>(nf::test::transformerGraph(1).main().nodes.size()) - 1;
    model = nf::test::transformerGraph(std::max(1, (nodes + per_layer - 1) / per_layer));
  }
  std::vector<double> t_inf, t_met;
  nf::shapes::InferenceResult inf;
  nf::shapes::Metrics met;
  for (int r = 0; r < repeat; ++r) {
    auto t0 = nf::bench::Clock::now();
    inf = nf::shapes::inferShapes(model);
    t_inf.push_back(nf::bench::msSince(t0));
    auto t1 = nf::bench::Clock::now();
    met = nf::shapes::computeMetrics(model, inf);
    t_met.push_back(nf::bench::msSince(t1));
  }
  std::vector<double> total(t_inf.size());
  for (size_t i = 0; i < total.size(); ++i) total[i] = t_inf[i] + t_met[i];
  auto best = [](std::vector<double> v) { return *std::min_element(v.begin(), v.end()); };
  using nf::bench::median;
  // Sanity: how much of the graph got a fully known (or symbolic) shape.
  size_t values = model.main().values.size(), typed = 0;
  for (size_t i = 0; i < values; ++i) {
    const auto& t = inf.type(nf::ir::GraphId{0}, nf::ir::ValueId{static_cast<uint32_t>(i)});
    if (t.kind == nf::ir::Type::Kind::Tensor && t.shape.rank_known) ++typed;
  }
  std::printf("shapes_bench: %zu nodes, %zu values (%zu with a shape), %zu ops without rule\n",
              model.main().nodes.size(), values, typed, inf.missing.size());
  std::printf("  inference     best %8.2f ms   median %8.2f ms   first %8.2f ms\n", best(t_inf), median(t_inf),
              t_inf[0]);
  std::printf("  metrics       best %8.2f ms   median %8.2f ms   first %8.2f ms\n", best(t_met), median(t_met),
              t_met[0]);
  std::printf("  total         best %8.2f ms   median %8.2f ms   first %8.2f ms   (%d runs)\n", best(total),
              median(total), total[0], repeat);
  std::printf("  params %lld, MACs %lld (lower bound: %d nodes with symbolic shapes)\n",
              static_cast<long long>(met.totals.params), static_cast<long long>(met.totals.macs),
              met.totals.nodes_cost_unknown);
  return 0;
}
