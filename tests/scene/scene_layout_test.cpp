// Geometry through the scene on real corpus models: boxes never overlap, edges start
// and end on their boxes, everything lies inside the bounds; the spatial index finds
// exactly what a brute-force scan finds; exports are valid and deterministic.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>

#include "onnx/reader.h"
#include "scene/exports.h"
#include "scene/model_scene.h"
#include "scene/spatial_index.h"
#include "scene_test_util.h"
#include "support/model_builder.h"
#include "support/test_support.h"

namespace nf::scene {
namespace {

float distanceToBorder(Point p, const Rect& r) {
  const float dx = std::max({r.x - p.x, 0.0f, p.x - (r.x + r.width)});
  const float dy = std::max({r.y - p.y, 0.0f, p.y - (r.y + r.height)});
  if (dx > 0 || dy > 0) return std::hypot(dx, dy);
  return std::min({p.x - r.x, r.x + r.width - p.x, p.y - r.y, r.y + r.height - p.y});  // inside: to nearest side
}

bool inside(Point p, const Rect& b, float tol) {
  return p.x >= b.x - tol && p.y >= b.y - tol && p.x <= b.x + b.width + tol && p.y <= b.y + b.height + tol;
}

// The invariants every laid-out scene must satisfy; "" or the first violation.
std::string sceneProblem(const DisplayGraph& g, const SceneLayout& s) {
  if (s.nodes.size() != g.nodes.size() || s.edges.size() != g.edges.size()) return "size mismatch";
  // Boxes: their measured size, inside the bounds, pairwise disjoint (sweep by x).
  std::vector<uint32_t> order(s.nodes.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return s.nodes[a].x < s.nodes[b].x; });
  for (size_t i = 0; i < order.size(); ++i) {
    const Rect& a = s.nodes[order[i]];
    if (a.width != g.nodes[order[i]].width || a.height != g.nodes[order[i]].height) return "box resized";
    if (!inside(Point{a.x, a.y}, s.bounds, 0.5f) || !inside(Point{a.x + a.width, a.y + a.height}, s.bounds, 0.5f))
      return "box " + std::to_string(order[i]) + " outside the bounds";
    for (size_t j = i + 1; j < order.size() && s.nodes[order[j]].x < a.x + a.width - 0.5f; ++j) {
      const Rect& b = s.nodes[order[j]];
      if (b.y < a.y + a.height - 0.5f && a.y < b.y + b.height - 0.5f)
        return "boxes " + std::to_string(order[i]) + " and " + std::to_string(order[j]) + " overlap";
    }
  }
  for (size_t e = 0; e < s.edges.size(); ++e) {
    const EdgeGeometry& r = s.edges[e];
    if (r.point_count < 4 || (r.point_count - 1) % 3 != 0) return "edge " + std::to_string(e) + " not routed";
    const Point first = s.points[r.first_point], last = s.points[r.first_point + r.point_count - 1];
    const DisplayEdge& de = g.edges[e];
    if (std::abs(distanceToBorder(first, s.nodes[de.from])) > 1.0f)
      return "edge " + std::to_string(e) + " does not start on its source";
    if (std::abs(distanceToBorder(last, s.nodes[de.to])) > 1.0f)
      return "edge " + std::to_string(e) + " does not end on its target";
    if (r.arrow[0].x != last.x || r.arrow[0].y != last.y) return "arrow tip off the route end";
    for (uint32_t k = 0; k < r.point_count; ++k)
      if (!inside(s.points[r.first_point + k], s.bounds, 0.5f)) return "route point outside the bounds";
    for (const Point& p : r.arrow)
      if (!inside(p, s.bounds, 0.5f)) return "arrowhead outside the bounds";
    if (r.label_shown && (!inside(Point{r.label.x, r.label.y}, s.bounds, 0.5f) ||
                          !inside(Point{r.label.x + r.label.width, r.label.y + r.label.height}, s.bounds, 0.5f)))
      return "label outside the bounds";
  }
  return "";
}

struct Loaded {
  std::string path;
  ir::Model model;
};

// The corpus models that parse, largest first (the geometry tests use the biggest).
const std::vector<Loaded>& corpusModels() {
  static const std::vector<Loaded> models = [] {
    std::vector<std::pair<int64_t, std::string>> files;
    for (const auto& f : nf::test::corpusManifest()["files"])
      if (f.value("parse_ok", false)) files.emplace_back(f["node_count"].get<int64_t>(), f["path"].get<std::string>());
    std::stable_sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<Loaded> out;
    for (const auto& [count, path] : files) {
      auto m = onnx::readModelFile(nf::test::corpusPath(path));
      if (m.ok()) out.push_back(Loaded{path, std::move(*m)});
    }
    return out;
  }();
  return models;
}

TEST(SceneCorpus, LayoutInvariantsHoldForEveryModelBothDirections) {
  if (!nf::test::corpusAvailable()) GTEST_SKIP() << "corpus not found";
  size_t checked = 0;
  for (const Loaded& l : corpusModels()) {
    SCOPED_TRACE(l.path);
    for (auto dir : {layout::Direction::TopToBottom, layout::Direction::LeftToRight}) {
      SceneRequest req;
      req.direction = dir;
      req.initializers_as_nodes = checked % 2 == 1;  // both box modes across the corpus
      auto p = prepareScene(l.model, req);
      ASSERT_TRUE(p.ok()) << p.error().message;
      EXPECT_EQ(sceneProblem(p->graph, p->scene), "");
    }
    ++checked;
  }
  EXPECT_GT(checked, 900u);
}

TEST(SceneCorpus, SvgAndGraphmlAreWellFormedAndJsonParses) {
  if (!nf::test::corpusAvailable()) GTEST_SKIP() << "corpus not found";
  for (const Loaded& l : corpusModels()) {
    SCOPED_TRACE(l.path);
    auto p = prepareScene(l.model, SceneRequest{});
    ASSERT_TRUE(p.ok());
    const std::string svg = toSvg(p->graph, p->scene);
    ASSERT_EQ(test::xmlProblem(svg), "");
    size_t boxes = 0;
    for (size_t at = svg.find("<g id=\"n"); at != std::string::npos; at = svg.find("<g id=\"n", at + 1)) ++boxes;
    EXPECT_EQ(boxes, p->graph.nodes.size());
    std::ostringstream graphml, json;
    writeGraphml(graphml, l.model, p->graph, &p->scene);
    ASSERT_EQ(test::xmlProblem(graphml.str()), "");
    writeJson(json, l.model, p->graph, p->scene);
    auto j = nlohmann::json::parse(json.str(), nullptr, false);
    ASSERT_FALSE(j.is_discarded());
    ASSERT_EQ(j["nodes"].size(), p->graph.nodes.size());
    ASSERT_EQ(j["edges"].size(), p->graph.edges.size());
    for (size_t e = 0; e < p->graph.edges.size(); ++e)
      EXPECT_EQ(j["edges"][e]["points"].size(), p->scene.edges[e].point_count);
  }
}

TEST(SceneCorpus, DotHasOneStatementPerBoxAndEdge) {
  if (!nf::test::corpusAvailable()) GTEST_SKIP() << "corpus not found";
  const Loaded& l = corpusModels().front();
  auto p = prepareScene(l.model, SceneRequest{});
  ASSERT_TRUE(p.ok());
  std::ostringstream dot;
  writeDot(dot, l.model, p->graph, &p->scene);
  std::istringstream in(dot.str());
  std::string line;
  size_t nodes = 0, edges = 0;
  while (std::getline(in, line)) {
    if (line.rfind("  n", 0) != 0 || line.rfind("  node [", 0) == 0) continue;
    EXPECT_EQ(line.back(), ';');
    // Quotes balance once escaped quotes are skipped.
    int quotes = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\\') ++i;
      else if (line[i] == '"') ++quotes;
    }
    EXPECT_EQ(quotes % 2, 0) << line;
    if (line.find(" -> ") != std::string::npos) ++edges;
    else ++nodes;
  }
  EXPECT_EQ(nodes, p->graph.nodes.size());
  EXPECT_EQ(edges, p->graph.edges.size());
}

