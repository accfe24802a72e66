// Every model of the shared ONNX corpus (949 files: operator tests, real models,
// subgraph bodies): the hierarchy of each graph keeps its invariants, the first
// sight stays within budget and the visible graph matches the naive reference.
#include <gtest/gtest.h>

#include "hierarchy/checks.h"
#include "hierarchy/hierarchy.h"
#include "hierarchy/visible.h"
#include "onnx/reader.h"
#include "support/test_support.h"

namespace nf::hierarchy {
namespace {

TEST(hierarchyCorpus, EveryGraphOfEveryModel) {
  if (!test::corpusAvailable()) GTEST_SKIP() << "corpus not found";
  size_t models = 0, graphs = 0;
  for (const auto& f : test::corpusManifest()["files"]) {
    if (!f.value("parse_ok", false)) continue;
    std::string path = f["path"];
    auto m = onnx::readModelFile(test::corpusPath(path));
    if (!m.ok()) continue;  // the reader's own suite decides what must open
    ++models;
    for (ir::GraphId gid : m->mainGraphTree()) {
      SCOPED_TRACE(path + " graph " + std::to_string(gid.index));
      auto h = buildHierarchy(m.value(), gid);
      ASSERT_TRUE(h.ok());
      ++graphs;
      test::checkTree(h.value());
      test::checkRepeats(h.value());
      Expansion e = firstSight(h.value());
      VisibleGraph vg = visibleGraph(h.value(), e);
      test::checkVisible(h.value(), e, {}, vg);
      const auto& t = h->topology;
      if (t.inputs.size() + t.outputs.size() + h->group(h->root()).children.size() < 200)
        EXPECT_LE(vg.items.size(), 200u);
      VisibleOptions raw;
      raw.fold = 0;
      test::checkVisible(h.value(), expandAll(h.value()), raw, visibleGraph(h.value(), expandAll(h.value()), raw));
    }
  }
  EXPECT_GT(models, 100u);
  EXPECT_GE(graphs, models);
}

}  // namespace
}  // namespace nf::hierarchy
