// layout/network_simplex.h - optimal layering by network simplex (Gansner et al. 1993).
//
// Minimises sum(weight * (rank[head] - rank[tail])) subject to
// rank[head] - rank[tail] >= minlen.
//
//   Adjacency   incident-edge lists
//   TightTree   grow a spanning forest of tight edges (one tree per weakly connected
//               component) from the initial ranking. Instead of rescanning all edges
//               for the minimum-slack incident edge, two heaps keep the candidate
//               edges keyed relative to a lazy rank offset of the growing tree:
//               O(E log E) instead of O(V * E)
//   Number      postorder and subtree sizes of every tree
//   CutValues   bottom-up, O(E)
//   Pivot       leaving edge: a tree edge with negative cut value, cyclic search;
//               entering edge: minimum-slack edge across the cut. Only the smaller
//               side of the cut is walked (subtree sizes say which): it is marked,
//               scanned for candidates and shifted. Then sizes and cut values change
//               only on the two tree paths from the cut's ends to their lowest common
//               ancestor. No postorder renumbering (classically O(subtree of the LCA),
//               often O(V), per pivot)
//
// Every pivot keeps the ranking feasible, so stopping early (iteration cap, work cap)
// still yields a valid, just less compact, ranking.
//
// Preconditions: simple directed acyclic graph (no self-loops, no parallel edges),
// weights and minlens >= 1, `rank` feasible. Postcondition: `rank` feasible, and optimal when
// converged(). Ranks are not normalised (the caller normalises per component).
#pragma once
#include <cstdint>
#include <queue>
#include <vector>

#include "layout/budget.h"

namespace nf::layout {

struct SimplexEdge {
  uint32_t tail = 0;
  uint32_t head = 0;
  int32_t weight = 1;  // >= 1
  int32_t minlen = 1;  // >= 1
};

class NetworkSimplex {
 public:
  NetworkSimplex(uint32_t node_count, std::vector<SimplexEdge> edges, std::vector<int32_t> rank,
                 uint32_t max_iterations, uint64_t max_pivot_work);
  bool run(Budget& budget);  // resumable; true when finished
  float progress() const;

  std::vector<int32_t>& ranks() { return rank_; }
  uint32_t iterations() const { return iterations_; }
  bool converged() const { return converged_; }

  // For tests: the cut value of the tree edge above `v` (v must not be a root), and
  // whether edge e is in the spanning tree. Valid after run() finished.
  int64_t cutValueAbove(uint32_t v) const { return cut_[v]; }
  uint32_t parentEdge(uint32_t v) const { return parent_edge_[v]; }
  bool inTree(uint32_t e) const { return in_tree_[e] != 0; }

 private:
  enum class Stage : uint8_t { Adjacency, TightTree, Number, CutValues, Pivot, Done };
  struct Frame {
    uint32_t node;
    uint32_t next;  // cursor into inc_
  };
  using HeapEntry = std::pair<int64_t, uint32_t>;  // (key, edge)
  using MinHeap = std::priority_queue<HeapEntry, std::vector<HeapEntry>, std::greater<HeapEntry>>;

  uint32_t other(uint32_t e, uint32_t v) const { return tail_[e] == v ? head_[e] : tail_[e]; }
  uint32_t parentNode(uint32_t v) const { return other(parent_edge_[v], v); }
  void addToTree(uint32_t v, uint32_t via_edge);
  bool growTree(Budget& budget);
  void collectSide(uint32_t start, uint32_t blocked_edge);  // tree nodes reachable without blocked_edge
  int64_t computeCut(uint32_t child) const;
  void setCut(uint32_t v, int64_t value);
  void pivot(uint32_t child);

  uint32_t n_ = 0;
  uint32_t m_ = 0;
  std::vector<uint32_t> tail_, head_;
  std::vector<int32_t> weight_;
  std::vector<int32_t> minlen_;
  std::vector<int32_t> rank_;
  uint32_t max_iterations_ = 0;
  uint64_t max_work_ = 0;

  Stage stage_ = Stage::Adjacency;
  std::vector<uint32_t> inc_begin_, inc_;
  std::vector<uint8_t> in_tree_;       // [edge]
  std::vector<uint8_t> node_in_tree_;  // [node] (TightTree stage)
  std::vector<uint32_t> parent_edge_;  // [node], 0xFFFFFFFF for roots
  std::vector<uint32_t> roots_;        // one per tree (component), in creation order
  std::vector<uint32_t> root_of_;      // [node] its tree's root
  std::vector<uint32_t> size_;         // [node] nodes in its subtree
  std::vector<int64_t> cut_;           // [node] cut value of parent_edge_
  std::vector<uint32_t> postorder_;    // all nodes, children before parents (Number stage)
  std::vector<uint32_t> mark_;         // [node] pivot stamps: side membership, LCA walk
  uint32_t stamp_ = 0;
  std::vector<uint32_t> side_, path_;  // scratch

  // TightTree state
  uint32_t start_cursor_ = 0;
  int64_t offset_ = 0;  // rank offset of the tree being grown (its nodes store rank - offset)
  std::vector<uint32_t> members_;
  std::vector<Frame> stack_;
  MinHeap out_heap_;  // candidate edges tree -> outside, key = rank[head] - stored[tail] - minlen
  MinHeap in_heap_;   // candidate edges outside -> tree, key = stored[head] - rank[tail] - minlen
  uint32_t tree_nodes_ = 0;

  // Number / CutValues / Pivot state
  uint32_t root_cursor_ = 0;
  uint32_t cut_cursor_ = 0;
  uint32_t leave_cursor_ = 0;
  uint32_t scanned_ = 0;
  uint32_t negative_ = 0;
  uint32_t initial_negative_ = 0;
  uint32_t iterations_ = 0;
  uint64_t work_ = 0;
  bool converged_ = false;
};

}  // namespace nf::layout
