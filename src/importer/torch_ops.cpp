// importer/torch_ops.cpp - one ONNX node -> nn module call(s) or torch expressions.
//
// Layers whose weights are initializers become modules (see torch_import.h); every
// other op is a torch function call with ONNX's semantics (opset differences such as
// Softmax before 13 or attributes that became inputs are handled here).
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "base/strings.h"
#include "builder/codegen.h"
#include "importer/torch_context.h"
#include "weights/decode.h"

namespace nf::importer::detail {

namespace {

using Weights = std::vector<std::tuple<std::string, std::string, bool>>;

int64_t attrInt(const ir::Node& n, const char* name, int64_t def) {
  const ir::Attribute* a = n.attr(name);
  return a && a->type == ir::AttrType::Int ? a->i : def;
}
double attrFloat(const ir::Node& n, const char* name, double def) {
  const ir::Attribute* a = n.attr(name);
  return a && a->type == ir::AttrType::Float ? a->f : def;
}
std::string attrStr(const ir::Node& n, const char* name, const std::string& def) {
  const ir::Attribute* a = n.attr(name);
  return a && a->type == ir::AttrType::String ? a->s : def;
}
std::optional<std::vector<int64_t>> attrInts(const ir::Node& n, const char* name) {
  const ir::Attribute* a = n.attr(name);
  if (!a || a->type != ir::AttrType::Ints) return std::nullopt;
  return a->ints;
}
std::vector<int64_t> attrIntsOr(const ir::Node& n, const char* name, std::vector<int64_t> def) {
  auto v = attrInts(n, name);
  return v ? *v : def;
}

bool hasInput(const ir::Node& n, size_t i) { return i < n.inputs.size() && n.inputs[i].valid(); }
bool outputUsed(const Ctx& c, const ir::Node& n, size_t i) {
  if (i >= n.outputs.size() || !n.outputs[i].valid()) return false;
  const ir::Value& v = c.g.value(n.outputs[i]);
  return !v.consumers.empty() || v.graph_output;
}

bool symmetric(const std::vector<int64_t>& pads) {
  const size_t k = pads.size() / 2;
  for (size_t i = 0; i < k; ++i)
    if (pads[i] != pads[k + i]) return false;
  return true;
}

std::string pyStr(const std::string& s) { return builder::pyString(s); }

// The expression for an int-list input: a literal when known, else onnx_ints(expr) at run time.
Result<std::string> intsArg(Ctx& c, ir::ValueId v) {
  if (auto k = c.knownInts(v)) return pyInts(*k);
  auto e = c.value(v);
  if (!e) return e;
  c.helpers.use("onnx_ints");
  return *e;
}

struct Emit {
  Ctx& c;
  const ir::Node& n;
  std::vector<std::string> in;  // input expressions ("" for omitted ones)

