// Repeated blocks among nodes that names did not group.
//
// Index of this file
//   [SECTION] Structural colours (Weisfeiler-Lehman refinement)
//   [SECTION] Lockstep growth from a seed class
//   [SECTION] Verification and extra instances
//   [SECTION] Glue between instances
//   [SECTION] Choosing blocks, carving them into the draft
//   [SECTION] Runs: instances that follow one another
//
// Idea: nodes that play the same role in each of 48 identical layers get the same
// colour after a few rounds of colour refinement (op label + multiset of neighbour
// colours by slot); the colour classes of rounds 1 to 3 all serve as seed sets.
// Taking every node of one class as seeds, the instances grow in
// lockstep: an edge is followed only if the corresponding edge exists, leads to a
// node with the same label and is still free in *every* instance. Instances stay
// disjoint, so they cannot grow into each other, and the first and last layers
// (whose neighbours differ) stop the growth at the layer boundary. The grown
// instances are then verified (every internal edge of one exists in all, none
// more). The seed class whose blocks save the most nodes when folded ((k-1) x size)
// wins, unless a class of bigger blocks covers nearly as much (layers rather than
// the attention cores inside them); the loop repeats on what is left (e.g. encoder
// layers after decoder layers).
// Seeds are never constants, shape chains or Identity/Cast (blocks of bookkeeping are
// noise), but blocks grow through them.
// The bigger-blocks preference is skipped when the best blocks chain (block i feeds
// block i + 1) and the bigger ones do not: three chained resnet bottlenecks repeat
// as a "stage", but the bottleneck is the unit a reader follows.
// Glue: a node left between instances (a bottleneck's closing Relu, which the next
// block's growth claimed in some instances and not in others; ConvNeXt's depthwise
// Conv, whose `group` differs by stage) joins every instance when all of them (or all
// but one, dropped) have it wired the same way; different glue labels split the
// class (one class per ConvNeXt stage). Isomorphism is re-verified after each step.
// Runs: a class becomes one Series per run of instances that feed one another and
// form a convex set (no path leaves the run and comes back); a lone instance is a
// Block on its own. Every run keeps the class (one colour), and no series can sit in
// a cycle with its siblings (inception's MaxPools between runs of modules).
#include <algorithm>
#include <map>
#include <optional>

#include "hierarchy/draft.h"
#include "hierarchy/hash.h"

namespace nf::hierarchy::detail {

namespace {

constexpr int kRefineRounds = 3;
constexpr int kMaxRounds = 16;  // accepted block classes per group, at most
// Preferring bigger blocks (see run()): classes with at least this many instances,
// covering at least kNearTop of the best coverage.
constexpr uint32_t kLayerInstances = 4;
constexpr double kNearTop = 0.75;

// How a position was reached from an earlier one; replaying the steps from a new
// seed finds (or fails to find) one more instance.
struct Step {
  uint32_t parent = 0;      // earlier position
  bool out = false;         // false: producer of parent's input; true: a consumer of its output
  uint16_t my_slot = 0;     // parent's input slot (in) / output slot (out)
  uint16_t other_slot = 0;  // neighbour's output slot (in) / input slot (out)
  uint32_t label = 0;       // neighbour's label
  uint32_t rank = 0;        // out: index among parent's consumers that match (slot, slot, label)
  uint32_t count = 0;       // out: how many consumers match; must be equal in every instance
};

struct Trial {
  uint32_t k = 0;                 // instances
  std::vector<uint32_t> nodes;    // position-major: nodes[p * k + j] is position p of instance j
  std::vector<Step> steps;        // per position (steps[0] unused: the seed)
  uint32_t size() const { return k == 0 ? 0 : static_cast<uint32_t>(nodes.size() / k); }
  // Nodes a reader no longer has to look at once the instances fold into one.
  uint64_t saving() const { return k < 2 ? 0 : static_cast<uint64_t>(k - 1) * size(); }
};

bool nearTop(const Trial& t, uint64_t top_coverage) {
  return static_cast<double>(t.nodes.size()) >= kNearTop * static_cast<double>(top_coverage);
}

class Finder {
 public:
  Finder(const Topology& t, const std::vector<uint8_t>& categories, const BuildOptions& o)
      : t_(t), cat_(categories), opt_(o), in_set_(t.node_count, 0), claimed_(t.node_count, 0), stamp_(t.node_count, 0),
        inst_(t.node_count, 0), pos_(t.node_count, 0),
        colour_(kRefineRounds, std::vector<uint64_t>(t.node_count, 0)), seen_(t.node_count, 0) {}

  // Finds block classes among `set` (ascending node indices): start(), then advance()
  // until it returns true, then take(). Each result is a list of instances (node
  // lists, ascending), instances ordered by their first node. advance() stops between
  // units of work (a slice of a refinement round, one seed class's trial, a slice of
  // the scan for extra instances) once out_of_time() says so, and resumes there: the
  // result does not depend on where it stopped.
  void start(std::vector<uint32_t> set);
  bool advance(const OutOfTime& out_of_time);
  std::vector<std::vector<std::vector<uint32_t>>> take() { return std::move(result_); }

 private:
  // [SECTION] Structural colours ------------------------------------------------------
  // Refinement round refine_round_ on set_[begin, end).
  void refine(size_t begin, size_t end);
  // One round's classes, a third a call (the sort of a 100k-node group took 8 ms
  // native, over 20 ms in the page): true once done.
  bool sortClassesPart(int round);

  // [SECTION] Choosing blocks ---------------------------------------------------------
  void startRound();
  void tryClass(uint32_t c);
  bool chooseBest();  // false: nothing left worth folding
  void acceptBest();
  void finishRound();

  // [SECTION] Lockstep growth ---------------------------------------------------------
  bool eligible(uint32_t v) const { return in_set_[v] && !claimed_[v] && stamp_[v] != cur_; }
  uint32_t neighbour(uint32_t u, const Step& s) const;
  bool tryExtend(Trial* tr, const Step& s, std::vector<uint32_t>* scratch);
  Trial grow(const std::vector<uint32_t>& seeds);

