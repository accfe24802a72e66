// diff/group_pairs.cpp - groups paired by the partners of their members (group_pairs.h).
#include "diff/group_pairs.h"

namespace nf::diff {

namespace {

// Scores the groups of `to` against one group of `from` at a time (scratch kept).
class Pairer {
 public:
  Pairer(const hierarchy::Hierarchy& from, const hierarchy::Hierarchy& to, const std::vector<uint32_t>& partner)
      : from_(from), to_(to), partner_(partner), overlap_(to.groupCount(), 0) {}

  uint32_t partnerOf(uint32_t g) {
    if (g >= from_.groupCount() || to_.groupCount() == 0) return kNoIndex;
    if (g == 0) return 0;  // the whole graph is the whole graph
    const hierarchy::Group& group = from_.groups[g];
    touched_.clear();
    // The subtree's groups are the ids g .. subtree_end - 1; each holds its own nodes.
    for (uint32_t s = g; s < group.subtree_end && s < from_.groupCount(); ++s) {
      for (ir::NodeId n : from_.groups[s].nodes) {
        const uint32_t p = n.index < partner_.size() ? partner_[n.index] : kNoIndex;
        if (p == kNoIndex || p >= to_.node_group.size()) continue;
        // The partner counts for its own group and every group above it.
        for (hierarchy::GroupId t = to_.node_group[p]; t.valid() && t.index < overlap_.size();
             t = to_.groups[t.index].parent) {
          if (overlap_[t.index]++ == 0) touched_.push_back(t.index);
        }
      }
    }
    uint32_t best = kNoIndex;
    double best_score = 0;
    for (uint32_t t : touched_) {
      const double both = overlap_[t];
      const double score = both / (static_cast<double>(group.node_count) + to_.groups[t].node_count - both);
      // A tie between a group and one inside it (same members) goes to the inner one,
      // the closer fit: a series that is the whole graph pairs with the series, not
      // the root. Other ties go to the lower id.
      const bool inside_best = best != kNoIndex && t > best && t < to_.groups[best].subtree_end;
      const bool holds_best = best != kNoIndex && best > t && best < to_.groups[t].subtree_end;
      if (score > best_score || (score == best_score && (inside_best || (!holds_best && t < best))))
        best_score = score, best = t;
    }
    for (uint32_t t : touched_) overlap_[t] = 0;
    return best;
  }

 private:
  const hierarchy::Hierarchy& from_;
  const hierarchy::Hierarchy& to_;
  const std::vector<uint32_t>& partner_;
  std::vector<uint32_t> overlap_;  // per group of `to`: partners inside it
  std::vector<uint32_t> touched_;  // groups whose overlap is not 0
};

std::vector<uint32_t> pairOneWay(const hierarchy::Hierarchy& from, const hierarchy::Hierarchy& to,
                                 const std::vector<uint32_t>& partner) {
  Pairer pairer(from, to, partner);
  std::vector<uint32_t> out(from.groupCount(), kNoIndex);
  for (uint32_t g = 0; g < out.size(); ++g) out[g] = pairer.partnerOf(g);
  return out;
}

}  // namespace

GroupPairs pairGroups(const hierarchy::Hierarchy& a, const hierarchy::Hierarchy& b, const Matching& m) {
  GroupPairs out;
  out.a_to_b = pairOneWay(a, b, m.a_to_b);
  out.b_to_a = pairOneWay(b, a, m.b_to_a);
  return out;
}

uint32_t partnerGroup(const hierarchy::Hierarchy& from, const hierarchy::Hierarchy& to,
                      const std::vector<uint32_t>& partner, uint32_t group) {
  return Pairer(from, to, partner).partnerOf(group);
}

}  // namespace nf::diff
