// importer/onnx_op_torch.cpp - the builder's generic ONNX op layer as torch code, by the
// same per-op translation as `netforge codegen MODEL.onnx` (see onnx_op_torch.h).
#include "importer/onnx_op_torch.h"

#include <cstring>

#include "importer/torch_context.h"

namespace nf::importer {

namespace {

ir::Attribute toIr(const builder::OnnxAttr& a) {
  ir::Attribute r;
  r.name = a.name;
  using K = builder::OnnxAttr::Kind;
  switch (a.kind) {
    case K::Int: r.type = ir::AttrType::Int; r.i = a.i; break;
    case K::Float: r.type = ir::AttrType::Float; r.f = static_cast<float>(a.f); break;
    case K::String: r.type = ir::AttrType::String; r.s = a.s; break;
    case K::Ints: r.type = ir::AttrType::Ints; r.ints = a.ints; break;
    case K::Floats:
      r.type = ir::AttrType::Floats;
      for (double f : a.floats) r.floats.push_back(static_cast<float>(f));
      break;
    case K::Strings: r.type = ir::AttrType::Strings; r.strings = a.strings; break;
  }
  return r;
}

template <class T>
void store(ir::Tensor& t, const std::vector<double>& values) {
  t.storage = ir::Tensor::Storage::Inline;
  t.bytes.resize(values.size() * sizeof(T));
  for (size_t k = 0; k < values.size(); ++k) {
    const T v = static_cast<T>(values[k]);
    std::memcpy(t.bytes.data() + k * sizeof(T), &v, sizeof(T));
  }
}

// The constant as an initializer: its values when the document keeps them (integers
// inline in the code), else dims only (a float weight becomes a parameter).
Result<ir::Tensor> constTensor(const builder::OnnxConst& k, const std::string& name) {
  ir::Tensor t;
  t.name = name;
  t.elem = ir::elemTypeFromName(k.dtype);
  t.dims = k.dims;
  if (t.elem == ir::ElemType::Undefined) return Error{"a constant of unknown element type '" + k.dtype + "'"};
  if (k.values.empty()) return t;
  switch (t.elem) {
    case ir::ElemType::Float: store<float>(t, k.values); break;
    case ir::ElemType::Double: store<double>(t, k.values); break;
    case ir::ElemType::Int64: store<int64_t>(t, k.values); break;
    case ir::ElemType::Int32: store<int32_t>(t, k.values); break;
    case ir::ElemType::Int8: store<int8_t>(t, k.values); break;
    case ir::ElemType::Uint8: case ir::ElemType::Bool: store<uint8_t>(t, k.values); break;
    default: return Error{"a constant of element type " + k.dtype + " with values"};
  }
  return t;
}

ir::Shape shapeOf(const builder::IntList& dims) {
  ir::Shape s;
  s.rank_known = true;
  for (int64_t d : dims) s.dims.push_back(ir::Dim::known(d));
  return s;
}

}  // namespace

Result<builder::OnnxOpCode> onnxOpTorch(const builder::OnnxOpRequest& r) {
  if (r.input_exprs.size() != r.input_shapes.size() || r.input_exprs.size() != r.input_dtypes.size())
    return Error{"the request's inputs, shapes and types differ in number"};
  // A one-node model: the layer's inputs as graph inputs, its constants as initializers.
  ir::Model m;
  m.opsets.push_back({"", r.opset});
  if (!r.domain.empty() && r.domain != "ai.onnx") m.opsets.push_back({r.domain, 1});
  m.graphs.emplace_back();
  ir::Graph& g = m.main();
  ir::Node n;
  n.op_type = r.op_type;
  n.domain = r.domain;
  n.name = "/" + r.layer + "/" + r.op_type;
  for (const builder::OnnxAttr& a : r.attrs) n.attributes.push_back(toIr(a));
  // Constant nodes (the layer's literal constants) come first; the op is the last node.
  size_t literals = 0;
  for (const builder::OnnxConst& c : r.consts) literals += (!c.omitted && c.literal) ? 1 : 0;
  const ir::NodeId node_id{static_cast<uint32_t>(literals)};
  size_t next_activation = 0;
  const size_t total = r.input_exprs.size() + r.consts.size();
  std::vector<std::pair<ir::ValueId, size_t>> activations;
  for (size_t pos = 0; pos < total; ++pos) {
    const builder::OnnxConst* k = nullptr;
    for (const builder::OnnxConst& c : r.consts)
      if (static_cast<size_t>(c.input) == pos) k = &c;
    if (k && k->omitted) {
      n.inputs.push_back(ir::ValueId{});
      continue;
    }
    if (k && k->literal) {
      auto t = constTensor(*k, r.layer + "_" + std::to_string(pos));
      if (!t) return t.error();
      const ir::ValueId v = g.intern(t->name);
      ir::Node constant;
      constant.op_type = "Constant";
      constant.outputs.push_back(v);
      ir::Attribute value;
      value.name = "value";
      value.type = ir::AttrType::Tensor;
      value.tensors.push_back(std::move(*t));
      constant.attributes.push_back(std::move(value));
      g.value(v).producer = ir::NodeId{static_cast<uint32_t>(g.nodes.size())};
      g.value(v).consumers.push_back(node_id);
      g.nodes.push_back(std::move(constant));
      n.inputs.push_back(v);
      continue;
    }
    if (k) {
      auto t = constTensor(*k, r.layer + "_" + std::to_string(pos));
      if (!t) return t.error();
      const ir::ValueId v = g.intern(t->name);
      g.value(v).initializer = static_cast<int32_t>(g.initializers.size());
      g.value(v).type = ir::Type::tensor(t->elem, ir::Shape::ofKnown(t->dims));
      g.value(v).consumers.push_back(node_id);
      g.initializers.push_back(std::move(*t));
      n.inputs.push_back(v);
      continue;
    }
    if (next_activation >= r.input_exprs.size()) return Error{"the constants' input positions leave a gap"};
    const size_t a = next_activation++;
    const ir::ValueId v = g.intern("input_" + std::to_string(a));
    ir::Value& val = g.value(v);
    val.graph_input = true;
    val.type = ir::Type::tensor(ir::elemTypeFromName(r.input_dtypes[a]), shapeOf(r.input_shapes[a]));
    val.consumers.push_back(node_id);
    g.inputs.push_back(v);
    n.inputs.push_back(v);
    activations.push_back({v, a});
  }
  if (r.more_names.size() != r.more_outputs.size()) return Error{"the request's more outputs and their names differ in number"};
  // Every output the node has (Split's count is its meaning); each one the layer has is
  // a graph output, so the translation computes it, in the variable the builder named.
  detail::Ctx c(m);
  std::vector<ir::ValueId> outs;
  for (size_t k = 0; k <= r.more_outputs.size(); ++k) {
    if (k > 0 && r.more_outputs[k - 1].omitted) {
      n.outputs.push_back(ir::ValueId{});
      outs.push_back(ir::ValueId{});
      continue;
    }
    // Outputs after the first are named apart from the constants (<layer>_<input>); their
    // variables are the builder's names all the same (fixed_vars).
    const ir::ValueId out = g.intern(k == 0 ? r.layer : r.layer + ":" + std::to_string(k));
    const std::string& dtype = k == 0 ? r.output_dtype : (r.more_outputs[k - 1].dtype == "int64" ? "INT64" : "FLOAT");
    g.value(out).producer = node_id;
    g.value(out).graph_output = true;
    if (k == 0 || !r.more_outputs[k - 1].shape.empty())
      g.value(out).type = ir::Type::tensor(ir::elemTypeFromName(dtype), shapeOf(k == 0 ? r.output_shape : r.more_outputs[k - 1].shape));
    g.outputs.push_back(out);
    n.outputs.push_back(out);
    outs.push_back(out);
    if (k > 0) c.fixed_vars[out.index] = r.more_names[k - 1];
  }
  g.nodes.push_back(std::move(n));

  c.opset = r.opset;
  c.claimReserved();
  for (const std::string& name : r.more_names) c.locals.claim(name);
  for (const auto& [v, a] : activations) c.expr[v.index] = r.input_exprs[a];
  for (uint32_t i = 0; i < g.nodes.size(); ++i)
    if (Status s = detail::emitNode(c, i); !s) return Error{r.op_type + ": " + s.message()};
  auto result = c.value(outs[0]);
  if (!result) return Error{r.op_type + ": " + result.error().message};
  builder::OnnxOpCode code;
  for (size_t k = 1; k < outs.size(); ++k) {
    if (!outs[k].valid()) {
      code.more_outputs.push_back(r.more_names[k - 1]);
      continue;
    }
    auto more = c.value(outs[k]);
    if (!more) return Error{r.op_type + " output " + std::to_string(k + 1) + ": " + more.error().message};
    code.more_outputs.push_back(*more);
  }
  code.init_lines = std::move(c.init_lines);
  code.forward_lines = std::move(c.forward);
  code.output = *result;
  code.helpers = c.helpers.texts();
  // The constants stood in as initializers named <layer>_<position>: map their
  // parameters back to the ONNX tensors they came from.
  for (const detail::WeightEntry& w : c.weight_map)
    for (const builder::OnnxConst& k : r.consts)
      if (!k.source.empty() && w.tensor == r.layer + "_" + std::to_string(k.input))
        code.weights.push_back({w.key, k.source, w.transposed});
  return code;
}

}  // namespace nf::importer
