// scene_bench - display graph + layout time for big models, against Graphviz dot on
// the identical display graph.
//
//   build-<you>/scene_bench [--dot-timeout S] [--runs N] [--no-dot] [--lr] model.onnx ...
//   (no models: every ~/.cache/netforge/models/*.onnx, sorted by name)
//
// Per model: read (not timed), shape inference, display graph, layout (best of
// --runs), then our DOT of the same boxes (fixed sizes, no edge labels: dot lays out
// exactly what we lay out) through `timeout S dot -Tplain`. Crossings are counted the
// same way on both drawings: proper intersections between the edge polylines (each
// curve flattened to 8 chords per cubic; dot's B-splines the same way), found with a
// uniform grid; pairs of edges that share an end box are not counted (they meet there
// by construction). Prints one table row per model, then the ratios.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "onnx/reader.h"
#include "scene/exports.h"
#include "scene/model_scene.h"
#include "scene/spatial_index.h"
#include "support/bench_support.h"

namespace {

using nf::scene::Point;
using nf::bench::Clock;
using nf::bench::msSince;

struct Polyline {
  uint32_t from, to;  // end boxes
  std::vector<Point> pts;
};

bool properCross(Point a, Point b, Point c, Point d) {
  auto orient = [](Point p, Point q, Point r) {
    const double v = static_cast<double>(q.x - p.x) * (r.y - p.y) - static_cast<double>(q.y - p.y) * (r.x - p.x);
    return (v > 1e-6) - (v < -1e-6);
  };
  const int o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
  return o1 * o2 < 0 && o3 * o4 < 0;
}

// Proper polyline intersections between edges that share no end box.
uint64_t geometricCrossings(const std::vector<Polyline>& lines) {
  struct Seg {
    uint32_t line;
    Point a, b;
  };
  std::vector<Seg> segs;
  float minx = 1e30f, miny = 1e30f, maxx = -1e30f, maxy = -1e30f;
  for (uint32_t i = 0; i < lines.size(); ++i)
    for (size_t k = 1; k < lines[i].pts.size(); ++k) {
      segs.push_back(Seg{i, lines[i].pts[k - 1], lines[i].pts[k]});
      for (const Point& p : {lines[i].pts[k - 1], lines[i].pts[k]}) {
        minx = std::min(minx, p.x), miny = std::min(miny, p.y);
        maxx = std::max(maxx, p.x), maxy = std::max(maxy, p.y);
      }
    }
  if (segs.empty()) return 0;
  const double area = std::max(1.0, static_cast<double>(maxx - minx) * (maxy - miny));
  const float cell = static_cast<float>(std::max(8.0, std::sqrt(area / static_cast<double>(segs.size())) * 2));
  const uint32_t cols = static_cast<uint32_t>((maxx - minx) / cell) + 1, rows = static_cast<uint32_t>((maxy - miny) / cell) + 1;
  std::vector<std::vector<uint32_t>> grid(static_cast<size_t>(cols) * rows);
  for (uint32_t s = 0; s < segs.size(); ++s) {
    const auto c0 = static_cast<uint32_t>((std::min(segs[s].a.x, segs[s].b.x) - minx) / cell);
    const auto c1 = static_cast<uint32_t>((std::max(segs[s].a.x, segs[s].b.x) - minx) / cell);
    const auto r0 = static_cast<uint32_t>((std::min(segs[s].a.y, segs[s].b.y) - miny) / cell);
    const auto r1 = static_cast<uint32_t>((std::max(segs[s].a.y, segs[s].b.y) - miny) / cell);
    for (uint32_t r = r0; r <= r1; ++r)
      for (uint32_t c = c0; c <= c1; ++c) grid[static_cast<size_t>(r) * cols + c].push_back(s);
  }
  // A pair of segments is counted in the first cell (row-major) holding both.
  uint64_t crossings = 0;
  for (size_t cidx = 0; cidx < grid.size(); ++cidx) {
    const auto& list = grid[cidx];
    for (size_t i = 0; i < list.size(); ++i)
      for (size_t j = i + 1; j < list.size(); ++j) {
        const Seg &s = segs[list[i]], &t = segs[list[j]];
        if (s.line == t.line) continue;
        const Polyline &ls = lines[s.line], &lt = lines[t.line];
        if (ls.from == lt.from || ls.from == lt.to || ls.to == lt.from || ls.to == lt.to) continue;
        if (!properCross(s.a, s.b, t.a, t.b)) continue;
        // The intersection's cell decides which cell counts it (no double counting).
        const float den = (s.b.x - s.a.x) * (t.b.y - t.a.y) - (s.b.y - s.a.y) * (t.b.x - t.a.x);
        const float u = ((t.a.x - s.a.x) * (t.b.y - t.a.y) - (t.a.y - s.a.y) * (t.b.x - t.a.x)) / den;
        const float ix = s.a.x + u * (s.b.x - s.a.x), iy = s.a.y + u * (s.b.y - s.a.y);
        const auto c = std::min(cols - 1, static_cast<uint32_t>(std::max(0.0f, ix - minx) / cell));
        const auto r = std::min(rows - 1, static_cast<uint32_t>(std::max(0.0f, iy - miny) / cell));
        if (static_cast<size_t>(r) * cols + c == cidx) ++crossings;
      }
  }
  return crossings;
}

std::vector<Polyline> ourLines(const nf::scene::PreparedScene& p) {
  std::vector<Polyline> out;
  for (uint32_t e = 0; e < p.graph.edges.size(); ++e) {
    Polyline l{p.graph.edges[e].from, p.graph.edges[e].to, {}};
    nf::scene::flattenRoute(p.scene, e, 8, l.pts);
    out.push_back(std::move(l));
  }
  return out;
}

// Splits a -Tplain line into tokens; quoted tokens keep their content.
std::vector<std::string> tokens(const std::string& line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    if (i >= line.size()) break;
    std::string t;
    if (line[i] == '"') {
      for (++i; i < line.size() && line[i] != '"'; ++i) {
        if (line[i] == '\\' && i + 1 < line.size()) ++i;
        t += line[i];
      }
      ++i;
    } else {
      while (i < line.size() && line[i] != ' ') t += line[i++];
    }
    out.push_back(t);
  }
  return out;
}

