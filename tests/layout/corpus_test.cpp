// Every graph of the shared ONNX corpus (main graphs and If/Loop/Scan bodies), laid
// out in both directions, with every phase's invariants checked, crossings verified
// against the O(E^2) definition, and byte-identical reruns.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "layout/invariants.h"
#include "layout/layout.h"
#include "layout_test_util.h"
#include "support/test_support.h"

#if NF_HAVE_ONNX_READER
#include "ir/model.h"
#include "onnx/reader.h"
#endif

namespace nf::layout {
namespace {

#if NF_HAVE_ONNX_READER
// Netron-like input: one box per node plus one per graph input and output; ports are
// the node's input and output slots; initializers are not boxes.
Graph fromIr(const ir::Graph& ig) {
  Graph g;
  std::vector<uint32_t> input_box(ig.values.size(), kNoIndex);
  for (const ir::Node& n : ig.nodes) {
    uint32_t weights = 0;
    for (ir::ValueId v : n.inputs)
      if (v.valid() && ig.value(v).initializer >= 0) ++weights;
    g.nodes.push_back({20.0f + 7.0f * static_cast<float>(n.op_type.size()), 24.0f + 12.0f * static_cast<float>(weights),
                       static_cast<uint32_t>(n.inputs.size()), static_cast<uint32_t>(n.outputs.size())});
  }
  for (ir::ValueId v : ig.realInputs()) {
    input_box[v.index] = static_cast<uint32_t>(g.nodes.size());
    g.nodes.push_back({60.0f, 20.0f, 0, 1});
  }
  auto source = [&](ir::ValueId v, uint32_t& node, uint32_t& port) {
    const ir::Value& val = ig.value(v);
    if (val.producer.valid()) {
      const ir::Node& p = ig.node(val.producer);
      for (uint32_t k = 0; k < p.outputs.size(); ++k)
        if (p.outputs[k] == v) {
          node = val.producer.index;
          port = k;
          return true;
        }
    }
    if (input_box[v.index] != kNoIndex) {
      node = input_box[v.index];
      port = 0;
      return true;
    }
    return false;
  };
  for (uint32_t i = 0; i < ig.nodes.size(); ++i) {
    const ir::Node& n = ig.nodes[i];
    for (uint32_t slot = 0; slot < n.inputs.size(); ++slot) {
      uint32_t from, port;
      if (n.inputs[slot].valid() && source(n.inputs[slot], from, port)) g.edges.push_back({from, i, port, slot});
    }
  }
  for (ir::ValueId v : ig.outputs) {
    const uint32_t box = static_cast<uint32_t>(g.nodes.size());
    g.nodes.push_back({60.0f, 20.0f, 1, 0});
    uint32_t from, port;
    if (v.valid() && source(v, from, port)) g.edges.push_back({from, box, port, 0});
  }
  return g;
}
#endif

TEST(LayoutCorpus, EveryGraphLaysOutWithAllInvariants) {
#if !NF_HAVE_ONNX_READER
  GTEST_SKIP() << "the ONNX reader is not part of this build";
#else
  if (!std::filesystem::exists(nf::test::corpusPath("manifest.json"))) GTEST_SKIP() << "no shared corpus";
  size_t graphs = 0, nodes = 0;
  uint64_t crossings = 0;
  for (const auto& entry : nf::test::corpusManifest()["files"]) {
    if (!entry.value("parse_ok", false)) continue;
    const std::string path = entry["path"].get<std::string>();
    Result<ir::Model> model = onnx::readModelFile(nf::test::corpusPath(path));
    ASSERT_TRUE(model.ok()) << path << ": " << model.error().message;
    for (ir::GraphId id : model->mainGraphTree()) {
      const Graph g = fromIr(model->graph(id));
      for (Direction dir : {Direction::TopToBottom, Direction::LeftToRight}) {
        Options o;
        o.direction = dir;
        LayoutJob job(g, o);
        job.step(0);
        ASSERT_TRUE(job.succeeded()) << path << ": " << job.status().message();
        const Status s = checkJob(job, /*brute_force_crossings=*/g.edges.size() < 400);
        ASSERT_TRUE(s.ok()) << path << " graph " << id.index << ": " << s.message();
        Result<Layout> again = layoutGraph(g, o);
        ASSERT_TRUE(again.ok());
        ASSERT_EQ(test::serialize(*job.layout()), test::serialize(*again)) << path << ": not deterministic";
        if (dir == Direction::TopToBottom) crossings += job.stats().crossings;
      }
      ++graphs;
      nodes += g.nodes.size();
    }
  }
  EXPECT_GT(graphs, 900u);
  RecordProperty("graphs", static_cast<int>(graphs));
  RecordProperty("nodes", static_cast<int>(nodes));
  RecordProperty("crossings", static_cast<int>(crossings));
#endif
}

}  // namespace
}  // namespace nf::layout
