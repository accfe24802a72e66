// Fuzz target: any byte string given to the reader must produce a model or an
// error message, never a crash, hang, leak or sanitizer report. When it opens,
// walking the IR and computing weight statistics must be safe too.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "onnx/reader.h"
#include "weights/stats.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto src = std::make_shared<nf::MemorySource>(std::vector<uint8_t>(data, data + size));
  auto r = nf::onnx::readModel(src, "fuzz.onnx");
  if (!r.ok()) return 0;
  const nf::ir::Model& m = r.value();
  (void)m.opTypes();
  (void)m.nodeCountIncludingSubgraphs();
  for (const auto& g : m.graphs) {
    for (const auto& n : g.nodes)
      for (auto v : n.inputs)
        if (v.valid() && v.index >= g.values.size()) __builtin_trap();
    for (const auto& t : g.initializers)
      if (t.elementCount() >= 0 && t.elementCount() < (1 << 20)) (void)nf::weights::computeStats(m, t);
  }
  return 0;
}
