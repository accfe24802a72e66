#include "shapes/graph_order.h"

#include <functional>
#include <queue>
#include <string>

namespace nf::shapes {

namespace {

void collectOuterNames(const ir::Model& m, ir::GraphId g, std::vector<std::string>* names, int depth) {
  if (depth > 64 || g.index >= m.graphs.size()) return;
  const ir::Graph& G = m.graph(g);
  for (const auto& v : G.values)
    if (v.outer_scope) names->push_back(v.name);
  for (const auto& n : G.nodes)
    for (ir::GraphId s : n.subgraphs()) collectOuterNames(m, s, names, depth + 1);
}

bool hasBodies(const ir::Node& n) {
  for (const auto& a : n.attributes)
    if (a.type == ir::AttrType::Graph || a.type == ir::AttrType::Graphs) return true;
  return false;
}

// Producers node i depends on (its inputs and what its bodies read from outside).
void dependencies(const ir::Model& model, const ir::Graph& G, size_t i, std::vector<uint32_t>* deps) {
  deps->clear();
  const ir::Node& node = G.nodes[i];
  for (ir::ValueId in : node.inputs)
    if (in.valid() && in.index < G.values.size() && G.value(in).producer.valid())
      deps->push_back(G.value(in).producer.index);
  if (hasBodies(node)) {
    std::vector<std::string> names;
    for (ir::GraphId s : node.subgraphs()) collectOuterNames(model, s, &names, 0);
    for (const auto& nm : names) {
      ir::ValueId id = G.find(nm);
      if (id.valid() && G.value(id).producer.valid()) deps->push_back(G.value(id).producer.index);
    }
  }
}

}  // namespace

std::vector<uint32_t> executionOrder(const ir::Model& model, ir::GraphId g) {
  std::vector<uint32_t> ord;
  if (g.index >= model.graphs.size()) return ord;
  const ir::Graph& G = model.graph(g);
  size_t n = G.nodes.size();
  // Fast path: is file order already topological?
  bool sorted = true;
  std::vector<uint32_t> deps;
  for (size_t i = 0; i < n && sorted; ++i) {
    dependencies(model, G, i, &deps);
    for (uint32_t d : deps)
      if (d >= i) sorted = false;
  }
  ord.reserve(n);
  if (sorted) {
    for (size_t i = 0; i < n; ++i) ord.push_back(static_cast<uint32_t>(i));
    return ord;
  }
  std::vector<std::vector<uint32_t>> users(n);
  std::vector<uint32_t> pending(n, 0);
  for (size_t i = 0; i < n; ++i) {
    dependencies(model, G, i, &deps);
    for (uint32_t d : deps)
      if (d != i && d < n) {
        users[d].push_back(static_cast<uint32_t>(i));
        ++pending[i];
      }
  }
  std::priority_queue<uint32_t, std::vector<uint32_t>, std::greater<uint32_t>> ready;
  for (size_t i = 0; i < n; ++i)
    if (!pending[i]) ready.push(static_cast<uint32_t>(i));
  std::vector<char> done(n, 0);
  while (!ready.empty()) {
    uint32_t i = ready.top();
    ready.pop();
    ord.push_back(i);
    done[i] = 1;
    for (uint32_t u : users[i])
      if (--pending[u] == 0) ready.push(u);
  }
  for (size_t i = 0; i < n; ++i)
    if (!done[i]) ord.push_back(static_cast<uint32_t>(i));
  return ord;
}

}  // namespace nf::shapes