  // [SECTION] Verification ------------------------------------------------------------
  struct InEdge {
    uint16_t slot;
    uint32_t src_pos;
    uint16_t src_slot;
    bool operator==(const InEdge& o) const {
      return slot == o.slot && src_pos == o.src_pos && src_slot == o.src_slot;
    }
  };
  // Internal in-edges of node u, whose instance members carry stamp cur_ (positions in pos_).
  void internalInEdges(uint32_t u, std::vector<InEdge>* out) const;
  void verify(Trial* tr);
  bool matchAt(uint32_t seed, const Trial& tr, const std::vector<std::vector<InEdge>>& pattern,
               std::vector<uint32_t>* out);
  bool sameWiring(const std::vector<std::vector<uint32_t>>& instances);
  bool chains(const Trial& tr);

  // [SECTION] Glue between instances --------------------------------------------------
  bool glueEligible(uint32_t v) const { return in_set_[v] && !claimed_[v] && !foldable(v); }
  void glueCandidates(const std::vector<std::vector<uint32_t>>& instances, bool tail,
                      std::vector<std::vector<std::pair<std::vector<uint32_t>, uint32_t>>>* per);
  std::vector<std::vector<std::vector<uint32_t>>> absorbGlue(std::vector<std::vector<uint32_t>> instances,
                                                             uint64_t* free_nodes);

  bool foldable(uint32_t v) const { return (cat_[v] & kFoldableCategories) != 0; }

  const Topology& t_;
  const std::vector<uint8_t>& cat_;
  const BuildOptions& opt_;
  std::vector<uint8_t> in_set_, claimed_;
  std::vector<uint32_t> stamp_, inst_, pos_;
  std::vector<std::vector<uint64_t>> colour_;  // [round - 1][node], rounds 1..kRefineRounds
  std::vector<uint32_t> seen_;  // glue search: node already considered for an instance
  uint32_t seen_stamp_ = 0;
  uint32_t cur_ = 0;  // stamp of the current trial
  uint64_t budget_ = 0;  // node visits left before the search gives up (bounded time)

