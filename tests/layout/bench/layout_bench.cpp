// layout_bench - native benchmark of the layered layout engine, and the tools that
// compare it with Graphviz dot on identical graphs (see compare_dot.sh).
//
//   layout_bench [--sizes 1000,10000,20000,100000] [--families transformer,densenet]
//                [--no-ports] [--no-bundle] [--lr] [--repeat N] [--slice MS] [--hash]
//       generates the synthetic graphs, lays each out and prints per-phase timings
//       (wall clock), total wall and CPU time, crossings, dummies and edge length
//       (the run with the median CPU time of N). --slice MS runs a LayoutJob in
//       steps of that budget, as the web app does per frame, and also prints the
//       number of steps and the longest one (the worst frame the layout would cost);
//       --hash prints a hash of each layout's bytes (compare native and wasm builds)
//   layout_bench --write-graph FAMILY SIZE OUT.graph [--no-ports]
//   layout_bench --write-dot IN.graph OUT.dot
//   layout_bench --layout IN.graph [--plain OUT.plain] [--no-bundle] [--repeat N]
//       lays out a graph file; prints time and crossings; writes the result in
//       Graphviz's -Tplain format so both tools are measured by the same counter
//   layout_bench --count-plain FILE.plain
//       counts edge crossings of a -Tplain drawing (dot's or ours): levels are the
//       distinct node centre y values; each edge's x where its curve passes every level
//       between its ends (its end nodes' centres at its own levels); then, between
//       consecutive levels, the pairs in opposite order, counted exactly (sort + Fenwick
//       tree). Edges meeting at a node or sharing a line tie and do not cross.
//
// Graph file: "netforge-layout-graph 1", "nodes N edges M", N lines "w h in_ports
// out_ports", M lines "from from_port to to_port" (port -1 = free).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <time.h>

#include "graph_families.h"
#include "support/bench_support.h"
#include "layout/layout.h"