// Edges of a `dot -Tplain` layout as polylines (B-spline control points flattened).
std::vector<Polyline> dotLines(const std::string& plain) {
  std::vector<Polyline> out;
  std::istringstream in(plain);
  std::string line;
  while (std::getline(in, line)) {
    auto t = tokens(line);
    if (t.size() < 4 || t[0] != "edge") continue;
    Polyline l{static_cast<uint32_t>(std::atoi(t[1].c_str() + 1)), static_cast<uint32_t>(std::atoi(t[2].c_str() + 1)), {}};
    const int n = std::atoi(t[3].c_str());
    std::vector<Point> ctrl;
    for (int k = 0; k < n && 5 + 2 * k < static_cast<int>(t.size()); ++k)
      ctrl.push_back(Point{std::strtof(t[4 + 2 * k].c_str(), nullptr) * 72.0f,
                           -std::strtof(t[5 + 2 * k].c_str(), nullptr) * 72.0f});
    if (ctrl.empty()) continue;
    l.pts.push_back(ctrl[0]);
    for (size_t k = 0; k + 3 < ctrl.size(); k += 3)
      for (int s = 1; s <= 8; ++s) {
        const float u = s / 8.0f, v = 1 - u;
        l.pts.push_back(Point{v * v * v * ctrl[k].x + 3 * v * v * u * ctrl[k + 1].x + 3 * v * u * u * ctrl[k + 2].x +
                                  u * u * u * ctrl[k + 3].x,
                              v * v * v * ctrl[k].y + 3 * v * v * u * ctrl[k + 1].y + 3 * v * u * u * ctrl[k + 2].y +
                                  u * u * u * ctrl[k + 3].y});
      }
    out.push_back(std::move(l));
  }
  return out;
}

