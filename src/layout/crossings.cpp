#include "layout/crossings.h"

#include <algorithm>

namespace nf::layout {

uint64_t countLayerCrossings(const ProperGraph& g, const Ordering& o, int32_t r, CrossingScratch& s) {
  const uint32_t* upper = o.layer(r);
  const uint32_t* lower = o.layer(r + 1);
  const uint32_t upper_n = o.layerSize(r), lower_n = o.layerSize(r + 1);
  // Dense index of every (lower node, top slot) in left-to-right order.
  s.prefix.resize(lower_n);
  uint32_t slots = 0;
  for (uint32_t i = 0; i < lower_n; ++i) {
    s.prefix[i] = slots;
    slots += g.topSlots(lower[i]);
  }
  if (slots == 0) return 0;
  uint32_t leaves = 1;
  while (leaves < slots) leaves <<= 1;
  s.tree.assign(2 * leaves - 1, 0);
  uint64_t crossings = 0;
  for (uint32_t i = 0; i < upper_n; ++i) {
    const uint32_t u = upper[i];
    s.entries.clear();
    for (uint32_t k = g.down_begin[u]; k < g.down_begin[u + 1]; ++k) {
      const ProperGraph::Segment& seg = g.segments[g.down_segs[k]];
      s.entries.push_back({seg.upper_slot, s.prefix[o.pos[seg.lower]] + seg.lower_slot, seg.weight});
    }
    std::sort(s.entries.begin(), s.entries.end(), [](const CrossingScratch::Entry& a, const CrossingScratch::Entry& b) {
      return a.upper_slot != b.upper_slot ? a.upper_slot < b.upper_slot : a.lower_index < b.lower_index;
    });
    // Insert in (upper, lower) order; each insertion crosses everything already in
    // the tree with a strictly greater lower index.
    for (const CrossingScratch::Entry& e : s.entries) {
      uint32_t index = e.lower_index + leaves - 1;
      s.tree[index] += e.weight;
      while (index > 0) {
        if (index % 2 == 1) crossings += s.tree[index + 1] * e.weight;  // left child: right sibling is greater
        index = (index - 1) / 2;
        s.tree[index] += e.weight;
      }
    }
  }
  return crossings;
}

uint64_t countAllCrossings(const ProperGraph& g, const Ordering& o) {
  CrossingScratch scratch;
  uint64_t total = 0;
  for (int32_t r = 0; r + 1 < g.rank_count; ++r) total += countLayerCrossings(g, o, r, scratch);
  return total;
}

uint64_t countLayerCrossingsBrute(const ProperGraph& g, const Ordering& o, int32_t r) {
  struct End {
    uint64_t upper, lower;
    uint32_t weight;
  };
  std::vector<End> ends;
  const uint32_t* upper = o.layer(r);
  for (uint32_t i = 0; i < o.layerSize(r); ++i) {
    uint32_t u = upper[i];
    for (uint32_t k = g.down_begin[u]; k < g.down_begin[u + 1]; ++k) {
      const ProperGraph::Segment& seg = g.segments[g.down_segs[k]];
      ends.push_back({(uint64_t{o.pos[u]} << 32) | seg.upper_slot, (uint64_t{o.pos[seg.lower]} << 32) | seg.lower_slot,
                      seg.weight});
    }
  }
  uint64_t crossings = 0;
  for (size_t a = 0; a < ends.size(); ++a)
    for (size_t b = a + 1; b < ends.size(); ++b) {
      bool cross = (ends[a].upper < ends[b].upper && ends[a].lower > ends[b].lower) ||
                   (ends[a].upper > ends[b].upper && ends[a].lower < ends[b].lower);
      if (cross) crossings += uint64_t{ends[a].weight} * ends[b].weight;
    }
  return crossings;
}

}  // namespace nf::layout