namespace {

using namespace nf::layout;

// [SECTION] Graph files -------------------------------------------------------------

bool writeGraph(const Graph& g, const std::string& path) {
  std::ofstream f(path);
  if (!f) return false;
  f << "netforge-layout-graph 1\nnodes " << g.nodes.size() << " edges " << g.edges.size() << "\n";
  for (const NodeSpec& n : g.nodes) f << n.width << ' ' << n.height << ' ' << n.in_ports << ' ' << n.out_ports << '\n';
  auto port = [](uint32_t p) { return p == kFreePort ? std::string("-1") : std::to_string(p); };
  for (const EdgeSpec& e : g.edges) f << e.from << ' ' << port(e.from_port) << ' ' << e.to << ' ' << port(e.to_port) << '\n';
  return static_cast<bool>(f);
}

bool readGraph(const std::string& path, Graph& g) {
  std::ifstream f(path);
  std::string magic, word;
  int version = 0;
  size_t n = 0, m = 0;
  if (!(f >> magic >> version) || magic != "netforge-layout-graph") return false;
  if (!(f >> word >> n) || word != "nodes" || !(f >> word >> m) || word != "edges") return false;
  g.nodes.resize(n);
  for (NodeSpec& s : g.nodes)
    if (!(f >> s.width >> s.height >> s.in_ports >> s.out_ports)) return false;
  g.edges.resize(m);
  for (EdgeSpec& e : g.edges) {
    long long fp, tp;
    if (!(f >> e.from >> fp >> e.to >> tp)) return false;
    e.from_port = fp < 0 ? kFreePort : static_cast<uint32_t>(fp);
    e.to_port = tp < 0 ? kFreePort : static_cast<uint32_t>(tp);
  }
  return true;
}

Graph stripPorts(Graph g) {
  for (NodeSpec& n : g.nodes) n.in_ports = n.out_ports = 0;
  for (EdgeSpec& e : g.edges) e.from_port = e.to_port = kFreePort;
  return g;
}

// Same graph for dot: fixed-size boxes (inches), the same separations, no ports.
bool writeDot(const Graph& g, const Options& o, const std::string& path) {
  std::ofstream f(path);
  if (!f) return false;
  f << "digraph G {\n  graph [nodesep=" << o.node_sep / 72.0 << ", ranksep=" << o.rank_sep / 72.0 << "];\n"
    << "  node [shape=box, fixedsize=true, label=\"\"];\n";
  for (size_t i = 0; i < g.nodes.size(); ++i)
    f << "  n" << i << " [width=" << g.nodes[i].width / 72.0 << ", height=" << g.nodes[i].height / 72.0 << "];\n";
  for (const EdgeSpec& e : g.edges) f << "  n" << e.from << " -> n" << e.to << ";\n";
  f << "}\n";
  return static_cast<bool>(f);
}

// Our layout in -Tplain form (inches, y up), TB only.
bool writePlain(const Graph& g, const Layout& l, const std::string& path) {
  std::ofstream f(path);
  if (!f) return false;
  const double h = l.bounds.height;
  f.precision(9);
  f << "graph 1 " << l.bounds.width / 72.0 << ' ' << h / 72.0 << '\n';
  for (size_t i = 0; i < g.nodes.size(); ++i)
    f << "node n" << i << ' ' << l.node_centers[i].x / 72.0 << ' ' << (h - l.node_centers[i].y) / 72.0 << ' '
      << g.nodes[i].width / 72.0 << ' ' << g.nodes[i].height / 72.0 << " \"\" solid box black lightgrey\n";
  for (size_t e = 0; e < g.edges.size(); ++e) {
    const EdgeRoute& r = l.edges[e];
    f << "edge n" << g.edges[e].from << " n" << g.edges[e].to << ' ' << r.point_count;
    for (uint32_t i = 0; i < r.point_count; ++i) {
      const Point& p = l.points[r.first_point + i];
      f << ' ' << p.x / 72.0 << ' ' << (h - p.y) / 72.0;
    }
    f << " solid black\n";
  }
  f << "stop\n";
  return static_cast<bool>(f);
}

// [SECTION] Geometric crossing count ------------------------------------------------

std::vector<std::string> tokenize(const std::string& line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    if (i == line.size()) break;
    std::string tok;
    if (line[i] == '"') {
      ++i;
      while (i < line.size() && line[i] != '"') {
        if (line[i] == '\\' && i + 1 < line.size()) ++i;
        tok += line[i++];
      }
      ++i;
    } else {
      while (i < line.size() && line[i] != ' ') tok += line[i++];
    }
    out.push_back(tok);
  }
  return out;
}

struct PlainDrawing {
  std::map<std::string, std::pair<double, double>> nodes;  // centre, y pointing down
  struct Edge {
    std::string tail, head;
    std::vector<std::pair<double, double>> pts;  // Bezier points, y pointing down
  };
  std::vector<Edge> edges;
};

bool readPlain(const std::string& path, PlainDrawing& d) {
  std::ifstream f(path);
  if (!f) return false;
  std::string line;
  while (std::getline(f, line)) {
    std::vector<std::string> t = tokenize(line);
    if (t.empty()) continue;
    if (t[0] == "node" && t.size() >= 4) {
      d.nodes[t[1]] = {std::stod(t[2]), -std::stod(t[3])};
    } else if (t[0] == "edge" && t.size() >= 4) {
      PlainDrawing::Edge e{t[1], t[2], {}};
      const size_t n = std::stoul(t[3]);
      for (size_t i = 0; i < n && 5 + 2 * i < t.size(); ++i)
        e.pts.push_back({std::stod(t[4 + 2 * i]), -std::stod(t[5 + 2 * i])});
      d.edges.push_back(std::move(e));
    }
  }
  return true;
}

