// hierarchy/repeats.h - repeat classes over a finished group tree (internal).
#pragma once
#include <cstdint>
#include <vector>

#include "hierarchy/hierarchy.h"

namespace nf::hierarchy::detail {

// Pre: h->groups, node_group and topology final; block_class[g] is the structural
// search's class of Block group g (-1 for other groups).
// Post: h->repeats sorted by coverage, Group::repeat_class set.
void computeRepeatClasses(const std::vector<int32_t>& block_class, Hierarchy* h);

}  // namespace nf::hierarchy::detail
