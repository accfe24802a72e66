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

// Folds Relu/HardSwish/HardSigmoid/Clip into the float32 Conv right before them.
void fuseActivations(const ir::Model& model, const ir::Graph& graph, Plan* p) {
  for (size_t s = 0; s + 1 < p->order.size(); ++s) {
    const ir::Node& conv = graph.nodes[p->order[s]];
    const ir::Node& act = graph.nodes[p->order[s + 1]];
    if (conv.op_type != "Conv" || !(conv.domain.empty() || conv.domain == "ai.onnx") || conv.outputs.size() != 1 ||
        !conv.outputs[0].valid() || p->folded[s])
      continue;
    const ir::ValueId y = conv.outputs[0];
    const ir::Value& yv = graph.value(y);
    // Untyped values are checked when the Conv has run (the executor then unfolds).
    const bool other_type = yv.type.isTensor() && yv.type.elem != ir::ElemType::Float && yv.type.elem != ir::ElemType::Undefined;
    if (p->kept[y.index] || yv.consumers.size() != 1 || p->last_use[y.index] != static_cast<int32_t>(s + 1) || act.inputs.empty() || act.inputs[0] != y || other_type ||
        yv.graph_output)
      continue;
    for (size_t i = 1; i < act.inputs.size(); ++i)
      if (act.inputs[i] == y) goto next;  // reads the conv output twice
    {
      FusedActivation f = epilogueFor(model, graph, act);
      if (f.act == Epilogue::None) continue;
      p->fused[s] = f;
      p->folded[s + 1] = 1;
    }
  next:;
  }
}

}  // namespace

void applyEpilogue(const FusedActivation& f, float* x, size_t n) {
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