  // The search in progress (start() .. advance() == true).
  enum class Phase { Refine, Classes, Round, Trials, Extra, Done };
  Phase phase_ = Phase::Done;
  std::vector<uint32_t> set_;
  size_t at_ = 0;  // Refine / Extra: next index into set_; Trials: next class
  int refine_round_ = 0;
  std::vector<uint64_t> prev_colour_;
  // Seed classes: runs of equal colour in (colour, node) order, over all rounds.
  std::vector<uint32_t> members_, class_begin_;
  std::vector<std::pair<uint64_t, uint32_t>> by_colour_;  // (colour, node) while a round is sorted
  int sort_part_ = 0;
  std::vector<std::vector<uint32_t>> class_of_;  // [round - 1][node]
  uint64_t free_nodes_ = 0;
  int round_ = 0;
  std::vector<uint32_t> free_in_class_;
  std::vector<uint8_t> tried_;
  Trial best_;                 // most nodes saved
  std::vector<Trial> layered_;  // >= kLayerInstances instances, near the best coverage
  uint64_t top_coverage_ = 0;
  std::vector<std::vector<uint32_t>> instances_;  // of the accepted class
  std::vector<std::vector<InEdge>> pattern_;      // instance 0's internal wiring
  std::vector<std::vector<std::vector<uint32_t>>> result_;
};

// [SECTION] Structural colours (Weisfeiler-Lehman refinement) ------------------------

void Finder::refine(size_t begin, size_t end) {
  std::vector<uint64_t>& next = colour_[refine_round_];
  std::vector<uint64_t> parts;
  for (size_t i = begin; i < end; ++i) {
    const uint32_t u = set_[i];
    parts.clear();
    for (uint32_t k = t_.in_begin[u]; k < t_.in_begin[u + 1]; ++k) {
      const TensorEdge& e = t_.edges[t_.in_index[k]];
      if (!in_set_[e.src]) continue;
      parts.push_back(combine(combine(combine(1, e.dst_slot), e.src_slot), prev_colour_[e.src]));
    }
    for (uint32_t k = t_.out_begin[u]; k < t_.out_begin[u + 1]; ++k) {
      const TensorEdge& e = t_.edges[t_.out_index[k]];
      if (!in_set_[e.dst]) continue;
      parts.push_back(combine(combine(combine(2, e.src_slot), e.dst_slot), prev_colour_[e.dst]));
    }
    std::sort(parts.begin(), parts.end());
    uint64_t h = prev_colour_[u];
    for (uint64_t p : parts) h = combine(h, p);
    next[u] = h;
  }
}

// Seed classes of every refinement round: round 3 tells the middle layers of a
// stack apart from its ends, round 1 keeps the first and last layers in the same
// class as the others (their neighbours differ only further out), which is what
// pins the blocks to the real layer boundaries in short stacks. Classes are runs
// of equal colour in (colour, node) order; class ids are global over the rounds,
// numbered from round 3 down.
bool Finder::sortClassesPart(int r) {
  const size_t half = set_.size() / 2;
  switch (sort_part_++) {
    case 0: {  // (colour, node) pairs; the first half sorted
      const std::vector<uint64_t>& col = colour_[r];
      by_colour_.clear();
      by_colour_.reserve(set_.size());
      for (uint32_t u : set_) by_colour_.emplace_back(col[u], u);
      std::sort(by_colour_.begin(), by_colour_.begin() + static_cast<std::ptrdiff_t>(half));
      return false;
    }
    case 1:
      std::sort(by_colour_.begin() + static_cast<std::ptrdiff_t>(half), by_colour_.end());
      return false;
    default:
      std::inplace_merge(by_colour_.begin(), by_colour_.begin() + static_cast<std::ptrdiff_t>(half), by_colour_.end());
      for (size_t i = 0; i < by_colour_.size(); ++i) {
        if (i == 0 || by_colour_[i].first != by_colour_[i - 1].first)
          class_begin_.push_back(static_cast<uint32_t>(members_.size()));
        class_of_[r][by_colour_[i].second] = static_cast<uint32_t>(class_begin_.size() - 1);
        members_.push_back(by_colour_[i].second);
      }
      by_colour_.clear();
      sort_part_ = 0;
      return true;
  }
}

// [SECTION] Lockstep growth from a seed class ------------------------------------------

// The node reached from u by step s, or kNoIndex. Out-steps pick the rank-th of u's
// consumers matching (slots, label) in node order, and require the same number of
// matching consumers, so corresponding nodes are found the same way in every instance.
uint32_t Finder::neighbour(uint32_t u, const Step& s) const {
  if (!s.out) {
    for (uint32_t k = t_.in_begin[u]; k < t_.in_begin[u + 1]; ++k) {
      const TensorEdge& e = t_.edges[t_.in_index[k]];
      if (e.dst_slot != s.my_slot) continue;
      if (e.src_slot != s.other_slot || t_.label[e.src] != s.label || !in_set_[e.src]) return kNoIndex;
      return e.src;
    }
    return kNoIndex;
  }
  uint32_t seen = 0, found = kNoIndex;
  for (uint32_t k = t_.out_begin[u]; k < t_.out_begin[u + 1]; ++k) {
    const TensorEdge& e = t_.edges[t_.out_index[k]];
    if (e.src_slot != s.my_slot || e.dst_slot != s.other_slot || t_.label[e.dst] != s.label || !in_set_[e.dst])
      continue;
    if (seen == s.rank) found = e.dst;
    ++seen;
  }
  return seen == s.count ? found : kNoIndex;
}

// Adds one position if step s leads, in every instance, to a distinct eligible node.
bool Finder::tryExtend(Trial* tr, const Step& s, std::vector<uint32_t>* cand) {
  const uint32_t k = tr->k;
  cand->assign(k, kNoIndex);
  for (uint32_t j = 0; j < k; ++j) {
    uint32_t v = neighbour(tr->nodes[static_cast<size_t>(s.parent) * k + j], s);
    bool ok = v != kNoIndex && eligible(v);
    if (ok) {
      stamp_[v] = cur_;  // tentatively: also catches two instances reaching one node
      (*cand)[j] = v;
    } else {
      for (uint32_t i = 0; i < j; ++i) stamp_[(*cand)[i]] = 0;
      return false;
    }
  }
  const uint32_t p = tr->size();
  for (uint32_t j = 0; j < k; ++j) {
    inst_[(*cand)[j]] = j;
    pos_[(*cand)[j]] = p;
    tr->nodes.push_back((*cand)[j]);
  }
  tr->steps.push_back(s);
  budget_ = budget_ > k ? budget_ - k : 0;
  return true;
}

Trial Finder::grow(const std::vector<uint32_t>& seeds) {
  ++cur_;
  Trial tr;
  tr.k = static_cast<uint32_t>(seeds.size());
  for (uint32_t j = 0; j < tr.k; ++j) {
    stamp_[seeds[j]] = cur_;
    inst_[seeds[j]] = j;
    pos_[seeds[j]] = 0;
    tr.nodes.push_back(seeds[j]);
  }
  tr.steps.push_back(Step{});
  struct Cand {
    uint16_t src_slot, dst_slot;
    uint32_t label, node;
  };
  std::vector<Cand> outs;
  std::vector<uint32_t> scratch;
  // Consumers before producers: a node as far from two neighbouring seeds goes to the
  // upstream one, so a block does not reach back into the previous layer's tail
  // (whose op may well match: layers of one kind often end in the Add the next
  // kind starts from).
  for (uint32_t q = 0; q < tr.size() && budget_ > 0; ++q) {
    const uint32_t u0 = tr.nodes[static_cast<size_t>(q) * tr.k];
    outs.clear();
    for (uint32_t k = t_.out_begin[u0]; k < t_.out_begin[u0 + 1]; ++k) {
      const TensorEdge& e = t_.edges[t_.out_index[k]];
      if (in_set_[e.dst]) outs.push_back({e.src_slot, e.dst_slot, t_.label[e.dst], e.dst});
    }
    std::sort(outs.begin(), outs.end(), [](const Cand& a, const Cand& b) {
      if (a.src_slot != b.src_slot) return a.src_slot < b.src_slot;
      if (a.dst_slot != b.dst_slot) return a.dst_slot < b.dst_slot;
      if (a.label != b.label) return a.label < b.label;
      return a.node < b.node;
    });
    for (size_t i = 0; i < outs.size();) {
      size_t j = i;
      while (j < outs.size() && outs[j].src_slot == outs[i].src_slot && outs[j].dst_slot == outs[i].dst_slot &&
             outs[j].label == outs[i].label)
        ++j;
      for (size_t r = i; r < j; ++r) {
        if (!eligible(outs[r].node)) continue;
        Step s;
        s.parent = q;
        s.out = true;
        s.my_slot = outs[r].src_slot;
        s.other_slot = outs[r].dst_slot;
        s.label = outs[r].label;
        s.rank = static_cast<uint32_t>(r - i);
        s.count = static_cast<uint32_t>(j - i);
        tryExtend(&tr, s, &scratch);
      }
      i = j;
    }
    for (uint32_t k = t_.in_begin[u0]; k < t_.in_begin[u0 + 1]; ++k) {
      const TensorEdge& e = t_.edges[t_.in_index[k]];
      if (!eligible(e.src)) continue;
      Step s;
      s.parent = q;
      s.out = false;
      s.my_slot = e.dst_slot;
      s.other_slot = e.src_slot;
      s.label = t_.label[e.src];
      tryExtend(&tr, s, &scratch);
    }
  }
  return tr;
}

// [SECTION] Verification and extra instances ---------------------------------------------

void Finder::internalInEdges(uint32_t u, std::vector<InEdge>* out) const {
  out->clear();
  const uint32_t j = inst_[u];
  for (uint32_t k = t_.in_begin[u]; k < t_.in_begin[u + 1]; ++k) {
    const TensorEdge& e = t_.edges[t_.in_index[k]];
    if (stamp_[e.src] != cur_ || inst_[e.src] != j) continue;
    out->push_back({e.dst_slot, pos_[e.src], e.src_slot});
  }
}

// Keeps the instances whose internal wiring equals instance 0's, position by
// position: then every kept instance is isomorphic to instance 0 (labels were
// checked while growing, edges here, both directions since every internal edge is
// an in-edge of some member).
void Finder::verify(Trial* tr) {
  const uint32_t k = tr->k, size = tr->size();
  std::vector<uint8_t> ok(k, 1);
  std::vector<InEdge> ref, other;
  for (uint32_t p = 0; p < size; ++p) {
    internalInEdges(tr->nodes[static_cast<size_t>(p) * k], &ref);
    for (uint32_t j = 1; j < k; ++j) {
      if (!ok[j]) continue;
      internalInEdges(tr->nodes[static_cast<size_t>(p) * k + j], &other);
      if (!(other == ref)) ok[j] = 0;
    }
  }
  if (std::all_of(ok.begin(), ok.end(), [](uint8_t x) { return x != 0; })) return;
  Trial kept;
  kept.steps = tr->steps;
  for (uint32_t j = 0; j < k; ++j) kept.k += ok[j];
  for (uint32_t p = 0; p < size; ++p)
    for (uint32_t j = 0; j < k; ++j)
      if (ok[j]) kept.nodes.push_back(tr->nodes[static_cast<size_t>(p) * k + j]);
  *tr = std::move(kept);
}

// Replays the steps of `tr` from `seed`; on success `out` holds the new instance by
// position and its wiring matched `pattern` (instance 0's internal in-edges).
bool Finder::matchAt(uint32_t seed, const Trial& tr, const std::vector<std::vector<InEdge>>& pattern,
                     std::vector<uint32_t>* out) {
  ++cur_;
  out->clear();
  const uint32_t size = tr.size();
  auto take = [&](uint32_t v, uint32_t p) {
    stamp_[v] = cur_;
    inst_[v] = 0;
    pos_[v] = p;
    out->push_back(v);
  };
  if (!eligible(seed) || t_.label[seed] != t_.label[tr.nodes[0]]) return false;
  take(seed, 0);
  for (uint32_t p = 1; p < size; ++p) {
    uint32_t v = neighbour((*out)[tr.steps[p].parent], tr.steps[p]);
    if (v == kNoIndex || !eligible(v)) {
      budget_ = budget_ > p ? budget_ - p : 0;  // failed attempts cost too
      return false;
    }
    take(v, p);
  }
  budget_ = budget_ > size ? budget_ - size : 0;
  std::vector<InEdge> got;
  for (uint32_t p = 0; p < size; ++p) {
    internalInEdges((*out)[p], &got);
    if (!(got == pattern[p])) return false;
  }
  return true;
}

// True if every instance (nodes by position) is wired inside like instance 0: then
// they are isomorphic by position (labels are compared here too).
bool Finder::sameWiring(const std::vector<std::vector<uint32_t>>& instances) {
  ++cur_;
  const size_t size = instances[0].size();
  for (uint32_t j = 0; j < instances.size(); ++j) {
    if (instances[j].size() != size) return false;
    for (uint32_t p = 0; p < size; ++p) {
      const uint32_t v = instances[j][p];
      if (t_.label[v] != t_.label[instances[0][p]]) return false;
      stamp_[v] = cur_;
      inst_[v] = j;
      pos_[v] = p;
    }
  }
  std::vector<InEdge> ref, other;
  for (uint32_t p = 0; p < size; ++p) {
    internalInEdges(instances[0][p], &ref);
    for (uint32_t j = 1; j < instances.size(); ++j) {
      internalInEdges(instances[j][p], &other);
      if (!(other == ref)) return false;
    }
  }
  return true;
}

// True if at least half the instances are fed directly by another instance of the
// trial: the blocks follow one another like layers.
bool Finder::chains(const Trial& tr) {
  ++cur_;
  const uint32_t k = tr.k;
  for (size_t i = 0; i < tr.nodes.size(); ++i) {
    stamp_[tr.nodes[i]] = cur_;
    inst_[tr.nodes[i]] = static_cast<uint32_t>(i % k);
  }
  uint32_t fed = 0;
  for (uint32_t j = 0; j < k; ++j) {
    bool any = false;
    for (uint32_t p = 0; p < tr.size() && !any; ++p) {
      const uint32_t u = tr.nodes[static_cast<size_t>(p) * k + j];
      for (uint32_t x = t_.in_begin[u]; x < t_.in_begin[u + 1] && !any; ++x) {
        const uint32_t src = t_.edges[t_.in_index[x]].src;
        any = stamp_[src] == cur_ && inst_[src] != j;
      }
    }
    fed += any;
  }
  return 2 * fed >= k;
}

// [SECTION] Glue between instances ---------------------------------------------------

// Glue candidates of each instance, with their signature (the wiring to the instance
// by position; labels are compared by the caller). Tail glue: a free node all of whose producers in the set
// (constants aside) lie in the instance - a block's closing Relu that the growth left
// out because the next block had already taken it in other instances. Head glue: a
// free node all of whose consumers in the set lie in the instance.
void Finder::glueCandidates(const std::vector<std::vector<uint32_t>>& instances, bool tail,
                            std::vector<std::vector<std::pair<std::vector<uint32_t>, uint32_t>>>* per) {
  const uint32_t k = static_cast<uint32_t>(instances.size());
  ++cur_;
  for (uint32_t j = 0; j < k; ++j)
    for (uint32_t p = 0; p < instances[j].size(); ++p) {
      const uint32_t v = instances[j][p];
      stamp_[v] = cur_;
      inst_[v] = j;
      pos_[v] = p;
    }
  per->assign(k, {});
  std::vector<uint32_t> sig;
  for (uint32_t j = 0; j < k; ++j) {
    ++seen_stamp_;
    for (uint32_t u : instances[j]) {
      const uint32_t begin = tail ? t_.out_begin[u] : t_.in_begin[u];
      const uint32_t end = tail ? t_.out_begin[u + 1] : t_.in_begin[u + 1];
      for (uint32_t x = begin; x < end; ++x) {
        const TensorEdge& e0 = t_.edges[tail ? t_.out_index[x] : t_.in_index[x]];
        const uint32_t w = tail ? e0.dst : e0.src;
        if (seen_[w] == seen_stamp_ || !glueEligible(w)) continue;
        seen_[w] = seen_stamp_;
        // The other side of w must touch nothing in the set but this instance.
        sig.clear();
        bool ok = true;
        const uint32_t b2 = tail ? t_.in_begin[w] : t_.out_begin[w];
        const uint32_t e2 = tail ? t_.in_begin[w + 1] : t_.out_begin[w + 1];
        for (uint32_t y = b2; y < e2 && ok; ++y) {
          const TensorEdge& e = t_.edges[tail ? t_.in_index[y] : t_.out_index[y]];
          const uint32_t o = tail ? e.src : e.dst;
          if (stamp_[o] == cur_ && inst_[o] == j) {
            sig.push_back(tail ? e.dst_slot : e.src_slot);
            sig.push_back(pos_[o]);
            sig.push_back(tail ? e.src_slot : e.dst_slot);
          } else if (in_set_[o] && !(tail && foldable(o) && !claimed_[o])) {
            ok = false;  // reaches another instance or a free node: not glue of this one
          }
        }
        if (!ok || sig.empty()) continue;
        (*per)[j].push_back({sig, w});
      }
    }
  }
}

// Absorbs glue left between the instances of one class: a node that every instance
// (or all but one, which is then dropped and freed) has in the same place becomes a
// new position of each. Glue wired alike but with different labels (the depthwise
// Conv opening each ConvNeXt block has one `group` per stage) splits the class by
// label; parts of one instance are dropped. Repeats for chains of glue; a change
// that would break the verified isomorphism is not made. Returns the classes.
std::vector<std::vector<std::vector<uint32_t>>> Finder::absorbGlue(std::vector<std::vector<uint32_t>> instances,
                                                                   uint64_t* free_nodes) {
  constexpr int kGlueRounds = 4;
  constexpr uint32_t kAmbiguous = kNoIndex - 1;  // per instance: kNoIndex = no glue, this = two candidates
  auto drop = [&](const std::vector<uint32_t>& inst) {
    for (uint32_t v : inst) claimed_[v] = 0;
    *free_nodes += inst.size();
  };
  std::vector<std::vector<std::vector<uint32_t>>> done;
  std::vector<std::pair<std::vector<std::vector<uint32_t>>, int>> work = {{std::move(instances), 0}};
  std::vector<std::vector<std::pair<std::vector<uint32_t>, uint32_t>>> per;
  // Not charged to the search budget: linear in the instances' edges per round.
  while (!work.empty()) {
    auto [cls, round] = std::move(work.back());
    work.pop_back();
    const uint32_t k = static_cast<uint32_t>(cls.size());
    // Best wiring over both variants: the one found exactly once in most instances
    // (head glue first: on ties a block starts with what joins it to the previous one).
    uint32_t best_count = 0;
    std::vector<uint32_t> best_node;  // per instance, kNoIndex if the instance lacks it
    for (bool tail : {false, true}) {
      if (round >= kGlueRounds) break;
      glueCandidates(cls, tail, &per);
      std::map<std::vector<uint32_t>, std::vector<uint32_t>> found;  // wiring -> node per instance
      for (uint32_t j = 0; j < k; ++j)
        for (const auto& [sig, w] : per[j]) {
          auto& at = found.try_emplace(sig, std::vector<uint32_t>(k, kNoIndex)).first->second;
          at[j] = at[j] == kNoIndex ? w : kAmbiguous;  // twice in one instance
        }
      for (const auto& [sig, at] : found) {
        uint32_t count = 0;
        for (uint32_t w : at) count += w < kAmbiguous;
        if (count > best_count) {
          best_count = count;
          best_node = at;
        }
      }
    }
    if (best_count < 2 || best_count + 1 < k) {
      done.push_back(std::move(cls));
      continue;
    }
    // Parts by glue label, in order of first instance.
    std::vector<std::vector<uint32_t>> parts;  // instance indices
    std::vector<uint32_t> part_label;
    for (uint32_t j = 0; j < k; ++j) {
      if (best_node[j] >= kAmbiguous) continue;
      const uint32_t l = t_.label[best_node[j]];
      auto it = std::find(part_label.begin(), part_label.end(), l);
      if (it == part_label.end()) {
        part_label.push_back(l);
        parts.push_back({j});
      } else {
        parts[static_cast<size_t>(it - part_label.begin())].push_back(j);
      }
    }
    std::vector<std::vector<std::vector<uint32_t>>> next(parts.size());
    bool ok = true;
    for (size_t q = 0; q < parts.size() && ok; ++q) {
      for (uint32_t j : parts[q]) {
        next[q].push_back(cls[j]);
        next[q].back().push_back(best_node[j]);
      }
      ok = next[q].size() < 2 || sameWiring(next[q]);
    }
    uint32_t kept = 0;
    for (const auto& n : next) kept += n.size() >= 2 ? static_cast<uint32_t>(n.size()) : 0;
    if (!ok || kept < 2) {
      done.push_back(std::move(cls));
      continue;
    }
    for (uint32_t j = 0; j < k; ++j)
      if (best_node[j] >= kAmbiguous) drop(cls[j]);
    for (size_t q = 0; q < parts.size(); ++q) {
      if (next[q].size() < 2) {
        for (uint32_t j : parts[q]) drop(cls[j]);
        continue;
      }
      for (uint32_t j : parts[q]) {
        claimed_[best_node[j]] = 1;
        --*free_nodes;
      }
      work.push_back({std::move(next[q]), round + 1});
    }
  }
  return done;
}

// [SECTION] Choosing blocks, carving them into the draft -------------------------------

// Units of work between two looks at the clock: a few ms of node visits at most.
constexpr size_t kNodesPerSlice = 4096;

void Finder::start(std::vector<uint32_t> set) {
  set_ = std::move(set);
  for (uint32_t u : set_) in_set_[u] = 1;
  // Bounded effort: a few dozen passes over the set, whatever the graph looks like.
  budget_ = 64ull * set_.size() + 4096;
  prev_colour_.assign(t_.node_count, 0);
  for (uint32_t u : set_) prev_colour_[u] = mix64(t_.label[u] + 1);
  members_.clear();
  class_begin_.clear();
  class_of_.assign(kRefineRounds, std::vector<uint32_t>(t_.node_count, kNoIndex));
  free_nodes_ = set_.size();
  round_ = 0;
  refine_round_ = 0;
  sort_part_ = 0;
  at_ = 0;
  result_.clear();
  phase_ = Phase::Refine;
}

bool Finder::advance(const OutOfTime& out_of_time) {
  for (bool first = true; phase_ != Phase::Done && (first || !out_of_time()); first = false) {
    switch (phase_) {
      case Phase::Refine: {
        const size_t end = std::min(set_.size(), at_ + kNodesPerSlice);
        refine(at_, end);
        at_ = end;
        if (at_ < set_.size()) break;
        for (uint32_t u : set_) prev_colour_[u] = colour_[refine_round_][u];
        at_ = 0;
        if (++refine_round_ == kRefineRounds) {
          refine_round_ = kRefineRounds;
          phase_ = Phase::Classes;
        }
        break;
      }
      case Phase::Classes:
        // Round 3 first.
        if (!sortClassesPart(refine_round_ - 1)) break;
        if (--refine_round_ == 0) {
          class_begin_.push_back(static_cast<uint32_t>(members_.size()));
          phase_ = Phase::Round;
        }
        break;
      case Phase::Round:
        if (round_ >= kMaxRounds || budget_ == 0) {
          phase_ = Phase::Done;
          break;
        }
        startRound();
        phase_ = Phase::Trials;
        break;
      case Phase::Trials: {
        const uint32_t classes = static_cast<uint32_t>(class_begin_.size() - 1);
        if (at_ < classes && budget_ > 0) {
          tryClass(static_cast<uint32_t>(at_++));
          break;
        }
        if (!chooseBest()) {
          phase_ = Phase::Done;
          break;
        }
        acceptBest();
        at_ = 0;
        phase_ = Phase::Extra;
        break;
      }
      case Phase::Extra: {
        // Further instances the seed class missed (the first and last layers, whose
        // colours differ from the middle ones).
        const size_t end = std::min(set_.size(), at_ + kNodesPerSlice);
        std::vector<uint32_t> extra;
        for (; at_ < end && budget_ > 0; ++at_) {
          const uint32_t u = set_[at_];
          if (claimed_[u] || t_.label[u] != t_.label[instances_[0][0]]) continue;
          if (!matchAt(u, best_, pattern_, &extra)) continue;
          for (uint32_t v : extra) claimed_[v] = 1;
          free_nodes_ -= extra.size();
          instances_.push_back(extra);
        }
        if (at_ < set_.size() && budget_ > 0) break;
        finishRound();
        phase_ = Phase::Round;
        break;
      }
      case Phase::Done: break;
    }
  }
  if (phase_ != Phase::Done) return false;
  for (uint32_t u : set_) in_set_[u] = 0;
  return true;
}

void Finder::startRound() {
  const uint32_t classes = static_cast<uint32_t>(class_begin_.size() - 1);
  free_in_class_.assign(classes, 0);
  for (uint32_t c = 0; c < classes; ++c)
    for (uint32_t i = class_begin_[c]; i < class_begin_[c + 1]; ++i) free_in_class_[c] += !claimed_[members_[i]];
  tried_.assign(classes, 0);
  best_ = Trial{};
  layered_.clear();
  top_coverage_ = 0;
  at_ = 0;
}

void Finder::tryClass(uint32_t c) {
  if (tried_[c] || free_in_class_[c] < 2 || foldable(members_[class_begin_[c]])) return;
  if (static_cast<uint64_t>(free_in_class_[c]) * opt_.block_min_nodes > free_nodes_) return;
  std::vector<uint32_t> seeds;
  for (uint32_t i = class_begin_[c]; i < class_begin_[c + 1]; ++i)
    if (!claimed_[members_[i]]) seeds.push_back(members_[i]);
  Trial tr = grow(seeds);
  // A class (of any round) whose free nodes are exactly one position of this
  // trial would grow the same blocks: skip it this round.
  for (uint32_t p = 0; p < tr.size(); ++p) {
    const uint32_t* at = &tr.nodes[static_cast<size_t>(p) * tr.k];
    for (int r = 0; r < kRefineRounds; ++r) {
      uint32_t c0 = class_of_[r][at[0]];
      if (free_in_class_[c0] != tr.k) continue;
      bool same = true;
      for (uint32_t j = 1; j < tr.k && same; ++j) same = class_of_[r][at[j]] == c0;
      if (same) tried_[c0] = 1;
    }
  }
  verify(&tr);
  if (tr.k < 2) return;
  uint32_t real = 0;  // positions that are not constants / shape chains / Identity
  for (uint32_t p = 0; p < tr.size(); ++p) real += !foldable(tr.nodes[static_cast<size_t>(p) * tr.k]);
  if (real < opt_.block_min_nodes) return;
  top_coverage_ = std::max<uint64_t>(top_coverage_, tr.nodes.size());
  std::erase_if(layered_, [&](const Trial& x) { return !nearTop(x, top_coverage_); });
  if (tr.k >= kLayerInstances && nearTop(tr, top_coverage_)) layered_.push_back(tr);
  if (tr.saving() > best_.saving() || (tr.saving() == best_.saving() && tr.size() > best_.size()))
    best_ = std::move(tr);
}

// Layers over their parts: attention cores repeat 288 times in a 96+96-layer
// encoder-decoder and save the most nodes, but the reader wants the 96 decoder
// layers (whose 122 nodes cover nearly as much) as boxes. Among block classes with
// enough instances that cover nearly as much as the best, the biggest blocks win.
// Unless the best blocks chain (block i feeds block i + 1, as resnet bottlenecks
// do) and the bigger ones do not: those are then runs of layers (a stage of three
// bottlenecks), not layers.
bool Finder::chooseBest() {
  const bool best_chains = best_.k >= 2 && chains(best_);
  for (Trial& x : layered_) {
    if (!nearTop(x, top_coverage_) || (best_chains && !chains(x))) continue;
    if (best_.k < kLayerInstances || x.size() > best_.size() ||
        (x.size() == best_.size() && x.nodes.size() > best_.nodes.size()))
      best_ = std::move(x);
  }
  return best_.k >= 2;
}

// Claims the best class's instances and records instance 0's wiring for the scan
// for extra instances.
void Finder::acceptBest() {
  const uint32_t k = best_.k, size = best_.size();
  instances_.assign(k, {});
  for (uint32_t j = 0; j < k; ++j)
    for (uint32_t p = 0; p < size; ++p) instances_[j].push_back(best_.nodes[static_cast<size_t>(p) * k + j]);
  for (uint32_t v : best_.nodes) claimed_[v] = 1;
  free_nodes_ -= best_.nodes.size();
  pattern_.assign(size, {});
  ++cur_;
  for (uint32_t p = 0; p < size; ++p) {
    stamp_[instances_[0][p]] = cur_;
    inst_[instances_[0][p]] = 0;
    pos_[instances_[0][p]] = p;
  }
  for (uint32_t p = 0; p < size; ++p) internalInEdges(instances_[0][p], &pattern_[p]);
}

void Finder::finishRound() {
  for (auto& cls : absorbGlue(std::move(instances_), &free_nodes_)) {
    for (auto& inst : cls) std::sort(inst.begin(), inst.end());
    std::sort(cls.begin(), cls.end(),
              [](const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) { return a[0] < b[0]; });
    result_.push_back(std::move(cls));
  }
  instances_.clear();
  ++round_;
}

std::string classLetter(size_t i) {
  std::string s;
  do {
    s.insert(s.begin(), static_cast<char>('A' + i % 26));
    i /= 26;
  } while (i-- > 0);
  return s;
}

// [SECTION] Runs: instances that follow one another --------------------------------

// Splits the instances of one class (ordered by first node) into runs a Series can
// hold without drawing a cycle: an instance joins the run of the previous one only
// if that one feeds it directly and the run stays convex (no path leaves the run and
// comes back into it, which would loop the series through its siblings). Paths
// through constants and shape chains do not count: the view folds them into notes,
// so they draw no edge (with folding off such a path can still show as a cycle).
class Runs {
 public:
  Runs(const Topology& t, const std::vector<uint8_t>& categories)
      : t_(t), cat_(categories), mark_(t.node_count, 0), seen_(t.node_count, 0), topo_(t.node_count, 0) {
    // Topological positions (Kahn, smallest node index first among the ready ones).
    std::vector<uint32_t> indeg(t.node_count, 0), ready;
    for (uint32_t v = 0; v < t.node_count; ++v) indeg[v] = t.in_begin[v + 1] - t.in_begin[v];
    for (uint32_t v = t.node_count; v-- > 0;)
      if (indeg[v] == 0) ready.push_back(v);
    uint32_t next = 0;
    while (!ready.empty()) {
      uint32_t u = ready.back();
      ready.pop_back();
      topo_[u] = next++;
      for (uint32_t k = t.out_begin[u]; k < t.out_begin[u + 1]; ++k)
        if (--indeg[t.edges[t.out_index[k]].dst] == 0) ready.push_back(t.edges[t.out_index[k]].dst);
    }
  }

