// importer/torch_import.cpp - the translator's context and the generated file around
// the per-node code (torch_ops.cpp): class, weight map, loader, self-check main.
#include "importer/torch_import.h"

#include <cmath>
#include <cstdio>
#include <set>

#include "base/strings.h"
#include "builder/codegen.h"
#include "builder/onnx_weights.h"
#include "importer/torch_blocks.h"
#include "importer/torch_context.h"
#include "weights/decode.h"

namespace nf::importer {

using namespace detail;

namespace {
constexpr int64_t kInlineLimit = 16;  // constants up to this many elements are written inline

bool isFloat(ir::ElemType e) {
  return e == ir::ElemType::Float || e == ir::ElemType::Double || e == ir::ElemType::Float16 ||
         e == ir::ElemType::BFloat16;
}
}  // namespace

std::string scopeIdentifier(const ir::Node& node) { return scopeIdentifierOfName(node.name, node.op_type); }

std::string detail::scopeIdentifierOfName(const std::string& raw, const std::string& op_type) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= raw.size()) {
    size_t j = raw.find('/', i);
    if (j == std::string::npos) j = raw.size();
    if (j > i) parts.push_back(raw.substr(i, j - i));
    i = j + 1;
  }
  // The last part repeats the op type ("Conv", "Conv_3"): the scope already names it.
  if (parts.size() > 1) {
    const std::string& last = parts.back();
    if (last == op_type || (!op_type.empty() && last.rfind(op_type + "_", 0) == 0)) parts.pop_back();
  }
  std::string out;
  std::string prev;
  for (std::string p : parts) {
    // torch scopes repeat the parent: "/layer1/layer1.0" -> "layer1", "0".
    if (!prev.empty() && p.size() > prev.size() + 1 && p.rfind(prev + ".", 0) == 0) {
      std::string full = p;
      p = p.substr(prev.size() + 1);
      prev = full;
    } else {
      prev = p;
    }
    for (char& ch : p)
      if (ch == '.') ch = '_';
    if (!out.empty()) out += '_';
    out += p;
  }
  return out;
}

