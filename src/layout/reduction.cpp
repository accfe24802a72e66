#include "layout/reduction.h"

#include <algorithm>

#include "layout/csr.h"

namespace nf::layout {

namespace {
constexpr uint32_t kGone = kNoIndex;
}

void Reduction::build(uint32_t n, const std::vector<SimplexEdge>& edges) {
  n_ = n;
  const uint32_t m = static_cast<uint32_t>(edges.size());
  std::vector<uint32_t> inc_begin, inc;
  buildCsr(n, 2 * m, [&](uint32_t i) { return i < m ? edges[i].tail : edges[i - m].head; }, inc_begin, inc);
  for (uint32_t& x : inc)
    if (x >= m) x -= m;
  std::vector<uint8_t> edge_alive(m, 1), node_alive(n, 1);
  std::vector<uint32_t> degree(n);
  for (uint32_t v = 0; v < n; ++v) degree[v] = inc_begin[v + 1] - inc_begin[v];

  // 1. Peel pendant nodes (a component that is a tree keeps its last node).
  std::vector<uint32_t> queue;
  for (uint32_t v = 0; v < n; ++v)
    if (degree[v] == 1) queue.push_back(v);
  for (size_t h = 0; h < queue.size(); ++h) {
    const uint32_t v = queue[h];
    if (degree[v] != 1) continue;  // its neighbour was peeled into it meanwhile
    uint32_t e = kGone;
    for (uint32_t k = inc_begin[v]; k < inc_begin[v + 1]; ++k)
      if (edge_alive[inc[k]]) e = inc[k];
    const SimplexEdge& se = edges[e];
    const uint32_t u = se.tail == v ? se.head : se.tail;
    peeled_.push_back({v, u, se.tail == v ? -se.minlen : se.minlen});
    edge_alive[e] = 0;
    node_alive[v] = 0;
    degree[v] = 0;
    if (--degree[u] == 1) queue.push_back(u);
  }

  // 2. Contract maximal directed chains through nodes with one live edge in, one out.
  std::vector<uint32_t> in_edge(n, kGone), out_edge(n, kGone);
  std::vector<uint8_t> is_chain(n, 0);
  for (uint32_t v = 0; v < n; ++v) {
    if (!node_alive[v] || degree[v] != 2) continue;
    uint32_t ins = 0, outs = 0;
    for (uint32_t k = inc_begin[v]; k < inc_begin[v + 1]; ++k) {
      const uint32_t e = inc[k];
      if (!edge_alive[e]) continue;
      if (edges[e].head == v) ++ins, in_edge[v] = e;
      else ++outs, out_edge[v] = e;
    }
    is_chain[v] = ins == 1 && outs == 1;
  }
  std::vector<SimplexEdge> contracted;  // over original ids
  std::vector<uint32_t> chain_nodes;
  std::vector<uint32_t> chain_edges;
  // Start chains at their first edge: an edge whose tail is not a chain node and whose
  // head is. Every chain node is reached exactly once this way (DAG: no chain cycles).
  for (uint32_t e = 0; e < m; ++e) {
    if (!edge_alive[e] || is_chain[edges[e].tail] || !is_chain[edges[e].head]) continue;
    chain_nodes.clear();
    chain_edges.clear();
    const uint32_t u = edges[e].tail;
    uint32_t cur = e;
    chain_edges.push_back(cur);
    while (is_chain[edges[cur].head]) {
      const uint32_t v = edges[cur].head;
      chain_nodes.push_back(v);
      cur = out_edge[v];
      chain_edges.push_back(cur);
    }
    const uint32_t w = edges[cur].head;
    size_t lightest = 0;
    int32_t total = 0;
    for (size_t i = 0; i < chain_edges.size(); ++i) {
      total += edges[chain_edges[i]].minlen;
      if (edges[chain_edges[i]].weight < edges[chain_edges[lightest]].weight) lightest = i;
    }
    // Nodes before the lightest edge hang tight below u, the rest tight above w.
    int32_t from_u = 0;
    for (size_t i = 0; i < chain_nodes.size(); ++i) {
      from_u += edges[chain_edges[i]].minlen;
      if (i < lightest) {
        chains_.push_back({chain_nodes[i], u, from_u});
      } else {
        chains_.push_back({chain_nodes[i], w, from_u - total});
      }
      node_alive[chain_nodes[i]] = 0;
    }
    for (uint32_t ce : chain_edges) edge_alive[ce] = 0;
    contracted.push_back({u, w, edges[chain_edges[lightest]].weight, total});
  }
  for (uint32_t e = 0; e < m; ++e)
    if (edge_alive[e]) contracted.push_back(edges[e]);

  // 3. Renumber the kept nodes and merge parallel edges.
  std::vector<uint32_t> to_reduced(n, kGone);
  for (uint32_t v = 0; v < n; ++v)
    if (node_alive[v]) {
      to_reduced[v] = static_cast<uint32_t>(kept_.size());
      kept_.push_back(v);
    }
  for (SimplexEdge& e : contracted) {
    e.tail = to_reduced[e.tail];
    e.head = to_reduced[e.head];
  }
  std::sort(contracted.begin(), contracted.end(), [](const SimplexEdge& a, const SimplexEdge& b) {
    return a.tail != b.tail ? a.tail < b.tail : a.head < b.head;
  });
  for (size_t i = 0; i < contracted.size();) {
    SimplexEdge merged = contracted[i];
    size_t j = i + 1;
    for (; j < contracted.size() && contracted[j].tail == merged.tail && contracted[j].head == merged.head; ++j) {
      merged.weight += contracted[j].weight;
      merged.minlen = std::max(merged.minlen, contracted[j].minlen);
    }
    reduced_.push_back(merged);
    i = j;
  }
}

void Reduction::expand(const std::vector<int32_t>& reduced_rank, std::vector<int32_t>& rank) const {
  rank.assign(n_, 0);
  for (size_t i = 0; i < kept_.size(); ++i) rank[kept_[i]] = reduced_rank[i];
  for (const Placement& p : chains_) rank[p.node] = rank[p.anchor] + p.offset;
  for (size_t i = peeled_.size(); i-- > 0;) rank[peeled_[i].node] = rank[peeled_[i].anchor] + peeled_[i].offset;
}

}  // namespace nf::layout
