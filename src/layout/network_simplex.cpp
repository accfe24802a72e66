#include "layout/network_simplex.h"

#include <algorithm>
#include <limits>

#include "layout/csr.h"

namespace nf::layout {

namespace {
constexpr uint32_t kNoEdge = kNoIndex;
}

NetworkSimplex::NetworkSimplex(uint32_t node_count, std::vector<SimplexEdge> edges, std::vector<int32_t> rank,
                               uint32_t max_iterations, uint64_t max_pivot_work)
    : n_(node_count), m_(static_cast<uint32_t>(edges.size())), rank_(std::move(rank)),
      max_iterations_(max_iterations), max_work_(max_pivot_work) {
  tail_.resize(m_);
  head_.resize(m_);
  weight_.resize(m_);
  minlen_.resize(m_);
  for (uint32_t e = 0; e < m_; ++e) {
    tail_[e] = edges[e].tail;
    head_[e] = edges[e].head;
    weight_[e] = edges[e].weight;
    minlen_[e] = edges[e].minlen;
  }
}

float NetworkSimplex::progress() const {
  switch (stage_) {
    case Stage::Adjacency: return 0.0f;
    case Stage::TightTree: return n_ ? 0.3f * static_cast<float>(tree_nodes_) / n_ : 0.3f;
    case Stage::Number: return 0.3f;
    case Stage::CutValues: return 0.35f;
    case Stage::Pivot: {
      float by_negatives =
          initial_negative_ ? 1.0f - static_cast<float>(negative_) / static_cast<float>(initial_negative_) : 1.0f;
      float by_cap = max_iterations_ ? static_cast<float>(iterations_) / max_iterations_ : 0.0f;
      return 0.4f + 0.6f * std::clamp(std::max(by_negatives, by_cap), 0.0f, 1.0f);
    }
    case Stage::Done: return 1.0f;
  }
  return 0.0f;
}

// [SECTION] Tight spanning forest ---------------------------------------------

void NetworkSimplex::addToTree(uint32_t v, uint32_t via_edge) {
  node_in_tree_[v] = 1;
  rank_[v] = static_cast<int32_t>(rank_[v] - offset_);  // tree nodes store rank - offset
  parent_edge_[v] = via_edge;
  if (via_edge != kNoEdge) in_tree_[via_edge] = 1;
  members_.push_back(v);
  stack_.push_back({v, inc_begin_[v]});
  ++tree_nodes_;
}

// Grows trees until every node is in one. Resumable at every edge.
bool NetworkSimplex::growTree(Budget& budget) {
  while (true) {
    // Expand the current tree through tight edges (depth first).
    while (!stack_.empty()) {
      Frame& f = stack_.back();
      if (f.next == inc_begin_[f.node + 1]) {
        stack_.pop_back();
        continue;
      }
      uint32_t e = inc_[f.next++];
      uint32_t x = f.node;
      uint32_t y = other(e, x);
      if (!node_in_tree_[y]) {
        int64_t stored_x = rank_[x];
        if (tail_[e] == x) {
          int64_t key = static_cast<int64_t>(rank_[y]) - stored_x - minlen_[e];
          if (key - offset_ == 0) addToTree(y, e);
          else out_heap_.push({key, e});
        } else {
          int64_t key = stored_x - rank_[y] - minlen_[e];
          if (key + offset_ == 0) addToTree(y, e);
          else in_heap_.push({key, e});
        }
      }
      if (budget.tick()) return false;
    }
    // No tight edge left: take the minimum-slack edge leaving the tree and shift the
    // tree (lazily, via offset_) so that edge becomes tight.
    while (!out_heap_.empty() && node_in_tree_[head_[out_heap_.top().second]]) out_heap_.pop();
    while (!in_heap_.empty() && node_in_tree_[tail_[in_heap_.top().second]]) in_heap_.pop();
    bool has_out = !out_heap_.empty(), has_in = !in_heap_.empty();
    if (has_out || has_in) {
      int64_t slack_out = has_out ? out_heap_.top().first - offset_ : std::numeric_limits<int64_t>::max();
      int64_t slack_in = has_in ? in_heap_.top().first + offset_ : std::numeric_limits<int64_t>::max();
      bool take_out = slack_out < slack_in || (slack_out == slack_in && out_heap_.top().second < in_heap_.top().second);
      if (take_out) {
        uint32_t e = out_heap_.top().second;
        out_heap_.pop();
        offset_ += slack_out;  // lower the tree (its tail end) onto the edge
        addToTree(head_[e], e);
      } else {
        uint32_t e = in_heap_.top().second;
        in_heap_.pop();
        offset_ -= slack_in;  // raise the tree towards the edge's tail
        addToTree(tail_[e], e);
      }
      if (budget.tick(8)) return false;
      continue;
    }
    // The current tree spans its component: materialise its ranks.
    for (uint32_t v : members_) rank_[v] = static_cast<int32_t>(rank_[v] + offset_);
    budget.tick(static_cast<uint32_t>(members_.size()));
    members_.clear();
    offset_ = 0;
    while (start_cursor_ < n_ && node_in_tree_[start_cursor_]) ++start_cursor_;
    if (start_cursor_ == n_) return true;
    roots_.push_back(start_cursor_);
    addToTree(start_cursor_, kNoEdge);
    if (budget.stopped()) return false;
  }
}

// [SECTION] Tree walks and cut values ----------------------------------------

// Collects into side_ (and stamps in mark_) the tree nodes reachable from `start`
// without crossing `blocked_edge`: one side of a cut.
void NetworkSimplex::collectSide(uint32_t start, uint32_t blocked_edge) {
  side_.clear();
  side_.push_back(start);
  mark_[start] = stamp_;
  for (size_t h = 0; h < side_.size(); ++h) {
    const uint32_t x = side_[h];
    for (uint32_t i = inc_begin_[x]; i < inc_begin_[x + 1]; ++i) {
      const uint32_t f = inc_[i];
      if (!in_tree_[f] || f == blocked_edge) continue;
      const uint32_t y = other(f, x);
      if (mark_[y] == stamp_) continue;
      mark_[y] = stamp_;
      side_.push_back(y);
    }
  }
  work_ += side_.size();
}

// Cut value of the tree edge between `child` and its parent, from the child's
// incident edges and its tree children's cut values (Gansner et al., section 2.4).
int64_t NetworkSimplex::computeCut(uint32_t child) const {
  uint32_t pe = parent_edge_[child];
  bool child_is_tail = tail_[pe] == child;
  int64_t cut = weight_[pe];
  for (uint32_t i = inc_begin_[child]; i < inc_begin_[child + 1]; ++i) {
    uint32_t f = inc_[i];
    if (f == pe) continue;
    bool out = tail_[f] == child;
    bool points_to_head = out == child_is_tail;
    cut += points_to_head ? weight_[f] : -weight_[f];
    if (in_tree_[f]) {
      uint32_t c = other(f, child);  // a tree child (f is not the parent edge)
      cut += points_to_head ? -cut_[c] : cut_[c];
    }
  }
  return cut;
}

void NetworkSimplex::setCut(uint32_t v, int64_t value) {
  if (cut_[v] < 0) --negative_;
  cut_[v] = value;
  if (value < 0) ++negative_;
}

// [SECTION] Pivot -------------------------------------------------------------

// Replaces the tree edge above `child` (negative cut value) by the minimum-slack
// edge crossing the same cut in the opposite direction.
void NetworkSimplex::pivot(uint32_t child) {
  const uint32_t c = child;
  const uint32_t e = parent_edge_[c];
  const uint32_t p = parentNode(c);
  const bool subtree_is_tail = tail_[e] == c;  // S = c's subtree is the tail side of e
  const uint32_t s_size = size_[c];
  const uint32_t total = size_[root_of_[c]];
  // Walk, mark and scan the smaller side only.
  const bool walk_subtree = s_size <= total - s_size;
  ++stamp_;
  collectSide(walk_subtree ? c : root_of_[c], e);
  const uint32_t walked = stamp_;
  auto inS = [&](uint32_t v) { return (mark_[v] == walked) == walk_subtree; };
  // Entering edge: from the head side to the tail side of the cut.
  uint32_t best = kNoEdge;
  int64_t best_slack = std::numeric_limits<int64_t>::max();
  for (const uint32_t x : side_) {
    for (uint32_t i = inc_begin_[x]; i < inc_begin_[x + 1]; ++i) {
      const uint32_t f = inc_[i];
      if (in_tree_[f]) continue;
      const bool t_in = inS(tail_[f]), h_in = inS(head_[f]);
      if (subtree_is_tail ? !(h_in && !t_in) : !(t_in && !h_in)) continue;
      const int64_t slack = static_cast<int64_t>(rank_[head_[f]]) - rank_[tail_[f]] - minlen_[f];
      if (slack < best_slack || (slack == best_slack && f < best)) {
        best_slack = slack;
        best = f;
      }
    }
    work_ += inc_begin_[x + 1] - inc_begin_[x];
  }
  if (best == kNoEdge) {  // cannot happen for a negative cut value; stop defensively
    converged_ = true;
    return;
  }
  const uint32_t f = best;
  const uint32_t a = inS(tail_[f]) ? tail_[f] : head_[f];  // f's end inside S
  const uint32_t b = other(f, a);
  // Make f tight by shifting the walked side (S, or everything but S the other way).
  const int32_t delta = static_cast<int32_t>(best_slack);
  if (delta != 0) {
    const int32_t shift_s = subtree_is_tail ? -delta : delta;
    const int32_t shift = walk_subtree ? shift_s : -shift_s;
    for (const uint32_t x : side_) rank_[x] += shift;
  }
  // Lowest common ancestor of p and b (both outside S): walk up from both in turn.
  ++stamp_;
  uint32_t lca = kNoEdge;
  for (uint32_t x = p, y = b;;) {
    if (x != kNoEdge) {
      if (mark_[x] == stamp_) { lca = x; break; }
      mark_[x] = stamp_;
      x = parent_edge_[x] == kNoEdge ? kNoEdge : parentNode(x);
    }
    if (y != kNoEdge) {
      if (mark_[y] == stamp_) { lca = y; break; }
      mark_[y] = stamp_;
      y = parent_edge_[y] == kNoEdge ? kNoEdge : parentNode(y);
    }
    ++work_;
  }
  // S leaves p's ancestors and joins b's (below the LCA).
  for (uint32_t x = p; x != lca; x = parentNode(x)) size_[x] -= s_size, ++work_;
  for (uint32_t x = b; x != lca; x = parentNode(x)) size_[x] += s_size, ++work_;
  // Exchange: drop e, re-root S at a (reversing the path a .. c), hang it under b via f.
  path_.clear();
  for (uint32_t x = a;; x = parentNode(x)) {
    path_.push_back(x);
    if (x == c) break;
  }
  // New subtree sizes on that path: a holds all of S, x_i holds S minus old x_{i-1}'s subtree.
  for (size_t i = path_.size(); i-- > 1;) size_[path_[i]] = s_size - size_[path_[i - 1]];
  size_[a] = s_size;
  in_tree_[e] = 0;
  uint32_t via = f;
  for (const uint32_t x : path_) {
    const uint32_t old = parent_edge_[x];
    parent_edge_[x] = via;
    via = old;
  }
  in_tree_[f] = 1;
  work_ += path_.size();
  // Only the tree edges on the cycle (paths c -> lca and p -> lca) change cut value;
  // each path is recomputed bottom-up, children first.
  for (uint32_t x = c; x != lca; x = parentNode(x)) setCut(x, computeCut(x)), ++work_;
  for (uint32_t x = p; x != lca; x = parentNode(x)) setCut(x, computeCut(x)), ++work_;
}

// [SECTION] Driver ------------------------------------------------------------

bool NetworkSimplex::run(Budget& budget) {
  switch (stage_) {
    case Stage::Adjacency: {
      std::vector<uint32_t> tmp_begin, tmp;
      // Incident lists: each edge once under its tail and once under its head.
      buildCsr(n_, 2 * m_, [&](uint32_t i) { return i < m_ ? tail_[i] : head_[i - m_]; }, inc_begin_, inc_);
      for (uint32_t& x : inc_)
        if (x >= m_) x -= m_;
      // buildCsr keeps ascending i; tail entries (i < m) precede head entries, so
      // re-sort each list by edge id for a direction-independent scan order.
      for (uint32_t v = 0; v < n_; ++v) std::sort(inc_.begin() + inc_begin_[v], inc_.begin() + inc_begin_[v + 1]);
      in_tree_.assign(m_, 0);
      node_in_tree_.assign(n_, 0);
      parent_edge_.assign(n_, kNoEdge);
      cut_.assign(n_, 0);
      size_.assign(n_, 1);
      root_of_.assign(n_, 0);
      mark_.assign(n_, 0);
      stage_ = Stage::TightTree;
      if (n_ > 0) {
        roots_.push_back(0);
        addToTree(0, kNoEdge);
        start_cursor_ = 1;
      }
      if (budget.tick(n_ + 2 * m_)) return false;
      [[fallthrough]];
    }
    case Stage::TightTree: {
      if (n_ > 0 && !growTree(budget)) return false;
      node_in_tree_ = {};
      out_heap_ = MinHeap();
      in_heap_ = MinHeap();
      stage_ = Stage::Number;
      [[fallthrough]];
    }
    case Stage::Number: {
      // Per tree: breadth-first order from the root, reversed = children first.
      while (root_cursor_ < roots_.size()) {
        const uint32_t r = roots_[root_cursor_++];
        ++stamp_;
        collectSide(r, kNoEdge);
        for (const uint32_t x : side_) root_of_[x] = r;
        for (size_t i = side_.size(); i-- > 0;) {
          const uint32_t x = side_[i];
          postorder_.push_back(x);
          if (parent_edge_[x] != kNoEdge) size_[parentNode(x)] += size_[x];
        }
        if (budget.tick(static_cast<uint32_t>(side_.size()))) return false;
      }
      work_ = 0;
      stage_ = Stage::CutValues;
      [[fallthrough]];
    }
    case Stage::CutValues: {
      while (cut_cursor_ < n_) {
        uint32_t v = postorder_[cut_cursor_++];
        if (parent_edge_[v] != kNoEdge) setCut(v, computeCut(v));
        if (budget.tick(1 + inc_begin_[v + 1] - inc_begin_[v])) return false;
      }
      initial_negative_ = negative_;
      postorder_ = {};
      stage_ = Stage::Pivot;
      [[fallthrough]];
    }
    case Stage::Pivot: {
      while (!converged_) {
        if (negative_ == 0) {
          converged_ = true;
          break;
        }
        if (iterations_ >= max_iterations_ || work_ >= max_work_) break;  // capped: feasible, not optimal
        // Leaving edge: cyclic search for a negative cut value.
        uint32_t found = kNoEdge;
        while (scanned_ < n_) {
          uint32_t v = leave_cursor_;
          leave_cursor_ = leave_cursor_ + 1 == n_ ? 0 : leave_cursor_ + 1;
          ++scanned_;
          ++work_;
          if (parent_edge_[v] != kNoEdge && cut_[v] < 0) {
            found = v;
            break;
          }
          if (budget.tick()) return false;
        }
        if (found == kNoEdge) {  // negative_ said otherwise; trust the scan
          converged_ = true;
          break;
        }
        scanned_ = 0;
        uint64_t before = work_;
        pivot(found);
        ++iterations_;
        if (budget.tick(static_cast<uint32_t>(std::min<uint64_t>(work_ - before, 1u << 30)))) return false;
      }
      stage_ = Stage::Done;
      [[fallthrough]];
    }
    case Stage::Done: return true;
  }
  return true;
}

}  // namespace nf::layout
