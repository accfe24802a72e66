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
#include "importer/torch_node_util.h"
#include "weights/decode.h"

namespace nf::importer::detail {

namespace {

using Weights = std::vector<std::tuple<std::string, std::string, bool>>;

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
  const bool all = c.explicit_defaults;
  if (all || strides != std::vector<int64_t>(k, 1)) args += ", stride=" + tupleOrScalar(strides);
  if (all || half(pads) != std::vector<int64_t>(k, 0)) args += ", padding=" + tupleOrScalar(half(pads));
  if (all || dil != std::vector<int64_t>(k, 1)) args += ", dilation=" + tupleOrScalar(dil);
  if (all || group != 1) args += ", groups=" + std::to_string(group);
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
  if (max && outputUsed(c, n, 1)) {  // the Indices output: torch's pooling with the padding it can express
    if (!plain_pads) return Error{"MaxPool's Indices output with asymmetric or SAME padding"};
    c.helpers.use("onnx_max_pool_with_indices");
    c.forward.push_back(c.outVar(n, 0) + ", " + c.outVar(n, 1) + " = onnx_max_pool_with_indices(" + e.in[0] + ", " + pyInts(kernel) +
                        ", " + pyInts(strides) + ", " + pyInts(pads) + ", " + pyInts(dil) + ", " + (ceil ? "1" : "0") + ", " +
                        std::to_string(attrInt(n, "storage_order", 0)) + ")");
    return {};
  }
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
  if ((auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") && !max && !include) {
    // The average must not count the padding: the pads, fixed by the input's declared
    // size, go to onnx_pool, which divides by the cells inside the input.
    const ir::Type& t = c.g.value(n.inputs[0]).type;
    if (!t.isTensor() || !t.shape.rank_known || t.shape.dims.size() != k + 2)
      return Error{"AveragePool with auto_pad SAME and count_include_pad=0 on an input of unknown size"};
    pads.assign(2 * k, 0);
    for (size_t i = 0; i < k; ++i) {
      const ir::Dim& d = t.shape.dims[2 + i];
      if (!d.isKnown()) return Error{"AveragePool with auto_pad SAME and count_include_pad=0 on an input of unknown size"};
      const int64_t out = (d.value + strides[i] - 1) / strides[i];
      const int64_t total = std::max<int64_t>(0, (out - 1) * strides[i] + (kernel[i] - 1) * dil[i] + 1 - d.value);
      pads[i] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      pads[k + i] = total - pads[i];
    }
  } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
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

// Dropout is the identity unless its training_mode input may be true and its ratio may be
// above zero (then it is random).
bool mayDropRandomly(Ctx& c, const ir::Node& n) {
  if (!hasInput(n, 2)) return false;
  auto training = c.knownInts(n.inputs[2]);
  if (training && (training->empty() || !(*training)[0])) return false;
  const KnownConst* ratio = hasInput(n, 1) ? c.known(n.inputs[1]) : nullptr;
  return !(ratio && ratio->values.size() == 1 && ratio->values[0] == 0.0);
}

}  // namespace

Status emitNode(Ctx& c, uint32_t index) {
  const ir::Node& n = c.g.nodes[index];
  if (isTrainingDomain(n.domain)) return emitTrainingOp(c, n);
  if (!n.domain.empty() && n.domain != "ai.onnx") return Error{"ops of domain '" + displayName(n.domain) + "' have no torch equivalent here"};
  if (!n.subgraphs().empty()) return emitControlFlow(c, n);
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
  if (op == "Dropout" && mayDropRandomly(c, n)) {
    // Training mode decided at run time: the generated code passes the input through when
    // it is off (or the ratio is 0) and refuses the random drop otherwise.
    auto training = c.knownInts(n.inputs[2]);
    const KnownConst* ratio = hasInput(n, 1) ? c.known(n.inputs[1]) : nullptr;
    if (training && (!hasInput(n, 1) || ratio)) return Error{"Dropout in training mode"};
    std::vector<std::string> in;
    for (size_t i = 0; i < 3; ++i) {
      if (!hasInput(n, i)) {
        in.push_back("None");
        continue;
      }
      auto v = c.value(n.inputs[i]);
      if (!v) return v.error();
      in.push_back(*v);
    }
    c.helpers.use("onnx_dropout");
    c.forward.push_back(c.outVar(n, 0) + ", " + (outputUsed(c, n, 1) ? c.outVar(n, 1) : std::string("_")) + " = onnx_dropout(" +
                        in[0] + ", " + in[1] + ", " + in[2] + ")");
    return {};
  }
  if (op == "Dropout" && outputUsed(c, n, 1)) {  // inference: the input passes, the mask is all true
    auto x = c.value(n.inputs[0]);
    if (!x) return x.error();
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
  if (op == "BatchNormalization" && attrInt(n, "training_mode", 0) != 0 && n.inputs.size() == 5) {
    // Training mode: normalised by the batch's statistics, with the updated running ones.
    if (Status s = materialize(1); !s) return s;
    c.helpers.use("onnx_batch_norm_training");
    std::string lhs;
    for (size_t i = 0; i < 3; ++i) lhs += (i ? ", " : "") + (outputUsed(c, n, i) ? c.outVar(n, i) : std::string("_"));
    c.forward.push_back(lhs + " = onnx_batch_norm_training(" + e.in[0] + ", " + e.in[1] + ", " + e.in[2] + ", " + e.in[3] + ", " +
                        e.in[4] + ", " + pyFloatLit(attrFloat(n, "epsilon", 1e-5)) + ", " + pyFloatLit(attrFloat(n, "momentum", 0.9)) + ")");
    return {};
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
  if (op == "MaxPool") {
    // torch pools floats only: an integer input pools as float64 (exact) and casts back.
    const ir::ElemType elem = elemOf(c, n.inputs[0]);
    const char* dt = torchDtype(elem);
    const bool integer = dt && !ir::isFloatType(elem) && elem != ir::ElemType::Bool;
    if (integer && outputUsed(c, n, 1)) return Error{"MaxPool's Indices output of an integer input"};
    if (integer) e.in[0] += ".double()";
    if (Status s = emitPool(c, n, e, true); !s) return s;
    if (integer) c.forward.back() += ".to(" + std::string(dt) + ")";
    return {};
  }
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
                        std::to_string(attrInt(n, "qk_matmul_output_mode", 0)) +
                        (hasInput(n, 6) ? ", nonpad_kv_seqlen=" + e.in[6] : std::string()) + ")");
    return {};
  }
  if (op == "RNN" || op == "GRU" || op == "LSTM") {
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
                        std::to_string(attrInt(n, "linear_before_reset", 0)) + ", " + (clip ? pyFloatLit(clip->f) : "None") +
                        (hasInput(n, 4) ? ", lengths=" + e.in[4] : std::string()) + ")");
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
    std::string axes = "None";
    if (auto a = attrInts(n, "axes")) axes = pyInts(*a);
    // Options past the common ones are written only when they differ from ONNX's defaults.
    std::string extra;
    if (mode == "cubic" && attrFloat(n, "cubic_coeff_a", -0.75) != -0.75) extra += ", cubic_a=" + pyFloatLit(attrFloat(n, "cubic_coeff_a", -0.75));
    if (attrInt(n, "exclude_outside", 0)) extra += ", exclude_outside=1";
    if (attrInt(n, "antialias", 0)) extra += ", antialias=1";
    if (transform == "tf_crop_and_resize") {
      if (op == "Upsample" || c.opset < 11 || !hasInput(n, 1)) return Error{"tf_crop_and_resize without a roi"};
      extra += ", roi=" + e.in[1];
      if (attrFloat(n, "extrapolation_value", 0.0) != 0.0) extra += ", extrapolation=" + pyFloatLit(attrFloat(n, "extrapolation_value", 0.0));
    }
    if (const std::string keep = attrStr(n, "keep_aspect_ratio_policy", "stretch"); keep != "stretch") extra += ", keep_aspect=" + pyStr(keep);
    e.assign("onnx_resize(" + e.in[0] + ", " + scales + ", " + sizes + ", " + pyStr(mode) + ", " + pyStr(transform) + ", " +
             pyStr(nearest) + ", " + axes + extra + ")");
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
  if (op == "Unique") {
    c.helpers.use("onnx_unique");
    const ir::Attribute* axis = n.attr("axis");
    std::string lhs;
    for (size_t i = 0; i < 4; ++i) lhs += (i ? ", " : "") + (outputUsed(c, n, i) ? c.outVar(n, i) : std::string("_"));
    c.forward.push_back(lhs + " = onnx_unique(" + e.in[0] + ", " + (axis ? std::to_string(axis->i) : "None") + ", " +
                        std::to_string(attrInt(n, "sorted", 1)) + ")");
    return {};
  }
  if (op == "CausalConvWithState") {
    const std::string activation = attrStr(n, "activation", "none");
    if (activation != "none" && activation != "silu" && activation != "swish")
      return Error{"CausalConvWithState with activation " + activation};
    c.helpers.use("onnx_causal_conv_with_state");
    auto opt = [&](size_t i) { return hasInput(n, i) ? e.in[i] : std::string("None"); };
    std::string lhs;
    for (size_t i = 0; i < 2; ++i) lhs += (i ? ", " : "") + (outputUsed(c, n, i) ? c.outVar(n, i) : std::string("_"));
    c.forward.push_back(lhs + " = onnx_causal_conv_with_state(" + e.in[0] + ", " + e.in[1] + ", " + opt(2) + ", " + opt(3) +
                        (activation != "none" ? ", " + pyStr(activation) : std::string()) + ")");
    return {};
  }
  if (op == "LinearAttention") {
    const std::string rule = attrStr(n, "update_rule", "gated_delta");
    if (rule != "gated_delta" || !hasInput(n, 5)) return Error{"LinearAttention other than the gated delta rule with beta"};
    c.helpers.use("onnx_linear_attention");
    auto opt = [&](size_t i) { return hasInput(n, i) ? e.in[i] : std::string("None"); };
    std::string lhs;
    for (size_t i = 0; i < 2; ++i) lhs += (i ? ", " : "") + (outputUsed(c, n, i) ? c.outVar(n, i) : std::string("_"));
    const ir::Attribute* scale = n.attr("scale");
    c.forward.push_back(lhs + " = onnx_linear_attention(" + e.in[0] + ", " + e.in[1] + ", " + e.in[2] + ", " + opt(3) + ", " + opt(4) +
                        ", " + e.in[5] + ", " + std::to_string(attrInt(n, "q_num_heads", 1)) + ", " +
                        std::to_string(attrInt(n, "kv_num_heads", 1)) + (scale ? ", " + pyFloatLit(scale->f) : std::string()) + ")");
    return {};
  }
  if (op == "SwiGLU") {  // Swish(a) * b
    const double alpha = attrFloat(n, "alpha", 1.0);
    e.assign((alpha == 1.0 ? "F.silu(" + e.in[0] + ")" : e.in[0] + " * torch.sigmoid(" + pyFloatLit(alpha) + " * " + e.in[0] + ")") +
             " * " + e.in[1]);
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
  // Arithmetic with a scalar float constant reads as plain Python: `x / 4.0`, not a tensor
  // literal (only when the other operand is a computed tensor, so the result stays one).
  if ((op == "Add" || op == "Sub" || op == "Mul" || op == "Div") && n.inputs.size() == 2) {
    for (size_t i = 0; i < 2; ++i) {
      const KnownConst* k = c.known(n.inputs[i]);
      const bool float_scalar = k && k->dims.empty() && k->values.size() == 1 &&
                                (k->elem == ir::ElemType::Float || k->elem == ir::ElemType::Double);
      if (!float_scalar || c.known(n.inputs[1 - i])) continue;
      e.in[i] = pyFloatLit(k->values[0]);
      if (op == "Div") {
        e.assign(e.in[0] + " / " + e.in[1]);
        c.result.op_calls += 1;
        return {};
      }
    }
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