// x where the piecewise cubic crosses height y (first crossing), or NaN.
double xAtY(const std::vector<std::pair<double, double>>& p, double y) {
  auto eval = [&](size_t i, double t, double& x, double& yy) {
    const double u = 1 - t;
    const double a = u * u * u, b = 3 * u * u * t, c = 3 * u * t * t, d = t * t * t;
    x = a * p[i].first + b * p[i + 1].first + c * p[i + 2].first + d * p[i + 3].first;
    yy = a * p[i].second + b * p[i + 1].second + c * p[i + 2].second + d * p[i + 3].second;
  };
  for (size_t i = 0; i + 3 < p.size(); i += 3) {
    const double lo = std::min({p[i].second, p[i + 1].second, p[i + 2].second, p[i + 3].second});
    const double hi = std::max({p[i].second, p[i + 1].second, p[i + 2].second, p[i + 3].second});
    if (y < lo || y > hi) continue;
    constexpr int kSamples = 16;
    double px, py;
    eval(i, 0.0, px, py);
    double pt = 0.0;
    for (int s = 1; s <= kSamples; ++s) {
      const double t = static_cast<double>(s) / kSamples;
      double x, yy;
      eval(i, t, x, yy);
      if ((py - y) * (yy - y) <= 0) {
        double a = pt, b = t, fa = py - y;
        if (fa == 0) return px;
        for (int it = 0; it < 50; ++it) {
          const double mid = 0.5 * (a + b);
          double mx, my;
          eval(i, mid, mx, my);
          if ((my - y) * fa <= 0) b = mid;
          else a = mid, fa = my - y;
        }
        eval(i, 0.5 * (a + b), px, py);
        return px;
      }
      px = x, py = yy, pt = t;
    }
  }
  return std::nan("");
}

uint64_t countPlainCrossings(const PlainDrawing& d) {
  // Levels: distinct node centre heights (rounded: plain output has ~5 decimals).
  auto key = [](double y) { return static_cast<long long>(std::llround(y * 1000.0)); };
  std::vector<long long> keys;
  for (const auto& [name, c] : d.nodes) keys.push_back(key(c.second));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  std::map<long long, size_t> level_of;
  for (size_t i = 0; i < keys.size(); ++i) level_of[keys[i]] = i;
  // Per level pair: (x at upper level, x at lower level).
  std::vector<std::vector<std::pair<long long, long long>>> between(keys.size());
  for (const PlainDrawing::Edge& e : d.edges) {
    auto t = d.nodes.find(e.tail), h = d.nodes.find(e.head);
    if (t == d.nodes.end() || h == d.nodes.end()) continue;
    size_t lt = level_of[key(t->second.second)], lh = level_of[key(h->second.second)];
    double xt = t->second.first, xh = h->second.first;
    if (lt == lh) continue;
    if (lt > lh) std::swap(lt, lh), std::swap(xt, xh);
    std::vector<long long> xs;
    xs.push_back(std::llround(xt * 10000.0));
    for (size_t l = lt + 1; l < lh; ++l) {
      double x = xAtY(e.pts, keys[l] / 1000.0);
      if (std::isnan(x)) x = xt + (xh - xt) * (l - lt) / double(lh - lt);  // no curve there: straight line
      xs.push_back(std::llround(x * 10000.0));
    }
    xs.push_back(std::llround(xh * 10000.0));
    for (size_t l = lt; l < lh; ++l) between[l].push_back({xs[l - lt], xs[l - lt + 1]});
  }
  uint64_t crossings = 0;
  for (auto& segs : between) {
    if (segs.size() < 2) continue;
    std::sort(segs.begin(), segs.end());
    std::vector<long long> lower;
    for (const auto& s : segs) lower.push_back(s.second);
    std::sort(lower.begin(), lower.end());
    lower.erase(std::unique(lower.begin(), lower.end()), lower.end());
    std::vector<uint64_t> fenwick(lower.size() + 1, 0);
    uint64_t inserted = 0;
    for (const auto& s : segs) {
      const size_t idx = std::lower_bound(lower.begin(), lower.end(), s.second) - lower.begin() + 1;
      uint64_t not_greater = 0;  // inserted with lower x <= this one
      for (size_t i = idx; i > 0; i -= i & (~i + 1)) not_greater += fenwick[i];
      crossings += inserted - not_greater;
      for (size_t i = idx; i < fenwick.size(); i += i & (~i + 1)) ++fenwick[i];
      ++inserted;
    }
  }
  return crossings;
}

