// importer/torch_training.cpp - the ops of ONNX's training domain (ai.onnx.preview.training):
// Gradient becomes torch.autograd.grad over the forward pass itself; the optimizer steps
// (Adagrad, Momentum, Adam) become the spec's update formulas, one helper call per node.
#include <algorithm>
#include <set>

#include "base/strings.h"
#include "importer/torch_helpers.h"
#include "importer/torch_node_util.h"

namespace nf::importer::detail {

namespace {

constexpr const char* kTrainingDomain = "ai.onnx.preview.training";

bool isGradient(const ir::Node& n) { return n.domain == kTrainingDomain && n.op_type == "Gradient"; }

const std::vector<std::string>* attrStrings(const ir::Node& n, const char* name) {
  const ir::Attribute* a = n.attr(name);
  return a && a->type == ir::AttrType::Strings ? &a->strings : nullptr;
}

// "x1, x2" of the node's inputs from `first`, `count` of them.
Result<std::string> inputList(Ctx& c, const ir::Node& n, size_t first, size_t count) {
  std::string out;
  for (size_t i = first; i < first + count; ++i) {
    if (!hasInput(n, i)) return Error{n.op_type + " input " + std::to_string(i) + " is missing"};
    auto v = c.value(n.inputs[i]);
    if (!v) return v.error();
    out += (i > first ? ", " : "") + *v;
  }
  return out;
}

// "a, b, _" = the node's outputs (unused ones as _).
std::string outputTargets(Ctx& c, const ir::Node& n) {
  std::string lhs;
  for (size_t i = 0; i < n.outputs.size(); ++i) lhs += (i ? ", " : "") + (outputUsed(c, n, i) ? c.outVar(n, i) : std::string("_"));
  return n.outputs.size() == 1 ? lhs + "," : lhs;
}

Status emitGradient(Ctx& c, const ir::Node& n) {
  const std::vector<std::string>* xs = attrStrings(n, "xs");
  const ir::Attribute* y = n.attr("y");
  if (!xs || xs->empty() || !y || y->type != ir::AttrType::String) return Error{"Gradient without its xs and y attributes"};
  if (n.outputs.size() != xs->size()) return Error{"Gradient with " + std::to_string(n.outputs.size()) + " outputs for " +
                                                   std::to_string(xs->size()) + " xs"};
  auto target = c.outer(y->s);
  if (!target) return target.error();
  std::string wrt;
  for (size_t i = 0; i < xs->size(); ++i) {
    auto x = c.outer((*xs)[i]);
    if (!x) return x.error();
    wrt += (i ? ", " : "") + *x;
  }
  c.helpers.use("onnx_gradient");
  c.forward.push_back(outputTargets(c, n) + " = onnx_gradient(" + *target + ", [" + wrt + "])");
  return {};
}

// Adagrad (R, T, X..., G..., H...), Momentum (R, T, X..., G..., V...), Adam (R, T, X..., G..., V..., H...).
Status emitOptimizer(Ctx& c, const ir::Node& n) {
  const std::string& op = n.op_type;
  const size_t states = op == "Adam" ? 2 : 1;  // V and H, or one of them
  const size_t per_tensor = 2 + states;       // X, G and the states
  if (n.inputs.size() < 2 + per_tensor || (n.inputs.size() - 2) % per_tensor != 0)
    return Error{op + " with " + std::to_string(n.inputs.size()) + " inputs"};
  const size_t count = (n.inputs.size() - 2) / per_tensor;
  if (n.outputs.size() != count * (1 + states)) return Error{op + " with " + std::to_string(n.outputs.size()) + " outputs"};
  auto rt = inputList(c, n, 0, 2);
  if (!rt) return rt.error();
  std::string groups;
  for (size_t k = 0; k < per_tensor; ++k) {
    auto l = inputList(c, n, 2 + k * count, count);
    if (!l) return l.error();
    groups += ", [" + *l + "]";
  }
  const double norm = attrFloat(n, "norm_coefficient", 0.0);
  std::string call;
  if (op == "Adagrad") {
    call = "onnx_adagrad(" + *rt + groups + ", " + pyFloatLit(norm) + ", " + pyFloatLit(attrFloat(n, "epsilon", 1e-6)) + ", " +
           pyFloatLit(attrFloat(n, "decay_factor", 0.0)) + ")";
  } else if (op == "Momentum") {
    const std::string mode = attrStr(n, "mode", "standard");
    if (mode != "standard" && mode != "nesterov") return Error{"Momentum in mode '" + displayName(mode) + "'"};
    if (!n.attr("alpha") || !n.attr("beta")) return Error{"Momentum without alpha and beta"};
    call = "onnx_momentum(" + *rt + groups + ", " + pyFloatLit(norm) + ", " + pyFloatLit(attrFloat(n, "alpha", 0)) + ", " +
           pyFloatLit(attrFloat(n, "beta", 0)) + ", " + (mode == "nesterov" ? "True" : "False") + ")";
  } else {
    call = "onnx_adam(" + *rt + groups + ", " + pyFloatLit(norm) + ", " + pyFloatLit(attrFloat(n, "norm_coefficient_post", 0.0)) +
           ", " + pyFloatLit(attrFloat(n, "alpha", 0.9)) + ", " + pyFloatLit(attrFloat(n, "beta", 0.999)) + ", " +
           pyFloatLit(attrFloat(n, "epsilon", 1e-6)) + ")";
  }
  c.helpers.use(op == "Adagrad" ? "onnx_adagrad" : op == "Momentum" ? "onnx_momentum" : "onnx_adam");
  c.forward.push_back(outputTargets(c, n) + " = " + call);
  return {};
}

}  // namespace

Status prepareGradients(Ctx& c) {
  std::set<std::string> marked;
  for (const ir::Node& n : c.g.nodes) {
    if (!isGradient(n)) continue;
    c.needs_grad = true;
    const std::vector<std::string>* xs = attrStrings(n, "xs");
    if (!xs) return Error{"Gradient without its xs attribute"};
    for (const std::string& name : *xs) {
      const ir::ValueId v = c.g.find(name);
      const bool graph_input = v.valid() && c.g.value(v).initializer < 0 &&
                               std::find(c.g.inputs.begin(), c.g.inputs.end(), v) != c.g.inputs.end();
      // A gradient with respect to a computed value would need that value made a leaf
      // where it is computed; the spec's tests and exporters use graph inputs.
      if (!graph_input) return Error{"Gradient with respect to '" + displayName(name) + "', which is not a graph input"};
      const std::string& var = c.expr[v.index];
      if (marked.insert(var).second) c.forward.push_back(var + " = " + var + ".detach().requires_grad_()");
    }
  }
  return {};
}

Status emitTrainingOp(Ctx& c, const ir::Node& n) {
  if (n.op_type == "Gradient") return emitGradient(c, n);
  if (n.op_type == "Adagrad" || n.op_type == "Momentum" || n.op_type == "Adam") return emitOptimizer(c, n);
  return Error{"ONNX training op " + n.op_type + " has no torch translation here"};
}

bool isTrainingDomain(const std::string& domain) { return domain == kTrainingDomain; }

const std::map<std::string, std::string, std::less<>>& trainingHelpers() {
  static const std::map<std::string, std::string, std::less<>> helpers = {
      {"onnx_gradient", R"PY(def onnx_gradient(y, xs):
    """ONNX Gradient: d(sum of y)/dx for each x; zeros where y does not depend on x."""
    grads = torch.autograd.grad(y, xs, torch.ones_like(y), retain_graph=True, allow_unused=True)
    return tuple(torch.zeros_like(x) if g is None else g for x, g in zip(xs, grads))
)PY"},
      {"onnx_adagrad", R"PY(def onnx_adagrad(r, t, xs, gs, hs, norm_coefficient, epsilon, decay_factor):
    """ONNX Adagrad, one step per tensor: the new Xs, then the new accumulated squares."""
    r = r / (1 + float(t) * decay_factor)
    new_x, new_h = [], []
    for x, g, h in zip(xs, gs, hs):
        g = norm_coefficient * x + g
        h = h + g * g
        new_x.append(x - r * g / (torch.sqrt(h) + epsilon))
        new_h.append(h)
    return (*new_x, *new_h)
)PY"},
      {"onnx_momentum", R"PY(def onnx_momentum(r, t, xs, gs, vs, norm_coefficient, alpha, beta, nesterov):
    """ONNX Momentum (standard or Nesterov), one step per tensor: the new Xs, then the new velocities."""
    beta = beta if float(t) > 0 else 1.0
    new_x, new_v = [], []
    for x, g, v in zip(xs, gs, vs):
        g = norm_coefficient * x + g
        v = alpha * v + beta * g
        new_x.append(x - r * (g + alpha * v if nesterov else v))
        new_v.append(v)
    return (*new_x, *new_v)
)PY"},
      {"onnx_adam", R"PY(def onnx_adam(r, t, xs, gs, vs, hs, norm_coefficient, norm_coefficient_post, alpha, beta, epsilon):
    """ONNX Adam, one step per tensor: the new Xs, then the new first and second moments."""
    t = float(t)
    if t > 0:
        r = r * math.sqrt(1 - beta ** t) / (1 - alpha ** t)
    new_x, new_v, new_h = [], [], []
    for x, g, v, h in zip(xs, gs, vs, hs):
        g = norm_coefficient * x + g
        v = alpha * v + (1 - alpha) * g
        h = beta * h + (1 - beta) * g * g
        new_x.append((1 - norm_coefficient_post) * (x - r * (v / (torch.sqrt(h) + epsilon))))
        new_v.append(v)
        new_h.append(h)
    return (*new_x, *new_v, *new_h)
)PY"},
  };
  return helpers;
}

}  // namespace nf::importer::detail
