// netforge hierarchy FILE [--json] [--names on|off] [--budget N]: the group tree the app
// draws as boxes (name scopes, numbered series, repeated blocks found structurally),
// the repeat classes that share a colour, and what the app opens at first sight.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/strings.h"
#include "cli/commands.h"
#include "cli/load_model.h"
#include "hierarchy/hierarchy.h"
#include "hierarchy/report.h"
#include "hierarchy/visible.h"

namespace nf::cli {

namespace {

using hierarchy::GroupId;
using hierarchy::Hierarchy;

void printTree(const Hierarchy& h, GroupId g, int max_depth) {
  const hierarchy::Group& grp = h.group(g);
  if (static_cast<int>(grp.depth) > max_depth) return;
  std::string line(2 * grp.depth, ' ');
  line += grp.depth == 0 ? std::string("(graph)") : displayName(grp.name, 60);
  std::printf("%-56s %7u nodes", line.c_str(), grp.node_count);
  if (grp.repeat_class >= 0) std::printf("  [class %d]", grp.repeat_class);
  std::printf("\n");
  // Long series: show the first two instances only.
  size_t shown = 0;
  for (GroupId c : grp.children) {
    if (grp.kind == hierarchy::GroupKind::Series && shown == 2 && grp.children.size() > 3) {
      std::printf("%s  ... %zu more\n", std::string(2 * grp.depth, ' ').c_str(), grp.children.size() - 2);
      break;
    }
    printTree(h, c, max_depth);
    ++shown;
  }
}

}  // namespace

int runHierarchy(const Args& args) {
  hierarchy::BuildOptions options;
  std::string names = args.get("names", "on");
  if (names != "on" && names != "off") {
    std::fprintf(stderr, "netforge: --names takes on or off, not '%s'\n", displayName(names).c_str());
    return kExitUsage;
  }
  options.use_names = names == "on";
  hierarchy::FirstSightOptions sight;
  if (args.has("budget")) {
    char* end = nullptr;
    long v = std::strtol(args.get("budget").c_str(), &end, 10);
    if (end == args.get("budget").c_str() || *end != '\0' || v < 1 || v > 1000000) {
      std::fprintf(stderr, "netforge: --budget takes a positive number of items\n");
      return kExitUsage;
    }
    sight.max_items = static_cast<uint32_t>(v);
  }
  ir::Model m;
  if (!loadModelOrExplain(args.positional[0], &m)) return kExitBadInput;
  auto built = hierarchy::buildHierarchy(m, ir::GraphId{0}, options);
  if (!built) {
    std::fprintf(stderr, "netforge: %s\n", built.error().message.c_str());
    return kExitBadInput;
  }
  const Hierarchy& h = built.value();
  hierarchy::VisibleOptions vis;
  hierarchy::Expansion first = hierarchy::firstSight(h, vis, sight);
  hierarchy::VisibleGraph shown = hierarchy::visibleGraph(h, first, vis);

  if (args.has("json")) {
    std::fputs(hierarchy::hierarchyJson(h, &first, &shown).c_str(), stdout);
    return kExitOk;
  }

  const char* source = h.source == hierarchy::NameSource::Metadata ? "scope metadata"
                       : h.source == hierarchy::NameSource::Names  ? "node names"
                                                                   : "structure only";
  std::printf("%u nodes, %zu groups (from %s), %zu repeat classes\n", h.topology.node_count, h.groups.size(),
              source, h.repeats.size());
  printTree(h, h.root(), 3);
  if (!h.repeats.empty()) std::printf("\nRepeated structures (same colour in the app):\n");
  for (size_t c = 0; c < h.repeats.size() && c < 20; ++c) {
    const auto& rc = h.repeats[c];
    std::printf("  class %-3zu %4zu x %5u nodes   e.g. %s\n", c, rc.members.size(), rc.nodes_per_instance,
                displayName(h.group(rc.members[0]).path, 60).c_str());
  }
  if (h.repeats.size() > 20) std::printf("  ... %zu more classes\n", h.repeats.size() - 20);
  std::printf("\nDeclutter: %u constant, %u shape, %u Identity/Cast, %u high fan-out nodes\n",
              h.declutter.constant_count, h.declutter.shape_count, h.declutter.pass_through_count,
              h.declutter.high_fan_out_count);
  std::printf("First sight: %zu items, %zu edges (%u nodes folded)\n", shown.items.size(), shown.edges.size(),
              shown.folded_nodes);
  return kExitOk;
}

}  // namespace nf::cli