// [SECTION] Benchmark ----------------------------------------------------------------

struct Run {
  Layout layout;
  double total_ms = 0.0;  // wall clock
  double cpu_ms = 0.0;    // process CPU time: what the layout costs on a loaded machine
  int steps = 0;          // sliced runs: step() calls
  double longest_step_ms = 0.0;
};

double cpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// slice_ms > 0: run as a LayoutJob in slices of that budget (what the web app does
// once per frame) and record the longest step.
Run timedLayout(const Graph& g, const Options& o, int repeat, double slice_ms = 0.0) {
  using nf::bench::Clock;
  using nf::bench::msSince;
  std::vector<Run> runs;
  for (int i = 0; i < std::max(1, repeat); ++i) {
    Run run;
    const auto t0 = Clock::now();
    const double c0 = cpuMs();
    if (slice_ms > 0) {
      LayoutJob job(g, o);
      while (true) {
        const auto s0 = Clock::now();
        const bool done = job.step(slice_ms);
        run.longest_step_ms = std::max(run.longest_step_ms, msSince(s0));
        ++run.steps;
        if (done) break;
      }
      if (!job.succeeded()) {
        std::fprintf(stderr, "layout failed: %s\n", job.status().message().c_str());
        std::exit(1);
      }
      run.layout = job.takeLayout();
    } else {
      nf::Result<Layout> r = layoutGraph(g, o);
      if (!r) {
        std::fprintf(stderr, "layout failed: %s\n", r.error().message.c_str());
        std::exit(1);
      }
      run.layout = std::move(*r);
    }
    run.cpu_ms = cpuMs() - c0;
    run.total_ms = msSince(t0);
    runs.push_back(std::move(run));
  }
  std::sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) { return a.cpu_ms < b.cpu_ms; });
  return std::move(runs[runs.size() / 2]);
}

// FNV-1a over every deterministic byte of a layout (not the timings): equal hashes
// from the native and the WebAssembly build mean byte-identical output.
uint64_t layoutHash(const Layout& l) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](const void* p, size_t n) {
    const unsigned char* b = static_cast<const unsigned char*>(p);
    for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
  };
  mix(l.node_centers.data(), l.node_centers.size() * sizeof(Point));
  mix(l.points.data(), l.points.size() * sizeof(Point));
  for (const EdgeRoute& r : l.edges) {
    mix(&r.first_point, sizeof r.first_point);
    mix(&r.point_count, sizeof r.point_count);
    mix(&r.arrow_dir, sizeof r.arrow_dir);
  }
  mix(&l.bounds, sizeof l.bounds);
  return h;
}

void printHeader() {
  std::printf("%-16s %8s %8s %8s %7s %6s %10s %12s |", "graph", "nodes", "edges", "dummies", "ranks", "ns_it",
              "crossings", "edge_len");
  for (int p = 0; p < kPhaseCount; ++p) std::printf(" %9s", phaseName(static_cast<Phase>(p)));
  std::printf(" | %9s %9s %7s %8s\n", "wall_ms", "cpu_ms", "steps", "max_step");
}

void printRow(const std::string& name, const Graph& g, const Run& run) {
  const Stats& s = run.layout.stats;
  std::printf("%-16s %8zu %8zu %8u %7u %6u %10llu %12.0f |", name.c_str(), g.nodes.size(), g.edges.size(),
              s.dummy_count, s.rank_count, s.simplex_iterations, static_cast<unsigned long long>(s.crossings),
              s.edge_length);
  for (int p = 0; p < kPhaseCount; ++p) std::printf(" %9.1f", s.phase_ms[p]);
  std::printf(" | %9.1f %9.1f %7d %8.1f\n", run.total_ms, run.cpu_ms, run.steps, run.longest_step_ms);
  std::fflush(stdout);
}

