// hierarchy/report.h - the hierarchy as JSON (what `netforge hierarchy --json` prints).
//
// Written here rather than in the CLI so the exact text is testable (determinism:
// the same model gives byte-identical output) and any host can emit it.
//
// Shape of the document:
//   { "node_count": N, "group_count": G, "source": "names"|"metadata"|"none",
//     "groups": {id, name, kind, path, node_count, direct_nodes, [series_number],
//                [repeat_class], children: [...]}            the tree, root first
//     "repeats": [{nodes_per_instance, instances, members: [ids], example: path}],
//     "declutter": {constant, shape, pass_through, high_fan_out},
//     "first_sight": {open: [ids], folded: [series ids], items, edges, folded_nodes} }
//                                                                  (when given)
#pragma once
#include <string>

#include "hierarchy/hierarchy.h"
#include "hierarchy/visible.h"

namespace nf::hierarchy {

// `first_sight` and `shown` (the visible graph for it) are optional.
std::string hierarchyJson(const Hierarchy& h, const Expansion* first_sight = nullptr,
                          const VisibleGraph* shown = nullptr);

}  // namespace nf::hierarchy
