// shapes/graph_order.h - the order in which a graph's nodes execute.
#pragma once
#include <cstdint>
#include <vector>

#include "ir/model.h"

namespace nf::shapes {

// Node indices of graph g in dependency order: file order when it is already
// topological (the common case), else Kahn's algorithm taking the lowest ready
// index first (stable, deterministic). Dependencies include the outer-scope
// values read by the node's subgraphs. Nodes on a cycle come last, in file order.
std::vector<uint32_t> executionOrder(const ir::Model& model, ir::GraphId g);

}  // namespace nf::shapes
