// The 3D view's geometry: slab sizes, branches side by side without overlap, open
// layers as one plane per channel (paged), dense rows of units, picking by ray.
#include <gtest/gtest.h>

#include <set>

#include "shapes/inference.h"
#include "shapes/metrics.h"
#include "support/model_builder.h"
#include "support/test_support.h"
#include "views/layer_graph.h"
#include "views/space_view.h"

namespace nf::views {
namespace {

using test::aInt;
using test::aInts;

// x (3x32x32) -> stem conv 300ch -> block: conv 300 -> conv 300, skip through a 1x1 conv
// (a branch beside the main path) -> Add -> stride-2 conv 64 (16x16) -> pool -> fc 1000.
ir::Model branchyModel() {
  ir::Model m = test::model(13);
  test::GraphBuilder g(m);
  g.input("x", test::F32, test::shape({1, 3, 32, 32}));
  const std::vector<ir::Attribute> conv3 = {aInts("kernel_shape", {3, 3}), aInts("pads", {1, 1, 1, 1})};
  std::string h = g.op("Conv", "/stem/Conv", {"x", g.weight("ws", {300, 3, 3, 3})}, conv3);
  std::string c = g.op("Conv", "/b/conv1/Conv", {h, g.weight("w1", {300, 300, 3, 3})}, conv3);
  c = g.op("Conv", "/b/conv2/Conv", {c, g.weight("w2", {300, 300, 3, 3})}, conv3);
  const std::string skip = g.op("Conv", "/b/down/Conv", {h, g.weight("wd", {300, 300, 1, 1})}, {aInts("kernel_shape", {1, 1})});
  h = g.op("Add", "/b/Add", {c, skip});
  h = g.op("Conv", "/s2/Conv", {h, g.weight("w3", {64, 300, 3, 3})},
           {aInts("kernel_shape", {3, 3}), aInts("pads", {1, 1, 1, 1}), aInts("strides", {2, 2})});
  h = g.op("GlobalAveragePool", "/pool/GlobalAveragePool", {h});
  h = g.op("Flatten", "/Flatten", {h});
  h = g.op("Gemm", "/fc/Gemm", {h, g.weight("fc_w", {1000, 64})}, {aInt("transB", 1)});
  g.output(h);
  return m;
}

struct Built {
  ir::Model model;
  shapes::InferenceResult inferred;
  shapes::Metrics metrics;
  LayerGraph layers;
};

Built build(ir::Model m) {
  Built b{std::move(m), {}, {}, {}};
  b.inferred = shapes::inferShapes(b.model);
  b.metrics = shapes::computeMetrics(b.model, b.inferred);
  LayerGraphOptions o;
  o.fold_repeats = false;
  auto r = buildLayerGraph(b.model, b.inferred, b.metrics, o);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  if (r) b.layers = std::move(*r);
  return b;
}

uint32_t layerNamed(const LayerGraph& g, const std::string& name) {
  for (uint32_t i = 0; i < g.layers.size(); ++i)
    if (g.layers[i].name.find(name) != std::string::npos) return i;
  ADD_FAILURE() << "no layer " << name;
  return 0;
}

bool overlaps(const SpaceLayer& a, const SpaceLayer& b) {
  auto apart = [](float ca, float sa, float cb, float sb) { return std::fabs(ca - cb) >= (sa + sb) * 0.5f - 1e-3f; };
  return !(apart(a.center.x, a.size.x, b.center.x, b.size.x) || apart(a.center.y, a.size.y, b.center.y, b.size.y) ||
           apart(a.center.z, a.size.z, b.center.z, b.size.z));
}

void expectNoOverlap(const SpaceScene& s) {
  for (size_t i = 0; i < s.layers.size(); ++i)
    for (size_t j = i + 1; j < s.layers.size(); ++j) EXPECT_FALSE(overlaps(s.layers[i], s.layers[j])) << i << " and " << j;
}

TEST(SpaceView, SlabsSizedByMapAndChannels) {
  const SpaceOptions o;
  Layer big, small, thin;
  big.op_type = small.op_type = thin.op_type = "Conv";
  big.shape = test::shape({1, 64, 224, 112});
  small.shape = test::shape({1, 2048, 7, 7});
  thin.shape = test::shape({1, 3, 7, 7});
  const SpaceLayer b = spaceLayer(big, 0, o, {}), s = spaceLayer(small, 1, o, {}), t = spaceLayer(thin, 2, o, {});
  EXPECT_EQ(b.kind, SpaceLayerKind::Feature);
  EXPECT_EQ(b.c, 64);
  EXPECT_EQ(b.h, 224);
  EXPECT_EQ(b.w, 112);
  EXPECT_FLOAT_EQ(b.size.z, o.unit * std::log2(225.0f));  // H along z
  EXPECT_FLOAT_EQ(b.size.x, o.unit * std::log2(113.0f));  // W along x
  EXPECT_GT(b.size.z, s.size.z);                          // bigger maps, bigger slabs
  EXPECT_GT(s.size.y, t.size.y);                          // more channels, thicker
  EXPECT_FLOAT_EQ(s.size.y, o.channel_unit * std::log2(2049.0f));
  // Global pooling output (C x 1 x 1) and rank 2 are dense rows of units.
  Layer pooled;
  pooled.shape = test::shape({1, 512, 1, 1});
  EXPECT_EQ(spaceLayer(pooled, 3, o, {}).kind, SpaceLayerKind::Dense);
  EXPECT_EQ(spaceLayer(pooled, 3, o, {}).count, 256u);  // paged
  EXPECT_EQ(spaceLayer(pooled, 3, o, {}).pages, 2u);
  // Unknown shapes still get a visible slab.
  Layer unknown;
  const SpaceLayer u = spaceLayer(unknown, 4, o, {});
  EXPECT_GT(u.size.x, 0.0f);
  EXPECT_GT(u.size.y, 0.0f);
}

TEST(SpaceView, BranchesSideBySideNeverOverlap) {
  const Built b = build(branchyModel());
  SpaceState st;
  auto closed = layoutSpace(b.layers, {}, st);
  ASSERT_TRUE(closed) << closed.error().message;
  ASSERT_EQ(closed->layers.size(), b.layers.layers.size());
  expectNoOverlap(*closed);
  const SpaceLayer& down = closed->layers[layerNamed(b.layers, "down")];
  const SpaceLayer& conv1 = closed->layers[layerNamed(b.layers, "conv1")];
  EXPECT_NE(down.center.x, conv1.center.x);  // the skip conv sits beside the main path
  // The flow runs down: the input above the stem above the classifier.
  EXPECT_GT(closed->layers[0].center.y, closed->layers[layerNamed(b.layers, "stem")].center.y);
  EXPECT_GT(closed->layers[layerNamed(b.layers, "stem")].center.y, closed->layers[layerNamed(b.layers, "fc")].center.y);
  // Every closed feature layer is one box; the classifier is a row of units.
  EXPECT_TRUE(closed->planes.empty());
  // Open both branches: wider layers, still apart.
  st.open = {layerNamed(b.layers, "down"), layerNamed(b.layers, "conv1")};
  auto open = layoutSpace(b.layers, {}, st);
  ASSERT_TRUE(open);
  expectNoOverlap(*open);
  EXPECT_EQ(open->planes.size(), 2u * 256u);
  // Bounds hold every layer.
  for (const SpaceLayer& l : open->layers) {
    EXPECT_GE(l.center.x - l.size.x * 0.5f, open->min.x - 1e-3f);
    EXPECT_LE(l.center.x + l.size.x * 0.5f, open->max.x + 1e-3f);
  }
}

TEST(SpaceView, OpenLayerHasOnePlanePerChannelUpToThePage) {
  const Built b = build(branchyModel());
  const uint32_t stem = layerNamed(b.layers, "stem"), s2 = layerNamed(b.layers, "s2");
  SpaceState st;
  st.open = {stem, s2};
  auto s = layoutSpace(b.layers, {}, st);
  ASSERT_TRUE(s);
  auto planesOf = [&](const SpaceScene& sc, uint32_t layer) {
    std::vector<uint32_t> ch;
    for (const SpacePlane& p : sc.planes)
      if (p.layer == layer) ch.push_back(p.channel);
    return ch;
  };
  std::vector<uint32_t> ch = planesOf(*s, s2);
  ASSERT_EQ(ch.size(), 64u);  // all 64 channels, one plane each
  for (uint32_t i = 0; i < 64; ++i) EXPECT_EQ(ch[i], i);
  EXPECT_EQ(planesOf(*s, stem).size(), 256u);  // 300 channels: the first page
  EXPECT_EQ(s->layers[stem].pages, 2u);
  st.page.assign(b.layers.layers.size(), 0);
  st.page[stem] = 1;
  auto next = layoutSpace(b.layers, {}, st);
  ch = planesOf(*next, stem);
  ASSERT_EQ(ch.size(), 44u);  // the rest
  EXPECT_EQ(ch.front(), 256u);
  EXPECT_EQ(ch.back(), 299u);
  // Planes of one layer do not overlap each other and carry the map's proportions (16x16).
  const std::vector<SpacePlane>& pl = s->planes;
  std::set<std::pair<int, int>> cells;
  for (const SpacePlane& p : pl)
    if (p.layer == s2) {
      EXPECT_FLOAT_EQ(p.size.x, p.size.z);
      cells.insert({static_cast<int>(std::lround(p.center.x * 100)), static_cast<int>(std::lround(p.center.z * 100))});
    }
  EXPECT_EQ(cells.size(), 64u);
  // A layer with one channel does not open; closed again it is one box.
  st.open.clear();
  auto closed = layoutSpace(b.layers, {}, st);
  size_t stem_boxes = 0;
  for (const SpaceBox& bx : closed->boxes) stem_boxes += bx.layer == stem;
  EXPECT_EQ(stem_boxes, 1u);
}

TEST(SpaceView, DenseLayersAreRowsOfUnits) {
  const Built b = build(branchyModel());
  auto s = layoutSpace(b.layers, {}, {});
  ASSERT_TRUE(s);
  const uint32_t fc = layerNamed(b.layers, "fc");
  EXPECT_EQ(s->layers[fc].kind, SpaceLayerKind::Dense);
  EXPECT_EQ(s->layers[fc].c, 1000);
  EXPECT_EQ(s->layers[fc].pages, 4u);
  size_t units = 0;
  for (const SpaceBox& bx : s->boxes)
    if (bx.layer == fc) {
      EXPECT_EQ(bx.unit, units);
      ++units;
    }
  EXPECT_EQ(units, 256u);
}

TEST(SpaceView, PickFindsTheTopmostLayerAndTheMapCell) {
  const Built b = build(branchyModel());
  SpaceState st;
  const uint32_t s2 = layerNamed(b.layers, "s2");
  st.open = {s2};
  auto s = layoutSpace(b.layers, {}, st);
  ASSERT_TRUE(s);
  const SpaceLayer& in = s->layers[0];
  // Straight down onto the input slab's centre: the input (top of the model).
  SpaceHit h = pickSpace(*s, Vec3{in.center.x, s->max.y + 100, in.center.z}, Vec3{0, -1, 0});
  ASSERT_TRUE(h.hit);
  EXPECT_EQ(h.layer, 0u);
  EXPECT_FALSE(h.plane);
  EXPECT_NEAR(h.u, 0.5f, 0.01f);
  EXPECT_NEAR(h.v, 0.5f, 0.01f);
  // A quarter into the first plane of the open layer, from below.
  const SpacePlane* p = nullptr;
  for (const SpacePlane& q : s->planes)
    if (q.layer == s2 && q.channel == 0) p = &q;
  ASSERT_NE(p, nullptr);
  h = pickSpace(*s, Vec3{p->center.x - p->size.x * 0.25f, s->min.y - 100, p->center.z + p->size.z * 0.25f}, Vec3{0, 1, 0});
  ASSERT_TRUE(h.hit);
  EXPECT_TRUE(h.plane);
  EXPECT_EQ(s->planes[h.index].channel, 0u);
  EXPECT_NEAR(h.u, 0.25f, 0.01f);
  EXPECT_NEAR(h.v, 0.75f, 0.01f);
  // Nothing out there.
  EXPECT_FALSE(pickSpace(*s, Vec3{s->max.x + 100, 0, 0}, Vec3{1, 0, 0}).hit);
}

TEST(SpaceView, ReceptiveFieldScalesAndWidensByTheKernel) {
  SpaceLayer from, to;
  from.h = from.w = 32;
  to.h = to.w = 16;
  CellRect r = receptiveField(from, to, 5, 0, 1);
  EXPECT_EQ(r.row0, 9);
  EXPECT_EQ(r.row1, 13);
  EXPECT_EQ(r.col0, 0);  // clamped at the edge
  EXPECT_EQ(r.col1, 3);
  r = receptiveField(from, from, 31, 31, 1);
  EXPECT_EQ(r.row0, 30);
  EXPECT_EQ(r.row1, 32);
}

TEST(SpaceView, HostileDimsStayBounded) {
  Layer l;
  l.op_type = "Conv";
  l.shape = test::shape({1, int64_t{1} << 50, int64_t{1} << 40, 3});
  SpaceState st;
  st.open = {0};
  st.page = {4000000000u};
  const SpaceLayer s = spaceLayer(l, 0, {}, st);
  EXPECT_TRUE(s.open);
  EXPECT_EQ(s.count, 256u);
  EXPECT_LT(s.page, s.pages);
  EXPECT_TRUE(std::isfinite(s.size.x) && std::isfinite(s.size.z));
  EXPECT_LT(s.size.z, 1000.0f);
}

}  // namespace
}  // namespace nf::views
