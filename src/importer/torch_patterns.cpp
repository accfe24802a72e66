// importer/torch_patterns.cpp - exporter decompositions folded back into one layer.
//
// torch (before opset 17) writes LayerNorm as ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/
// Div/Mul/Add, GELU as Div/Erf/Add/Mul/Mul, SiLU as Sigmoid/Mul and HardSwish as
// HardSigmoid/Mul. A chain matches only when every inner value has exactly the one
// consumer the pattern expects (and is no graph output), so nothing else reads a value
// that disappears; the skipped nodes' outputs alias the layer's output.
#include <cmath>

#include "importer/torch_context.h"

namespace nf::importer::detail {

namespace {

// The single consumer of `v` if it is an `op` node (and v no graph output), else -1.
int sole(const Ctx& c, ir::ValueId v, const char* op) {
  if (!v.valid()) return -1;
  const ir::Value& val = c.g.value(v);
  if (val.graph_output || val.consumers.size() != 1) return -1;
  const ir::Node& n = c.g.node(val.consumers[0]);
  if (n.op_type != op || !n.domain.empty() || n.outputs.empty()) return -1;
  return static_cast<int>(val.consumers[0].index);
}

const ir::Node& at(const Ctx& c, int i) { return c.g.nodes[static_cast<size_t>(i)]; }

// The input of binary node `n` that is not `v` (or invalid when both are, or neither).
ir::ValueId other(const ir::Node& n, ir::ValueId v) {
  if (n.inputs.size() != 2) return {};
  if (n.inputs[0] == v && n.inputs[1] != v) return n.inputs[1];
  if (n.inputs[1] == v && n.inputs[0] != v) return n.inputs[0];
  return {};
}

std::optional<double> scalar(Ctx& c, ir::ValueId v) {
  const KnownConst* k = c.known(v);
  if (!k || k->values.size() != 1) return std::nullopt;
  return k->values[0];
}

bool near(std::optional<double> v, double want) { return v && std::abs(*v - want) <= 1e-6 * std::max(1.0, std::abs(want)); }

std::optional<std::vector<int64_t>> reduceAxes(Ctx& c, const ir::Node& n) {
  if (auto a = n.attr("axes"); a && a->type == ir::AttrType::Ints) return a->ints;
  if (n.inputs.size() > 1) return c.knownInts(n.inputs[1]);
  return std::nullopt;
}

void finish(Ctx& c, const std::vector<int>& nodes, const std::string& var) {
  for (size_t i = 1; i < nodes.size(); ++i) c.skipped_nodes.insert(static_cast<uint32_t>(nodes[i]));
  c.expr[at(c, nodes.back()).outputs[0].index] = var;
}

bool layerNorm(Ctx& c, uint32_t index) {
  const ir::Node& mean = c.g.nodes[index];
  if (mean.op_type != "ReduceMean" || mean.inputs.empty() || attrKeep(mean) == 0) return false;
  const ir::ValueId x = mean.inputs[0];
  auto axes = reduceAxes(c, mean);
  const int rank = c.rankOf(x);
  if (!axes || axes->size() != 1 || !((*axes)[0] == -1 || (rank > 0 && (*axes)[0] == rank - 1))) return false;
  const ir::Value& m = c.g.value(mean.outputs[0]);
  if (m.graph_output || m.consumers.size() != 1) return false;
  const int sub = static_cast<int>(m.consumers[0].index);
  if (at(c, sub).op_type != "Sub" || at(c, sub).inputs.size() != 2 || at(c, sub).inputs[0] != x) return false;
  const ir::Value& d = c.g.value(at(c, sub).outputs[0]);
  if (d.graph_output || d.consumers.size() != 2) return false;
  int pow = -1, div = -1;
  for (ir::NodeId u : d.consumers) {
    const std::string& op = c.g.node(u).op_type;
    if (op == "Pow") pow = static_cast<int>(u.index);
    if (op == "Div") div = static_cast<int>(u.index);
  }
  if (pow < 0 || div < 0 || at(c, pow).inputs.size() != 2 || !near(scalar(c, at(c, pow).inputs[1]), 2.0)) return false;
  const int var = sole(c, at(c, pow).outputs[0], "ReduceMean");
  if (var < 0 || reduceAxes(c, at(c, var)) != axes) return false;
  const int add = sole(c, at(c, var).outputs[0], "Add");
  if (add < 0) return false;
  auto eps = scalar(c, other(at(c, add), at(c, var).outputs[0]));
  const int sqrt = eps ? sole(c, at(c, add).outputs[0], "Sqrt") : -1;
  if (sqrt < 0 || sole(c, at(c, sqrt).outputs[0], "Div") != div || at(c, div).inputs[0] != at(c, sub).outputs[0]) return false;
  const int mul = sole(c, at(c, div).outputs[0], "Mul");
  if (mul < 0) return false;
  const ir::Tensor* gamma = c.initializer(other(at(c, mul), at(c, div).outputs[0]));
  const int add2 = gamma ? sole(c, at(c, mul).outputs[0], "Add") : -1;
  if (add2 < 0) return false;
  const ir::Tensor* beta = c.initializer(other(at(c, add2), at(c, mul).outputs[0]));
  if (!beta || gamma->dims.size() != 1 || beta->dims != gamma->dims || gamma->elem != ir::ElemType::Float) return false;
  auto xe = c.value(x);
  if (!xe) return false;
  std::string args = std::to_string(gamma->dims[0]);
  if (std::abs(*eps - 1e-5) > 1e-12) args += ", eps=" + pyFloatLit(*eps);
  const std::string mod = c.addModule(at(c, add2), "nn.LayerNorm", args, {{"weight", gamma->name, false}, {"bias", beta->name, false}});
  const std::string out = c.outVar(at(c, add2), 0);
  c.forward.push_back(out + " = " + mod + "(" + *xe + ")");
  finish(c, {static_cast<int>(index), sub, pow, var, add, sqrt, div, mul, add2}, out);
  return true;
}

// x / sqrt(2) -> Erf -> + 1 -> * x -> * 0.5   (the Mul by x and by 0.5 in either order)
bool gelu(Ctx& c, uint32_t index) {
  const ir::Node& div = c.g.nodes[index];
  if (div.op_type != "Div" || div.inputs.size() != 2 || !near(scalar(c, div.inputs[1]), std::sqrt(2.0))) return false;
  const ir::ValueId x = div.inputs[0];
  const int erf = sole(c, div.outputs[0], "Erf");
  const int add = erf >= 0 ? sole(c, at(c, erf).outputs[0], "Add") : -1;
  if (add < 0 || !near(scalar(c, other(at(c, add), at(c, erf).outputs[0])), 1.0)) return false;
  const int mul1 = sole(c, at(c, add).outputs[0], "Mul");
  if (mul1 < 0) return false;
  const ir::ValueId f1 = other(at(c, mul1), at(c, add).outputs[0]);
  const int mul2 = sole(c, at(c, mul1).outputs[0], "Mul");
  if (mul2 < 0) return false;
  const ir::ValueId f2 = other(at(c, mul2), at(c, mul1).outputs[0]);
  if (!((f1 == x && near(scalar(c, f2), 0.5)))) return false;
  auto xe = c.value(x);
  if (!xe) return false;
  const std::string out = c.outVar(at(c, mul2), 0);
  c.forward.push_back(out + " = F.gelu(" + *xe + ")");
  finish(c, {static_cast<int>(index), erf, add, mul1, mul2}, out);
  return true;
}

// Sigmoid(x) * x -> SiLU; HardSigmoid(x; 1/6, 0.5) * x -> HardSwish.
bool gatedActivation(Ctx& c, uint32_t index) {
  const ir::Node& gate = c.g.nodes[index];
  const bool silu = gate.op_type == "Sigmoid";
  if (!silu && gate.op_type != "HardSigmoid") return false;
  if (!silu) {
    const ir::Attribute* a = gate.attr("alpha");
    const ir::Attribute* b = gate.attr("beta");
    if (!a || std::abs(a->f - 1.0 / 6) > 1e-6 || (b && std::abs(b->f - 0.5) > 1e-6)) return false;
  }
  if (gate.inputs.empty()) return false;
  const int mul = sole(c, gate.outputs[0], "Mul");
  if (mul < 0 || other(at(c, mul), gate.outputs[0]) != gate.inputs[0]) return false;
  auto xe = c.value(gate.inputs[0]);
  if (!xe) return false;
  const std::string out = c.outVar(at(c, mul), 0);
  c.forward.push_back(out + (silu ? " = F.silu(" : " = F.hardswish(") + *xe + ")");
  finish(c, {static_cast<int>(index), mul}, out);
  return true;
}

}  // namespace

int64_t attrKeep(const ir::Node& n) {
  const ir::Attribute* a = n.attr("keepdims");
  return a ? a->i : 1;
}

bool foldPattern(Ctx& c, uint32_t index) { return layerNorm(c, index) || gelu(c, index) || gatedActivation(c, index); }

}  // namespace nf::importer::detail
