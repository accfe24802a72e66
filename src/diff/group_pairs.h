// diff/group_pairs.h - the groups of two models' hierarchies paired through the node
// matching, so that opening or closing a group on one side can do the same to its
// partner on the other.
//
// Each side's groups come from its own structure (an inserted block adds a group and
// shifts series numbers, names may be missing on one side), so paths do not pair them.
// Their members do: group g pairs with the group of the other side whose subtree holds
// the most partners of g's subtree nodes, relative to both sizes (overlap over union),
// so the closest-fitting group wins rather than an ancestor that merely holds them all.
// Ties go to the inner group when one holds the other, else to the lower group id; a group none of whose nodes is paired has no partner;
// the roots pair. Each direction is computed on its own (pairs need not be mutual).
#pragma once
#include <cstdint>
#include <vector>

#include "diff/match.h"
#include "hierarchy/hierarchy.h"

namespace nf::diff {

struct GroupPairs {
  std::vector<uint32_t> a_to_b;  // per group of A: its partner's GroupId index in B, or kNoIndex
  std::vector<uint32_t> b_to_a;
};

// a and b are the hierarchies of the main graphs the matching paired.
GroupPairs pairGroups(const hierarchy::Hierarchy& a, const hierarchy::Hierarchy& b, const Matching& m);
// One group's partner (what pairGroups gives it), for a caller that needs one at a
// time (the app, when a group is opened or closed): `partner` is the matching's node
// map from `from`'s side (a_to_b when from is A).
uint32_t partnerGroup(const hierarchy::Hierarchy& from, const hierarchy::Hierarchy& to,
                      const std::vector<uint32_t>& partner, uint32_t group);

}  // namespace nf::diff
