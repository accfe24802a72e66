// netforge summary FILE [--format text|md|csv|json] [--depth N] [--ops] [--sort macs|params|name|type]
//                       [--filter TEXT] [--all]
// Like Keras summary()/torchinfo: for a model with name scopes, one row per module
// down to --depth (default 3), identical repeated modules folded
// (hierarchy/module_summary.h); --ops lists each module's ops below it; --flat, --sort,
// --filter (or a model without scopes) give one row per op with its output shape. Params, MACs and totals either way.
#include <cstdio>
#include <cstdlib>

#include "cli/commands.h"
#include "cli/load_model.h"
#include "hierarchy/hierarchy.h"
#include "hierarchy/module_summary.h"
#include "shapes/inference.h"
#include "shapes/metrics.h"
#include "shapes/summary.h"

namespace nf::cli {

int runSummary(const Args& args) {
  std::string format = args.get("format", "text");
  if (format != "text" && format != "md" && format != "markdown" && format != "csv" && format != "json") {
    std::fprintf(stderr, "netforge summary: unknown format '%s' (text, md, csv or json)\n", format.c_str());
    return kExitUsage;
  }
  shapes::SummaryOptions opt;
  hierarchy::ModuleSummaryOptions mod;
  mod.ops = args.has("ops");
  if (args.has("depth")) {
    std::string d = args.get("depth");
    char* end = nullptr;
    long v = std::strtol(d.c_str(), &end, 10);
    if (d.empty() || *end || v < 1 || v > 64) {
      std::fprintf(stderr, "netforge summary: --depth expects a number from 1 to 64 (got '%s')\n", d.c_str());
      return kExitUsage;
    }
    mod.depth = static_cast<int>(v);
  }
  if (args.has("sort")) {
    std::string s = args.get("sort");
    using S = shapes::SummaryOptions::Sort;
    if (s == "macs") opt.sort = S::Macs;
    else if (s == "params") opt.sort = S::Params;
    else if (s == "name") opt.sort = S::Name;
    else if (s == "type") opt.sort = S::Type;
    else {
      std::fprintf(stderr, "netforge summary: unknown sort key '%s' (macs, params, name or type)\n", s.c_str());
      return kExitUsage;
    }
    opt.descending = s == "macs" || s == "params";
  }
  opt.filter = args.get("filter");
  opt.show_constant_nodes = args.has("all");

  ir::Model m;
  if (!loadModelOrExplain(args.positional[0], &m)) return kExitBadInput;
  shapes::InferenceResult inf = shapes::inferShapes(m);
  shapes::Metrics met = shapes::computeMetrics(m, inf);
  shapes::SummaryTable t;
  auto h = hierarchy::buildHierarchy(m);
  // A sorted or filtered list is of ops: a tree has no one order to sort by.
  const bool flat = args.has("flat") || args.has("sort") || !opt.filter.empty();
  if (!flat && h && hierarchy::hasModules(*h)) {
    t = hierarchy::buildModuleSummary(m, *h, met, mod);
  } else {
    t = shapes::buildSummary(m, inf, met, opt);
  }
  std::string out;
  if (format == "json") out = shapes::formatJson(t);
  else if (format == "csv") out = shapes::formatCsv(t);
  else if (format == "md" || format == "markdown") out = shapes::formatMarkdown(t);
  else out = shapes::formatText(t);
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

}  // namespace nf::cli