TEST(SceneExport, HostileNamesStayValidXml) {
  ir::Model m = nf::test::model();
  m.main().name = "g<&>\"'";
  nf::test::GraphBuilder b(m);
  const std::string evil = "<script>alert('x')</script> & \"q\" \x01\x02\x1B[31m \x7F \xC2\x85 \xFF\xFE \xED\xA0\x80 ]]>";
  b.input(evil, nf::test::F32, nf::test::shape({1, 2}));
  b.weight(evil + "w", {2, 2});
  b.node("MatMul", {evil, evil + "w"}, {evil + "y"}, {}, evil);
  b.node(evil, {evil + "y"}, {evil + "z"}, {}, evil + "2");
  b.output(evil + "z");
  for (bool as_nodes : {false, true}) {
    SceneRequest req;
    req.initializers_as_nodes = as_nodes;
    req.show_names = true;
    auto p = prepareScene(m, req);
    ASSERT_TRUE(p.ok());
    const std::string svg = toSvg(p->graph, p->scene);
    EXPECT_EQ(test::xmlProblem(svg), "");
    EXPECT_NE(svg.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"), std::string::npos);
    std::ostringstream graphml, json, dot;
    writeGraphml(graphml, m, p->graph, &p->scene);
    EXPECT_EQ(test::xmlProblem(graphml.str()), "");
    writeJson(json, m, p->graph, p->scene);
    EXPECT_FALSE(nlohmann::json::parse(json.str(), nullptr, false).is_discarded());
    writeDot(dot, m, p->graph, &p->scene);
    EXPECT_EQ(dot.str().find('\x01'), std::string::npos);
  }
}

TEST(SceneExport, SvgIsByteIdenticalAcrossRuns) {
  if (!nf::test::corpusAvailable()) GTEST_SKIP() << "corpus not found";
  const auto& models = corpusModels();
  for (size_t i = 0; i < std::min<size_t>(models.size(), 12); ++i) {
    SCOPED_TRACE(models[i].path);
    SceneRequest req;
    req.direction = i % 2 ? layout::Direction::LeftToRight : layout::Direction::TopToBottom;
    auto a = prepareScene(models[i].model, req);
    auto b = prepareScene(models[i].model, req);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(toSvg(a->graph, a->scene), toSvg(b->graph, b->scene));
  }
}

TEST(SpatialIndex, MatchesBruteForceOnTheLargestCorpusModels) {
  if (!nf::test::corpusAvailable()) GTEST_SKIP() << "corpus not found";
  std::mt19937 rng(1234);
  const auto& models = corpusModels();
  for (size_t i = 0; i < std::min<size_t>(models.size(), 5); ++i) {
    SCOPED_TRACE(models[i].path);
    auto p = prepareScene(models[i].model, SceneRequest{});
    ASSERT_TRUE(p.ok());
    const SceneLayout& s = p->scene;
    SpatialIndex index(s);
    // Every box is found at its centre (boxes never overlap).
    for (uint32_t n = 0; n < s.nodes.size(); ++n) EXPECT_EQ(index.nodeAt(s.nodeCenter(n)), n);
    EXPECT_EQ(index.nodeAt(Point{-50, -50}), kNoIndex);
    // Random viewports: exactly the boxes a linear scan finds, ascending.
    std::uniform_real_distribution<float> ux(-100, s.bounds.width + 100), uy(-100, s.bounds.height + 100);
    std::uniform_real_distribution<float> size(1, 800);
    for (int q = 0; q < 200; ++q) {
      const Rect v{ux(rng), uy(rng), size(rng), size(rng)};
      std::vector<uint32_t> got, want;
      index.queryNodes(v, got);
      for (uint32_t n = 0; n < s.nodes.size(); ++n) {
        const Rect& r = s.nodes[n];
        if (!(r.x > v.x + v.width || r.x + r.width < v.x || r.y > v.y + v.height || r.y + r.height < v.y))
          want.push_back(n);
      }
      ASSERT_EQ(got, want);
      // Edges: every edge with a route point in the viewport is listed.
      std::vector<uint32_t> edges;
      index.queryEdges(v, edges);
      for (uint32_t e = 0; e < s.edges.size(); ++e) {
        const Point mid = routePoint(s, e, 0, 0.5f);
        if (inside(mid, v, 0.0f)) EXPECT_TRUE(std::binary_search(edges.begin(), edges.end(), e)) << "edge " << e;
      }
    }
    // Hit testing an edge: a point on its route finds an edge passing within tolerance.
    std::vector<Point> line;
    for (uint32_t e = 0; e < s.edges.size(); ++e) {
      const Point on = routePoint(s, e, 0, 0.5f);
      if (index.nodeAt(on) != kNoIndex) continue;
      const uint32_t hit = index.edgeAt(s, on, 3.0f);
      ASSERT_NE(hit, kNoIndex) << "edge " << e;
      line.clear();
      flattenRoute(s, hit, 16, line);
      float best = 1e9f;
      for (size_t k = 1; k < line.size(); ++k) {
        const Point a = line[k - 1], b2 = line[k];
        const float vx = b2.x - a.x, vy = b2.y - a.y, l2 = vx * vx + vy * vy;
        const float t = l2 > 0 ? std::clamp(((on.x - a.x) * vx + (on.y - a.y) * vy) / l2, 0.0f, 1.0f) : 0.0f;
        best = std::min(best, std::hypot(on.x - a.x - t * vx, on.y - a.y - t * vy));
      }
      EXPECT_LE(best, 3.0f);
    }
  }
}

TEST(SpatialIndex, HandlesAHundredThousandBoxes) {
  // A synthetic scene of 100k boxes on a grid: queries stay exact and local.
  SceneLayout s;
  const int side = 317;  // 100,489 boxes
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) s.nodes.push_back(Rect{x * 100.0f, y * 60.0f, 80.0f, 40.0f});
  s.bounds = Rect{0, 0, side * 100.0f, side * 60.0f};
  SpatialIndex index(s);
  std::vector<uint32_t> got;
  index.queryNodes(Rect{1000, 600, 250, 130}, got);  // columns 10..12, rows 10..12
  ASSERT_EQ(got.size(), 9u);
  EXPECT_EQ(got.front(), 10u * side + 10u);
  EXPECT_EQ(index.nodeAt(Point{5050, 3020}), 50u * side + 50u);
  EXPECT_EQ(index.nodeAt(Point{5090, 3020}), kNoIndex);  // in the gap between boxes
  got.clear();
  index.queryNodes(s.bounds, got);
  EXPECT_EQ(got.size(), s.nodes.size());
}

}  // namespace
}  // namespace nf::scene
