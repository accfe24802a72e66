#include "layout/ordering.h"

#include <algorithm>

namespace nf::layout {

namespace {
constexpr bool kUseMedian = true;     // weighted median (dot); false = weighted barycenter
constexpr uint32_t kMinQuit = 8;      // pass 2 stops after this many iterations without gain
constexpr double kConvergence = 0.995;
constexpr uint32_t kMaxTransposeRounds = 4;  // per iteration; more rounds: ~1-5% fewer crossings, 2-3x time
constexpr uint32_t kPolishTransposeRounds = 32;  // for initial orders and the final best order
constexpr uint64_t kSiftWork = 300000;  // pair evaluations for sifting the best order (a few ms)
constexpr uint32_t kSiftRounds = 6;
constexpr uint64_t kFullSize = 60000;     // proper nodes + segments with the full 24 iterations
constexpr uint64_t kSinkPassSize = 150000;  // larger graphs start from one initial order only
constexpr uint64_t kFourStartsSize = 20000;  // up to this size, four initial orders
}  // namespace

CrossingMinimization::CrossingMinimization(const ProperGraph& graph, const Options& options)
    : g_(graph), options_(options) {
  const uint64_t size = uint64_t{graph.nodeCount()} + graph.segments.size();
  if (options.ordering_sweeps > 0) {
    max_iterations_ = options.ordering_sweeps;
  } else if (size <= kFullSize) {
    max_iterations_ = 24;
  } else {
    max_iterations_ = static_cast<uint32_t>(std::max<uint64_t>(4, 24 * kFullSize / size));
  }
  starts_ = size <= kFourStartsSize ? 4 : size <= kSinkPassSize ? 2 : 1;
  sift_budget_ = options.transpose && size <= kFourStartsSize ? kSiftWork : 0;
  planned_ = std::min<uint32_t>(4, max_iterations_) * starts_ + max_iterations_;
}

float CrossingMinimization::progress() const {
  switch (stage_) {
    case Stage::Setup: return 0.0f;
    case Stage::Done: return 1.0f;
    default: {
      // Within an iteration: sweep, transposition rounds, count.
      const float layers = g_.rank_count > 0 ? static_cast<float>(g_.rank_count) : 1.0f;
      float within = 0.0f;
      if (stage_ == Stage::Sweep) within = 0.4f * cursor_ / layers;
      if (stage_ == Stage::Transpose && count_for_ == CountFor::Iteration)
        within = 0.4f + 0.4f * (rounds_ + cursor_ / layers) / kMaxTransposeRounds;
      if (stage_ == Stage::Count && !counting_init_) within = 0.8f + 0.2f * cursor_ / layers;
      return std::min(0.99f, (iterations_done_ + std::min(within, 1.0f)) / static_cast<float>(planned_));
    }
  }
}

// [SECTION] Initial order -------------------------------------------------------

// Breadth-first from the sources (or sinks), appending each node to its layer when it
// leaves the queue (dot's build_ranks), following both edge directions or only the
// forward one (downwards from sources, upwards from sinks). Resumable.
bool CrossingMinimization::initOrder(Budget& budget) {
  const uint32_t n = g_.nodeCount();
  if (init_stage_ == 0) {
    init_fill_.assign(out_.layer_begin.begin(), out_.layer_begin.end() - 1);
    init_seen_.assign(n, 0);
    init_queue_.clear();
    init_queue_.reserve(n);
    init_head_ = init_cursor_ = 0;
    init_side_ = 0;
    init_stage_ = 1;
  }
  while (init_stage_ < 3) {
    if (init_head_ < init_queue_.size()) {
      // One side of v per turn, so that a slice ending between its sides resumes with
      // the second side (v is placed with the first).
      const uint32_t v = init_queue_[init_head_];
      if (init_side_ == 0) out_.nodes[init_fill_[g_.rank[v]]++] = v;
      const bool down = (init_side_ == 0) != from_sinks_;
      const uint32_t b = down ? g_.down_begin[v] : g_.up_begin[v];
      const uint32_t e = down ? g_.down_begin[v + 1] : g_.up_begin[v + 1];
      for (uint32_t k = b; k < e; ++k) {
        const ProperGraph::Segment& s = g_.segments[down ? g_.down_segs[k] : g_.up_segs[k]];
        const uint32_t w = down ? s.lower : s.upper;
        if (!init_seen_[w]) {
          init_seen_[w] = 1;
          init_queue_.push_back(w);
        }
      }
      if (++init_side_ == (init_both_ways_ ? 2 : 1)) {
        init_side_ = 0;
        ++init_head_;
      }
      if (budget.tick(1 + e - b)) return false;
      continue;
    }
    // Next start: stage 1 takes the sources (sinks) in node order; stage 2 anything
    // left, which only happens if the preconditions fail (keeps the permutation).
    bool found = false;
    while (init_cursor_ < n && !found) {
      const uint32_t v = init_cursor_++;
      const bool start = init_stage_ == 2 || (from_sinks_ ? g_.down_begin[v] == g_.down_begin[v + 1]
                                                          : g_.up_begin[v] == g_.up_begin[v + 1]);
      if (start && !init_seen_[v]) {
        init_seen_[v] = 1;
        init_queue_.push_back(v);
        found = true;
      }
    }
    if (!found) {
      ++init_stage_;
      init_cursor_ = 0;
    }
  }
  for (int32_t r = 0; r < g_.rank_count; ++r)
    for (uint32_t i = out_.layer_begin[r]; i < out_.layer_begin[r + 1]; ++i) out_.pos[out_.nodes[i]] = i - out_.layer_begin[r];
  init_stage_ = 0;
  init_fill_ = {};
  init_seen_ = {};
  init_queue_ = {};
  return true;
}

// [SECTION] Sweeps ----------------------------------------------------------------

const CrossingMinimization::Neighbor* CrossingMinimization::sortedNeighbors(uint32_t v, bool upper_side,
                                                                             uint32_t& count) {
  const std::vector<uint32_t>& begin = upper_side ? g_.up_begin : g_.down_begin;
  const std::vector<uint32_t>& segs = upper_side ? g_.up_segs : g_.down_segs;
  std::vector<Neighbor>& cache = upper_side ? up_nb_ : down_nb_;
  std::vector<uint8_t>& dirty = upper_side ? up_dirty_ : down_dirty_;
  const uint32_t b = begin[v], e = begin[v + 1];
  count = e - b;
  Neighbor* out = cache.data() + b;
  if (dirty[v]) {
    dirty[v] = 0;
    for (uint32_t k = b; k < e; ++k) {
      const ProperGraph::Segment& s = g_.segments[segs[k]];
      out[k - b] = upper_side ? Neighbor{(uint64_t{out_.pos[s.upper]} << 24) | s.upper_slot, s.weight}
                              : Neighbor{(uint64_t{out_.pos[s.lower]} << 24) | s.lower_slot, s.weight};
    }
    if (count > 1)
      std::sort(out, out + count, [](const Neighbor& x, const Neighbor& y) { return x.key < y.key; });
  }
  return out;
}

// v moved within its layer: the cached keys of its neighbours point at old positions.
void CrossingMinimization::invalidateAround(uint32_t v) {
  for (uint32_t k = g_.up_begin[v]; k < g_.up_begin[v + 1]; ++k) down_dirty_[g_.segments[g_.up_segs[k]].upper] = 1;
  for (uint32_t k = g_.down_begin[v]; k < g_.down_begin[v + 1]; ++k) up_dirty_[g_.segments[g_.down_segs[k]].lower] = 1;
}

// Sorts layer r by the weighted median (or barycenter) of each node's neighbour
// positions in the adjacent layer (above when use_upper). A position is the node's
// index plus its port slot's fraction of the node. Nodes without such neighbours
// keep their place.
void CrossingMinimization::sortLayer(int32_t r, bool use_upper, bool reverse_ties) {
  uint32_t* layer = out_.nodes.data() + out_.layer_begin[r];
  const uint32_t size = out_.layerSize(r);
  sort_.clear();
  for (uint32_t i = 0; i < size; ++i) {
    const uint32_t v = layer[i];
    values_.clear();
    double sum = 0.0, weights = 0.0;
    const uint32_t b = use_upper ? g_.up_begin[v] : g_.down_begin[v];
    const uint32_t e = use_upper ? g_.up_begin[v + 1] : g_.down_begin[v + 1];
    for (uint32_t k = b; k < e; ++k) {
      const ProperGraph::Segment& s = g_.segments[use_upper ? g_.up_segs[k] : g_.down_segs[k]];
      const uint32_t w = use_upper ? s.upper : s.lower;
      const uint32_t slot = use_upper ? s.upper_slot : s.lower_slot;
      const uint32_t slots = use_upper ? g_.bottomSlots(w) : g_.topSlots(w);
      const double p = out_.pos[w] + (slot + 0.5) / slots;
      values_.push_back(p);
      sum += p * s.weight;
      weights += s.weight;
    }
    if (values_.empty()) continue;
    double value;
    if (!kUseMedian) {
      value = sum / weights;
    } else {
      std::sort(values_.begin(), values_.end());
      const size_t m = values_.size();
      if (m % 2 == 1) {
        value = values_[m / 2];
      } else if (m == 2) {
        value = (values_[0] + values_[1]) / 2;
      } else {
        const size_t rm = m / 2, lm = rm - 1;
        const double rspan = values_[m - 1] - values_[rm], lspan = values_[lm] - values_[0];
        value = lspan == rspan ? (values_[lm] + values_[rm]) / 2
                               : (values_[lm] * rspan + values_[rm] * lspan) / (lspan + rspan);
      }
    }
    sort_.push_back({value, i, v});
  }
  if (sort_.empty()) return;
  // Movable nodes take the places of movable nodes (ascending, as collected), in sorted order.
  slots_.clear();
  for (const SortEntry& e : sort_) slots_.push_back(e.pos);
  std::sort(sort_.begin(), sort_.end(), [reverse_ties](const SortEntry& a, const SortEntry& b) {
    if (a.value != b.value) return a.value < b.value;
    return reverse_ties ? a.pos > b.pos : a.pos < b.pos;
  });
  for (size_t j = 0; j < sort_.size(); ++j) layer[slots_[j]] = sort_[j].node;
  for (uint32_t i = 0; i < size; ++i) out_.pos[layer[i]] = i;
}

void CrossingMinimization::pairCrossings(uint32_t u, uint32_t v, bool upper_side, uint64_t& uv, uint64_t& vu) {
  uint32_t na = 0, nb = 0;
  const Neighbor* a = sortedNeighbors(u, upper_side, na);
  if (na == 0) return;
  const Neighbor* b = sortedNeighbors(v, upper_side, nb);
  if (nb == 0) return;
  uint64_t total_b = 0;
  for (uint32_t j = 0; j < nb; ++j) total_b += b[j].weight;
  uint32_t less = 0, less_eq = 0;
  uint64_t w_less = 0, w_less_eq = 0;
  for (uint32_t i = 0; i < na; ++i) {
    const uint64_t key = a[i].key;
    while (less < nb && b[less].key < key) w_less += b[less++].weight;
    if (less_eq < less) {
      less_eq = less;
      w_less_eq = w_less;
    }
    while (less_eq < nb && b[less_eq].key <= key) w_less_eq += b[less_eq++].weight;
    uv += uint64_t{a[i].weight} * w_less;               // u's end right of v's end
    vu += uint64_t{a[i].weight} * (total_b - w_less_eq);  // u's end left of v's end
  }
}

// One left-to-right pass of adjacent swaps over layer r (dot's transpose_step).
uint64_t CrossingMinimization::transposeLayer(int32_t r, bool reverse) {
  candidate_[r] = 0;
  uint32_t* layer = out_.nodes.data() + out_.layer_begin[r];
  const uint32_t size = out_.layerSize(r);
  uint64_t gain = 0;
  for (uint32_t i = 0; i + 1 < size; ++i) {
    const uint32_t u = layer[i], v = layer[i + 1];
    uint64_t c0 = 0, c1 = 0;
    if (r > 0) pairCrossings(u, v, true, c0, c1);
    if (r + 1 < g_.rank_count) pairCrossings(u, v, false, c0, c1);
    if (c1 < c0 || (c0 > 0 && reverse && c1 == c0)) {
      layer[i] = v;
      layer[i + 1] = u;
      out_.pos[v] = i;
      out_.pos[u] = i + 1;
      invalidateAround(u);
      invalidateAround(v);
      gain += c0 - c1;
      candidate_[r] = 1;
      if (r > 0) candidate_[r - 1] = 1;
      if (r + 1 < g_.rank_count) candidate_[r + 1] = 1;
    }
  }
  return gain;
}

// Sifting one layer: every node (in its order at the start) is taken out and put back
// where it crosses least with the rest of the layer, counting both neighbouring
// layers. Ties keep the current place.
uint64_t CrossingMinimization::siftLayer(int32_t r) {
  uint32_t* layer = out_.nodes.data() + out_.layer_begin[r];
  const uint32_t size = out_.layerSize(r);
  if (size < 2) return 0;
  sift_nodes_.assign(layer, layer + size);
  uint64_t gain = 0;
  for (const uint32_t v : sift_nodes_) {
    if (sift_budget_ < size) return gain;
    sift_budget_ -= size;
    const uint32_t from = out_.pos[v];
    // delta[i]: change in crossings when v moves from the left of layer[i] to its right.
    sift_delta_.assign(size, 0);
    for (uint32_t i = 0; i < size; ++i) {
      const uint32_t u = layer[i];
      if (u == v) continue;
      uint64_t vu = 0, uv = 0;  // v left of u, u left of v
      if (r > 0) pairCrossings(v, u, true, vu, uv);
      if (r + 1 < g_.rank_count) pairCrossings(v, u, false, vu, uv);
      sift_delta_[i] = static_cast<int64_t>(uv) - static_cast<int64_t>(vu);
    }
    // Cost relative to v leftmost, for v just before index i (i = size: rightmost).
    int64_t cost = 0, best_cost = 0, at_from = 0;
    uint32_t best = 0;
    for (uint32_t i = 0; i <= size; ++i) {
      if (i == from) at_from = cost;
      if (cost < best_cost) {
        best_cost = cost;
        best = i;
      }
      if (i < size) cost += sift_delta_[i];
    }
    // `best` counts v itself when it lies right of v's slot: convert to a final index.
    uint32_t target = best > from ? best - 1 : best;
    if (best_cost >= at_from || target == from) continue;
    gain += static_cast<uint64_t>(at_from - best_cost);
    if (target > from) {
      for (uint32_t i = from; i < target; ++i) {
        layer[i] = layer[i + 1];
        out_.pos[layer[i]] = i;
        invalidateAround(layer[i]);
      }
    } else {
      for (uint32_t i = from; i > target; --i) {
        layer[i] = layer[i - 1];
        out_.pos[layer[i]] = i;
        invalidateAround(layer[i]);
      }
    }
    layer[target] = v;
    out_.pos[v] = target;
    invalidateAround(v);
  }
  return gain;
}

// [SECTION] Schedule --------------------------------------------------------------

void CrossingMinimization::saveBest() { best_ = out_.nodes; }

void CrossingMinimization::restoreBest() {
  out_.nodes = best_;
  for (int32_t r = 0; r < g_.rank_count; ++r)
    for (uint32_t i = out_.layer_begin[r]; i < out_.layer_begin[r + 1]; ++i) out_.pos[out_.nodes[i]] = i - out_.layer_begin[r];
}

void CrossingMinimization::startIteration() {
  stage_ = Stage::Sweep;
  cursor_ = 0;
}

void CrossingMinimization::startTranspose(bool reverse, uint32_t round_cap) {
  stage_ = Stage::Transpose;
  transpose_reverse_ = reverse;
  transpose_cap_ = round_cap;
  std::fill(candidate_.begin(), candidate_.end(), 1);
  std::fill(up_dirty_.begin(), up_dirty_.end(), 1);  // positions changed since the last transposition
  std::fill(down_dirty_.begin(), down_dirty_.end(), 1);
  cursor_ = 0;
  round_gain_ = 0;
  rounds_ = 0;
}

void CrossingMinimization::startCount(CountFor what) {
  count_for_ = what;
  counting_init_ = what == CountFor::Init;
  stage_ = Stage::Count;
  cursor_ = 0;
  count_acc_ = 0;
}

// Called after every crossing count: bookkeeping, then the next stage.
void CrossingMinimization::onCounted() {
  if (count_for_ == CountFor::Final) {
    // The polish only takes strict improvements, so this is the best order.
    out_.crossings = cur_cross_;
    out_.sweeps = iterations_done_;
    best_ = {};
    stage_ = Stage::Done;
    return;
  }
  if (count_for_ == CountFor::Init) {
    if (cur_cross_ <= best_cross_) {
      saveBest();
      best_cross_ = cur_cross_;
    }
  } else {
    ++iter_;
    ++iterations_done_;
    if (cur_cross_ <= best_cross_) {
      saveBest();
      if (static_cast<double>(cur_cross_) < kConvergence * static_cast<double>(best_cross_)) trying_ = 0;
      best_cross_ = cur_cross_;
    }
  }
  while (true) {
    if (cur_cross_ == 0 || best_cross_ == 0) break;
    if (iter_ < max_this_pass_ && trying_ < kMinQuit) {
      ++trying_;
      startIteration();
      return;
    }
    // Next pass.
    ++pass_;
    iter_ = 0;
    trying_ = 0;
    if (++start_ < starts_) {  // another initial order
      pass_ = 0;
      max_this_pass_ = std::min<uint32_t>(4, max_iterations_);
      from_sinks_ = start_ % 2 == 1;
      init_both_ways_ = start_ < 2;
      stage_ = Stage::InitOrder;
      return;
    }
    if (pass_ == 1) ++pass_;
    if (pass_ == 2) {
      max_this_pass_ = max_iterations_;
      if (cur_cross_ > best_cross_) restoreBest();
      cur_cross_ = best_cross_;
      continue;
    }
    break;  // pass 3: finished
  }
  restoreBest();
  if (best_cross_ > 0 && options_.transpose) {
    count_for_ = CountFor::Final;
    if (sift_budget_ > 0) {
      std::fill(up_dirty_.begin(), up_dirty_.end(), 1);
      std::fill(down_dirty_.begin(), down_dirty_.end(), 1);
      stage_ = Stage::Sift;
      cursor_ = 0;
      sift_rounds_ = 0;
      sift_gain_ = 0;
      return;
    }
    startTranspose(false, kPolishTransposeRounds);
    return;
  }
  out_.crossings = best_cross_;
  out_.sweeps = iterations_done_;
  best_ = {};
  stage_ = Stage::Done;
}

bool CrossingMinimization::run(Budget& budget) {
  const int32_t R = g_.rank_count;
  while (true) {
    switch (stage_) {
      case Stage::Setup: {
        const uint32_t n = g_.nodeCount();
        out_.layer_begin.assign(static_cast<size_t>(R) + 1, 0);
        for (uint32_t v = 0; v < n; ++v) ++out_.layer_begin[g_.rank[v] + 1];
        for (int32_t r = 0; r < R; ++r) out_.layer_begin[r + 1] += out_.layer_begin[r];
        out_.nodes.assign(n, 0);
        out_.pos.assign(n, 0);
        candidate_.assign(static_cast<size_t>(std::max(R, 1)), 0);
        pass_ = 0;
        iter_ = 0;
        trying_ = 0;
        max_this_pass_ = std::min<uint32_t>(4, max_iterations_);
        from_sinks_ = false;
        if (options_.transpose) {
          up_nb_.resize(g_.up_segs.size());
          down_nb_.resize(g_.down_segs.size());
          up_dirty_.assign(n, 1);
          down_dirty_.assign(n, 1);
        }
        stage_ = Stage::InitOrder;
        if (budget.tick(n)) return false;
        break;
      }
      case Stage::InitOrder: {
        if (!initOrder(budget)) return false;
        count_for_ = CountFor::Init;
        if (options_.transpose) startTranspose(false, kPolishTransposeRounds);
        else startCount(CountFor::Init);
        break;
      }
      case Stage::Sweep: {
        const bool down = iter_ % 2 == 0;
        const bool reverse = iter_ % 4 < 2;  // tie direction of this sweep; transposition takes the other
        // Down: layers 1 .. R-1 against the layer above; up: R-2 .. 0 against the one below.
        while (cursor_ + 1 < R) {
          const int32_t r = down ? cursor_ + 1 : R - 2 - cursor_;
          ++cursor_;
          sortLayer(r, down, reverse);
          if (budget.tick(1 + out_.layerSize(r))) return false;
        }
        count_for_ = CountFor::Iteration;
        if (options_.transpose) startTranspose(!reverse, kMaxTransposeRounds);
        else startCount(CountFor::Iteration);
        break;
      }
      case Stage::Transpose: {
        while (true) {
          while (cursor_ < R) {
            const int32_t r = cursor_++;
            if (candidate_[r]) {
              round_gain_ += transposeLayer(r, transpose_reverse_);
              if (budget.tick(1 + out_.layerSize(r))) return false;
            }
          }
          ++rounds_;
          if (round_gain_ == 0 || rounds_ >= transpose_cap_) break;
          round_gain_ = 0;
          cursor_ = 0;
        }
        startCount(count_for_);
        break;
      }
      case Stage::Sift: {
        // Rounds over all layers, alternating down and up, while they gain.
        while (true) {
          while (cursor_ < R) {
            const int32_t r = sift_rounds_ % 2 == 0 ? cursor_ : R - 1 - cursor_;
            ++cursor_;
            sift_gain_ += siftLayer(r);
            if (budget.tick(1 + out_.layerSize(r))) return false;
          }
          ++sift_rounds_;
          if (sift_gain_ == 0 || sift_rounds_ >= kSiftRounds || sift_budget_ == 0) break;
          sift_gain_ = 0;
          cursor_ = 0;
        }
        startTranspose(false, kPolishTransposeRounds);
        break;
      }
      case Stage::Count: {
        while (cursor_ + 1 < R) {
          count_acc_ += countLayerCrossings(g_, out_, cursor_, scratch_);
          const int32_t r = cursor_++;
          if (budget.tick(1 + out_.layerSize(r))) return false;
        }
        cur_cross_ = count_acc_;
        onCounted();
        break;
      }
      case Stage::Done: return true;
    }
  }
}

}  // namespace nf::layout