namespace detail {

std::string pyInts(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

std::string pyFloatLit(double v) {
  if (std::isnan(v)) return "float(\"nan\")";
  if (std::isinf(v)) return v > 0 ? "float(\"inf\")" : "-float(\"inf\")";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  std::string s = buf;
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

std::string tupleOrScalar(const std::vector<int64_t>& v) { return builder::pyTupleOrScalar(v); }

const char* torchDtype(ir::ElemType e) {
  switch (e) {
    case ir::ElemType::Float: return "torch.float32";
    case ir::ElemType::Double: return "torch.float64";
    case ir::ElemType::Float16: return "torch.float16";
    case ir::ElemType::BFloat16: return "torch.bfloat16";
    case ir::ElemType::Int8: return "torch.int8";
    case ir::ElemType::Uint8: return "torch.uint8";
    case ir::ElemType::Int16: return "torch.int16";
    case ir::ElemType::Int32: return "torch.int32";
    case ir::ElemType::Int64: return "torch.int64";
    case ir::ElemType::Bool: return "torch.bool";
    // torch has no wider unsigned types: the next signed type holds every value but uint64's top half.
    case ir::ElemType::Uint16: return "torch.int32";
    case ir::ElemType::Uint32: return "torch.int64";
    case ir::ElemType::Uint64: return "torch.int64";
    default: return nullptr;
  }
}

const char* emulatedHolder(ir::ElemType e) {
  switch (e) {
    case ir::ElemType::Int4: case ir::ElemType::Int2: return "torch.int8";
    case ir::ElemType::Uint4: case ir::ElemType::Uint2: return "torch.uint8";
    case ir::ElemType::Float8E4M3FN: case ir::ElemType::Float8E4M3FNUZ: case ir::ElemType::Float8E5M2:
    case ir::ElemType::Float8E5M2FNUZ: case ir::ElemType::Float4E2M1: case ir::ElemType::Float8E8M0: return "torch.float32";
    default: return nullptr;
  }
}

const char* holderDtype(ir::ElemType e) {
  const char* dt = torchDtype(e);
  return dt ? dt : emulatedHolder(e);
}

std::string castToEmulated(Ctx& c, const std::string& x, ir::ElemType to, bool saturate, const std::string& round_mode) {
  const std::string name(ir::elemTypeName(to));
  if (to == ir::ElemType::Float8E8M0) {
    c.helpers.use("onnx_to_float8e8m0");
    return "onnx_to_float8e8m0(" + x + (round_mode != "up" ? ", " + builder::pyString(round_mode) : std::string()) +
           (saturate ? "" : ", saturate=False") + ")";
  }
  if (to == ir::ElemType::Int4 || to == ir::ElemType::Uint4 || to == ir::ElemType::Int2 || to == ir::ElemType::Uint2) {
    c.helpers.use("onnx_to_small_int");
    return "onnx_to_small_int(" + x + ", " + builder::pyString(name) + ")";
  }
  c.helpers.use("onnx_to_small_float");
  return "onnx_to_small_float(" + x + ", " + builder::pyString(name) + (saturate ? "" : ", saturate=False") + ")";
}

ir::ElemType elemOf(const Ctx& c, ir::ValueId v) {
  if (!v.valid()) return ir::ElemType::Undefined;
  if (const ir::Tensor* t = c.initializer(v)) return t->elem;
  const ir::Value& val = c.g.value(v);
  return val.type.isTensor() ? val.type.elem : ir::ElemType::Undefined;
}

std::string constLiteral(const KnownConst& k) {
  const bool fl = isFloat(k.elem);
  auto one = [&](double v) {
    if (k.elem == ir::ElemType::Bool) return std::string(v != 0 ? "True" : "False");
    return fl ? pyFloatLit(v) : std::to_string(static_cast<int64_t>(v));
  };
  std::string body;
  if (k.dims.empty() && k.values.size() == 1) {
    body = one(k.values[0]);
  } else {
    body = "[";
    for (size_t i = 0; i < k.values.size(); ++i) body += (i ? ", " : "") + one(k.values[i]);
    body += "]";
  }
  std::string s = std::string("torch.tensor(") + body + ", dtype=" + torchDtype(k.elem) + ")";
  if (k.dims.size() >= 2 || (k.dims.size() == 1 && k.values.empty())) s += ".reshape(" + pyInts(k.dims) + ")";
  return s;
}

const ir::Tensor* Ctx::initializer(ir::ValueId v) const {
  // Exporters that deduplicate equal weights (torch) give each user an Identity of the
  // shared initializer: the user still owns a weight of its own, loaded from that tensor.
  for (int hops = 0; v.valid() && hops < 64; ++hops) {
    const ir::Value& val = g.value(v);
    if (val.initializer >= 0) return &g.initializers[static_cast<size_t>(val.initializer)];
    if (!val.producer.valid()) return nullptr;
    const ir::Node& p = g.node(val.producer);
    if (p.op_type != "Identity" || !p.domain.empty() || p.inputs.empty()) return nullptr;
    v = p.inputs[0];
  }
  return nullptr;
}

const KnownConst* Ctx::known(ir::ValueId v) {
  if (!v.valid()) return nullptr;
  if (auto it = consts.find(v.index); it != consts.end()) return &it->second;
  const ir::Tensor* t = initializer(v);
  if (!t || !torchDtype(t->elem) || !weights::isDecodable(t->elem)) return nullptr;
  const int64_t n = t->elementCount();
  if (n < 0 || n > kInlineLimit) return nullptr;
  auto values = weights::readElements(model, *t, 0, n);
  if (!values) return nullptr;
  KnownConst k{t->elem, t->dims, std::move(*values)};
  return &consts.emplace(v.index, std::move(k)).first->second;
}

std::optional<std::vector<int64_t>> Ctx::knownInts(ir::ValueId v) {
  const KnownConst* k = known(v);
  if (!k || isFloat(k->elem)) return std::nullopt;
  std::vector<int64_t> out;
  for (double d : k->values) out.push_back(static_cast<int64_t>(d));
  return out;
}

std::string Ctx::claim(builder::NameTable& table, const std::string& raw, const std::string& fallback) {
  const std::string base = builder::sanitizeIdentifier(raw, fallback);
  if (!table.taken(base) && !builder::isReservedIdentifier(base)) return table.claim(base);
  const std::string key = std::string(&table == &locals ? "l:" : "a:") + base;
  int& k = next_suffix.try_emplace(key, 2).first->second;
  while (table.taken(base + "_" + std::to_string(k))) ++k;
  return table.claim(base + "_" + std::to_string(k++));
}

std::string Ctx::addTensorAttr(const ir::Tensor& t, const std::string& onnx_name, bool parameter) {
  const std::string attr = claim(attrs, onnx_name, "weight");
  const std::string zeros = std::string("torch.zeros(") + pyInts(t.dims) + ", dtype=" + torchDtype(t.elem) + ")";
  if (parameter)
    init_lines.push_back("self." + attr + " = nn.Parameter(" + zeros + ")");
  else
    init_lines.push_back("self.register_buffer(" + builder::pyString(attr) + ", " + zeros + ")");
  weight_map.push_back({attr, onnx_name, false});
  return "self." + attr;
}

Result<std::string> Ctx::value(ir::ValueId v) {
  if (!v.valid()) return Error{"an omitted input is used"};
  if (auto it = expr.find(v.index); it != expr.end()) return it->second;
  const ir::Tensor* t = initializer(v);
  if (!t && parent && !g.value(v).producer.valid() && !g.value(v).graph_input) {  // from an enclosing graph
    auto e = parent->outer(g.value(v).name);
    if (e) expr[v.index] = *e;
    return e;
  }
  if (!t) return Error{"value '" + displayName(g.value(v).name) + "' has no producer"};
  if (!torchDtype(t->elem)) return Error{"initializer '" + displayName(t->name) + "' has element type " +
                                          std::string(ir::elemTypeName(t->elem)) + ", which torch lacks"};
  std::string e;
  if (isFloat(t->elem)) {
    e = addTensorAttr(*t, t->name, true);
  } else if (const KnownConst* k = known(v)) {
    e = constLiteral(*k);
  } else {
    e = addTensorAttr(*t, t->name, false);
  }
  expr[v.index] = e;
  return e;
}

Result<std::string> Ctx::outer(const std::string& name) {
  const ir::ValueId id = g.find(name);
  if (id.valid()) return value(id);
  if (parent) return parent->outer(name);
  return Error{"value '" + displayName(name) + "' is defined nowhere"};
}

std::string Ctx::addModule(const ir::Node& n, const std::string& cls, const std::string& args,
                           const std::vector<std::tuple<std::string, std::string, bool>>& weights) {
  std::string base = localScope(n);
  std::string attr = claim(attrs, base, cls.substr(cls.rfind('.') + 1));
  init_lines.push_back("self." + attr + " = " + cls + "(" + args + ")");
  for (const auto& [suffix, onnx, transpose] : weights) weight_map.push_back({attr + "." + suffix, onnx, transpose});
  result.layers[cls] += 1;
  return "self." + attr;
}

std::string Ctx::localScope(const ir::Node& n) const {
  std::string s = scopeIdentifier(n);
  if (scope_prefix.empty() || s.rfind(scope_prefix, 0) != 0) return s;
  if (s.size() == scope_prefix.size()) return "";
  return s[scope_prefix.size()] == '_' ? s.substr(scope_prefix.size() + 1) : s;
}

void Ctx::claimReserved() {
  for (const char* reserved : {"np", "math", "argparse", "torch", "nn", "F", "onnx", "numpy_helper", "main",
                               "ONNX_WEIGHTS", "INPUTS", "load_onnx_weights", "Model", "state", "key", "self",
                               "super", "layer"})
    locals.claim(reserved), attrs.claim(reserved);
  for (const std::string& h : HelperSet::allNames()) locals.claim(h), attrs.claim(h);
}

std::string Ctx::outVar(const ir::Node& n, size_t output) {
  if (auto it = fixed_vars.find(n.outputs[output].index); it != fixed_vars.end()) {  // claimed by the caller
    expr[n.outputs[output].index] = it->second;
    return it->second;
  }
  std::string base = localScope(n);
  // Outside a block a nameless node's variable is named after its value; inside one,
  // after its op, so every instance reads the same.
  if (base.empty() && scope_prefix.empty()) base = g.value(n.outputs[output]).name;
  if (n.outputs.size() > 1 && output > 0) base += "_" + std::to_string(output);
  std::string fallback = n.op_type;
  for (char& ch : fallback) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::string var = claim(locals, base, fallback);
  expr[n.outputs[output].index] = var;
  return var;
}

int Ctx::rankOf(ir::ValueId v, int depth) const {
  if (!v.valid() || depth > 64) return -1;
  const ir::Value& val = g.value(v);
  if (val.type.isTensor() && val.type.shape.rank_known) return static_cast<int>(val.type.shape.rank());
  if (const ir::Tensor* t = initializer(v)) return static_cast<int>(t->dims.size());
  if (!val.producer.valid()) return -1;
  const ir::Node& p = g.node(val.producer);
  static const std::set<std::string> same = {"Relu", "BatchNormalization", "Clip", "LeakyRelu", "Sigmoid",
                                             "HardSwish", "HardSigmoid", "Dropout", "Identity", "Add", "Mul",
                                             "MaxPool", "AveragePool"};
  if (p.op_type == "Conv" && p.inputs.size() > 1) return rankOf(p.inputs[1], depth + 1);
  if (same.count(p.op_type) && !p.inputs.empty()) return rankOf(p.inputs[0], depth + 1);
  return -1;
}

}  // namespace detail

namespace {

void setOptions(Ctx& c) {
  c.opset = c.model.opsetVersion("");
  for (const ir::Tensor& t : c.g.initializers) c.has_half = c.has_half || t.elem == ir::ElemType::Float16;
  for (const ir::Value& v : c.g.values) c.has_half = c.has_half || (v.type.isTensor() && v.type.elem == ir::ElemType::Float16);
}

// Writes the call of a folded block (or chain of blocks) into the main class.
Status emitUnit(Ctx& c, const BlockPlan& plan, const BlockUnit& u) {
  const BlockInstance& first = plan.instances[u.instances[0]];
  const BlockClass& cls = plan.classes[static_cast<size_t>(first.cls)];
  auto ctor = [&](const BlockInstance& inst) {
    std::string args;
    for (size_t i = 0; i < inst.ctor_args.size(); ++i) args += (i ? ", " : "") + inst.ctor_args[i];
    return plan.classes[static_cast<size_t>(inst.cls)].name + "(" + args + ")";
  };
  std::vector<std::string> ins;
  for (ir::ValueId v : first.inputs) {
    auto e = c.value(v);
    if (!e) return e.error();
    ins.push_back(*e);
  }
  const std::string attr = c.claim(c.attrs, u.name, "block");
  for (size_t m = 0; m < u.instances.size(); ++m) {
    const BlockInstance& inst = plan.instances[u.instances[m]];
    const std::string prefix = attr + "." + (u.chain ? std::to_string(m) + "." : "");
    for (const WeightEntry& w : inst.weights) c.weight_map.push_back({prefix + w.key, w.tensor, w.transposed});
    for (const auto& [layer, count] : inst.counts.layers) c.result.layers[layer] += count;
    c.result.op_calls += inst.counts.op_calls;
    c.helpers.merge(inst.helpers);
  }
  if (!u.chain) {
    c.init_lines.push_back("self." + attr + " = " + ctor(first));
    std::string outs;
    for (size_t k = 0; k < first.outputs.size(); ++k) {
      const std::string var = c.claim(c.locals, u.name + (k ? "_" + std::to_string(k) : ""), "block");
      c.expr[first.outputs[k].index] = var;
      outs += (k ? ", " : "") + var;
    }
    std::string args;
    for (size_t i = 0; i < ins.size(); ++i) args += (i ? ", " : "") + ins[i];
    c.forward.push_back(outs + " = self." + attr + "(" + args + ")");
    (void)cls;
    return {};
  }
  const bool sequential = ins.size() == 1;
  c.init_lines.push_back("self." + attr + (sequential ? " = nn.Sequential(" : " = nn.ModuleList(["));
  for (size_t k : u.instances) c.init_lines.push_back("    " + ctor(plan.instances[k]) + ",");
  c.init_lines.push_back(sequential ? ")" : "])");
  const BlockInstance& last = plan.instances[u.instances.back()];
  const std::string var = c.claim(c.locals, u.name, "block");
  c.expr[last.outputs[0].index] = var;
  if (sequential) {
    c.forward.push_back(var + " = self." + attr + "(" + ins[0] + ")");
    return {};
  }
  c.forward.push_back(var + " = " + ins[u.chain_input]);
  c.forward.push_back("for layer in self." + attr + ":");
  ins[u.chain_input] = var;
  std::string args;
  for (size_t i = 0; i < ins.size(); ++i) args += (i ? ", " : "") + ins[i];
  c.forward.push_back("    " + var + " = layer(" + args + ")");
  return {};
}

// A Constant is translated in the main class unless only folded blocks read it.
bool onlyBlocksRead(const ir::Graph& g, const BlockPlan& plan, const ir::Node& n) {
  if (plan.empty() || n.outputs.empty()) return false;
  const ir::Value& v = g.value(n.outputs[0]);
  if (v.graph_output || v.consumers.empty()) return false;
  for (ir::NodeId c : v.consumers)
    if (plan.node_unit[c.index] < 0) return false;
  return true;
}

// One translation with the given blocks folded. `conflict` gets the blocks that a
// pattern of the main class reached into (the caller drops them and tries again).
Result<TorchImport> translate(const ir::Model& model, const TorchImportOptions& options, const BlockPlan& plan,
                              std::vector<size_t>& conflict) {
  Ctx c(model);
  setOptions(c);
  c.claimReserved();
  for (const BlockClass& cls : plan.classes) c.locals.claim(cls.name), c.attrs.claim(cls.name);

  // Graph inputs (initializers listed as inputs are weights, not inputs).
  std::vector<std::string> input_vars, input_specs, emulated_inputs;
  for (ir::ValueId v : c.g.inputs) {
    const ir::Value& val = c.g.value(v);
    if (val.initializer >= 0) continue;
    // An input without a declared type is taken as a float tensor of unknown shape; a
    // sequence of tensors is a Python list (given with --input as a .npy per item is not
    // possible: such inputs must come from Python).
    auto isSequence = [](const ir::Type& t) { return t.kind == ir::Type::Kind::Sequence && t.inner && t.inner->isTensor(); };
    // An optional value is None or its value (a tensor or a list of tensors).
    const ir::Type* held = val.type.kind == ir::Type::Kind::Optional && val.type.inner ? val.type.inner.get() : nullptr;
    const bool optional = held && (held->isTensor() || isSequence(*held));
    const ir::Type& type = optional ? *held : val.type;
    const bool sequence = isSequence(type);
    if (val.type.known() && !type.isTensor() && !sequence)
      return Error{"input '" + displayName(val.name) + "' is not a tensor, a sequence of tensors or an optional one"};
    const ir::ElemType elem = sequence ? type.inner->elem : type.elem;
    const char* dt = val.type.known() ? holderDtype(elem) : "torch.float32";
    if (!dt) return Error{"input '" + displayName(val.name) + "' has element type " +
                          std::string(ir::elemTypeName(elem)) + ", which torch lacks"};
    if (!torchDtype(elem) && val.type.known()) emulated_inputs.push_back(std::string(ir::elemTypeName(elem)) + " '" + val.name + "'");
    std::string var = c.locals.claim(val.name, "input");
    c.expr[v.index] = var;
    input_vars.push_back(var);
    std::vector<int64_t> dims;
    for (const ir::Dim& d : val.type.shape.dims) dims.push_back(d.isKnown() ? d.value : 1);
    const bool shaped = val.type.isTensor() && val.type.shape.rank_known;
    if (sequence || optional) {
      input_specs.push_back("(" + builder::pyString(val.name) + ", " + dt + ", " + (optional ? "\"optional\"" : "\"sequence\"") + ")");
      continue;
    }
    input_specs.push_back("(" + builder::pyString(val.name) + ", " + dt + ", " + (shaped ? pyInts(dims) : "None") + ")");
  }

  if (Status s = prepareGradients(c); !s) return Error{s.message()};

  // Constants first (they read nothing): patterns starting earlier can then see them.
  std::set<uint32_t> done;
  for (uint32_t i = 0; i < c.g.nodes.size(); ++i) {
    const ir::Node& n = c.g.nodes[i];
    if (n.op_type != "Constant" || !n.domain.empty() || !n.inputs.empty() || n.outputs.size() != 1) continue;
    if (onlyBlocksRead(c.g, plan, n)) {
      done.insert(i);
      continue;
    }
    if (Status s = emitNode(c, i); !s) return Error{"Constant '" + displayName(n.name) + "': " + s.message()};
    done.insert(i);
  }
  for (uint32_t i = 0; i < c.g.nodes.size(); ++i) {
    c.result.onnx_nodes += 1;
    if (!plan.empty() && plan.node_unit[i] >= 0) {
      const BlockUnit& u = plan.units[static_cast<size_t>(plan.node_unit[i])];
      if (u.last_node == i)
        if (Status s = emitUnit(c, plan, u); !s) return Error{"block '" + u.name + "': " + s.message()};
      continue;
    }
    if (c.skipped_nodes.count(i) || done.count(i)) continue;
    if (Status s = emitNode(c, i); !s) {
      const ir::Node& n = c.g.nodes[i];
      return Error{"node '" + displayName(n.name.empty() ? n.op_type : n.name) + "' (" + n.op_type + "): " +
                   s.message()};
    }
  }
  for (uint32_t n : c.skipped_nodes)
    if (!plan.empty() && plan.node_unit[n] >= 0) conflict.push_back(static_cast<size_t>(plan.node_unit[n]));
  if (!conflict.empty()) return Error{"a pattern reaches into a folded block"};
  std::vector<std::string> outs;
  for (ir::ValueId v : c.g.outputs) {
    auto e = c.value(v);
    if (!e) return Error{"graph output '" + displayName(c.g.value(v).name) + "': " + e.error().message};
    outs.push_back(*e);
  }
  if (outs.empty()) return Error{"the graph has no outputs"};

  std::string code;
  code += "# Generated by NetForge from " + builder::commentText(options.source_name.empty() ? "an ONNX model"
                                                                                          : options.source_name) +
          ": " + std::to_string(c.result.onnx_nodes) + " ONNX nodes.\n";
  if (options.load_weights) {
    code += "# Run as a script it loads the weights and checks itself:\n";
    code += "#   python3 this.py --onnx MODEL.onnx [--input x.npy ...] [--output y.npy]\n";
  } else {
    code += "# Weights are freshly initialised. Run as a script: python3 this.py [--input x.npy ...] [--output y.npy]\n";
  }
  code += "import argparse\nimport math\n\nimport numpy as np\nimport torch\nimport torch.nn as nn\n"
          "import torch.nn.functional as F\n";
  code += c.helpers.code();
  code += blockClassesCode(plan);
  code += "\n\nclass Model(nn.Module):\n    def __init__(self):\n        super().__init__()\n";
  for (const std::string& l : c.init_lines) code += "        " + l + "\n";
  std::string args;
  for (const std::string& v : input_vars) args += ", " + v;
  if (c.needs_grad) code += "\n    @torch.enable_grad()  # the graph takes gradients (ONNX Gradient)";
  code += "\n    def forward(self" + args + "):\n";
  for (const std::string& l : c.forward) code += "        " + l + "\n";
  std::string ret;
  for (size_t i = 0; i < outs.size(); ++i) ret += (i ? ", " : "") + outs[i];
  code += "        return " + ret + "\n";

  code += "\n\n# Graph inputs: (ONNX name, dtype, shape with symbolic dimensions as 1; None: not declared;\n"
          "# \"sequence\": a list of tensors; \"optional\": None or a value).\nINPUTS = [\n";
  for (const std::string& s : input_specs) code += "    " + s + ",\n";
  code += "]\n";
  if (!emulated_inputs.empty()) {
    code += "# Emulated element types (torch lacks them): int4/int2 values are held in int8 (uint4/uint2 in\n"
            "# uint8), float8/float4 values in float32. Here: ";
    for (size_t i = 0; i < emulated_inputs.size(); ++i) code += (i ? ", " : "") + builder::commentText(emulated_inputs[i]);
    code += ".\n";
  }
  if (options.load_weights) {
    code += "\n" + builder::onnxWeightsTableCode(c.weight_map) + builder::onnxWeightsLoaderCode();
  }
  code += R"PY(

def to_torch(array):
    """A numpy array as a tensor (unsigned types torch lacks become the next signed type)."""
    wider = {np.dtype(np.uint16): np.int32, np.dtype(np.uint32): np.int64, np.dtype(np.uint64): np.int64}
    array = np.asarray(array)
    return torch.from_numpy(np.array(array.astype(wider.get(array.dtype, array.dtype)), order="C"))  # keeps 0-d arrays 0-d


def main():
    parser = argparse.ArgumentParser(description="Runs the model once and saves its outputs.")
)PY";
  if (options.load_weights) code += "    parser.add_argument(\"--onnx\", help=\"ONNX file to load the weights from\")\n";
  code += R"PY(    parser.add_argument("--input", action="append", default=[], help=".npy per graph input, in order")
    parser.add_argument("--output", help="outputs as NAME.npy, NAME_1.npy, ...")
    args = parser.parse_args()
    model = Model()
)PY";
  if (options.load_weights) code += "    if args.onnx:\n        load_onnx_weights(model, args.onnx)\n";
  code += R"PY(    model.eval()
    feeds = []
    for i, (name, dtype, shape) in enumerate(INPUTS):
        if i < len(args.input):
            feeds.append(to_torch(np.load(args.input[i])))
        elif shape == "optional":
            feeds.append(None)
        elif shape == "sequence":
            parser.error(f"input {i} ('{name}') is a sequence of tensors: call the model from Python")
        elif shape is None:
            parser.error(f"input {i} ('{name}') has no declared shape: give it with --input")
        elif dtype.is_floating_point:
            feeds.append(torch.rand(shape, dtype=dtype))
        else:
            feeds.append(torch.randint(0, 2, shape).to(dtype))
    with torch.no_grad():
        outputs = model(*feeds)
    if not isinstance(outputs, tuple):
        outputs = (outputs,)
    base = args.output[:-4] if args.output and args.output.endswith(".npy") else args.output
    for i, y in enumerate(outputs):
        if isinstance(y, list):
            print(f"output {i}: a sequence of {len(y)} tensors")
            y = torch.stack(y) if y else torch.zeros(0)
        print(f"output {i}: {tuple(y.shape)} {y.dtype}")
        if base:
            np.save(base + (f"_{i}" if i else "") + ".npy", y.detach().numpy())
    print("parameters:", sum(p.numel() for p in model.parameters()))


if __name__ == "__main__":
    main()
)PY";
  c.result.code = std::move(code);
  c.result.loaded_tensors = static_cast<int64_t>(c.weight_map.size());
  for (const BlockClass& cls : plan.classes)
    if (cls.uses > 0) c.result.block_classes[cls.name] = cls.uses;
  return std::move(c.result);
}

}  // namespace

Result<TorchImport> onnxToPyTorch(const ir::Model& model, const TorchImportOptions& options) {
  if (model.graphs.empty()) return Error{"the model has no graph"};
  BlockPlan plan;
  if (options.fold_repeats) {
    Ctx base(model);
    setOptions(base);
    plan = planBlocks(base);
  }
  for (int attempt = 0; attempt < 8 && !plan.empty(); ++attempt) {
    std::vector<size_t> conflict;
    auto r = translate(model, options, plan, conflict);
    if (r || conflict.empty()) {
      if (r) return r;
      break;  // an error with blocks folded: the flat translation decides
    }
    for (size_t u : conflict) plan.dropUnit(u);
  }
  std::vector<size_t> conflict;
  return translate(model, options, BlockPlan{}, conflict);
}

}  // namespace nf::importer
