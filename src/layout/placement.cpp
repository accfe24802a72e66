#include "layout/placement.h"

#include <algorithm>
#include <limits>

#include "layout/csr.h"

namespace nf::layout {

double Positioning::separation(const ProperGraph& g, const Options& options, uint32_t a, uint32_t b) {
  const bool da = g.isDummy(a), db = g.isDummy(b);
  const double gap = da && db ? options.edge_sep
                     : (da || db) ? 0.5 * (options.edge_sep + options.node_sep)
                                  : options.node_sep;
  return 0.5 * (g.width[a] + g.width[b]) + gap;
}

float Positioning::progress() const {
  const float n = g_.nodeCount() ? static_cast<float>(g_.nodeCount()) : 1.0f;
  const float r = g_.rank_count ? static_cast<float>(g_.rank_count) : 1.0f;
  switch (stage_) {
    case Stage::Ports: return 0.1f * cursor_ / n;
    case Stage::Conflicts: return 0.1f + 0.05f * cursor_ / r;
    case Stage::Align: return 0.15f + 0.2f * (dir_ + 0.5f * cursor_ / r);
    case Stage::Compact: return 0.15f + 0.2f * (dir_ + 0.5f);
    case Stage::Balance: return 0.95f;
    case Stage::Vertical: return 0.99f;
    case Stage::Done: return 1.0f;
  }
  return 0.0f;
}

// [SECTION] Ports -------------------------------------------------------------------

// Offsets of v's segment ends on both sides, relative to v's centre.
void Positioning::portsOf(uint32_t v) {
  const double w = g_.width[v];
  for (int side = 0; side < 2; ++side) {
    const bool top = side == 0;
    const uint32_t b = top ? g_.up_begin[v] : g_.down_begin[v];
    const uint32_t e = top ? g_.up_begin[v + 1] : g_.down_begin[v + 1];
    if (b == e) continue;
    std::vector<float>& dx = top ? out_.lower_dx : out_.upper_dx;  // v is the lower end of its top segments
    const uint32_t ports = top ? g_.top_ports[v] : g_.bottom_ports[v];
    const uint32_t* segs = top ? g_.up_segs.data() : g_.down_segs.data();
    if (g_.isDummy(v)) {
      for (uint32_t k = b; k < e; ++k) dx[segs[k]] = 0.0f;
    } else if (ports > 0) {
      for (uint32_t k = b; k < e; ++k) {
        const ProperGraph::Segment& s = g_.segments[segs[k]];
        const uint32_t slot = top ? s.lower_slot : s.upper_slot;
        dx[segs[k]] = static_cast<float>(-0.5 * w + (slot + 0.5) * w / ports);
      }
    } else {
      // Free side: ends in the order of their other ends (position, then port slot).
      nbs_.clear();
      for (uint32_t k = b; k < e; ++k) {
        const ProperGraph::Segment& s = g_.segments[segs[k]];
        const uint32_t other = top ? s.upper : s.lower;
        const uint32_t slot = top ? s.upper_slot : s.lower_slot;
        nbs_.push_back({(uint64_t{o_.pos[other]} << 24) | slot, segs[k], other});
      }
      std::sort(nbs_.begin(), nbs_.end(), [](const Nb& x, const Nb& y) {
        return x.key != y.key ? x.key < y.key : x.seg < y.seg;
      });
      const double count = static_cast<double>(nbs_.size());
      for (size_t i = 0; i < nbs_.size(); ++i) dx[nbs_[i].seg] = static_cast<float>(-0.5 * w + (i + 0.5) * w / count);
    }
  }
}

// [SECTION] Brandes-Koepf -------------------------------------------------------------

// Type-1 conflicts between layers r-1 and r: non-inner segments crossing an inner one.
void Positioning::markConflicts(int32_t r) {
  const uint32_t* layer = o_.layer(r);
  const uint32_t size = o_.layerSize(r);
  const uint32_t prev_size = o_.layerSize(r - 1);
  uint32_t k0 = 0, scan = 0;
  for (uint32_t i = 0; i < size; ++i) {
    const uint32_t v = layer[i];
    uint32_t inner_upper = kNoIndex;
    if (g_.isDummy(v) && g_.up_begin[v + 1] - g_.up_begin[v] == 1) {
      const uint32_t u = g_.segments[g_.up_segs[g_.up_begin[v]]].upper;
      if (g_.isDummy(u)) inner_upper = u;
    }
    if (inner_upper == kNoIndex && i + 1 != size) continue;
    const uint32_t k1 = inner_upper != kNoIndex ? o_.pos[inner_upper] : prev_size;
    for (uint32_t j = scan; j <= i; ++j) {
      const uint32_t x = layer[j];
      for (uint32_t k = g_.up_begin[x]; k < g_.up_begin[x + 1]; ++k) {
        const uint32_t s = g_.up_segs[k];
        const uint32_t u = g_.segments[s].upper;
        const uint32_t upos = o_.pos[u];
        if ((upos < k0 || k1 < upos) && !(g_.isDummy(u) && g_.isDummy(x))) conflict_[s] = 1;
      }
    }
    scan = i + 1;
    k0 = k1;
  }
}

// True when dummy d's trunk goes on beyond d, away from the layer being aligned:
// below d when aligning to upper neighbours, above d when aligning to lower ones.
bool Positioning::continuesTrunk(uint32_t d, bool up) const {
  if (up) {
    for (uint32_t k = g_.down_begin[d]; k < g_.down_begin[d + 1]; ++k)
      if (g_.isDummy(g_.segments[g_.down_segs[k]].lower)) return true;
    return false;
  }
  return g_.isDummy(g_.segments[g_.up_segs[g_.up_begin[d]]].upper);
}

void Positioning::alignLayer(int32_t r) {
  const bool up = dir_ < 2, left = dir_ % 2 == 0;
  const uint32_t* layer = o_.layer(r);
  const uint32_t size = o_.layerSize(r);
  int64_t last = -1;  // mirrored position of the last aligned neighbour
  for (uint32_t i = 0; i < size; ++i) {
    const uint32_t v = left ? layer[i] : layer[size - 1 - i];
    const uint32_t b = up ? g_.up_begin[v] : g_.down_begin[v];
    const uint32_t e = up ? g_.up_begin[v + 1] : g_.down_begin[v + 1];
    if (b == e) continue;
    nbs_.clear();
    for (uint32_t k = b; k < e; ++k) {
      const uint32_t s = up ? g_.up_segs[k] : g_.down_segs[k];
      const ProperGraph::Segment& seg = g_.segments[s];
      const uint32_t w = up ? seg.upper : seg.lower;
      const uint32_t slot = up ? seg.upper_slot : seg.lower_slot;
      const uint32_t slots = up ? g_.bottomSlots(w) : g_.topSlots(w);
      const uint32_t wsize = o_.layerSize(g_.rank[w]);
      const uint64_t mpos = left ? o_.pos[w] : wsize - 1 - o_.pos[w];
      const uint64_t mslot = left ? slot : slots - 1 - slot;
      nbs_.push_back({(mpos << 24) | mslot, s, w});
    }
    std::sort(nbs_.begin(), nbs_.end(), [](const Nb& x, const Nb& y) { return x.key != y.key ? x.key < y.key : x.seg < y.seg; });
    // Long edges first: a dummy continues its trunk (its one dummy neighbour) rather
    // than a median; a real node never takes a dummy that continues a trunk, or each
    // branch leaving a fan-out bundle would break the bundle's line.
    size_t lo = (nbs_.size() - 1) / 2, hi = nbs_.size() / 2;
    if (g_.isDummy(v)) {
      for (size_t k = 0; k < nbs_.size(); ++k)
        if (g_.isDummy(nbs_[k].node)) lo = hi = k;
    }
    for (size_t m = lo; m <= hi; ++m) {
      if (align_[v] != v) break;
      const Nb& nb = nbs_[m];
      if (!g_.isDummy(v) && g_.isDummy(nb.node) && continuesTrunk(nb.node, up)) continue;
      const int64_t mpos = static_cast<int64_t>(nb.key >> 24);
      if (conflict_[nb.seg] || mpos <= last) continue;
      const uint32_t w = nb.node;
      const double dx_w = up ? out_.upper_dx[nb.seg] : out_.lower_dx[nb.seg];
      align_[w] = v;
      root_[v] = root_[w];
      align_[v] = root_[v];
      // Real nodes line up centre on centre with the last real node of the block (port
      // offsets would add up along a chain and make it drift sideways); a dummy hangs
      // straight off the port where its long edge leaves or enters the real node.
      if (!g_.isDummy(v)) {
        shift_[v] = anchor_[w];
        anchor_[v] = shift_[v];
      } else {
        const double port = g_.isDummy(w) ? 0.0 : (left ? dx_w : -dx_w);
        shift_[v] = shift_[w] + port;
        anchor_[v] = anchor_[w];
      }
      last = mpos;
    }
  }
}

// Places the blocks of the current direction (mirrored when scanning right to left):
// block graph edges between neighbours, then a longest-path pass to the left and a
// pass pulling every block right up to its successors. Resumable in chunks.
bool Positioning::compact(Budget& budget) {
  const bool left = dir_ % 2 == 0;
  const uint32_t n = g_.nodeCount();
  constexpr double kUnset = -std::numeric_limits<double>::infinity();
  constexpr uint32_t kChunk = 4096;
  switch (compact_stage_) {
    case 0:  // block graph edges, layer by layer
      if (sub_ == 0) block_edges_.clear();
      while (static_cast<int32_t>(sub_) < g_.rank_count) {
        const int32_t r = static_cast<int32_t>(sub_++);
        const uint32_t* layer = o_.layer(r);
        const uint32_t size = o_.layerSize(r);
        for (uint32_t i = 0; i + 1 < size; ++i) {
          const uint32_t a = left ? layer[i] : layer[size - 1 - i];
          const uint32_t b = left ? layer[i + 1] : layer[size - 2 - i];
          block_edges_.push_back({root_[a], root_[b], separation(g_, options_, a, b) + shift_[a] - shift_[b]});
        }
        if (budget.tick(1 + size)) return false;
      }
      compact_stage_ = 1;
      [[fallthrough]];
    case 1:
      if (!csr_.run(n, static_cast<uint32_t>(block_edges_.size()), [&](uint32_t i) { return block_edges_[i].from; },
                    block_begin_, block_list_, budget))
        return false;
      csr_ = {};
      indegree_.assign(n, 0);
      for (const BlockEdge& be : block_edges_) ++indegree_[be.to];
      topo_.clear();
      for (uint32_t v = 0; v < n; ++v)
        if (root_[v] == v && indegree_[v] == 0) topo_.push_back(v);
      block_x_.assign(n, kUnset);
      sub_ = 0;
      compact_stage_ = 2;
      if (budget.tick(2 * n + static_cast<uint32_t>(block_edges_.size()))) return false;
      [[fallthrough]];
    case 2:  // pass 1: as far left as the predecessors allow (topo_ grows as it goes)
      while (sub_ < topo_.size()) {
        const uint32_t r = topo_[sub_++];
        if (block_x_[r] == kUnset) block_x_[r] = 0.0;
        for (uint32_t k = block_begin_[r]; k < block_begin_[r + 1]; ++k) {
          const BlockEdge& be = block_edges_[block_list_[k]];
          block_x_[be.to] = std::max(block_x_[be.to], block_x_[r] + be.weight);
          if (--indegree_[be.to] == 0) topo_.push_back(be.to);
        }
        if (budget.tick(1 + block_begin_[r + 1] - block_begin_[r])) return false;
      }
      sub_ = static_cast<uint32_t>(topo_.size());
      compact_stage_ = 3;
      [[fallthrough]];
    case 3:  // pass 2: pull right up to the successors
      while (sub_ > 0) {
        const uint32_t r = topo_[--sub_];
        double limit = std::numeric_limits<double>::infinity();
        for (uint32_t k = block_begin_[r]; k < block_begin_[r + 1]; ++k)
          limit = std::min(limit, block_x_[block_edges_[block_list_[k]].to] - block_edges_[block_list_[k]].weight);
        if (limit != std::numeric_limits<double>::infinity()) block_x_[r] = std::max(block_x_[r], limit);
        if (budget.tick(1 + block_begin_[r + 1] - block_begin_[r])) return false;
      }
      xs_[dir_].resize(n);
      compact_stage_ = 4;
      [[fallthrough]];
    case 4:  // every node: its block's x plus its shift, unmirrored
      while (sub_ < n) {
        const uint32_t end = std::min(n, sub_ + kChunk);
        for (; sub_ < end; ++sub_) {
          const uint32_t v = sub_;
          const double m = (block_x_[root_[v]] == kUnset ? 0.0 : block_x_[root_[v]]) + shift_[v];
          xs_[dir_][v] = left ? m : -m;
        }
        if (budget.tick(kChunk)) return false;
      }
      compact_stage_ = 0;
      sub_ = 0;
      return true;
  }
  return true;
}

// Aligns the four layouts to the narrowest, forms the balanced one, then keeps the
// straightest of the five candidates. Every pass runs in chunks of nodes/segments.
bool Positioning::balance(Budget& budget) {
  const uint32_t n = g_.nodeCount();
  const uint32_t segs = static_cast<uint32_t>(g_.segments.size());
  constexpr uint32_t kChunk = 4096;
  while (true) {
    const int step = balance_stage_;
    if (step < 4) {  // extent of layout `step`
      if (sub_ == 0) {
        lo_[step] = std::numeric_limits<double>::infinity();
        hi_[step] = -lo_[step];
      }
      while (sub_ < n) {
        const uint32_t end = std::min(n, sub_ + kChunk);
        for (; sub_ < end; ++sub_) {
          lo_[step] = std::min(lo_[step], xs_[step][sub_] - 0.5 * g_.width[sub_]);
          hi_[step] = std::max(hi_[step], xs_[step][sub_] + 0.5 * g_.width[sub_]);
        }
        if (budget.tick(kChunk)) return false;
      }
      if (hi_[step] - lo_[step] < hi_[narrowest_] - lo_[narrowest_]) narrowest_ = step;
    } else if (step == 4) {
      // Align to the narrowest (left scans by the left border, right scans by the
      // right border), then each node takes the mean of its two median x values.
      if (sub_ == 0) out_.x.assign(n, 0.0);
      std::array<double, 4> delta;
      for (int d = 0; d < 4; ++d) delta[d] = d % 2 == 0 ? lo_[narrowest_] - lo_[d] : hi_[narrowest_] - hi_[d];
      while (sub_ < n) {
        const uint32_t end = std::min(n, sub_ + kChunk);
        for (; sub_ < end; ++sub_) {
          std::array<double, 4> c;
          for (int d = 0; d < 4; ++d) c[d] = xs_[d][sub_] += delta[d];
          std::sort(c.begin(), c.end());
          out_.x[sub_] = 0.5 * (c[1] + c[2]);
        }
        if (budget.tick(4 * kChunk)) return false;
      }
    } else if (step < 10) {
      // Candidate step - 5: 0 = balanced, 1..4 = the single layouts. Cost: total
      // horizontal offset between the ends of every segment, by weight; ties: width.
      const int c = step - 5;
      const std::vector<double>& x = c == 0 ? out_.x : xs_[c - 1];
      if (sub_ == 0) {
        cand_cost_ = 0.0;
        cand_lo_ = std::numeric_limits<double>::infinity();
        cand_hi_ = -cand_lo_;
      }
      while (sub_ < segs + n) {
        const uint32_t end = std::min(segs + n, sub_ + kChunk);
        for (; sub_ < end; ++sub_) {
          if (sub_ < segs) {
            const ProperGraph::Segment& seg = g_.segments[sub_];
            cand_cost_ += seg.weight * std::abs(x[seg.upper] + out_.upper_dx[sub_] - x[seg.lower] - out_.lower_dx[sub_]);
          } else {
            const uint32_t v = sub_ - segs;
            cand_lo_ = std::min(cand_lo_, x[v] - 0.5 * g_.width[v]);
            cand_hi_ = std::max(cand_hi_, x[v] + 0.5 * g_.width[v]);
          }
        }
        if (budget.tick(kChunk)) return false;
      }
      const double width = cand_hi_ - cand_lo_;
      if (best_ < 0 || cand_cost_ < best_cost_ || (cand_cost_ == best_cost_ && width < best_width_)) {
        best_ = c;
        best_cost_ = cand_cost_;
        best_width_ = width;
        best_left_ = cand_lo_;
      }
    } else {
      if (best_ > 0) out_.x = std::move(xs_[best_ - 1]);
      out_.candidate = best_;
      for (double& x : out_.x) x -= best_left_;
      out_.width = best_width_;
      for (auto& x : xs_) x = {};
      sub_ = 0;
      return true;
    }
    ++balance_stage_;
    sub_ = 0;
  }
}

// [SECTION] Driver ----------------------------------------------------------------------

bool Positioning::run(Budget& budget) {
  const uint32_t n = g_.nodeCount();
  const int32_t R = g_.rank_count;
  while (true) {
    switch (stage_) {
      case Stage::Ports: {
        if (cursor_ == 0) {
          out_.upper_dx.assign(g_.segments.size(), 0.0f);
          out_.lower_dx.assign(g_.segments.size(), 0.0f);
        }
        while (cursor_ < g_.real_count) {
          const uint32_t v = cursor_++;
          portsOf(v);
          if (budget.tick(1 + g_.up_begin[v + 1] - g_.up_begin[v] + g_.down_begin[v + 1] - g_.down_begin[v])) return false;
        }
        conflict_.assign(g_.segments.size(), 0);
        cursor_ = 1;
        stage_ = Stage::Conflicts;
        break;
      }
      case Stage::Conflicts: {
        while (static_cast<int32_t>(cursor_) < R) {
          const int32_t r = static_cast<int32_t>(cursor_++);
          markConflicts(r);
          if (budget.tick(1 + o_.layerSize(r))) return false;
        }
        dir_ = 0;
        cursor_ = 0;
        stage_ = Stage::Align;
        break;
      }
      case Stage::Align: {
        if (cursor_ == 0) {
          root_.resize(n);
          align_.resize(n);
          for (uint32_t v = 0; v < n; ++v) root_[v] = align_[v] = v;
          shift_.assign(n, 0.0);
          anchor_.assign(n, 0.0);
        }
        const bool up = dir_ < 2;
        while (static_cast<int32_t>(cursor_) < R) {
          const int32_t r = up ? static_cast<int32_t>(cursor_) : R - 1 - static_cast<int32_t>(cursor_);
          ++cursor_;
          alignLayer(r);
          if (budget.tick(1 + o_.layerSize(r))) return false;
        }
        stage_ = Stage::Compact;
        break;
      }
      case Stage::Compact: {
        if (!compact(budget)) return false;
        cursor_ = 0;
        if (++dir_ < 4) {
          stage_ = Stage::Align;
        } else {
          stage_ = Stage::Balance;
          root_ = {};
          align_ = {};
          shift_ = {};
          anchor_ = {};
          conflict_ = {};
          block_edges_ = {};
          block_begin_ = {};
          block_list_ = {};
          indegree_ = {};
          topo_ = {};
          block_x_ = {};
        }
        break;
      }
      case Stage::Balance: {
        if (n > 0 && !balance(budget)) return false;
        if (n == 0) out_.x.clear();
        stage_ = Stage::Vertical;
        break;
      }
      case Stage::Vertical: {
        out_.rank_top.assign(R, 0.0);
        out_.rank_height.assign(R, 0.0);
        for (uint32_t v = 0; v < g_.real_count; ++v)
          out_.rank_height[g_.rank[v]] = std::max<double>(out_.rank_height[g_.rank[v]], g_.height[v]);
        double y = 0.0;
        for (int32_t r = 0; r < R; ++r) {
          out_.rank_top[r] = y;
          y += out_.rank_height[r] + (r + 1 < R ? options_.rank_sep : 0.0);
        }
        out_.height = y;
        stage_ = Stage::Done;
        budget.tick(g_.real_count);
        return true;
      }
      case Stage::Done: return true;
    }
  }
}

}  // namespace nf::layout