  // Runs as [begin, end) ranges of `instances`.
  std::vector<std::pair<size_t, size_t>> split(const std::vector<std::vector<uint32_t>>& instances) {
    std::vector<std::pair<size_t, size_t>> out;
    if (instances.empty()) return out;
    size_t begin = 0;
    startRun(instances[0]);
    for (size_t i = 1; i <= instances.size(); ++i) {
      if (i < instances.size() && feeds(instances[i - 1], instances[i]) && extend(instances[i])) continue;
      out.push_back({begin, i});
      begin = i;
      if (i < instances.size()) startRun(instances[i]);
    }
    return out;
  }

 private:
  // The run's nodes carry run_ in mark_; exits_ holds the nodes outside the run that
  // it feeds directly (some maybe absorbed since: filtered on use), so extending a
  // run costs the new instance's edges plus the search, not the whole run again.
  void startRun(const std::vector<uint32_t>& inst) {
    ++run_;
    hi_ = 0;
    for (uint32_t v : inst) {
      mark_[v] = run_;
      hi_ = std::max(hi_, topo_[v]);
    }
    exits_.clear();
    addExits(inst);
  }
  void addExits(const std::vector<uint32_t>& inst) {
    for (uint32_t u : inst)
      for (uint32_t k = t_.out_begin[u]; k < t_.out_begin[u + 1]; ++k) {
        uint32_t w = t_.edges[t_.out_index[k]].dst;
        if (mark_[w] != run_ && !noEdges(w)) exits_.push_back(w);
      }
  }
  bool feeds(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
    ++stamp_;
    for (uint32_t v : b) seen_[v] = stamp_;
    for (uint32_t u : a)
      for (uint32_t k = t_.out_begin[u]; k < t_.out_begin[u + 1]; ++k)
        if (seen_[t_.edges[t_.out_index[k]].dst] == stamp_) return true;
    return false;
  }
  // Adds `inst` to the run if the run stays convex: no path from it back into it
  // through other nodes. Such a path ends below the run's last topological position,
  // so the search stays inside the run's window. On failure the run is closed (its
  // marks are left as they are: the next run takes a new stamp).
  bool extend(const std::vector<uint32_t>& inst) {
    for (uint32_t v : inst) {
      mark_[v] = run_;
      hi_ = std::max(hi_, topo_[v]);
    }
    std::erase_if(exits_, [&](uint32_t w) { return mark_[w] == run_; });
    addExits(inst);
    std::sort(exits_.begin(), exits_.end());
    exits_.erase(std::unique(exits_.begin(), exits_.end()), exits_.end());
    ++stamp_;
    stack_.clear();
    for (uint32_t w : exits_)
      if (topo_[w] < hi_) {
        seen_[w] = stamp_;
        stack_.push_back(w);
      }
    while (!stack_.empty()) {
      uint32_t u = stack_.back();
      stack_.pop_back();
      for (uint32_t k = t_.out_begin[u]; k < t_.out_begin[u + 1]; ++k) {
        uint32_t w = t_.edges[t_.out_index[k]].dst;
        if (mark_[w] == run_) return false;
        if (seen_[w] == stamp_ || topo_[w] >= hi_ || noEdges(w)) continue;
        seen_[w] = stamp_;
        stack_.push_back(w);
      }
    }
    return true;
  }