  std::string assign(const std::string& e) {  // first output = e
    const std::string var = c.outVar(n, 0);
    c.forward.push_back(var + " = " + e);
    return var;
  }
};

// Padding that torch layers cannot express: pads a separate step before the layer.
Result<std::string> prePad(Ctx& c, const ir::Node& n, const std::string& x, const std::vector<int64_t>& kernel,
                           std::vector<int64_t>* pads, bool* needed, const char* value) {
  const std::string auto_pad = attrStr(n, "auto_pad", "NOTSET");
  const size_t k = kernel.size();
  *needed = false;
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    c.helpers.use("onnx_same_pad");
    *needed = true;
    pads->assign(2 * k, 0);
    return "onnx_same_pad(" + x + ", " + pyInts(kernel) + ", " + pyInts(attrIntsOr(n, "strides", std::vector<int64_t>(k, 1))) +
           ", " + pyInts(attrIntsOr(n, "dilations", std::vector<int64_t>(k, 1))) + ", " +
           (auto_pad == "SAME_LOWER" ? "True" : "False") + ", " + value + ")";
  }
  if (auto_pad != "NOTSET" && auto_pad != "VALID" && !auto_pad.empty()) return Error{"auto_pad " + auto_pad};
  if (pads->size() != 2 * k) pads->assign(2 * k, 0);
  bool small = true;
  for (size_t i = 0; i < k; ++i) small = small && (*pads)[i] * 2 <= kernel[i];
  if (symmetric(*pads) && small) return x;
  c.helpers.use("onnx_pad_spatial");
  *needed = true;
  std::string e = "onnx_pad_spatial(" + x + ", " + pyInts(*pads) + ", " + value + ")";
  pads->assign(2 * k, 0);
  return e;
}

std::vector<int64_t> half(const std::vector<int64_t>& pads) { return {pads.begin(), pads.begin() + pads.size() / 2}; }

Status emitConv(Ctx& c, const ir::Node& n, Emit& e) {
  const ir::Tensor* w = c.initializer(n.inputs.size() > 1 ? n.inputs[1] : ir::ValueId{});
  const ir::Tensor* b = hasInput(n, 2) ? c.initializer(n.inputs[2]) : nullptr;
  const int64_t group = attrInt(n, "group", 1);
  if (!w || w->dims.size() < 3 || w->dims.size() > 5 || (hasInput(n, 2) && !b)) {
    if (e.in.size() < 2) return Error{"Conv without weights"};
    const size_t k = w ? w->dims.size() - 2 : static_cast<size_t>(std::max(1, c.rankOf(n.inputs[1]) - 2));
    c.helpers.use("onnx_conv");
    std::vector<int64_t> pads = attrIntsOr(n, "pads", std::vector<int64_t>(2 * k, 0));
    bool pre = false;
    auto kernel = attrIntsOr(n, "kernel_shape", {});
    if (attrStr(n, "auto_pad", "NOTSET") != "NOTSET" && attrStr(n, "auto_pad", "") != "VALID")
      return Error{"auto_pad with weights computed in the graph"};
    e.assign("onnx_conv(" + e.in[0] + ", " + e.in[1] + ", " + (hasInput(n, 2) ? e.in[2] : "None") + ", " +
             pyInts(attrIntsOr(n, "strides", std::vector<int64_t>(k, 1))) + ", " + pyInts(pads) + ", " +
             pyInts(attrIntsOr(n, "dilations", std::vector<int64_t>(k, 1))) + ", " + std::to_string(group) + ")");
    (void)pre;
    (void)kernel;
    return {};
  }
  const size_t k = w->dims.size() - 2;
  std::vector<int64_t> kernel(w->dims.begin() + 2, w->dims.end());
  std::vector<int64_t> pads = attrIntsOr(n, "pads", std::vector<int64_t>(2 * k, 0));
  bool pre = false;
  auto x = prePad(c, n, e.in[0], kernel, &pads, &pre, "0.0");
  if (!x) return x.error();
  std::string args = std::to_string(w->dims[1] * group) + ", " + std::to_string(w->dims[0]) +
                     ", kernel_size=" + tupleOrScalar(kernel);
  auto strides = attrIntsOr(n, "strides", std::vector<int64_t>(k, 1));
  auto dil = attrIntsOr(n, "dilations", std::vector<int64_t>(k, 1));
  if (strides != std::vector<int64_t>(k, 1)) args += ", stride=" + tupleOrScalar(strides);
  if (half(pads) != std::vector<int64_t>(k, 0)) args += ", padding=" + tupleOrScalar(half(pads));
  if (dil != std::vector<int64_t>(k, 1)) args += ", dilation=" + tupleOrScalar(dil);
  if (group != 1) args += ", groups=" + std::to_string(group);
  if (!b) args += ", bias=False";
  Weights ws = {{"weight", w->name, false}};
  if (b) ws.emplace_back("bias", b->name, false);
  const std::string m = c.addModule(n, "nn.Conv" + std::to_string(k) + "d", args, ws);
  e.assign(m + "(" + *x + ")");
  return {};
}

Status emitBatchNorm(Ctx& c, const ir::Node& n, Emit& e) {
  if (attrInt(n, "training_mode", 0) != 0) return Error{"BatchNormalization in training mode"};
  const double eps = attrFloat(n, "epsilon", 1e-5);
  const double momentum = attrFloat(n, "momentum", 0.9);
  const ir::Tensor* t[5] = {};
  bool all = n.inputs.size() >= 5;
  for (size_t i = 1; all && i < 5; ++i) all = (t[i] = c.initializer(n.inputs[i])) != nullptr && t[i]->dims.size() == 1;
  const int rank = c.rankOf(n.inputs[0]);
  if (all && rank >= 2 && rank <= 5) {
    const int d = rank <= 3 ? 1 : rank - 2;
    std::string args = std::to_string(t[1]->dims[0]);
    if (eps != 1e-5) args += ", eps=" + pyFloatLit(eps);
    if (std::abs(1.0 - momentum - 0.1) > 1e-9) args += ", momentum=" + pyFloatLit(1.0 - momentum);
    const std::string m = c.addModule(n, "nn.BatchNorm" + std::to_string(d) + "d", args,
                                      {{"weight", t[1]->name, false}, {"bias", t[2]->name, false},
                                       {"running_mean", t[3]->name, false}, {"running_var", t[4]->name, false}});
    e.assign(m + "(" + e.in[0] + ")");
    return {};
  }
  std::string stats[2];
  for (int i = 0; i < 2; ++i) {
    const ir::Tensor* s = c.initializer(n.inputs[3 + i]);
    if (s && !c.expr.count(n.inputs[3 + i].index)) c.expr[n.inputs[3 + i].index] = c.addTensorAttr(*s, s->name, false);
    auto v = c.value(n.inputs[3 + i]);
    if (!v) return v.error();
    stats[i] = *v;
  }
  e.assign("F.batch_norm(" + e.in[0] + ", " + stats[0] + ", " + stats[1] + ", " + e.in[1] + ", " + e.in[2] +
           ", False, 0.0, " + pyFloatLit(eps) + ")");
  return {};
}

// Gemm / MatMul with a constant 2-D weight (and a bias Add) -> nn.Linear.
bool tryLinear(Ctx& c, const ir::Node& n, Emit& e) {
  const bool gemm = n.op_type == "Gemm";
  const ir::Tensor* w = n.inputs.size() > 1 ? c.initializer(n.inputs[1]) : nullptr;
  if (!w || w->dims.size() != 2) return false;
  bool transpose = true;
  int64_t in_f = w->dims[0], out_f = w->dims[1];
  const ir::Tensor* b = nullptr;
  std::string out_var_node;
  if (gemm) {
    if (attrFloat(n, "alpha", 1.0) != 1.0 || attrInt(n, "transA", 0) != 0) return false;
    if (attrInt(n, "transB", 0)) transpose = false, in_f = w->dims[1], out_f = w->dims[0];
    if (hasInput(n, 2)) {
      b = c.initializer(n.inputs[2]);
      if (!b || attrFloat(n, "beta", 1.0) != 1.0 || b->dims != std::vector<int64_t>{out_f}) return false;
    }
  }
  const ir::Node* add = nullptr;
  if (!gemm) {
    const ir::Value& out = c.g.value(n.outputs[0]);
    if (out.consumers.size() == 1 && !out.graph_output) {
      const ir::Node& next = c.g.node(out.consumers[0]);
      if (next.op_type == "Add" && next.inputs.size() == 2) {
        const ir::ValueId other = next.inputs[0] == n.outputs[0] ? next.inputs[1] : next.inputs[0];
        const ir::Tensor* bias = c.initializer(other);
        if (bias && bias->dims == std::vector<int64_t>{out_f} && (bias->elem == w->elem)) b = bias, add = &next;
      }
    }
  }
  std::string args = std::to_string(in_f) + ", " + std::to_string(out_f);
  if (!b) args += ", bias=False";
  Weights ws = {{"weight", w->name, transpose}};
  if (b) ws.emplace_back("bias", b->name, false);
  const std::string m = c.addModule(n, "nn.Linear", args, ws);
  const std::string var = e.assign(m + "(" + e.in[0] + ")");
  if (add) {
    c.skipped_nodes.insert(c.g.value(n.outputs[0]).consumers[0].index);
    c.expr[add->outputs[0].index] = var;
  }
  return true;
}

Status emitPool(Ctx& c, const ir::Node& n, Emit& e, bool max) {
  if (max && outputUsed(c, n, 1)) return Error{"MaxPool's Indices output"};
  auto kernel = attrIntsOr(n, "kernel_shape", {});
  const size_t k = kernel.size();
  if (k < 1 || k > 3) return Error{"pooling over " + std::to_string(k) + " axes"};
  auto strides = attrIntsOr(n, "strides", std::vector<int64_t>(k, 1));
  auto dil = attrIntsOr(n, "dilations", std::vector<int64_t>(k, 1));
  const bool ceil = attrInt(n, "ceil_mode", 0) != 0;
  const bool include = attrInt(n, "count_include_pad", 0) != 0;
  std::vector<int64_t> pads = attrIntsOr(n, "pads", std::vector<int64_t>(2 * k, 0));
  const std::string auto_pad = attrStr(n, "auto_pad", "NOTSET");
  bool small = true;
  for (size_t i = 0; i < k; ++i) small = small && pads.size() == 2 * k && pads[i] * 2 <= kernel[i];
  const bool plain_pads = (auto_pad == "NOTSET" || auto_pad == "VALID") && symmetric(pads) && small;
  if (plain_pads && (max || (!ceil && dil == std::vector<int64_t>(k, 1)))) {
    std::string args = tupleOrScalar(kernel);
    if (strides != kernel) args += ", stride=" + tupleOrScalar(strides);
    if (half(pads) != std::vector<int64_t>(k, 0)) {
      args += ", padding=" + tupleOrScalar(half(pads));
      if (!max && !include) args += ", count_include_pad=False";
    }
    if (max && dil != std::vector<int64_t>(k, 1)) args += ", dilation=" + tupleOrScalar(dil);
    if (ceil) args += ", ceil_mode=True";
    const std::string m = c.addModule(n, std::string(max ? "nn.MaxPool" : "nn.AvgPool") + std::to_string(k) + "d", args, {});
    e.assign(m + "(" + e.in[0] + ")");
    return {};
  }
  std::string x = e.in[0];
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    if (!max && !include) return Error{"AveragePool with auto_pad SAME and count_include_pad=0"};
    bool pre = false;
    auto padded = prePad(c, n, x, kernel, &pads, &pre, max ? "float(\"-inf\")" : "0.0");
    if (!padded) return padded.error();
    x = *padded;
  }
  c.helpers.use("onnx_pool");
  e.assign(std::string("onnx_pool(\"") + (max ? "max" : "avg") + "\", " + x + ", " + pyInts(kernel) + ", " +
           pyInts(strides) + ", " + pyInts(pads) + ", " + pyInts(dil) + ", " + (ceil ? "1" : "0") + ", " +
           (include ? "1" : "0") + ")");
  return {};
}

// Ops that map to a single torch expression of their inputs.
using Builder = std::function<Result<std::string>(Ctx&, const ir::Node&, const std::vector<std::string>&)>;

std::string unary(const char* fn, const std::vector<std::string>& in) { return std::string(fn) + "(" + in[0] + ")"; }

