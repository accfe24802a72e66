// hierarchy/module_summary.h - the summary as Keras and torchinfo print it: one row
// per module (name-scope group) down to a depth, repeated modules folded, totals as
// for the op table (shapes/summary.h formats it).
//
// Rows, in graph order:
//   - a module (Scope or Block group): name, the op types it holds most ("MatMul 4,
//     Add 3"), its nodes and summed params/MACs/FLOPs/output bytes;
//   - a series whose instances are identical (one repeat class) folds into one row
//     "layers.0-23" with type "×24 (...)" and the whole series' numbers; the rows
//     below it are the first instance's contents, per instance;
//   - a series of differing instances lists its instances as modules;
//   - Section groups (readability cuts of big groups) are transparent;
//   - a module within the depth lists its submodules; its own ops show (as op rows)
//     only with `ops` or when it is in `expanded`; ops outside every scope are
//     always listed (they are the model's top-level layers).
// Nodes that compute constants are left out of op rows (their parameters still
// count in their module and the totals), as in the op table.
// depth 3 is torchinfo's default. A module row with contents not shown is
// `expandable`: pass its group in `expanded` to list its submodules and ops (a folded
// series then lists its instances).
#pragma once
#include <cstdint>
#include <vector>

#include "hierarchy/hierarchy.h"
#include "ir/model.h"
#include "shapes/metrics.h"
#include "shapes/summary.h"

namespace nf::hierarchy {

struct ModuleSummaryOptions {
  int depth = 3;                   // module levels listed (1 = top-level modules only)
  bool ops = false;                // no depth cut: every module down to its ops
  std::vector<GroupId> expanded;   // modules to open past the depth (the app's clicks)
};

// Whether the model's hierarchy has name scopes to summarise (else the op table is
// the summary).
bool hasModules(const Hierarchy& h);

shapes::SummaryTable buildModuleSummary(const ir::Model& model, const Hierarchy& h, const shapes::Metrics& metrics,
                                        const ModuleSummaryOptions& options = {});

}  // namespace nf::hierarchy
