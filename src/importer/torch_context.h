// importer/torch_context.h - state shared by the ONNX -> PyTorch translator files.
#pragma once
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "builder/onnx_weights.h"
#include "builder/pyident.h"
#include "importer/torch_helpers.h"
#include "importer/torch_import.h"
#include "ir/model.h"

namespace nf::importer::detail {

// A tensor known while importing (small initializers and Constant nodes).
struct KnownConst {
  ir::ElemType elem = ir::ElemType::Undefined;
  std::vector<int64_t> dims;
  std::vector<double> values;
};

// One entry of ONNX_WEIGHTS: a state_dict key ("conv1.weight", relative to the module
// that declares it) loaded from an ONNX tensor.
using WeightEntry = builder::OnnxWeightEntry;

struct Ctx {
  const ir::Model& model;
  const ir::Graph& g;
  int64_t opset = 0;
  bool has_half = false;  // float16 tensors: matmuls run in float32 (torch's CPU kernels lack half)
  builder::NameTable locals;  // forward() variables
  builder::NameTable attrs;   // self.<attr> names
  HelperSet helpers;
  // Next suffix to try per base name: claiming "add" 10,000 times stays linear.
  std::unordered_map<std::string, int> next_suffix;
  std::string claim(builder::NameTable& table, const std::string& raw, const std::string& fallback);
  std::vector<std::string> init_lines;  // __init__ body
  std::vector<std::string> forward;     // forward() body
  std::vector<WeightEntry> weight_map;  // ONNX_WEIGHTS entries
  // Inside a folded block: its scope ("layer1_0"), stripped from the names of its layers
  // and variables so every instance reads the same ("conv1", not "layer1_0_conv1").
  std::string scope_prefix;
  // Inside a block: Conv writes its default options too (stride=1), so instances that
  // differ only there share one class; the class drops the defaults again.
  bool explicit_defaults = false;
  // The graph takes gradients (ONNX Gradient): forward() runs with autograd on.
  bool needs_grad = false;
  std::unordered_map<uint32_t, std::string> expr;  // value -> Python expression
  // value -> the variable outVar gives it, claimed in `locals` by whoever sets it (the
  // builder's names for an ONNX op layer's outputs)
  std::unordered_map<uint32_t, std::string> fixed_vars;
  std::unordered_map<uint32_t, KnownConst> consts;
  std::set<uint32_t> skipped_nodes;  // fused into an earlier node's module
  TorchImport result;

  // Inside a subgraph body (If/Loop/Scan): the translation of the graph that holds it;
  // values of outer scopes resolve there.
  Ctx* parent = nullptr;

  Ctx(const ir::Model& m) : model(m), g(m.main()) {}
  Ctx(const ir::Model& m, const ir::Graph& body) : model(m), g(body) {}

  // The expression of the value called `name` here or in an enclosing graph.
  Result<std::string> outer(const std::string& name);

  // The expression for a value, materialising an initializer on first use.
  Result<std::string> value(ir::ValueId v);
  // A small constant's values (initializer or Constant node), if known at import.
  const KnownConst* known(ir::ValueId v);
  std::optional<std::vector<int64_t>> knownInts(ir::ValueId v);
  const ir::Tensor* initializer(ir::ValueId v) const;
  // Declares self.<name> = nn.Parameter / buffer for an initializer, loaded from ONNX.
  std::string addTensorAttr(const ir::Tensor& t, const std::string& onnx_name, bool parameter);
  // Declares self.<attr> = ctor; `weights` are (suffix, onnx tensor name, transpose).
  std::string addModule(const ir::Node& n, const std::string& cls, const std::string& args,
                        const std::vector<std::tuple<std::string, std::string, bool>>& weights);
  // scopeIdentifier(n) without scope_prefix.
  std::string localScope(const ir::Node& n) const;
  // Claims the names the generated file uses itself (imports, helpers, Model...).
  void claimReserved();
  // A fresh variable for one of the node's outputs.
  std::string outVar(const ir::Node& n, size_t output);
  int rankOf(ir::ValueId v, int depth = 0) const;  // -1 when unknown
};

// "/layer1/layer1.0/conv1/Conv" (op "Conv") -> "layer1_0_conv1".
std::string scopeIdentifierOfName(const std::string& name, const std::string& op_type);

// Folds an exporter's decomposition starting at this node into one layer (LayerNorm,
// GELU, SiLU, HardSwish); false when it does not match.
bool foldPattern(Ctx& c, uint32_t node_index);
int64_t attrKeep(const ir::Node& n);  // a Reduce node's keepdims (1 when absent)

// Emits one ONNX node as module calls or torch expressions.
Status emitNode(Ctx& c, uint32_t node_index);
// If / Loop / Scan / SequenceMap: their bodies become nested Python functions (torch_control.cpp).
Status emitControlFlow(Ctx& c, const ir::Node& n);
// ai.onnx.preview.training (torch_training.cpp): Gradient and the optimizer steps.
bool isTrainingDomain(const std::string& domain);
Status emitTrainingOp(Ctx& c, const ir::Node& n);
// Before the first node: the graph inputs a Gradient differentiates become leaves that
// require grad, and needs_grad is set. An error for gradients it cannot express.
Status prepareGradients(Ctx& c);

// Python literals.
std::string pyInts(const std::vector<int64_t>& v);        // [1, 2]
std::string pyFloatLit(double v);                         // 1e-05, float("inf")
std::string tupleOrScalar(const std::vector<int64_t>& v);  // 3 or (3, 5)
const char* torchDtype(ir::ElemType e);                     // "torch.float32"; nullptr if none
// Element types torch 1.13 lacks that generated code emulates: int4/uint4/int2/uint2 held in
// int8/uint8, float8/float4 (E8M0 too) in float32 holding only the values the type has. The torch
// dtype that holds one; nullptr for the other types.
const char* emulatedHolder(ir::ElemType e);
// torchDtype, else emulatedHolder.
const char* holderDtype(ir::ElemType e);
// The expression that casts `x` to an emulated type (ONNX Cast rules: integers wrap, floats
// round to nearest even and saturate or overflow per `saturate`); uses the helper it needs.
// FLOAT8E8M0 (powers of two) rounds by `round_mode` ("up", "down", "nearest").
std::string castToEmulated(Ctx& c, const std::string& x, ir::ElemType to, bool saturate, const std::string& round_mode = "up");
// The ONNX element type of a value when its declaration or initializer gives it.
ir::ElemType elemOf(const Ctx& c, ir::ValueId v);
std::string constLiteral(const KnownConst& k);

}  // namespace nf::importer::detail