std::vector<std::string> defaultModels() {
  const char* home = std::getenv("HOME");
  const std::string dir = std::string(home ? home : "/root") + "/.cache/netforge/models";
  std::vector<std::string> out;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name.size() > 5 && name.compare(name.size() - 5, 5, ".onnx") == 0) out.push_back(dir + "/" + name);
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  double dot_timeout = 300;
  int runs = 3;
  bool run_dot = true;
  nf::scene::SceneRequest req;
  std::vector<std::string> models;
  for (nf::bench::Args a(argc, argv); a.more();) {
    if (a.option("--dot-timeout", &dot_timeout) || a.option("--runs", &runs, 1)) continue;
    if (a.flag("--no-dot")) run_dot = false;
    else if (a.flag("--lr")) req.direction = nf::layout::Direction::LeftToRight;
    else models.push_back(a.next());
  }
  if (models.empty()) models = defaultModels();
  if (models.empty()) {
    std::fprintf(stderr, "scene_bench: no models given and none in ~/.cache/netforge/models\n");
    return 1;
  }
  const std::string work = "/tmp/scene_bench";
  mkdir(work.c_str(), 0755);
  std::printf("%-26s %7s %7s %8s %8s %8s %9s %9s %10s %9s %9s %8s %8s\n", "model", "boxes", "edges", "shapes", "build",
              "layout", "ncross", "ourXgeo", "dot_ms", "dotXgeo", "t_ratio", "x_ratio", "dummies");
  for (const std::string& path : models) {
    auto model = nf::onnx::readModelFile(path);
    const std::string name = path.substr(path.find_last_of('/') + 1);
    if (!model) {
      std::printf("%-26s read failed: %s\n", name.c_str(), model.error().message.c_str());
      continue;
    }
    nf::Result<nf::scene::PreparedScene> best = nf::Error{"not run"};
    for (int r = 0; r < runs; ++r) {
      auto p = nf::scene::prepareScene(*model, req);
      if (!p) {
        best = p.error();
        break;
      }
      if (!best || p->shapes_ms + p->build_ms + p->layout_ms < best->shapes_ms + best->build_ms + best->layout_ms)
        best = std::move(p);
    }
    if (!best) {
      std::printf("%-26s failed: %s\n", name.c_str(), best.error().message.c_str());
      continue;
    }
    const auto& p = *best;
    const uint64_t ours_geo = geometricCrossings(ourLines(p));
    double dot_ms = -1;
    uint64_t dot_geo = 0;
    bool dot_done = false;
    if (run_dot) {
      const std::string dot_path = work + "/" + name + ".dot", plain_path = work + "/" + name + ".plain";
      {
        std::ofstream f(dot_path);
        nf::scene::DotOptions o;
        o.edge_labels = false;
        o.positions = false;
        nf::scene::writeDot(f, *model, p.graph, nullptr, o);
      }
      char cmd[1024];
      std::snprintf(cmd, sizeof cmd, "timeout %g dot -Tplain %s -o %s 2>/dev/null", dot_timeout, dot_path.c_str(),
                    plain_path.c_str());
      const auto t0 = Clock::now();
      const int rc = std::system(cmd);
      dot_ms = msSince(t0);
      if (rc == 0) {
        std::ifstream f(plain_path);
        std::stringstream ss;
        ss << f.rdbuf();
        dot_geo = geometricCrossings(dotLines(ss.str()));
        dot_done = true;
      }
    }
    const double ours_ms = p.build_ms + p.layout_ms;
    char dot_col[32], tr[32], xr[32], dx[32];
    if (!run_dot) {
      std::snprintf(dot_col, sizeof dot_col, "-");
      std::snprintf(tr, sizeof tr, "-");
    } else if (dot_done) {
      std::snprintf(dot_col, sizeof dot_col, "%.0f", dot_ms);
      std::snprintf(tr, sizeof tr, "%.0fx", dot_ms / std::max(0.01, ours_ms));
    } else {
      std::snprintf(dot_col, sizeof dot_col, ">%.0f", dot_timeout * 1000);
      std::snprintf(tr, sizeof tr, ">%.0fx", dot_timeout * 1000 / std::max(0.01, ours_ms));
    }
    if (dot_done) {
      std::snprintf(dx, sizeof dx, "%llu", static_cast<unsigned long long>(dot_geo));
      std::snprintf(xr, sizeof xr, "%.2f", dot_geo ? static_cast<double>(ours_geo) / dot_geo : (ours_geo ? 99.0 : 1.0));
    } else {
      std::snprintf(dx, sizeof dx, "-");
      std::snprintf(xr, sizeof xr, "-");
    }
    std::printf("%-26s %7u %7u %8.1f %8.1f %8.1f %9llu %9llu %10s %9s %9s %8s %8u\n", name.c_str(),
                p.graph.nodeCount(), p.graph.edgeCount(), p.shapes_ms, p.build_ms, p.layout_ms,
                static_cast<unsigned long long>(p.scene.stats.crossings), static_cast<unsigned long long>(ours_geo),
                dot_col, dx, tr, xr, p.scene.stats.dummy_count);
    std::fflush(stdout);
  }
  std::printf("\nshapes/build/layout: ms (best of %d). ncross: the engine's layered crossing count.\n"
              "ourXgeo/dotXgeo: proper polyline crossings of the drawn edges. t_ratio = dot / (build + layout);\n"
              "x_ratio = ourXgeo / dotXgeo (< 1: fewer crossings than dot).\n", runs);
  return 0;
}