const std::map<std::string, Builder, std::less<>>& simpleOps() {
  using In = const std::vector<std::string>&;
  static const std::map<std::string, Builder, std::less<>> ops = {
      {"Relu", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("F.relu", in); }},
      {"Sigmoid", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.sigmoid", in); }},
      {"Tanh", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.tanh", in); }},
      {"Exp", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.exp", in); }},
      {"Log", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.log", in); }},
      {"Sqrt", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.sqrt", in); }},
      {"Abs", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.abs", in); }},
      {"Neg", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "-" + in[0]; }},
      {"Erf", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.erf", in); }},
      {"Reciprocal", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.reciprocal", in); }},
      {"Floor", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.floor", in); }},
      {"Ceil", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.ceil", in); }},
      {"Round", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.round", in); }},
      {"Sign", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.sign", in); }},
      {"Sin", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.sin", in); }},
      {"Cos", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.cos", in); }},
      {"Tan", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.tan", in); }},
      {"Asin", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.asin", in); }},
      {"Acos", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.acos", in); }},
      {"Atan", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.atan", in); }},
      {"Sinh", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.sinh", in); }},
      {"Cosh", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.cosh", in); }},
      {"Asinh", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.asinh", in); }},
      {"Acosh", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.acosh", in); }},
      {"Atanh", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.atanh", in); }},
      {"IsNaN", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.isnan", in); }},
      {"Not", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.logical_not", in); }},
      {"Softplus", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("F.softplus", in); }},
      {"Softsign", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("F.softsign", in); }},
      {"HardSwish", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("F.hardswish", in); }},
      {"Mish", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("F.mish", in); }},
      {"Det", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return unary("torch.det", in); }},
      {"Add", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return in[0] + " + " + in[1]; }},
      {"Sub", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return in[0] + " - " + in[1]; }},
      {"Mul", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return in[0] + " * " + in[1]; }},
      {"Div", [](Ctx& c, const ir::Node&, In in) -> Result<std::string> {
         c.helpers.use("onnx_div");
         return "onnx_div(" + in[0] + ", " + in[1] + ")";
       }},
      {"Pow", [](Ctx&, const ir::Node&, In in) -> Result<std::string> {
         return "torch.pow(" + in[0] + ", " + in[1] + ").to(" + in[0] + ".dtype)";
       }},
      {"Mod", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         return std::string(attrInt(n, "fmod", 0) ? "torch.fmod(" : "torch.remainder(") + in[0] + ", " + in[1] + ")";
       }},
      {"MatMul", [](Ctx& c, const ir::Node&, In in) -> Result<std::string> {
         if (!c.has_half) return "torch.matmul(" + in[0] + ", " + in[1] + ")";
         c.helpers.use("onnx_matmul");
         return "onnx_matmul(" + in[0] + ", " + in[1] + ")";
       }},
      {"Equal", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.eq(" + in[0] + ", " + in[1] + ")"; }},
      {"Greater", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.gt(" + in[0] + ", " + in[1] + ")"; }},
      {"Less", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.lt(" + in[0] + ", " + in[1] + ")"; }},
      {"GreaterOrEqual", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.ge(" + in[0] + ", " + in[1] + ")"; }},
      {"LessOrEqual", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.le(" + in[0] + ", " + in[1] + ")"; }},
      {"And", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.logical_and(" + in[0] + ", " + in[1] + ")"; }},
      {"Or", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.logical_or(" + in[0] + ", " + in[1] + ")"; }},
      {"Xor", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.logical_xor(" + in[0] + ", " + in[1] + ")"; }},
      {"Where", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.where(" + in[0] + ", " + in[1] + ", " + in[2] + ")"; }},
      {"PRelu", [](Ctx& c, const ir::Node&, In in) -> Result<std::string> {
         c.helpers.use("onnx_prelu");
         return "onnx_prelu(" + in[0] + ", " + in[1] + ")";
       }},
      {"IsInf", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         const bool pos = attrInt(n, "detect_positive", 1), neg = attrInt(n, "detect_negative", 1);
         if (pos && neg) return "torch.isinf(" + in[0] + ")";
         if (pos) return "torch.isposinf(" + in[0] + ")";
         if (neg) return "torch.isneginf(" + in[0] + ")";
         return "torch.zeros_like(" + in[0] + ", dtype=torch.bool)";
       }},
      {"BitwiseAnd", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.bitwise_and(" + in[0] + ", " + in[1] + ")"; }},
      {"BitwiseOr", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.bitwise_or(" + in[0] + ", " + in[1] + ")"; }},
      {"BitwiseXor", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.bitwise_xor(" + in[0] + ", " + in[1] + ")"; }},
      {"BitwiseNot", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.bitwise_not(" + in[0] + ")"; }},
      {"Hardmax", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         const std::string ax = std::to_string(attrInt(n, "axis", -1));
         return "F.one_hot(torch.argmax(" + in[0] + ", dim=" + ax + "), " + in[0] + ".shape[" + ax + "]).movedim(-1, " + ax +
                " % " + in[0] + ".dim()).to(" + in[0] + ".dtype)";
       }},
      {"LpNormalization", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         return "F.normalize(" + in[0] + ", p=" + std::to_string(attrInt(n, "p", 2)) + ", dim=" + std::to_string(attrInt(n, "axis", -1)) +
                ", eps=0.0)";
       }},
      {"Compress", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         const ir::Attribute* a = n.attr("axis");
         if (!a) return in[0] + ".reshape(-1)[" + in[1] + ".nonzero().reshape(-1)]";
         return in[0] + ".index_select(" + std::to_string(a->i) + ", " + in[1] + ".nonzero().reshape(-1))";
       }},
      {"GatherND", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_gather_nd");
         return "onnx_gather_nd(" + in[0] + ", " + in[1] + ", " + std::to_string(attrInt(n, "batch_dims", 0)) + ")";
       }},
      {"ScatterND", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_scatter_nd");
         return "onnx_scatter_nd(" + in[0] + ", " + in[1] + ", " + in[2] + ", " + pyStr(attrStr(n, "reduction", "none")) + ")";
       }},
      {"ScatterElements", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_scatter_elements");
         return "onnx_scatter_elements(" + in[0] + ", " + std::to_string(attrInt(n, "axis", 0)) + ", " + in[1] + ", " + in[2] +
                ", " + pyStr(attrStr(n, "reduction", "none")) + ")";
       }},
      {"Scatter", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_scatter_elements");
         return "onnx_scatter_elements(" + in[0] + ", " + std::to_string(attrInt(n, "axis", 0)) + ", " + in[1] + ", " + in[2] + ")";
       }},
      {"OneHot", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_one_hot");
         return "onnx_one_hot(" + in[0] + ", " + in[1] + ", " + in[2] + ", " + std::to_string(attrInt(n, "axis", -1)) + ")";
       }},
      {"GridSample", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_grid_sample");
         return "onnx_grid_sample(" + in[0] + ", " + in[1] + ", " + pyStr(attrStr(n, "mode", c.opset >= 20 ? "linear" : "bilinear")) +
                ", " + pyStr(attrStr(n, "padding_mode", "zeros")) + ", " + std::to_string(attrInt(n, "align_corners", 0)) + ")";
       }},
      {"ConvTranspose", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         if (n.attr("output_shape")) return Error{"ConvTranspose with output_shape"};
         const std::string auto_pad = attrStr(n, "auto_pad", "NOTSET");
         if (auto_pad != "NOTSET" && auto_pad != "VALID") return Error{"ConvTranspose with auto_pad " + auto_pad};
         const ir::Tensor* w = c.initializer(n.inputs[1]);
         const size_t k = w ? w->dims.size() - 2 : static_cast<size_t>(std::max(1, c.rankOf(n.inputs[0]) - 2));
         c.helpers.use("onnx_conv_transpose");
         return "onnx_conv_transpose(" + in[0] + ", " + in[1] + ", " + (in.size() > 2 && !in[2].empty() ? in[2] : "None") + ", " +
                pyInts(attrIntsOr(n, "strides", std::vector<int64_t>(k, 1))) + ", " + pyInts(attrIntsOr(n, "pads", std::vector<int64_t>(2 * k, 0))) +
                ", " + pyInts(attrIntsOr(n, "dilations", std::vector<int64_t>(k, 1))) + ", " + std::to_string(attrInt(n, "group", 1)) + ", " +
                pyInts(attrIntsOr(n, "output_padding", std::vector<int64_t>(k, 0))) + ")";
       }},
      {"LeakyRelu", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         return "F.leaky_relu(" + in[0] + ", " + pyFloatLit(attrFloat(n, "alpha", 0.01)) + ")";
       }},
      {"Elu", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> { return "F.elu(" + in[0] + ", " + pyFloatLit(attrFloat(n, "alpha", 1.0)) + ")"; }},
      {"Celu", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> { return "F.celu(" + in[0] + ", " + pyFloatLit(attrFloat(n, "alpha", 1.0)) + ")"; }},
      {"Selu", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         return pyFloatLit(attrFloat(n, "gamma", 1.05070102214813232421875)) + " * torch.where(" + in[0] + " > 0, " + in[0] +
                ", " + pyFloatLit(attrFloat(n, "alpha", 1.67326319217681884765625)) + " * (torch.exp(" + in[0] + ") - 1))";
       }},
      {"ThresholdedRelu", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         return "torch.where(" + in[0] + " > " + pyFloatLit(attrFloat(n, "alpha", 1.0)) + ", " + in[0] + ", torch.zeros_like(" + in[0] + "))";
       }},
      {"HardSigmoid", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         return "torch.clamp(" + in[0] + " * " + pyFloatLit(attrFloat(n, "alpha", 0.2)) + " + " + pyFloatLit(attrFloat(n, "beta", 0.5)) + ", 0, 1)";
       }},
      {"Gelu", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         return "F.gelu(" + in[0] + (attrStr(n, "approximate", "none") == "tanh" ? ", approximate=\"tanh\")" : ")");
       }},
      {"Einsum", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         std::string s = "torch.einsum(" + pyStr(attrStr(n, "equation", ""));
         for (const auto& i : in) s += ", " + i;
         return s + ")";
       }},
      {"Transpose", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         auto perm = attrInts(n, "perm");
         if (!perm) return in[0] + ".permute(*reversed(range(" + in[0] + ".dim())))";
         return in[0] + ".permute(" + pyInts(*perm) + ")";
       }},
      {"Concat", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         std::string s = "torch.cat([";
         for (size_t i = 0; i < in.size(); ++i) s += (i ? ", " : "") + in[i];
         return s + "], dim=" + std::to_string(attrInt(n, "axis", 0)) + ")";
       }},
      {"Cast", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         const char* dt = torchDtype(static_cast<ir::ElemType>(attrInt(n, "to", 1)));
         if (!dt) return Error{"Cast to a type torch lacks"};
         return in[0] + ".to(" + dt + ")";
       }},
      {"CastLike", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return in[0] + ".to(" + in[1] + ".dtype)"; }},
      {"Shape", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         const ir::Attribute* s = n.attr("start");
         const ir::Attribute* e = n.attr("end");
         std::string range = s || e ? "[" + (s ? std::to_string(s->i) : "") + ":" + (e ? std::to_string(e->i) : "") + "]" : "";
         return "torch.tensor(" + in[0] + ".shape" + range + ", dtype=torch.int64)";
       }},
      {"Size", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.tensor(" + in[0] + ".numel(), dtype=torch.int64)"; }},
      {"Expand", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         auto shape = intsArg(c, n.inputs[1]);
         if (!shape) return shape;
         return in[0] + ".expand(torch.broadcast_shapes(" + in[0] + ".shape, tuple(onnx_ints(" + *shape + "))))";
       }},
      {"Tile", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         auto reps = intsArg(c, n.inputs[1]);
         if (!reps) return reps;
         c.helpers.use("onnx_ints");
         return in[0] + ".repeat(onnx_ints(" + *reps + "))";
       }},
      {"Range", [](Ctx&, const ir::Node&, In in) -> Result<std::string> {
         return "torch.arange(" + in[0] + ".item(), " + in[1] + ".item(), " + in[2] + ".item(), dtype=" + in[0] + ".dtype)";
       }},
      {"Clip", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         std::string lo = "None", hi = "None";
         if (c.opset < 11) {
           if (n.attr("min")) lo = pyFloatLit(attrFloat(n, "min", 0));
           if (n.attr("max")) hi = pyFloatLit(attrFloat(n, "max", 0));
         } else {
           if (in.size() > 1 && !in[1].empty()) lo = in[1];
           if (in.size() > 2 && !in[2].empty()) hi = in[2];
         }
         if (lo == "None" && hi == "None") return in[0];
         return "torch.clamp(" + in[0] + ", " + lo + ", " + hi + ")";
       }},
      {"ConstantOfShape", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         auto shape = intsArg(c, n.inputs[0]);
         if (!shape) return shape;
         c.helpers.use("onnx_ints");
         std::string value = "0.0", dtype = "torch.float32";
         if (const ir::Attribute* a = n.attr("value"); a && !a->tensors.empty()) {
           const ir::Tensor& t = a->tensors[0];
           const char* dt = torchDtype(t.elem);
           if (!dt) return Error{"ConstantOfShape of a type torch lacks"};
           dtype = dt;
           KnownConst k{t.elem, {}, {}};
           auto v = weights::readElements(c.model, t, 0, 1);
           if (!v || v->empty()) return Error{"ConstantOfShape value unreadable"};
           value = t.elem == ir::ElemType::Float || t.elem == ir::ElemType::Double || t.elem == ir::ElemType::Float16
                       ? pyFloatLit((*v)[0])
                       : (t.elem == ir::ElemType::Bool ? ((*v)[0] != 0 ? "True" : "False") : std::to_string(int64_t((*v)[0])));
         }
         return "torch.full(onnx_ints(" + *shape + "), " + value + ", dtype=" + dtype + ")";
       }},
      {"GlobalAveragePool", [](Ctx&, const ir::Node&, In in) -> Result<std::string> {
         return in[0] + ".mean(dim=tuple(range(2, " + in[0] + ".dim())), keepdim=True)";
       }},
      {"GlobalMaxPool", [](Ctx&, const ir::Node&, In in) -> Result<std::string> {
         return "torch.amax(" + in[0] + ", dim=tuple(range(2, " + in[0] + ".dim())), keepdim=True)";
       }},
      {"LRN", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         return "F.local_response_norm(" + in[0] + ", " + std::to_string(attrInt(n, "size", 1)) + ", " +
                pyFloatLit(attrFloat(n, "alpha", 1e-4)) + ", " + pyFloatLit(attrFloat(n, "beta", 0.75)) + ", " +
                pyFloatLit(attrFloat(n, "bias", 1.0)) + ")";
       }},
      {"InstanceNormalization", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         return "F.instance_norm(" + in[0] + ", weight=" + in[1] + ", bias=" + in[2] + ", eps=" +
                pyFloatLit(attrFloat(n, "epsilon", 1e-5)) + ")";
       }},
      {"LayerNormalization", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         return "F.layer_norm(" + in[0] + ", " + in[0] + ".shape[" + std::to_string(attrInt(n, "axis", -1)) + ":], " + in[1] +
                ", " + (in.size() > 2 && !in[2].empty() ? in[2] : "None") + ", " + pyFloatLit(attrFloat(n, "epsilon", 1e-5)) + ")";
       }},
      {"Gemm", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_gemm");
         return "onnx_gemm(" + in[0] + ", " + in[1] + ", " + (in.size() > 2 && !in[2].empty() ? in[2] : "None") + ", " +
                pyFloatLit(attrFloat(n, "alpha", 1.0)) + ", " + pyFloatLit(attrFloat(n, "beta", 1.0)) + ", " +
                std::to_string(attrInt(n, "transA", 0)) + ", " + std::to_string(attrInt(n, "transB", 0)) + ")";
       }},
      {"Flatten", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         const int64_t axis = attrInt(n, "axis", 1);
         if (axis == 1 && c.rankOf(n.inputs[0]) >= 2) return "torch.flatten(" + in[0] + ", 1)";
         c.helpers.use("onnx_flatten");
         return "onnx_flatten(" + in[0] + ", " + std::to_string(axis) + ")";
       }},
      {"Reshape", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         const int64_t allowzero = attrInt(n, "allowzero", 0);
         std::optional<std::vector<int64_t>> shape;
         if (c.opset < 5) shape = attrInts(n, "shape");
         else shape = c.knownInts(n.inputs[1]);
         if (shape && std::find(shape->begin(), shape->end(), 0) == shape->end()) {
           std::string s = pyInts(*shape);
           return in[0] + ".reshape(" + s.substr(1, s.size() - 2) + (shape->size() == 1 ? ",)" : ")");
         }
         c.helpers.use("onnx_reshape");
         return "onnx_reshape(" + in[0] + ", " + (shape ? pyInts(*shape) : in[1]) + ", " + std::to_string(allowzero) + ")";
       }},
      {"Unsqueeze", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_unsqueeze");
         if (c.opset < 13) return "onnx_unsqueeze(" + in[0] + ", " + pyInts(attrIntsOr(n, "axes", {})) + ")";
         auto axes = intsArg(c, n.inputs[1]);
         if (!axes) return axes;
         return "onnx_unsqueeze(" + in[0] + ", " + *axes + ")";
       }},
      {"Squeeze", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_squeeze");
         if (c.opset < 13) {
           auto axes = attrInts(n, "axes");
           return "onnx_squeeze(" + in[0] + (axes ? ", " + pyInts(*axes) : std::string()) + ")";
         }
         if (!hasInput(n, 1)) return "onnx_squeeze(" + in[0] + ")";
         auto axes = intsArg(c, n.inputs[1]);
         if (!axes) return axes;
         return "onnx_squeeze(" + in[0] + ", " + *axes + ")";
       }},
      {"Gather", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_gather");
         return "onnx_gather(" + in[0] + ", " + in[1] + ", " + std::to_string(attrInt(n, "axis", 0)) + ")";
       }},
      {"GatherElements", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         const std::string ax = std::to_string(attrInt(n, "axis", 0));
         return "torch.gather(" + in[0] + ", " + ax + ", torch.where(" + in[1] + " < 0, " + in[1] + " + " + in[0] + ".shape[" +
                ax + "], " + in[1] + ").long())";
       }},
      {"Slice", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_slice");
         if (c.opset < 10) {
           auto axes = attrInts(n, "axes");
           return "onnx_slice(" + in[0] + ", " + pyInts(attrIntsOr(n, "starts", {})) + ", " + pyInts(attrIntsOr(n, "ends", {})) +
                  (axes ? ", " + pyInts(*axes) : std::string()) + ")";
         }
         std::string s = "onnx_slice(" + in[0];
         for (size_t i = 1; i < 5; ++i) {
           if (!hasInput(n, i)) {
             if (i >= 3) s += ", None";
             continue;
           }
           auto v = intsArg(c, n.inputs[i]);
           if (!v) return v;
           s += ", " + *v;
         }
         return s + ")";
       }},
      {"Pad", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_pad");
         const std::string mode = pyStr(attrStr(n, "mode", "constant"));
         if (c.opset < 11)
           return "onnx_pad(" + in[0] + ", " + pyInts(attrIntsOr(n, "pads", {})) + ", " + pyFloatLit(attrFloat(n, "value", 0.0)) +
                  ", " + mode + ")";
         auto pads = intsArg(c, n.inputs[1]);
         if (!pads) return pads;
         std::string axes = "None";
         if (hasInput(n, 3)) {
           auto a = intsArg(c, n.inputs[3]);
           if (!a) return a;
           axes = *a;
         }
         return "onnx_pad(" + in[0] + ", " + *pads + ", " + (hasInput(n, 2) ? in[2] : "0.0") + ", " + mode + ", " + axes + ")";
       }},
      {"Softmax", nullptr},
      {"LogSoftmax", nullptr},
      {"Hardmax", nullptr},
      {"ArgMax", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         if (attrInt(n, "select_last_index", 0)) {
           c.helpers.use("onnx_arg");
           return "onnx_arg(torch.argmax, " + in[0] + ", " + std::to_string(attrInt(n, "axis", 0)) + ", " +
                  std::to_string(attrInt(n, "keepdims", 1)) + ", 1)";
         }
         return "torch.argmax(" + in[0] + ", dim=" + std::to_string(attrInt(n, "axis", 0)) + ", keepdim=" +
                (attrInt(n, "keepdims", 1) ? "True" : "False") + ")";
       }},
      {"ArgMin", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         if (attrInt(n, "select_last_index", 0)) {
           c.helpers.use("onnx_arg");
           return "onnx_arg(torch.argmin, " + in[0] + ", " + std::to_string(attrInt(n, "axis", 0)) + ", " +
                  std::to_string(attrInt(n, "keepdims", 1)) + ", 1)";
         }
         return "torch.argmin(" + in[0] + ", dim=" + std::to_string(attrInt(n, "axis", 0)) + ", keepdim=" +
                (attrInt(n, "keepdims", 1) ? "True" : "False") + ")";
       }},
      {"CumSum", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_cumsum");
         return "onnx_cumsum(" + in[0] + ", " + in[1] + ", " + std::to_string(attrInt(n, "exclusive", 0)) + ", " +
                std::to_string(attrInt(n, "reverse", 0)) + ")";
       }},
      {"CumProd", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_cumprod");
         return "onnx_cumprod(" + in[0] + ", " + in[1] + ", " + std::to_string(attrInt(n, "exclusive", 0)) + ", " +
                std::to_string(attrInt(n, "reverse", 0)) + ")";
       }},
      {"RMSNormalization", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_rms_norm");
         return "onnx_rms_norm(" + in[0] + ", " + in[1] + ", " + std::to_string(attrInt(n, "axis", -1)) + ", " +
                pyFloatLit(attrFloat(n, "epsilon", 1e-5)) + ")";
       }},
      {"LpPool", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         auto kernel = attrIntsOr(n, "kernel_shape", {});
         const size_t k = kernel.size();
         if (k < 1 || k > 3) return Error{"LpPool over " + std::to_string(k) + " axes"};
         const std::string auto_pad = attrStr(n, "auto_pad", "NOTSET");
         if (auto_pad != "NOTSET" && auto_pad != "VALID") return Error{"LpPool with auto_pad " + auto_pad};
         c.helpers.use("onnx_lp_pool");
         return "onnx_lp_pool(" + in[0] + ", " + std::to_string(attrInt(n, "p", 2)) + ", " + pyInts(kernel) + ", " +
                pyInts(attrIntsOr(n, "strides", std::vector<int64_t>(k, 1))) + ", " + pyInts(attrIntsOr(n, "pads", std::vector<int64_t>(2 * k, 0))) +
                ", " + pyInts(attrIntsOr(n, "dilations", std::vector<int64_t>(k, 1))) + ", " + std::to_string(attrInt(n, "ceil_mode", 0)) + ")";
       }},
      {"BitShift", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         return in[0] + (attrStr(n, "direction", "LEFT") == "LEFT" ? " << " : " >> ") + in[1];
       }},
      {"Shrink", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         const std::string l = pyFloatLit(attrFloat(n, "lambd", 0.5)), b = pyFloatLit(attrFloat(n, "bias", 0.0));
         return "torch.where(" + in[0] + " < -" + l + ", " + in[0] + " + " + b + ", torch.where(" + in[0] + " > " + l + ", " + in[0] +
                " - " + b + ", torch.zeros_like(" + in[0] + ")))";
       }},
      // Sequences are Python lists of tensors.
      {"SequenceConstruct", [](Ctx&, const ir::Node&, In in) -> Result<std::string> {
         std::string s = "[";
         for (size_t i = 0; i < in.size(); ++i) s += (i ? ", " : "") + in[i];
         return s + "]";
       }},
      {"SequenceEmpty", [](Ctx&, const ir::Node&, In) -> Result<std::string> { return std::string("[]"); }},
      {"SequenceAt", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return in[0] + "[int(" + in[1] + ")]"; }},
      {"SequenceLength", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.tensor(len(" + in[0] + "), dtype=torch.int64)"; }},
      {"SequenceInsert", [](Ctx& c, const ir::Node&, In in) -> Result<std::string> {
         c.helpers.use("onnx_sequence_insert");
         return "onnx_sequence_insert(" + in[0] + ", " + in[1] + (in.size() > 2 && !in[2].empty() ? ", " + in[2] : std::string()) + ")";
       }},
      {"SequenceErase", [](Ctx& c, const ir::Node&, In in) -> Result<std::string> {
         c.helpers.use("onnx_sequence_erase");
         return "onnx_sequence_erase(" + in[0] + (in.size() > 1 && !in[1].empty() ? ", " + in[1] : std::string()) + ")";
       }},
      {"ConcatFromSequence", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         const std::string axis = std::to_string(attrInt(n, "axis", 0));
         return std::string(attrInt(n, "new_axis", 0) ? "torch.stack(" : "torch.cat(") + in[0] + ", dim=" + axis + ")";
       }},
      {"SplitToSequence", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_split_to_sequence");
         return "onnx_split_to_sequence(" + in[0] + ", " + (in.size() > 1 && !in[1].empty() ? in[1] : "None") + ", " +
                std::to_string(attrInt(n, "axis", 0)) + ", " + std::to_string(attrInt(n, "keepdims", 1)) + ")";
       }},
      {"HannWindow", nullptr},
      {"HammingWindow", nullptr},
      {"BlackmanWindow", nullptr},
      {"DepthToSpace", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_depth_to_space");
         return "onnx_depth_to_space(" + in[0] + ", " + std::to_string(attrInt(n, "blocksize", 1)) + ", " +
                pyStr(attrStr(n, "mode", "DCR")) + ")";
       }},
      {"SpaceToDepth", [](Ctx& c, const ir::Node& n, In in) -> Result<std::string> {
         c.helpers.use("onnx_space_to_depth");
         return "onnx_space_to_depth(" + in[0] + ", " + std::to_string(attrInt(n, "blocksize", 1)) + ")";
       }},
      {"Trilu", [](Ctx&, const ir::Node& n, In in) -> Result<std::string> {
         const std::string k = in.size() > 1 && !in[1].empty() ? "int(" + in[1] + ")" : "0";
         return std::string(attrInt(n, "upper", 1) ? "torch.triu(" : "torch.tril(") + in[0] + ", " + k + ")";
       }},
      {"NonZero", [](Ctx&, const ir::Node&, In in) -> Result<std::string> { return "torch.nonzero(" + in[0] + ").t()"; }},
      {"Resize", nullptr},
      {"Upsample", nullptr},
  };
  return ops;
}

}  // namespace

