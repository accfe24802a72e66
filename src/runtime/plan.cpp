#include "runtime/plan.h"

#include <algorithm>
#include <limits>
#include <set>

#include "runtime/executor.h"
#include "shapes/graph_order.h"

namespace nf::runtime {

namespace {

std::string domainName(const std::string& d) { return d.empty() ? "ai.onnx" : d; }

void collectMissing(const ir::Model& model, ir::GraphId g, std::set<std::string>* missing, int depth = 0) {
  for (const ir::Node& n : model.graph(g).nodes) {
    if (!kernelFor(model, n))
      missing->insert(n.op_type + " (domain " + domainName(n.domain) + ", opset " +
                      std::to_string(model.opsetVersion(n.domain)) + ")");
    for (ir::GraphId sub : n.subgraphs()) collectMissing(model, sub, missing);
    const ir::Function* f = findKernel(n.domain, n.op_type) ? nullptr : findFunction(model, n);
    if (f && f->body.valid() && f->body != g && depth < 32) collectMissing(model, f->body, missing, depth + 1);
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

// A constant float scalar from an initializer (Clip's min/max); false if it is not one.
bool constantScalar(const ir::Model& model, const ir::Graph& graph, ir::ValueId id, float* out) {
  const ir::Value& v = graph.value(id);
  if (v.initializer < 0 || v.graph_input) return false;  // an input could override it
  auto t = tensorFromIr(model, graph.initializers[static_cast<size_t>(v.initializer)]);
  if (!t.ok() || t.value().type != ir::ElemType::Float || t.value().count() != 1) return false;
  *out = t.value().data<float>()[0];
  return true;
}

// What activation node `act` would do as an epilogue; None when it cannot be folded.
FusedActivation epilogueFor(const ir::Model& model, const ir::Graph& graph, const ir::Node& act) {
  FusedActivation f;
  if (!act.domain.empty() && act.domain != "ai.onnx") return f;
  if (act.outputs.size() != 1 || !act.outputs[0].valid()) return f;
  if (act.op_type == "Relu" && act.inputs.size() == 1) {
    f.act = Epilogue::Relu;
  } else if (act.op_type == "HardSwish" && act.inputs.size() == 1) {
    f.act = Epilogue::HardSwish;
  } else if (act.op_type == "HardSigmoid" && act.inputs.size() == 1) {
    f.act = Epilogue::HardSigmoid;
    f.alpha = 0.2f, f.beta = 0.5f;
    for (const ir::Attribute& a : act.attributes) {
      if (a.name == "alpha") f.alpha = static_cast<float>(a.f);
      if (a.name == "beta") f.beta = static_cast<float>(a.f);
    }
  } else if (act.op_type == "Clip") {
    f.alpha = -std::numeric_limits<float>::infinity(), f.beta = std::numeric_limits<float>::infinity();
    if (model.opsetVersion(act.domain) < 11) {
      for (const ir::Attribute& a : act.attributes) {
        if (a.name == "min") f.alpha = static_cast<float>(a.f);
        if (a.name == "max") f.beta = static_cast<float>(a.f);
      }
    } else {
      if (act.inputs.size() > 1 && act.inputs[1].valid() && !constantScalar(model, graph, act.inputs[1], &f.alpha)) return {};
      if (act.inputs.size() > 2 && act.inputs[2].valid() && !constantScalar(model, graph, act.inputs[2], &f.beta)) return {};
    }
    if (!(f.alpha <= f.beta)) return {};  // NaN bounds or min > max: the kernel's own rules
    f.act = Epilogue::Clip;
  }
  if (f.act != Epilogue::None) f.output = act.outputs[0];
  return f;
}

bool standardDomain(const ir::Node& n) { return n.domain.empty() || n.domain == "ai.onnx"; }

// Value v (produced at step s) is read only by the node at step `reader`, through input
// 0 (or, for Add, through exactly one of its two inputs), and is not kept: it can stay
// inside a fused step.
bool onlyFeeds(const ir::Graph& graph, const Plan& p, ir::ValueId v, size_t reader) {
  const ir::Value& val = graph.value(v);
  const bool other_type = val.type.isTensor() && val.type.elem != ir::ElemType::Float && val.type.elem != ir::ElemType::Undefined;
  if (p.kept[v.index] || val.graph_output || other_type || val.consumers.size() != 1 ||
      p.last_use[v.index] != static_cast<int32_t>(reader))
    return false;
  const ir::Node& n = graph.nodes[p.order[reader]];
  return std::count(n.inputs.begin(), n.inputs.end(), v) == 1;
}

// Folds Conv -> [Add of a same-shaped tensor] -> [Relu/HardSwish/HardSigmoid/Clip] into
// the Conv's step when each intermediate has no other reader and is not kept. Untyped
// values are checked when the Conv has run (the executor then unfolds).
void fuseActivations(const ir::Model& model, const ir::Graph& graph, Plan* p) {
  for (size_t s = 0; s + 1 < p->order.size(); ++s) {
    const ir::Node& conv = graph.nodes[p->order[s]];
    if (conv.op_type != "Conv" || !standardDomain(conv) || conv.outputs.size() != 1 || !conv.outputs[0].valid() ||
        p->folded[s] || !onlyFeeds(graph, *p, conv.outputs[0], s + 1))
      continue;
    FusedActivation f;
    size_t next = s + 1;
    ir::ValueId y = conv.outputs[0];
    const ir::Node& add = graph.nodes[p->order[next]];
    if (add.op_type == "Add" && standardDomain(add) && add.inputs.size() == 2 && add.outputs.size() == 1 &&
        add.outputs[0].valid()) {
      f.residual = add.inputs[0] == y ? add.inputs[1] : add.inputs[0];
      if (!f.residual.valid()) continue;
      f.output = y = add.outputs[0];
      ++next;
    }
    if (next < p->order.size() && (next == s + 1 || onlyFeeds(graph, *p, y, next)) &&
        graph.nodes[p->order[next]].inputs.size() >= 1 && graph.nodes[p->order[next]].inputs[0] == y) {
      FusedActivation a = epilogueFor(model, graph, graph.nodes[p->order[next]]);
      if (a.act != Epilogue::None) {
        a.residual = f.residual;
        f = a;
        ++next;
      }
    }
    if (next == s + 1) continue;  // nothing to fold
    p->fused[s] = f;
    for (size_t k = s + 1; k < next; ++k) p->folded[k] = 1;
  }
}

}  // namespace

void applyEpilogue(const FusedActivation& f, float* x, size_t n, const float* residual) {
  if (residual)
    for (size_t i = 0; i < n; ++i) x[i] += residual[i];
  switch (f.act) {
    case Epilogue::None: return;
    case Epilogue::Relu:
      for (size_t i = 0; i < n; ++i) x[i] = x[i] > 0.f ? x[i] : 0.f;
      return;
    case Epilogue::Clip: {
      const float lo = f.alpha, hi = f.beta;
      for (size_t i = 0; i < n; ++i) x[i] = x[i] < lo ? lo : (x[i] > hi ? hi : x[i]);
      return;
    }
    case Epilogue::HardSigmoid: {
      const float a = f.alpha, b = f.beta;
      for (size_t i = 0; i < n; ++i) x[i] = std::max(0.f, std::min(1.f, a * x[i] + b));
      return;
    }
    case Epilogue::HardSwish:
      for (size_t i = 0; i < n; ++i) x[i] = x[i] * std::max(0.f, std::min(1.f, x[i] / 6.f + 0.5f));
      return;
  }
}

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
    KernelFn fn = kernelFor(model, n);
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
  p.fused.assign(p.order.size(), FusedActivation{});
  p.folded.assign(p.order.size(), 0);
  if (options.fuse) fuseActivations(model, graph, &p);
  return p;
}

}  // namespace nf::runtime
