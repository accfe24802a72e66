// Repeated blocks that a reader can follow: the instances of a block series chain
// one after another, and no box sits in a cycle with its siblings (a cycle draws as
// edges looping out of a frame and back in). Checked on a synthetic resnet-like
// graph without names, on the corpus light_resnet50 / light_inception_v1, and on
// every graph of the corpus.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "hierarchy/checks.h"
#include "hierarchy/hierarchy.h"
#include "hierarchy/visible.h"
#include "onnx/reader.h"
#include "support/synthetic_models.h"
#include "support/test_support.h"

namespace nf::hierarchy {
namespace {

// Groups (open, with everything expanded) whose children graph has a cycle: for each
// visible edge, the two entries of the lowest common group that hold its ends. With
// `fold` false every node is shown (constants and shape chains draw edges too).
std::vector<GroupId> groupsWithCycles(const Hierarchy& h, bool fold = true) {
  Expansion e = expandAll(h);
  VisibleOptions o;
  if (!fold) o.fold = 0;
  VisibleGraph vg = visibleGraph(h, e, o);
  // An entry of group L: a child group (its id) or a direct item (tagged).
  constexpr uint64_t kItem = 1ull << 40;
  auto entryUnder = [&](GroupId L, uint32_t item, GroupId g) -> uint64_t {
    if (g == L) return kItem | item;
    while (h.group(g).parent != L) g = h.group(g).parent;
    return g.index;
  };
  std::map<uint32_t, std::set<std::pair<uint64_t, uint64_t>>> edges;  // group -> entry edges
  for (const VisibleEdge& ed : vg.edges) {
    GroupId a = vg.items[ed.from].parent, b = vg.items[ed.to].parent;
    GroupId l = a;
    while (!h.contains(l, b)) l = h.group(l).parent;
    uint64_t x = entryUnder(l, ed.from, a), y = entryUnder(l, ed.to, b);
    if (x != y) edges[l.index].insert({x, y});
  }
  std::vector<GroupId> out;
  for (const auto& [g, es] : edges) {
    // Kahn's algorithm: a cycle leaves entries with incoming edges.
    std::map<uint64_t, int> indeg;
    std::map<uint64_t, std::vector<uint64_t>> succ;
    for (const auto& [x, y] : es) {
      ++indeg[y];
      indeg.emplace(x, 0);
      succ[x].push_back(y);
    }
    std::vector<uint64_t> ready;
    for (const auto& [x, d] : indeg)
      if (d == 0) ready.push_back(x);
    size_t done = 0;
    while (!ready.empty()) {
      uint64_t x = ready.back();
      ready.pop_back();
      ++done;
      for (uint64_t y : succ[x])
        if (--indeg[y] == 0) ready.push_back(y);
    }
    if (done != indeg.size()) out.push_back(GroupId{g});
  }
  return out;
}

// Every Series of Block groups: instance i feeds instance i + 1 directly, and no
// edge leaves an instance for a node outside the series that feeds back into it
// (through nodes the default view shows: constants and shape chains excepted).
void checkBlockSeriesChain(const Hierarchy& h) {
  const Topology& t = h.topology;
  for (uint32_t s = 0; s < h.groups.size(); ++s) {
    const Group& series = h.groups[s];
    if (series.kind != GroupKind::Series || h.group(series.children[0]).kind != GroupKind::Block) continue;
    SCOPED_TRACE(series.name);
    for (size_t i = 0; i + 1 < series.children.size(); ++i) {
      GroupId a = series.children[i], b = series.children[i + 1];
      bool direct = false;
      for (const TensorEdge& e : t.edges)
        if (e.src < t.node_count && e.dst < t.node_count && h.contains(a, h.node_group[e.src]) &&
            h.contains(b, h.node_group[e.dst]))
          direct = true;
      EXPECT_TRUE(direct) << h.group(a).name << " does not feed " << h.group(b).name;
    }
    // Nodes outside the series reachable from it must not reach it again.
    std::vector<uint8_t> state(t.node_count, 0);  // 1: reachable from the series, outside it
    std::vector<uint32_t> stack;
    for (uint32_t v = 0; v < t.node_count; ++v)
      if (h.contains(GroupId{s}, h.node_group[v])) stack.push_back(v);
    while (!stack.empty()) {
      uint32_t u = stack.back();
      stack.pop_back();
      for (uint32_t k = t.out_begin[u]; k < t.out_begin[u + 1]; ++k) {
        uint32_t w = t.edges[t.out_index[k]].dst;
        if (h.contains(GroupId{s}, h.node_group[w])) {
          EXPECT_FALSE(state[u] == 1) << "node " << u << " outside the series feeds it back";
          continue;
        }
        // Constants and shape chains fold into notes: they draw no edge.
        if (state[w] || (h.declutter.node_categories[w] & (kCategoryConstant | kCategoryShape))) continue;
        state[w] = 1;
        stack.push_back(w);
      }
    }
  }
}

Hierarchy build(const ir::Model& m) { return test::buildChecked(m); }

// A resnet-like trunk without names: stem, then stages of bottlenecks (the first of
// each stage with a projection shortcut), each block's Add followed by a Relu that
// the next block reads twice (main path and shortcut).
ir::Model makeResnetLike(const std::vector<int>& stages) {
  ir::Model m = test::model();
  test::GraphBuilder b(m);
  std::string x = b.input("x");
  int w = 0;
  auto conv = [&](const std::string& in) { return b.op("Conv", "", {in, b.weight("w" + std::to_string(w++))}); };
  x = b.op("Relu", "", {conv(x)});
  x = b.op("MaxPool", "", {x});
  for (int blocks : stages) {
    for (int i = 0; i < blocks; ++i) {
      std::string y = b.op("Relu", "", {conv(x)});
      y = b.op("Relu", "", {conv(y)});
      y = conv(y);
      std::string shortcut = i == 0 ? conv(x) : x;
      x = b.op("Relu", "", {b.op("Add", "", {y, shortcut})});
    }
  }
  x = b.op("GlobalAveragePool", "", {x});
  b.output(b.op("Flatten", "", {x}));
  return m;
}

TEST(hierarchyChaining, ResnetLikeBlocksChainWithoutGlue) {
  ir::Model m = makeResnetLike({3, 4, 6, 3});
  Hierarchy h = build(m);
  EXPECT_TRUE(groupsWithCycles(h).empty());
  EXPECT_TRUE(groupsWithCycles(h, false).empty());
  checkBlockSeriesChain(h);
  // Every Relu after an Add sits in a block (none left between instances at the root)
  // except possibly the last one, and the biggest class covers the identity blocks.
  const Topology& t = h.topology;
  const ir::Graph& g = m.main();
  uint32_t loose = 0;
  for (uint32_t v = 0; v + 1 < t.node_count; ++v)
    if (g.nodes[v].op_type == "Relu" && t.in_begin[v + 1] > t.in_begin[v] &&
        g.nodes[t.edges[t.in_index[t.in_begin[v]]].src].op_type == "Add" && h.node_group[v] == h.root())
      ++loose;
  EXPECT_LE(loose, 2u);
  ASSERT_FALSE(h.repeats.empty());
  EXPECT_GE(h.repeats[0].members.size(), 12u);
}

TEST(hierarchyChaining, CorpusResnetAndInception) {
  if (!test::corpusAvailable()) GTEST_SKIP() << "corpus not found";
  for (const char* path : {"light/light_resnet50.onnx", "light/light_inception_v1.onnx", "light/light_squeezenet.onnx"}) {
    SCOPED_TRACE(path);
    auto m = onnx::readModelFile(test::corpusPath(path));
    if (!m.ok()) continue;
    Hierarchy h = build(m.value());
    EXPECT_TRUE(groupsWithCycles(h).empty());
    EXPECT_TRUE(groupsWithCycles(h, false).empty());
    checkBlockSeriesChain(h);
  }
}

TEST(hierarchyChaining, NoGroupOfTheCorpusHasACycleAmongItsChildren) {
  if (!test::corpusAvailable()) GTEST_SKIP() << "corpus not found";
  size_t graphs = 0, cyclic = 0, cyclic_raw = 0, groups = 0;
  std::vector<std::string> where;
  for (const auto& f : test::corpusManifest()["files"]) {
    if (!f.value("parse_ok", false)) continue;
    std::string path = f["path"];
    auto m = onnx::readModelFile(test::corpusPath(path));
    if (!m.ok()) continue;
    for (ir::GraphId gid : m->mainGraphTree()) {
      auto h = buildHierarchy(m.value(), gid);
      ASSERT_TRUE(h.ok());
      ++graphs;
      groups += h->groups.size();
      for (GroupId g : groupsWithCycles(h.value())) {
        ++cyclic;
        where.push_back(path + " graph " + std::to_string(gid.index) + " group '" + h->group(g).name + "'");
      }
      cyclic_raw += groupsWithCycles(h.value(), false).size();
    }
  }
  std::printf("[ corpus ] %zu graphs, %zu groups, %zu with a cycle among their children (%zu with nothing folded)\n",
              graphs, groups, cyclic, cyclic_raw);
  for (const auto& w : where) std::printf("  %s\n", w.c_str());
  EXPECT_EQ(cyclic, 0u);
  EXPECT_EQ(cyclic_raw, 0u);
}

// The exported models (torchvision, transformer stacks), named and with names
// stripped: no group draws a cycle among its children.
TEST(hierarchyChaining, BigModelsHaveNoCycleAmongChildren) {
  std::error_code ec;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(test::bigModelsDir(), ec))
    if (entry.path().extension() == ".onnx") files.push_back(entry.path().string());
  if (files.empty()) GTEST_SKIP() << "no exported model in " << test::bigModelsDir();
  std::sort(files.begin(), files.end());
  for (const std::string& path : files) {
    auto m = onnx::readModelFile(path);
    if (!m.ok()) continue;
    for (bool names : {true, false}) {
      SCOPED_TRACE(path + (names ? " named" : " stripped"));
      ir::Model model = m.value();
      if (!names) test::stripNodeNames(&model);
      Hierarchy h = build(model);
      std::vector<GroupId> cyc = groupsWithCycles(h);
      for (GroupId g : cyc) ADD_FAILURE() << "cycle among the children of '" << h.group(g).path << "'";
      checkBlockSeriesChain(h);
    }
  }
}

}  // namespace
}  // namespace nf::hierarchy
