#include "layout/layering.h"

#include <algorithm>
#include <limits>

#include "layout/csr.h"
#include "layout/slots.h"

namespace nf::layout {

namespace {

constexpr int kCompactPasses = 4;  // sink, rise, sink, rise

// Longest path from the sources respecting minlen, then greedy compaction: a node
// whose outgoing weight exceeds its incoming weight sinks to just above its nearest
// successor (sources sink next to their consumers), and the reverse. Each move
// keeps feasibility and never increases sum(weight * length).
void initialRanking(uint32_t n, const std::vector<SimplexEdge>& edges, std::vector<int32_t>& rank) {
  const uint32_t m = static_cast<uint32_t>(edges.size());
  std::vector<uint32_t> out_begin, out, in_begin, in;
  buildCsr(n, m, [&](uint32_t e) { return edges[e].tail; }, out_begin, out);
  buildCsr(n, m, [&](uint32_t e) { return edges[e].head; }, in_begin, in);
  std::vector<uint32_t> topo;
  topo.reserve(n);
  std::vector<uint32_t> indegree(n);
  for (uint32_t v = 0; v < n; ++v) {
    indegree[v] = in_begin[v + 1] - in_begin[v];
    if (indegree[v] == 0) topo.push_back(v);
  }
  for (size_t h = 0; h < topo.size(); ++h)
    for (uint32_t k = out_begin[topo[h]]; k < out_begin[topo[h] + 1]; ++k)
      if (--indegree[edges[out[k]].head] == 0) topo.push_back(edges[out[k]].head);
  rank.assign(n, 0);
  for (uint32_t v : topo)
    for (uint32_t k = in_begin[v]; k < in_begin[v + 1]; ++k)
      rank[v] = std::max(rank[v], rank[edges[in[k]].tail] + edges[in[k]].minlen);
  for (int pass = 0; pass < kCompactPasses; ++pass) {
    const bool sink = pass % 2 == 0;
    for (size_t i = 0; i < topo.size(); ++i) {
      const uint32_t v = sink ? topo[topo.size() - 1 - i] : topo[i];
      int64_t in_w = 0, out_w = 0;
      for (uint32_t k = in_begin[v]; k < in_begin[v + 1]; ++k) in_w += edges[in[k]].weight;
      for (uint32_t k = out_begin[v]; k < out_begin[v + 1]; ++k) out_w += edges[out[k]].weight;
      if (sink && out_w > in_w) {
        int32_t hi = std::numeric_limits<int32_t>::max();
        for (uint32_t k = out_begin[v]; k < out_begin[v + 1]; ++k)
          hi = std::min(hi, rank[edges[out[k]].head] - edges[out[k]].minlen);
        rank[v] = std::max(rank[v], hi);
      } else if (!sink && in_w > out_w) {
        int32_t lo = std::numeric_limits<int32_t>::min();
        for (uint32_t k = in_begin[v]; k < in_begin[v + 1]; ++k)
          lo = std::max(lo, rank[edges[in[k]].tail] + edges[in[k]].minlen);
        rank[v] = std::min(rank[v], lo);
      }
    }
  }
}

}  // namespace

Layering::Layering(const Graph& input, const AcyclicGraph& graph, const Options& options)
    : input_(input), g_(graph), options_(options) {
  switch (options.layering) {
    case LayeringStrategy::NetworkSimplex: use_simplex_ = true; break;
    case LayeringStrategy::LongestPath: use_simplex_ = false; break;
    case LayeringStrategy::Auto: use_simplex_ = true; break;  // decided after the reduction
  }
}

Layering::~Layering() = default;

float Layering::progress() const {
  const float pre = use_simplex_ ? 0.3f : 1.0f;  // share of the work before network simplex
  switch (stage_) {
    case Stage::Weights: return 0.0f;
    case Stage::Merge: return pre * 0.2f;
    case Stage::Reduce: return pre * 0.4f;
    case Stage::Initial: return pre * 0.7f;
    case Stage::SimplexSetup: return pre * 0.9f;
    case Stage::Simplex: return pre + (1.0f - pre) * (simplex_ ? simplex_->progress() : 0.0f);
    case Stage::Expand:
    case Stage::Normalize: return 0.99f;
    case Stage::Done: return 1.0f;
  }
  return 0.0f;
}

bool Layering::run(Budget& budget) {
  const uint32_t n = g_.node_count;
  const uint32_t m = static_cast<uint32_t>(g_.out_edges.size());
  while (true) {
    switch (stage_) {
      case Stage::Weights: {
        if (cursor_ == 0) weight_.assign(g_.tail.size(), kWeightScale);
        while (options_.bundle_fanout && cursor_ < n) {
          const uint32_t v = cursor_++;
          group_.clear();
          for (uint32_t i = g_.out_begin[v]; i < g_.out_begin[v + 1]; ++i) {
            const uint32_t e = g_.out_edges[i];
            if (!g_.reversed[e]) group_.push_back({tailSlot(input_, g_, e), e});
          }
          std::sort(group_.begin(), group_.end());
          for (size_t i = 0; i < group_.size();) {
            size_t j = i;
            while (j < group_.size() && group_[j].first == group_[i].first) ++j;
            const int32_t k = static_cast<int32_t>(j - i);
            const int32_t w = k < kBundleWeightMinEdges ? kWeightScale : std::max<int32_t>(1, kWeightScale / k);
            for (size_t q = i; q < j; ++q) weight_[group_[q].second] = w;
            i = j;
          }
          if (budget.tick(1 + g_.out_begin[v + 1] - g_.out_begin[v])) return false;
        }
        cursor_ = 0;
        edges_.clear();
        edges_.reserve(m);
        stage_ = Stage::Merge;
        break;
      }
      case Stage::Merge: {
        // All edges between two nodes point the same way after DFS cycle breaking.
        while (cursor_ < n) {
          const uint32_t v = cursor_++;
          group_.clear();  // (head, weight)
          for (uint32_t i = g_.out_begin[v]; i < g_.out_begin[v + 1]; ++i)
            group_.push_back({g_.head[g_.out_edges[i]], static_cast<uint32_t>(weight_[g_.out_edges[i]])});
          std::sort(group_.begin(), group_.end());
          for (size_t i = 0; i < group_.size();) {
            size_t j = i;
            int32_t w = 0;
            while (j < group_.size() && group_[j].first == group_[i].first) w += static_cast<int32_t>(group_[j++].second);
            edges_.push_back({v, group_[i].first, w, 1});
            i = j;
          }
          if (budget.tick(1 + g_.out_begin[v + 1] - g_.out_begin[v])) return false;
        }
        nodes_ = n;
        weight_ = {};
        group_ = {};
        stage_ = Stage::Reduce;
        break;
      }
      case Stage::Reduce: {
        // One round per slice step; stop when a round no longer shrinks much.
        const uint32_t before = nodes_;
        rounds_.emplace_back();
        rounds_.back().build(nodes_, edges_);
        nodes_ = rounds_.back().reducedCount();
        edges_ = rounds_.back().reducedEdges();
        const bool again = static_cast<int>(rounds_.size()) < kReduceRounds && nodes_ < before - before / 20;
        if (!again) {
          reduced_nodes_ = nodes_;
          stage_ = Stage::Initial;
        }
        if (budget.tick(before + static_cast<uint32_t>(edges_.size()))) return false;
        break;
      }
      case Stage::Initial: {
        if (options_.layering == LayeringStrategy::Auto) use_simplex_ = nodes_ <= options_.simplex_max_nodes;
        initialRanking(nodes_, edges_, rank_);
        stage_ = use_simplex_ ? Stage::SimplexSetup : Stage::Expand;
        if (budget.tick(8 * (nodes_ + static_cast<uint32_t>(edges_.size())))) return false;
        break;
      }
      case Stage::SimplexSetup: {
        uint32_t cap = options_.simplex_max_iterations;
        if (cap == 0) cap = std::max<uint32_t>(1000, 4 * nodes_);
        // Work cap: a pivot walks the smaller side of its cut and two tree paths; bound
        // the total at 50 (n + m) units (~0.1 s natively at the size threshold on
        // graphs that do not reduce; ONNX graphs converge long before).
        const uint64_t work_cap = (static_cast<uint64_t>(nodes_) + edges_.size()) * 50 + 1000000;
        simplex_ = std::make_unique<NetworkSimplex>(nodes_, std::move(edges_), std::move(rank_), cap, work_cap);
        edges_ = {};
        stage_ = Stage::Simplex;
        break;
      }
      case Stage::Simplex: {
        if (!simplex_->run(budget)) return false;
        rank_ = std::move(simplex_->ranks());
        out_.network_simplex = true;
        out_.simplex_iterations = simplex_->iterations();
        out_.simplex_converged = simplex_->converged();
        simplex_.reset();
        stage_ = Stage::Expand;
        break;
      }
      case Stage::Expand: {
        std::vector<int32_t> full;
        for (size_t i = rounds_.size(); i-- > 0;) {
          rounds_[i].expand(rank_, full);
          rank_.swap(full);
        }
        rounds_ = {};
        edges_ = {};
        out_.rank = std::move(rank_);
        stage_ = Stage::Normalize;
        if (budget.tick(2 * n)) return false;
        break;
      }
      case Stage::Normalize: {
        // Weakly connected components by union-find; each starts at rank 0.
        std::vector<int32_t>& rank = out_.rank;
        std::vector<uint32_t> parent(n);
        for (uint32_t v = 0; v < n; ++v) parent[v] = v;
        auto find = [&](uint32_t v) {
          while (parent[v] != v) {
            parent[v] = parent[parent[v]];
            v = parent[v];
          }
          return v;
        };
        for (uint32_t e : g_.out_edges) {
          const uint32_t a = find(g_.tail[e]), b = find(g_.head[e]);
          if (a != b) parent[std::max(a, b)] = std::min(a, b);
        }
        std::vector<int32_t> lowest(n, std::numeric_limits<int32_t>::max());
        for (uint32_t v = 0; v < n; ++v) {
          const uint32_t r = find(v);
          lowest[r] = std::min(lowest[r], rank[v]);
        }
        int32_t max_rank = -1;
        for (uint32_t v = 0; v < n; ++v) {
          rank[v] -= lowest[find(v)];
          max_rank = std::max(max_rank, rank[v]);
        }
        out_.rank_count = max_rank + 1;
        stage_ = Stage::Done;
        budget.tick(3 * n);
        return true;
      }
      case Stage::Done: return true;
    }
  }
}

}  // namespace nf::layout
