// buildHierarchy: runs the steps of draft.h, then numbers the groups (finalize).
#include <algorithm>

#include "base/timing.h"
#include "hierarchy/draft.h"
#include "hierarchy/hierarchy.h"
#include "hierarchy/repeats.h"

namespace nf::hierarchy {

const char* groupKindName(GroupKind k) {
  switch (k) {
    case GroupKind::Root: return "root";
    case GroupKind::Scope: return "scope";
    case GroupKind::Series: return "series";
    case GroupKind::Block: return "block";
    case GroupKind::Section: return "section";
  }
  return "scope";
}

GroupId Hierarchy::findPath(std::string_view path) const {
  auto it = std::lower_bound(path_order.begin(), path_order.end(), path,
                             [&](uint32_t g, std::string_view p) { return groups[g].path < p; });
  if (it == path_order.end() || groups[*it].path != path) return GroupId{};
  return GroupId{*it};
}

namespace {

using detail::Draft;
using detail::DraftGroup;

// Live draft groups -> Hierarchy::groups in pre-order. Children are shown by first
// node, except that series keep instance order and sections keep their runs.
// Returns the block class of each final group.
std::vector<int32_t> finalize(Draft& d, Hierarchy* h) {
  std::vector<uint32_t> first = detail::firstNodes(d);
  for (DraftGroup& g : d.groups) {
    if (!g.alive || g.kind == GroupKind::Series || g.kind == GroupKind::Section) continue;
    std::stable_sort(g.children.begin(), g.children.end(), [&](uint32_t a, uint32_t b) { return first[a] < first[b]; });
  }
  h->groups.clear();
  std::vector<int32_t> block_class;
  // Pre-order walk; each stack entry carries the final parent id, the path prefix
  // its children's keys extend, and the series its children belong to.
  struct Frame {
    uint32_t draft;
    uint32_t parent;
    std::string prefix;
    uint32_t series;
  };
  std::vector<Frame> stack = {{0, kNoIndex, std::string(), kNoIndex}};
  while (!stack.empty()) {
    Frame f = std::move(stack.back());
    stack.pop_back();
    const DraftGroup& dg = d.groups[f.draft];
    const uint32_t id = static_cast<uint32_t>(h->groups.size());
    Group g;
    g.kind = dg.kind;
    g.name = dg.name;
    g.path = f.draft == 0 ? std::string() : (f.prefix.empty() ? dg.key : f.prefix + "/" + dg.key);
    g.parent = f.parent == kNoIndex ? GroupId{} : GroupId{f.parent};
    g.depth = f.parent == kNoIndex ? 0 : h->groups[f.parent].depth + 1;
    g.series = f.series == kNoIndex ? GroupId{} : GroupId{f.series};
    g.series_number = g.series.valid() ? dg.series_number : -1;
    for (uint32_t n : dg.nodes) g.nodes.push_back(ir::NodeId{n});
    if (g.parent.valid()) h->groups[f.parent].children.push_back(GroupId{id});
    h->groups.push_back(std::move(g));
    block_class.push_back(dg.block_class);

    std::string child_prefix = dg.transparent ? f.prefix : h->groups[id].path;
    uint32_t child_series = dg.kind == GroupKind::Series ? id : dg.kind == GroupKind::Section ? f.series : kNoIndex;
    for (size_t i = dg.children.size(); i-- > 0;)
      stack.push_back({dg.children[i], id, child_prefix, child_series});
  }

  // Counts and subtree ranges, children before parents (reverse pre-order).
  const uint32_t gcount = static_cast<uint32_t>(h->groups.size());
  h->node_group.assign(h->topology.node_count, GroupId{0});
  for (uint32_t g = 0; g < gcount; ++g) {
    Group& grp = h->groups[g];
    grp.node_count = static_cast<uint32_t>(grp.nodes.size());
    grp.first_node = grp.nodes.empty() ? kNoIndex : grp.nodes.front().index;
    grp.subtree_end = g + 1;
    for (ir::NodeId n : grp.nodes) h->node_group[n.index] = GroupId{g};
  }
  for (uint32_t g = gcount; g-- > 1;) {
    Group& grp = h->groups[g];
    Group& parent = h->groups[grp.parent.index];
    parent.node_count += grp.node_count;
    parent.first_node = std::min(parent.first_node, grp.first_node);
    parent.subtree_end = std::max(parent.subtree_end, grp.subtree_end);
  }
  if (h->groups[0].first_node == kNoIndex) h->groups[0].first_node = 0;

  h->path_order.resize(gcount);
  for (uint32_t g = 0; g < gcount; ++g) h->path_order[g] = g;
  std::sort(h->path_order.begin(), h->path_order.end(),
            [&](uint32_t a, uint32_t b) { return h->groups[a].path < h->groups[b].path; });
  return block_class;
}

}  // namespace

Result<Hierarchy> buildHierarchy(const ir::Model& model, ir::GraphId graph, const BuildOptions& options) {
  HierarchyJob job(model, graph, options);
  job.step(0);
  return job.take();
}

struct HierarchyJob::State {
  const ir::Model& model;
  ir::GraphId graph;
  BuildOptions options;
  uint32_t pass = 0;  // the next pass to run
  Hierarchy h;
  Draft d;
  std::string error;
  std::unique_ptr<TopologyBuilder> topology;    // pass 0, while it runs
  std::unique_ptr<DeclutterBuilder> declutter;  // pass 1, while it runs
  std::unique_ptr<detail::BlockSearch> blocks;  // pass 3, while it runs
  uint64_t work = 0;                            // passes and slices of passes done
};

HierarchyJob::HierarchyJob(const ir::Model& model, ir::GraphId graph, BuildOptions options)
    : s_(std::make_unique<State>(State{model, graph, std::move(options), 0, Hierarchy{}, Draft{}, std::string(), nullptr, nullptr, nullptr, 0})) {
  if (!graph.valid() || graph.index >= model.graphs.size())
    s_->error = "graph " + std::to_string(graph.index) + " does not exist in this model";
}

HierarchyJob::~HierarchyJob() = default;

namespace {
constexpr uint32_t kHierarchyPasses = 5;
}

bool HierarchyJob::step(double budget_ms) {
  State& s = *s_;
  const auto start = SteadyClock::now();
  // A unit is not started when one as long as the last would overrun the budget (a
  // slice of the page then stays near its budget: units take up to 20 ms in wasm).
  auto unit_start = start;
  double last_unit_ms = 0;
  for (bool first = true;
       s.error.empty() && s.pass < kHierarchyPasses && (first || budget_ms <= 0 || msSince(start) + last_unit_ms < budget_ms);
       first = false, last_unit_ms = msSince(unit_start)) {
    unit_start = SteadyClock::now();
    const ir::Graph& g = s.model.graph(s.graph);
    Hierarchy& h = s.h;
    ++s.work;
    if (s.pass == 0) {
      // The arrays of a 200k-node graph take tens of ms: one part of them a unit.
      if (!s.topology) s.topology = std::make_unique<TopologyBuilder>(g);
      if (!s.topology->step()) continue;
      h.graph = s.graph;
      h.topology = s.topology->take();
      s.topology.reset();
      ++s.pass;
      continue;
    }
    if (s.pass == 1) {
      if (!s.declutter) s.declutter = std::make_unique<DeclutterBuilder>(g, h.topology, s.options.declutter);
      if (!s.declutter->step()) continue;
      h.declutter = s.declutter->take();
      s.declutter.reset();
      ++s.pass;
      continue;
    }
    if (s.pass == 3) {
      // The block search is the long pass (73 ms native on a 100k-node root group):
      // it runs in slices until the budget is spent, then resumes next call.
      if (!s.blocks)
        s.blocks = std::make_unique<detail::BlockSearch>(h.topology, h.declutter.node_categories, s.options, &s.d);
      // Its units are the work between two questions: the next one is taken to be as long.
      double asked_ms = msSince(start);
      auto out_of_time = [&] {
        const double now_ms = msSince(start), unit_ms = now_ms - asked_ms;
        asked_ms = now_ms;
        return budget_ms > 0 && now_ms + unit_ms >= budget_ms;
      };
      if (!s.blocks->step(out_of_time)) return false;
      s.blocks.reset();
      detail::cutSections(s.options, h.declutter.node_categories, &s.d);
      ++s.pass;
      continue;
    }
    switch (s.pass++) {
      case 2:
        detail::buildScopes(g, h.topology, h.declutter.node_categories, s.options, &s.d);
        h.source = s.d.source;
        break;
      case 4: detail::computeRepeatClasses(finalize(s.d, &h), &h); break;
    }
  }
  return !s.error.empty() || s.pass >= kHierarchyPasses;
}

uint32_t HierarchyJob::passesDone() const { return s_->pass; }

uint64_t HierarchyJob::workDone() const { return s_->work; }

Result<Hierarchy> HierarchyJob::take() {
  if (!s_->error.empty()) return Error{s_->error};
  if (s_->pass < kHierarchyPasses) return Error{"the hierarchy is not built yet"};
  return std::move(s_->h);
}

}  // namespace nf::hierarchy