Status emitNode(Ctx& c, uint32_t index) {
  const ir::Node& n = c.g.nodes[index];
  if (!n.domain.empty() && n.domain != "ai.onnx") return Error{"ops of domain '" + displayName(n.domain) + "' have no torch equivalent here"};
  if (!n.subgraphs().empty()) return Error{"ops with subgraphs (If/Loop/Scan) are not supported yet"};
  const std::string& op = n.op_type;
  if (op == "Constant") {
    const ir::Attribute* a = n.attr("value");
    KnownConst k;
    if (a && !a->tensors.empty()) {
      const ir::Tensor& t = a->tensors[0];
      if (!torchDtype(t.elem) || !weights::isDecodable(t.elem)) return Error{"a constant of a type torch lacks"};
      const int64_t count = t.elementCount();
      if (count < 0) return Error{"a constant with a bad shape"};
      if (count > 16) {
        c.expr[n.outputs[0].index] = c.addTensorAttr(t, c.g.value(n.outputs[0]).name, false);
        return {};
      }
      auto v = weights::readElements(c.model, t, 0, count);
      if (!v) return v.error();
      k = KnownConst{t.elem, t.dims, std::move(*v)};
    } else if (const ir::Attribute* f = n.attr("value_float")) {
      k = KnownConst{ir::ElemType::Float, {}, {f->f}};
    } else if (const ir::Attribute* i = n.attr("value_int")) {
      k = KnownConst{ir::ElemType::Int64, {}, {double(i->i)}};
    } else if (const ir::Attribute* fs = n.attr("value_floats")) {
      k = KnownConst{ir::ElemType::Float, {int64_t(fs->floats.size())}, {fs->floats.begin(), fs->floats.end()}};
    } else if (const ir::Attribute* is = n.attr("value_ints")) {
      k = KnownConst{ir::ElemType::Int64, {int64_t(is->ints.size())}, {}};
      for (int64_t v : is->ints) k.values.push_back(double(v));
    } else {
      return Error{"a Constant without a supported value"};
    }
    c.expr[n.outputs[0].index] = constLiteral(k);
    c.consts[n.outputs[0].index] = std::move(k);
    return {};
  }
  if (foldPattern(c, index)) return {};
  if (op == "HannWindow" || op == "HammingWindow" || op == "BlackmanWindow") {
    auto size = c.value(n.inputs[0]);
    if (!size) return size.error();
    const char* dt = torchDtype(static_cast<ir::ElemType>(attrInt(n, "output_datatype", 1)));
    if (!dt) return Error{"a window of a type torch lacks"};
    const std::string periodic = attrInt(n, "periodic", 1) ? "True" : "False";
    const std::string count = "int(" + *size + ")";
    std::string call = op == "HannWindow"      ? "torch.hann_window(" + count + ", " + periodic
                       : op == "BlackmanWindow" ? "torch.blackman_window(" + count + ", " + periodic
                                                : "torch.hamming_window(" + count + ", " + periodic + ", alpha=25 / 46, beta=21 / 46";
    Emit e{c, n, {}};
    e.assign(call + ", dtype=torch.float64).to(" + dt + ")");
    return {};
  }
  if (op == "Dropout" && outputUsed(c, n, 1)) {  // inference: the input passes, the mask is all true
    auto x = c.value(n.inputs[0]);
    if (!x) return x.error();
    if (hasInput(n, 2) && !c.knownInts(n.inputs[2])) return Error{"Dropout in training mode"};
    if (auto t = c.knownInts(hasInput(n, 2) ? n.inputs[2] : ir::ValueId{}); t && !t->empty() && (*t)[0]) return Error{"Dropout in training mode"};
    c.forward.push_back(c.outVar(n, 0) + ", " + c.outVar(n, 1) + " = " + *x + ", torch.ones_like(" + *x + ", dtype=torch.bool)");
    return {};
  }
  if (op == "Identity" || op == "Dropout") {
    if (outputUsed(c, n, 1)) return Error{"Dropout's mask output"};
    // An Identity of a weight stays unresolved: each user materialises its own copy.
    if (op == "Identity" && c.initializer(n.inputs[0]) && !c.g.value(n.outputs[0]).graph_output) return {};
    auto x = c.value(n.inputs[0]);
    if (!x) return x.error();
    if (c.g.value(n.outputs[0]).graph_output) {
      Emit e{c, n, {}};
      e.assign(*x);
    } else {
      c.expr[n.outputs[0].index] = *x;
      if (auto k = c.consts.find(n.inputs[0].index); k != c.consts.end()) c.consts[n.outputs[0].index] = k->second;
    }
    return {};
  }
  Emit e{c, n, {}};
  for (size_t i = 0; i < n.inputs.size(); ++i) {
    if (!n.inputs[i].valid()) {
      e.in.push_back("");
      continue;
    }
    // Weights that become module parameters are not materialised as separate tensors.
    const bool module_weight = ((op == "Conv" || op == "ConvTranspose") && i >= 1) || (op == "BatchNormalization" && i >= 1) ||
                               ((op == "Gemm" || op == "MatMul") && i == 1) || (op == "Gemm" && i == 2) || (op == "Gather" && i == 0) ||
                               (op == "LayerNormalization" && i >= 1);
    if (module_weight && c.initializer(n.inputs[i]) && !c.expr.count(n.inputs[i].index)) {
      e.in.push_back("");
      continue;
    }
    auto v = c.value(n.inputs[i]);
    if (!v) return v.error();
    e.in.push_back(*v);
  }
  auto materialize = [&](size_t from) -> Status {  // the generic path needs every input
    for (size_t i = from; i < n.inputs.size(); ++i) {
      if (!n.inputs[i].valid() || !e.in[i].empty()) continue;
      auto v = c.value(n.inputs[i]);
      if (!v) return v.error();
      e.in[i] = *v;
    }
    return {};
  };
  if (op == "Conv") {
    const ir::Tensor* w = n.inputs.size() > 1 ? c.initializer(n.inputs[1]) : nullptr;
    const ir::Tensor* b = hasInput(n, 2) ? c.initializer(n.inputs[2]) : nullptr;
    if (!w || w->dims.size() < 3 || w->dims.size() > 5 || (hasInput(n, 2) && !b))
      if (Status s = materialize(1); !s) return s;
    return emitConv(c, n, e);
  }
  if (op == "ConvTranspose") {
    const ir::Tensor* w = n.inputs.size() > 1 ? c.initializer(n.inputs[1]) : nullptr;
    const ir::Tensor* b = hasInput(n, 2) ? c.initializer(n.inputs[2]) : nullptr;
    const size_t k = w && w->dims.size() >= 3 ? w->dims.size() - 2 : 0;
    std::vector<int64_t> pads = attrIntsOr(n, "pads", std::vector<int64_t>(2 * k, 0));
    const std::string auto_pad = attrStr(n, "auto_pad", "NOTSET");
    if (k >= 1 && k <= 3 && (!hasInput(n, 2) || b) && !n.attr("output_shape") && pads.size() == 2 * k && symmetric(pads) &&
        (auto_pad == "NOTSET" || auto_pad == "VALID")) {
      const int64_t group = attrInt(n, "group", 1);
      std::vector<int64_t> kernel(w->dims.begin() + 2, w->dims.end());
      auto strides = attrIntsOr(n, "strides", std::vector<int64_t>(k, 1));
      auto dil = attrIntsOr(n, "dilations", std::vector<int64_t>(k, 1));
      auto outpad = attrIntsOr(n, "output_padding", std::vector<int64_t>(k, 0));
      const std::vector<int64_t> ones(k, 1), zeros(k, 0);
      std::string args = std::to_string(w->dims[0]) + ", " + std::to_string(w->dims[1] * group) + ", kernel_size=" + tupleOrScalar(kernel);
      if (strides != ones) args += ", stride=" + tupleOrScalar(strides);
      if (half(pads) != zeros) args += ", padding=" + tupleOrScalar(half(pads));
      if (outpad != zeros) args += ", output_padding=" + tupleOrScalar(outpad);
      if (group != 1) args += ", groups=" + std::to_string(group);
      if (!b) args += ", bias=False";
      if (dil != ones) args += ", dilation=" + tupleOrScalar(dil);
      Weights ws = {{"weight", w->name, false}};
      if (b) ws.emplace_back("bias", b->name, false);
      const std::string m = c.addModule(n, "nn.ConvTranspose" + std::to_string(k) + "d", args, ws);
      e.assign(m + "(" + e.in[0] + ")");
      return {};
    }
    if (Status s = materialize(1); !s) return s;
  }
  if (op == "BatchNormalization") {
    if (n.inputs.size() < 5) return Error{"BatchNormalization needs 5 inputs"};
    bool all = true;
    for (size_t i = 1; i < 5; ++i) all = all && c.initializer(n.inputs[i]) && c.initializer(n.inputs[i])->dims.size() == 1;
    for (size_t i = 1; i < n.outputs.size(); ++i)
      if (outputUsed(c, n, i)) return Error{"BatchNormalization's running statistics outputs"};
    if (!(all && c.rankOf(n.inputs[0]) >= 2 && c.rankOf(n.inputs[0]) <= 5))
      for (size_t i = 1; i < 3; ++i)
        if (e.in[i].empty()) {
          auto v = c.value(n.inputs[i]);
          if (!v) return v.error();
          e.in[i] = *v;
        }
    return emitBatchNorm(c, n, e);
  }
  if (op == "Gemm" || op == "MatMul") {
    if (tryLinear(c, n, e)) return {};
    if (Status s = materialize(1); !s) return s;
  }
  if (op == "Gather" && n.inputs.size() == 2 && attrInt(n, "axis", 0) == 0) {
    const ir::Tensor* table = c.initializer(n.inputs[0]);
    if (table && table->dims.size() == 2 && !c.initializer(n.inputs[1]) &&
        (table->elem == ir::ElemType::Float) && c.g.value(n.inputs[0]).consumers.size() == 1) {
      const std::string m = c.addModule(n, "nn.Embedding", std::to_string(table->dims[0]) + ", " + std::to_string(table->dims[1]),
                                        {{"weight", table->name, false}});
      e.assign(m + "(" + e.in[1] + ")");
      return {};
    }
  }
  if (op == "Gather" || op == "LayerNormalization")
    if (Status s = materialize(0); !s) return s;
  if (op == "MaxPool") return emitPool(c, n, e, true);
  if (op == "AveragePool") return emitPool(c, n, e, false);
  if (op == "LayerNormalization" && n.inputs.size() == 3 && c.initializer(n.inputs[1]) && c.initializer(n.inputs[2]) &&
      attrInt(n, "axis", -1) == -1 && c.initializer(n.inputs[1])->dims.size() == 1 &&
      c.g.value(n.inputs[1]).consumers.size() == 1 && c.g.value(n.inputs[2]).consumers.size() == 1 &&
      !outputUsed(c, n, 1) && !outputUsed(c, n, 2)) {
    const ir::Tensor* w = c.initializer(n.inputs[1]);
    const ir::Tensor* b = c.initializer(n.inputs[2]);
    std::string args = std::to_string(w->dims[0]);
    const double eps = attrFloat(n, "epsilon", 1e-5);
    if (eps != 1e-5) args += ", eps=" + pyFloatLit(eps);
    const std::string m = c.addModule(n, "nn.LayerNorm", args, {{"weight", w->name, false}, {"bias", b->name, false}});
    e.assign(m + "(" + e.in[0] + ")");
    return {};
  }
  if (op == "LayerNormalization" || op == "NegativeLogLikelihoodLoss" || op == "SoftmaxCrossEntropyLoss") {
    std::string call;
    if (op == "LayerNormalization") {
      c.helpers.use("onnx_layer_norm");
      call = "onnx_layer_norm(" + e.in[0] + ", " + e.in[1] + ", " + (hasInput(n, 2) ? e.in[2] : "None") + ", " +
             std::to_string(attrInt(n, "axis", -1)) + ", " + pyFloatLit(attrFloat(n, "epsilon", 1e-5)) + ")";
    } else {
      const char* fn = op == "NegativeLogLikelihoodLoss" ? "onnx_nll_loss" : "onnx_softmax_ce";
      c.helpers.use(fn);
      const ir::Attribute* ig = n.attr("ignore_index");
      call = std::string(fn) + "(" + e.in[0] + ", " + e.in[1] + ", " + (hasInput(n, 2) ? e.in[2] : "None") + ", " +
             pyStr(attrStr(n, "reduction", "mean")) + ", " + (ig ? std::to_string(ig->i) : "None") + ")";
    }
    std::string lhs;
    const size_t results = op == "LayerNormalization" ? 3 : op == "SoftmaxCrossEntropyLoss" ? 2 : 1;
    for (size_t i = 0; i < results; ++i) {
      const bool used = i < n.outputs.size() && n.outputs[i].valid();
      lhs += (i ? ", " : "") + (used ? c.outVar(n, i) : std::string("_"));
    }
    c.forward.push_back(lhs + " = " + call);
    return {};
  }
  if (op == "Attention") {
    if (hasInput(n, 6)) return Error{"Attention with nonpad_kv_seqlen"};
    c.helpers.use("onnx_attention");
    auto opt = [&](size_t i) { return hasInput(n, i) ? e.in[i] : std::string("None"); };
    const ir::Attribute* scale = n.attr("scale");
    std::string lhs;
    for (size_t i = 0; i < 4; ++i) {
      const bool used = i < n.outputs.size() && n.outputs[i].valid();
      lhs += (i ? ", " : "") + (used ? c.outVar(n, i) : std::string("_"));
    }
    c.forward.push_back(lhs + " = onnx_attention(" + e.in[0] + ", " + e.in[1] + ", " + e.in[2] + ", " + opt(3) + ", " + opt(4) +
                        ", " + opt(5) + ", " + std::to_string(attrInt(n, "is_causal", 0)) + ", " +
                        std::to_string(attrInt(n, "q_num_heads", 0)) + ", " + std::to_string(attrInt(n, "kv_num_heads", 0)) + ", " +
                        (scale ? pyFloatLit(scale->f) : "None") + ", " + pyFloatLit(attrFloat(n, "softcap", 0.0)) + ", " +
                        std::to_string(attrInt(n, "qk_matmul_output_mode", 0)) + ")");
    return {};
  }
  if (op == "RNN" || op == "GRU" || op == "LSTM") {
    if (hasInput(n, 4)) return Error{op + " with sequence_lens"};
    if (attrInt(n, "input_forget", 0)) return Error{"LSTM with input_forget"};
    const std::string direction = attrStr(n, "direction", "forward");
    const int dirs = direction == "bidirectional" ? 2 : 1;
    std::vector<std::string> acts;
    if (const ir::Attribute* a = n.attr("activations"); a && !a->strings.empty()) {
      acts = a->strings;
    } else {
      const std::vector<std::string> def = op == "RNN" ? std::vector<std::string>{"Tanh"}
                                         : op == "GRU" ? std::vector<std::string>{"Sigmoid", "Tanh"}
                                                       : std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"};
      for (int d = 0; d < dirs; ++d) acts.insert(acts.end(), def.begin(), def.end());
    }
    std::string list = "[";
    for (size_t i = 0; i < acts.size(); ++i) {
      if (acts[i] != "Sigmoid" && acts[i] != "Tanh" && acts[i] != "Relu") return Error{op + " with activation " + acts[i]};
      list += (i ? ", " : "") + pyStr(acts[i]);
    }
    list += "]";
    auto opt = [&](size_t i) { return hasInput(n, i) ? e.in[i] : std::string("None"); };
    const ir::Attribute* clip = n.attr("clip");
    c.helpers.use("onnx_recurrent");
    std::string lhs;
    for (size_t i = 0; i < 3; ++i) {
      const bool used = i < n.outputs.size() && n.outputs[i].valid();
      lhs += (i ? ", " : "") + (used ? c.outVar(n, i) : std::string("_"));
    }
    c.forward.push_back(lhs + " = onnx_recurrent(" + pyStr(op) + ", " + e.in[0] + ", " + e.in[1] + ", " + e.in[2] + ", " + opt(3) +
                        ", " + opt(5) + ", " + (op == "LSTM" ? opt(6) : "None") + ", " + (op == "LSTM" ? opt(7) : "None") + ", " +
                        pyStr(direction) + ", " + std::to_string(attrInt(n, "layout", 0)) + ", " + list + ", " +
                        std::to_string(attrInt(n, "linear_before_reset", 0)) + ", " + (clip ? pyFloatLit(clip->f) : "None") + ")");
    return {};
  }
  if (op == "Softmax" || op == "LogSoftmax") {
    const char* fn = op == "Softmax" ? "F.softmax" : "F.log_softmax";
    const int64_t axis = attrInt(n, "axis", c.opset < 13 ? 1 : -1);
    if (c.has_half) {  // torch's CPU softmax lacks half: compute in float32
      const std::string x = e.in[0];
      if (c.opset < 13) {
        c.helpers.use("onnx_softmax_2d");
        e.assign(std::string("onnx_softmax_2d(") + fn + ", " + x + ".float(), " + std::to_string(axis) + ").to(" + x + ".dtype)");
      } else {
        e.assign(std::string(fn) + "(" + x + ".float(), dim=" + std::to_string(axis) + ").to(" + x + ".dtype)");
      }
    } else if (c.opset < 13) {
      c.helpers.use("onnx_softmax_2d");
      e.assign(std::string("onnx_softmax_2d(") + fn + ", " + e.in[0] + ", " + std::to_string(axis) + ")");
    } else {
      e.assign(std::string(fn) + "(" + e.in[0] + ", dim=" + std::to_string(axis) + ")");
    }
    return {};
  }
  if (op == "Resize" || op == "Upsample") {
    c.helpers.use("onnx_resize");
    std::string scales = "None", sizes = "None";
    if (op == "Upsample" && c.opset < 9) {
      std::string s = "[";
      if (const ir::Attribute* a = n.attr("scales"))
        for (size_t i = 0; i < a->floats.size(); ++i) s += (i ? ", " : "") + pyFloatLit(a->floats[i]);
      scales = s + "]";
    } else {
      const size_t si = (op == "Upsample" || c.opset < 11) ? 1 : 2;
      if (hasInput(n, si) && !(c.known(n.inputs[si]) && c.known(n.inputs[si])->values.empty())) scales = e.in[si];
      if (hasInput(n, 3) && si == 2) sizes = e.in[3];
    }
    std::string mode = attrStr(n, "mode", "nearest");
    if (mode == "bilinear") mode = "linear";
    std::string transform = attrStr(n, "coordinate_transformation_mode", c.opset < 11 ? "asymmetric" : "half_pixel");
    std::string nearest = attrStr(n, "nearest_mode", c.opset < 11 ? "floor" : "round_prefer_floor");
    if (op == "Upsample" || c.opset < 11) transform = "asymmetric", nearest = "floor";
    if (mode == "linear" && (op == "Upsample" || c.opset < 11)) transform = "asymmetric";
    if (mode != "nearest" && transform == "asymmetric") return Error{"linear resize with asymmetric coordinates"};
    if (attrInt(n, "antialias", 0)) return Error{"antialiased resize"};
    if (transform == "tf_crop_and_resize" || transform == "half_pixel_symmetric")
      return Error{"Resize with coordinate_transformation_mode " + transform};
    if (attrStr(n, "keep_aspect_ratio_policy", "stretch") != "stretch") return Error{"Resize with keep_aspect_ratio_policy"};
    if (mode == "cubic" && (attrFloat(n, "cubic_coeff_a", -0.75) != -0.75 || attrInt(n, "exclude_outside", 0)))
      return Error{"cubic Resize other than torch's bicubic (a = -0.75, outside included)"};
    std::string axes = "None";
    if (auto a = attrInts(n, "axes")) axes = pyInts(*a);
    e.assign("onnx_resize(" + e.in[0] + ", " + scales + ", " + sizes + ", " + pyStr(mode) + ", " + pyStr(transform) + ", " +
             pyStr(nearest) + ", " + axes + ")");
    return {};
  }
  if (op == "Split") {
    c.helpers.use("onnx_split");
    std::string split = "None";
    if (c.opset < 13) {
      if (auto s = attrInts(n, "split")) split = pyInts(*s);
    } else if (hasInput(n, 1)) {
      split = e.in[1];
    }
    std::string lhs;
    for (size_t i = 0; i < n.outputs.size(); ++i) lhs += (i ? ", " : "") + c.outVar(n, i);
    if (n.outputs.size() == 1) lhs += ",";
    c.forward.push_back(lhs + " = onnx_split(" + e.in[0] + ", " + split + ", " + std::to_string(attrInt(n, "axis", 0)) +
                        ", " + std::to_string(n.outputs.size()) + ")");
    return {};
  }
  if (op == "TopK") {
    c.helpers.use("onnx_topk");
    std::string k = c.opset < 10 ? std::to_string(attrInt(n, "k", 1)) : e.in[1];
    c.forward.push_back(c.outVar(n, 0) + ", " + c.outVar(n, 1) + " = onnx_topk(" + e.in[0] + ", " + k + ", " +
                        std::to_string(attrInt(n, "axis", -1)) + ", " + std::to_string(attrInt(n, "largest", 1)) + ")");
    return {};
  }
  if (op == "Sum" || op == "Max" || op == "Min" || op == "Mean") {
    std::string s = e.in[0];
    for (size_t i = 1; i < e.in.size(); ++i)
      s = op == "Sum" || op == "Mean" ? s + " + " + e.in[i]
                                      : std::string(op == "Max" ? "torch.maximum(" : "torch.minimum(") + s + ", " + e.in[i] + ")";
    if (op == "Mean") s = "(" + s + ") / " + std::to_string(e.in.size());
    e.assign(s);
    return {};
  }
  if (op.rfind("Reduce", 0) == 0) {
    static const std::set<std::string> kinds = {"ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceSumSquare",
                                                "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceProd"};
    if (!kinds.count(op)) return Error{"no torch equivalent for ONNX op " + op};
    c.helpers.use("onnx_reduce");
    const bool axes_input = op == "ReduceSum" ? c.opset >= 13 : c.opset >= 18;
    std::string axes = "None";
    if (axes_input && hasInput(n, 1)) {
      auto a = intsArg(c, n.inputs[1]);
      if (!a) return a.error();
      axes = *a;
    } else if (auto a = attrInts(n, "axes")) {
      axes = pyInts(*a);
    }
    e.assign("onnx_reduce(" + pyStr(op) + ", " + e.in[0] + ", " + axes + ", " + std::to_string(attrInt(n, "keepdims", 1)) +
             ", " + std::to_string(attrInt(n, "noop_with_empty_axes", 0)) + ")");
    return {};
  }
  auto it = simpleOps().find(op);
  if (it == simpleOps().end() || !it->second) return Error{"no torch equivalent for ONNX op " + op + " yet"};
  for (size_t i = 1; i < n.outputs.size(); ++i)
    if (outputUsed(c, n, i)) return Error{"output " + std::to_string(i) + " of " + op};
  auto x = it->second(c, n, e.in);
  if (!x) return x.error();
  e.assign(*x);
  c.result.op_calls += 1;
  return {};
}

}  // namespace nf::importer::detail
