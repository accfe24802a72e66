#include "runtime/plan.h"

#include <algorithm>
#include <set>

#include "shapes/graph_order.h"

namespace nf::runtime {

namespace {

std::string domainName(const std::string& d) { return d.empty() ? "ai.onnx" : d; }

void collectMissing(const ir::Model& model, ir::GraphId g, std::set<std::string>* missing) {
  for (const ir::Node& n : model.graph(g).nodes) {
    if (!findKernel(n.domain, n.op_type))
      missing->insert(n.op_type + " (domain " + domainName(n.domain) + ", opset " +
                      std::to_string(model.opsetVersion(n.domain)) + ")");
    for (ir::GraphId sub : n.subgraphs()) collectMissing(model, sub, missing);
  }
}

void collectOuterReads(const ir::Model& model, ir::GraphId g, std::set<std::string>* names,
                       std::set<std::string>* defined) {
  const ir::Graph& graph = model.graph(g);
  for (const ir::Value& v : graph.values) {
    if (v.outer_scope && !v.consumers.empty() && !defined->count(v.name)) names->insert(v.name);
  }
  for (const ir::Node& n : graph.nodes)
    for (ir::GraphId sub : n.subgraphs()) collectOuterReads(model, sub, names, defined);
}

}  // namespace

Status checkKernels(const ir::Model& model, ir::GraphId g) {
  std::set<std::string> missing;
  collectMissing(model, g, &missing);
  if (missing.empty()) return {};
  std::string msg = "no kernel for: ";
  bool first = true;
  for (const auto& m : missing) {
    msg += (first ? "" : ", ") + m;
    first = false;
  }
  return Error{msg};
}

std::vector<std::string> outerScopeReads(const ir::Model& model, const ir::Node& node) {
  std::set<std::string> names, defined;
  for (ir::GraphId sub : node.subgraphs()) collectOuterReads(model, sub, &names, &defined);
  return {names.begin(), names.end()};
}

Result<Plan> makePlan(const ir::Model& model, ir::GraphId g, const PlanOptions& options) {
  const ir::Graph& graph = model.graph(g);
  Plan p;
  p.graph = g;
  p.order = shapes::executionOrder(model, g);
  const size_t nv = graph.values.size();
  p.last_use.assign(nv, -1);
  p.kept.assign(nv, 0);
  p.release_after.resize(p.order.size());
  for (size_t s = 0; s < p.order.size(); ++s) {
    const ir::Node& n = graph.nodes[p.order[s]];
    KernelFn fn = findKernel(n.domain, n.op_type);
    if (!fn) return Error{"no kernel for " + n.op_type + " (domain " + domainName(n.domain) + ")"};
    p.kernels.push_back(fn);
    for (ir::ValueId in : n.inputs)
      if (in.valid()) p.last_use[in.index] = static_cast<int32_t>(s);
    for (const std::string& name : outerScopeReads(model, n)) {
      ir::ValueId id = graph.find(name);
      if (id.valid()) p.last_use[id.index] = static_cast<int32_t>(s);
    }
  }
  std::set<std::string> keep(options.keep.begin(), options.keep.end());
  for (size_t v = 0; v < nv; ++v) {
    const ir::Value& val = graph.values[v];
    // Graph outputs, weights (cached by the executor) and outer values are never released here.
    if (val.graph_output || val.initializer >= 0 || val.outer_scope || keep.count(val.name) ||
        (options.keep_all && val.producer.valid()))
      p.kept[v] = 1;
  }
  for (size_t v = 0; v < nv; ++v) {
    if (p.kept[v]) continue;
    if (p.last_use[v] >= 0) {
      p.release_after[static_cast<size_t>(p.last_use[v])].push_back(static_cast<uint32_t>(v));
    } else if (graph.values[v].producer.valid()) {
      // Produced but never read: dead right after its producer ran.
      const uint32_t producer = graph.values[v].producer.index;
      auto it = std::find(p.order.begin(), p.order.end(), producer);
      if (it != p.order.end()) p.release_after[static_cast<size_t>(it - p.order.begin())].push_back(static_cast<uint32_t>(v));
    }
  }
  return p;
}

}  // namespace nf::runtime
