#include "layout/splitting.h"

#include <algorithm>

#include "layout/slots.h"

namespace nf::layout {

float Splitting::progress() const {
  const float n = acyclic_.node_count ? static_cast<float>(acyclic_.node_count) : 1.0f;
  switch (stage_) {
    case Stage::Nodes: return 0.0f;
    case Stage::Edges: return 0.1f + 0.7f * cursor_ / n;
    case Stage::DownLists:
    case Stage::UpLists: return 0.8f;
    case Stage::Done: return 1.0f;
  }
  return 0.0f;
}

uint32_t Splitting::upperSlot(uint32_t e) const { return tailSlot(graph_, acyclic_, e); }
uint32_t Splitting::lowerSlot(uint32_t e) const { return headSlot(graph_, acyclic_, e); }

uint32_t Splitting::addDummy(int32_t rank) {
  uint32_t id = static_cast<uint32_t>(out_.rank.size());
  out_.rank.push_back(rank);
  out_.width.push_back(0.0f);
  out_.height.push_back(0.0f);
  out_.top_ports.push_back(0);
  out_.bottom_ports.push_back(0);
  return id;
}

uint32_t Splitting::addSegment(uint32_t upper, uint32_t lower, uint32_t upper_slot, uint32_t lower_slot,
                               uint32_t weight) {
  out_.segments.push_back({upper, lower, upper_slot, lower_slot, weight});
  return static_cast<uint32_t>(out_.segments.size() - 1);
}

// A chain of dummies of its own for edge e.
void Splitting::splitAlone(uint32_t e) {
  const auto& rank = ranking_.rank;
  const uint32_t v = acyclic_.tail[e], h = acyclic_.head[e];
  const int32_t span = rank[h] - rank[v];
  ProperGraph::EdgePath& path = out_.paths[e];
  uint32_t prev = v, prev_slot = upperSlot(e);
  path.trunk_len = static_cast<uint32_t>(span - 1);
  for (int32_t k = 1; k < span; ++k) {
    const uint32_t d = addDummy(rank[v] + k);
    const uint32_t s = addSegment(prev, d, prev_slot, 0, 1);
    if (k == 1) path.trunk_first = s;
    prev = d;
    prev_slot = 0;
  }
  path.last = addSegment(prev, h, 0, lowerSlot(e), 1);
}

void Splitting::splitFrom(uint32_t v) {
  const auto& rank = ranking_.rank;
  const uint32_t begin = acyclic_.out_begin[v], end = acyclic_.out_begin[v + 1];
  // Direct edges and unbundled long edges first, in edge order.
  group_.clear();
  for (uint32_t i = begin; i < end; ++i) {
    uint32_t e = acyclic_.out_edges[i];
    uint32_t h = acyclic_.head[e];
    int32_t span = rank[h] - rank[v];
    ProperGraph::EdgePath& path = out_.paths[e];
    if (span == 1) {
      path.last = addSegment(v, h, upperSlot(e), lowerSlot(e), 1);
    } else if (options_.bundle_fanout && !acyclic_.reversed[e]) {
      group_.push_back(e);
    } else {
      splitAlone(e);
    }
  }
  if (group_.empty()) return;
  // Bundles: one per upper slot, edges in (slot, edge id) order.
  std::stable_sort(group_.begin(), group_.end(),
                   [&](uint32_t a, uint32_t b) { return upperSlot(a) < upperSlot(b); });
  for (size_t i = 0; i < group_.size();) {
    size_t j = i;
    const uint32_t slot = upperSlot(group_[i]);
    int32_t max_span = 0;
    while (j < group_.size() && upperSlot(group_[j]) == slot) {
      max_span = std::max(max_span, rank[acyclic_.head[group_[j]]] - rank[v]);
      ++j;
    }
    // Small fan-outs stay separate edges: each can then pass on its own side of
    // whatever lies between, which a shared trunk cannot (fewer crossings).
    int64_t separate = 0;
    for (size_t g = i; g < j; ++g) separate += rank[acyclic_.head[group_[g]]] - rank[v] - 1;
    if (separate - (max_span - 1) < static_cast<int64_t>(options_.bundle_min_saving)) {
      for (size_t g = i; g < j; ++g) splitAlone(group_[g]);
      i = j;
      continue;
    }
    // Trunk: segment k (k = 0 .. max_span - 2) enters dummy k at rank[v] + k + 1; it
    // carries every edge whose span is at least k + 2.
    span_counts_.assign(static_cast<size_t>(max_span) + 1, 0);
    for (size_t g = i; g < j; ++g) ++span_counts_[rank[acyclic_.head[group_[g]]] - rank[v]];
    const uint32_t trunk_first = static_cast<uint32_t>(out_.segments.size());
    const uint32_t first_dummy = static_cast<uint32_t>(out_.rank.size());
    uint32_t prev = v, prev_slot = slot;
    for (int32_t k = 0; k + 1 < max_span; ++k) {
      uint32_t d = addDummy(rank[v] + k + 1);
      addSegment(prev, d, prev_slot, 0, 0);
      prev = d;
      prev_slot = 0;
    }
    // Weights as suffix counts: segment k carries the edges with span >= k + 2.
    uint32_t suffix = 0;
    for (int32_t k = max_span - 2; k >= 0; --k) {
      suffix += span_counts_[k + 2];
      out_.segments[trunk_first + k].weight = suffix;
    }
    for (size_t g = i; g < j; ++g) {
      uint32_t e = group_[g];
      uint32_t h = acyclic_.head[e];
      int32_t span = rank[h] - rank[v];
      ProperGraph::EdgePath& path = out_.paths[e];
      path.trunk_first = trunk_first;
      path.trunk_len = static_cast<uint32_t>(span - 1);
      path.last = addSegment(first_dummy + static_cast<uint32_t>(span - 2), h, 0, lowerSlot(e), 1);
    }
    i = j;
  }
}

bool Splitting::run(Budget& budget) {
  const uint32_t n = acyclic_.node_count;
  switch (stage_) {
    case Stage::Nodes: {
      const bool lr = options_.direction == Direction::LeftToRight;
      out_.real_count = n;
      out_.rank_count = ranking_.rank_count;
      out_.rank = ranking_.rank;
      out_.width.resize(n);
      out_.height.resize(n);
      out_.top_ports.resize(n);
      out_.bottom_ports.resize(n);
      for (uint32_t v = 0; v < n; ++v) {
        const NodeSpec& s = graph_.nodes[v];
        out_.width[v] = lr ? s.height : s.width;
        out_.height[v] = lr ? s.width : s.height;
        out_.top_ports[v] = s.in_ports;
        out_.bottom_ports[v] = s.out_ports;
      }
      out_.paths.assign(graph_.edges.size(), ProperGraph::EdgePath{});
      out_.segments.reserve(acyclic_.out_edges.size() * 2);
      stage_ = Stage::Edges;
      if (budget.tick(n + static_cast<uint32_t>(graph_.edges.size()))) return false;
      [[fallthrough]];
    }
    case Stage::Edges: {
      while (cursor_ < n) {
        size_t before = out_.segments.size();
        splitFrom(cursor_++);
        if (budget.tick(1 + static_cast<uint32_t>(out_.segments.size() - before))) return false;
      }
      stage_ = Stage::DownLists;
      [[fallthrough]];
    }
    case Stage::DownLists: {
      const uint32_t segs = static_cast<uint32_t>(out_.segments.size());
      if (!csr_.run(out_.nodeCount(), segs, [&](uint32_t s) { return out_.segments[s].upper; }, out_.down_begin,
                    out_.down_segs, budget))
        return false;
      csr_ = {};
      stage_ = Stage::UpLists;
      [[fallthrough]];
    }
    case Stage::UpLists: {
      const uint32_t segs = static_cast<uint32_t>(out_.segments.size());
      if (!csr_.run(out_.nodeCount(), segs, [&](uint32_t s) { return out_.segments[s].lower; }, out_.up_begin,
                    out_.up_segs, budget))
        return false;
      csr_ = {};
      group_ = {};
      span_counts_ = {};
      stage_ = Stage::Done;
      return true;
    }
    case Stage::Done: return true;
  }
  return true;
}

}  // namespace nf::layout