  bool noEdges(uint32_t v) const { return (cat_[v] & (kCategoryConstant | kCategoryShape)) != 0; }

  const Topology& t_;
  const std::vector<uint8_t>& cat_;
  std::vector<uint32_t> mark_, seen_, topo_, stack_, exits_;
  uint32_t stamp_ = 0, run_ = 0, hi_ = 0;
};

}  // namespace

struct BlockSearch::State {
  const Topology& t;
  const std::vector<uint8_t>& categories;
  const BuildOptions& options;
  Draft* d;
  Finder finder;
  std::optional<Runs> runs;  // made at the first carving: a pass over the whole graph
  size_t original;           // groups before the search: only those are searched
  uint32_t gi = 0;           // the group searched or next to look at
  bool searching = false;    // finder holds gi's search
};

BlockSearch::BlockSearch(const Topology& t, const std::vector<uint8_t>& categories, const BuildOptions& options,
                         Draft* d)
    : s_(std::make_unique<State>(State{t, categories, options, d, Finder(t, categories, options), std::nullopt,
                                       d->groups.size()})) {
  if (!options.detect_blocks || t.node_count == 0) s_->gi = static_cast<uint32_t>(s_->original);
}

BlockSearch::~BlockSearch() = default;

bool BlockSearch::step(const OutOfTime& out_of_time) {
  State& s = *s_;
  Draft* d = s.d;
  const BuildOptions& options = s.options;
  for (bool first = true; s.gi < s.original && (first || !out_of_time()); first = false) {
    const uint32_t gi = s.gi;
    if (!s.searching) {
      const DraftGroup& g = d->groups[gi];
      bool search = g.alive && (g.kind == GroupKind::Root || g.kind == GroupKind::Scope);
      // Only crowded groups: a box of a few dozen items reads fine without blocks.
      if (search) {
        size_t shown = 0;
        for (uint32_t v : g.nodes) shown += (s.categories[v] & kFoldableCategories) == 0;
        search = shown >= std::max<uint32_t>(options.block_search_min, 2 * options.block_min_nodes);
      }
      if (!search) {
        ++s.gi;
        continue;
      }
      s.finder.start(g.nodes);
      s.searching = true;
      first = false;  // starting costs a pass over the group: look at the clock
      continue;
    }
    if (!s.finder.advance(out_of_time)) return false;
    s.searching = false;
    ++s.gi;
    auto classes = s.finder.take();
    if (classes.empty()) continue;
    if (!s.runs) s.runs.emplace(s.t, s.categories);
    // Letters in flow order (Block A comes first in the graph).
    std::sort(classes.begin(), classes.end(), [](const auto& a, const auto& b) { return a[0][0] < b[0][0]; });
    std::vector<uint8_t> taken(s.t.node_count, 0);
    for (size_t c = 0; c < classes.size(); ++c) {
      const std::string letter = classLetter(c);
      const bool several = classes.size() > 1;
      const int32_t cls = d->block_classes++;
      // One Series per run of instances that follow one another; a run of one is a
      // lone Block. All of them share the block class (one colour).
      for (auto [begin, end] : s.runs->split(classes[c])) {
        uint32_t parent = gi;
        if (end - begin >= 2) {
          DraftGroup sr;
          sr.kind = GroupKind::Series;
          sr.name = std::string(several ? "Block " + letter : "Block") + " \xC3\x97" + std::to_string(end - begin);
          sr.key = "~block" + letter + "*" + (begin == 0 ? std::string() : std::to_string(begin));
          sr.transparent = true;
          sr.parent = gi;
          parent = d->add(std::move(sr));
          d->groups[gi].children.push_back(parent);
        }
        for (size_t i = begin; i < end; ++i) {
          DraftGroup b;
          b.kind = GroupKind::Block;
          b.name = "block " + (several ? letter : std::string()) + std::to_string(i);
          b.key = "~block" + letter + "." + std::to_string(i);
          b.parent = parent;
          b.nodes = classes[c][i];
          b.series_number = static_cast<int64_t>(i);
          b.block_class = cls;
          for (uint32_t v : b.nodes) taken[v] = 1;
          uint32_t bid = d->add(std::move(b));
          d->groups[parent].children.push_back(bid);
        }
      }
    }
    std::erase_if(d->groups[gi].nodes, [&](uint32_t v) { return taken[v] != 0; });
  }
  return s.gi >= s.original;
}

}  // namespace nf::hierarchy::detail
