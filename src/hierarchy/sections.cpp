// Sections: the last resort that keeps every box openable at a glance.
#include <algorithm>

#include "hierarchy/draft.h"

namespace nf::hierarchy::detail {

std::vector<uint32_t> firstNodes(const Draft& d) {
  std::vector<uint32_t> first(d.groups.size(), kNoIndex);
  // Children can have smaller or larger draft indices than their parent (series and
  // sections are added late), so walk the tree explicitly: post-order from the root.
  std::vector<std::pair<uint32_t, size_t>> stack = {{0, 0}};
  while (!stack.empty()) {
    auto& [g, next] = stack.back();
    const DraftGroup& grp = d.groups[g];
    if (next < grp.children.size()) {
      uint32_t c = grp.children[next++];
      stack.push_back({c, 0});
      continue;
    }
    uint32_t m = grp.nodes.empty() ? kNoIndex : grp.nodes.front();
    for (uint32_t c : grp.children) m = std::min(m, first[c]);
    first[g] = m;
    stack.pop_back();
  }
  return first;
}

namespace {

std::vector<uint32_t> lastNodes(const Draft& d) {
  std::vector<uint32_t> last(d.groups.size(), 0);
  std::vector<std::pair<uint32_t, size_t>> stack = {{0, 0}};
  while (!stack.empty()) {
    auto& [g, next] = stack.back();
    const DraftGroup& grp = d.groups[g];
    if (next < grp.children.size()) {
      uint32_t c = grp.children[next++];
      stack.push_back({c, 0});
      continue;
    }
    uint32_t m = grp.nodes.empty() ? 0 : grp.nodes.back();
    for (uint32_t c : grp.children) m = std::max(m, last[c]);
    last[g] = m;
    stack.pop_back();
  }
  return last;
}

}  // namespace

// An entry is a direct node or a child group; entries are taken in display order
// (by first node). Series are left whole: the visible graph folds them instead. Only
// entries that show as items count (children, and nodes not in a foldable category:
// hundreds of folded constants do not make a box crowded). A crowded group's entries
// are cut into the fewest runs of at most max_direct_items counted entries, of even
// size, each run becoming one Section; sections are checked again in turn, so a
// million entries become nested sections.
void cutSections(const BuildOptions& options, const std::vector<uint8_t>& categories, Draft* d) {
  const uint32_t max_items = std::max<uint32_t>(options.max_direct_items, 4);
  std::vector<uint32_t> first = firstNodes(*d), last = lastNodes(*d);
  for (uint32_t gi = 0; gi < d->groups.size(); ++gi) {
    // A long series is not cut: folding it (visible.h) shows one instance for all.
    if (!d->groups[gi].alive || d->groups[gi].kind == GroupKind::Series) continue;
    struct Entry {
      uint32_t first, last;
      bool is_node;
      uint32_t id;
      bool counts;
    };
    std::vector<Entry> entries;
    size_t counted = 0;
    for (uint32_t v : d->groups[gi].nodes) {
      bool counts = (categories[v] & kFoldableCategories) == 0;
      entries.push_back({v, v, true, v, counts});
      counted += counts;
    }
    for (uint32_t c : d->groups[gi].children) {
      entries.push_back({first[c], last[c], false, c, true});
      ++counted;
    }
    if (counted <= max_items) continue;
    std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.first < b.first; });
    const size_t runs = (counted + max_items - 1) / max_items;
    const size_t per = (counted + runs - 1) / runs;
    d->groups[gi].nodes.clear();
    d->groups[gi].children.clear();
    for (size_t i = 0; i < entries.size();) {
      DraftGroup s;
      s.kind = GroupKind::Section;
      s.parent = gi;
      s.transparent = true;
      uint32_t lo = kNoIndex, hi = 0;
      size_t in_run = 0;
      // A run takes `per` counted entries plus the folded nodes among and after them;
      // the last run takes everything left.
      for (; i < entries.size() && (in_run < per || !entries[i].counts || runs == 1); ++i) {
        in_run += entries[i].counts;
        lo = std::min(lo, entries[i].first);
        hi = std::max(hi, entries[i].last);
        if (entries[i].is_node) s.nodes.push_back(entries[i].id);
        else s.children.push_back(entries[i].id);
      }
      s.name = "nodes " + std::to_string(lo) + ".." + std::to_string(hi);
      s.key = "~nodes" + std::to_string(lo) + "-" + std::to_string(hi);
      std::sort(s.nodes.begin(), s.nodes.end());
      uint32_t sid = d->add(std::move(s));
      for (uint32_t c : d->groups[sid].children) d->groups[c].parent = sid;
      d->groups[gi].children.push_back(sid);
      first.push_back(lo);
      last.push_back(hi);
    }
  }
}

}  // namespace nf::hierarchy::detail