Graph makeFamily(const std::string& family, uint32_t size, bool ports) {
  if (family == "transformer") return families::transformerOfSize(size, 5, ports);
  if (family == "encoder") return families::encoderOfSize(size, 5, ports);
  if (family == "densenet") return families::denseNetOfSize(size, 6, ports);
  if (family == "random") return families::randomDag(size, size * 3 / 2, 7, ports);
  std::fprintf(stderr, "unknown family '%s' (transformer, encoder, densenet, random)\n", family.c_str());
  std::exit(1);
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(item);
  return out;
}

int usage() {
  std::fprintf(stderr,
               "usage: layout_bench [--sizes N,..] [--families F,..] [--no-ports] [--no-bundle] [--lr] [--repeat N]\n"
               "                    [--slice MS] [--hash]\n"
               "       layout_bench --write-graph FAMILY SIZE OUT [--no-ports]\n"
               "       layout_bench --write-dot IN.graph OUT.dot\n"
               "       layout_bench --layout IN.graph [--plain OUT] [--no-bundle] [--repeat N]\n"
               "       layout_bench --count-plain FILE\n");
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<uint32_t> sizes = {1000, 10000, 20000, 100000};
  std::vector<std::string> fams = {"transformer", "densenet"};
  bool ports = true;
  int repeat = 1;
  double slice_ms = 0.0;
  bool print_hash = false;
  Options options;
  std::string mode, plain_out;
  std::vector<std::string> positional;
  for (nf::bench::Args a(argc, argv); a.more();) {
    std::string list;
    if (a.option("--sizes", &list)) {
      sizes.clear();
      for (const std::string& s : split(list)) sizes.push_back(static_cast<uint32_t>(std::stoul(s)));
    } else if (a.option("--families", &list)) fams = split(list);
    else if (a.flag("--no-ports")) ports = false;
    else if (a.flag("--no-bundle")) options.bundle_fanout = false;
    else if (a.flag("--lr")) options.direction = Direction::LeftToRight;
    else if (a.option("--repeat", &repeat, 1) || a.option("--slice", &slice_ms) || a.option("--plain", &plain_out)) continue;
    else if (a.flag("--hash")) print_hash = true;
    else if (std::string arg = a.next(); arg == "--write-graph" || arg == "--write-dot" || arg == "--layout" ||
                                          arg == "--count-plain")
      mode = arg;
    else if (!arg.empty() && arg[0] == '-') return usage();
    else positional.push_back(arg);
  }
  if (mode == "--write-graph") {
    if (positional.size() != 3) return usage();
    Graph g = makeFamily(positional[0], static_cast<uint32_t>(std::stoul(positional[1])), ports);
    if (!writeGraph(g, positional[2])) return std::fprintf(stderr, "cannot write %s\n", positional[2].c_str()), 1;
    std::printf("%zu nodes, %zu edges\n", g.nodes.size(), g.edges.size());
    return 0;
  }
  if (mode == "--write-dot") {
    Graph g;
    if (positional.size() != 2 || !readGraph(positional[0], g)) return usage();
    return writeDot(g, options, positional[1]) ? 0 : 1;
  }
  if (mode == "--layout") {
    Graph g;
    if (positional.size() != 1 || !readGraph(positional[0], g)) return usage();
    Run run = timedLayout(g, options, repeat, slice_ms);
    printHeader();
    printRow("file", g, run);
    std::printf("layout hash %016llx\n", static_cast<unsigned long long>(layoutHash(run.layout)));
    if (!plain_out.empty() && !writePlain(g, run.layout, plain_out)) return 1;
    return 0;
  }
  if (mode == "--count-plain") {
    PlainDrawing d;
    if (positional.size() != 1 || !readPlain(positional[0], d)) return usage();
    std::printf("%llu\n", static_cast<unsigned long long>(countPlainCrossings(d)));
    return 0;
  }
  printHeader();
  for (const std::string& f : fams)
    for (uint32_t size : sizes) {
      Graph g = makeFamily(f, size, ports);
      Run run = timedLayout(g, options, repeat, slice_ms);
      printRow(f + "-" + std::to_string(size / 1000) + "k", g, run);
      if (print_hash) std::printf("  layout hash %016llx\n", static_cast<unsigned long long>(layoutHash(run.layout)));
    }
  return 0;
}
