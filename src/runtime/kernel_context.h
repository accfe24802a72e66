// runtime/kernel_context.h - what a kernel sees: its node, inputs, outputs, and the
// attribute and error helpers; plus the registration table type.
//
// A kernel is `bool fn(KernelContext&)`: it reads inputs, allocates outputs with
// ctx.output(...), and returns false after ctx.fail("why") on bad input. No
// exceptions: the browser build does not catch them.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ir/model.h"
#include "runtime/kernels/kernels.h"
#include "runtime/tensor.h"

namespace nf::runtime {

class BufferPool;

// Constant weights packed once per Executor for the fast kernels, keyed by the
// initializer (one pack per weight, whichever nodes read it), reused by later runs.
// Once a weight is packed the executor may drop its decoded copy: the kernel then
// gets a tensor with the weight's type and shape but no buffer (see
// KernelContext::constantData).
struct PackedWeights {
  kernels::PackedConv2dWeights conv;
  kernels::PackedSgemmB gemm;
  size_t bytes() const { return (conv.data.size() + gemm.data.size()) * sizeof(float); }
};
using WeightPackCache = std::map<const ir::Tensor*, PackedWeights>;

class KernelContext {
 public:
  const ir::Model& model;
  const ir::Graph& graph;
  const ir::Node& node;
  int64_t opset = 0;  // version of the node's domain
  std::vector<const Value*> inputs;  // null for omitted optional inputs
  std::vector<Value> outputs;        // one per node output
  kernels::Scratch& scratch;
  BufferPool* pool = nullptr;
  WeightPackCache* packs = nullptr;  // null: no caching (kernels pack nothing)
  // Runs a subgraph (If/Loop/Scan bodies) with the given inputs; outer-scope values
  // are resolved through the calling frame.
  std::function<bool(ir::GraphId, const std::vector<Value>&, std::vector<Value>*, std::string*)> run_subgraph;
  // Runs a model-local function body (isolated scope) with the caller's attributes.
  std::function<bool(ir::GraphId, const std::vector<Value>&, std::vector<Value>*, const std::vector<ir::Attribute>*,
                     std::string*)>
      run_function;

  KernelContext(const ir::Model& m, const ir::Graph& g, const ir::Node& n, kernels::Scratch& s)
      : model(m), graph(g), node(n), scratch(s) {}

  // --- inputs
  size_t inputCount() const { return inputs.size(); }
  bool has(size_t i) const { return i < inputs.size() && inputs[i] && inputs[i]->kind != Value::Kind::None; }
  bool hasTensor(size_t i) const { return has(i) && inputs[i]->isTensor(); }
  const Tensor& in(size_t i) const { return inputs[i]->tensor; }
  const Value& value(size_t i) const { return *inputs[i]; }
  // True when input i is an initializer of this graph that no graph input can
  // override: its data is the same on every run, so packing it once is safe.
  bool isConstantInput(size_t i) const;
  // The initializer behind a constant input i, or null.
  const ir::Tensor* constantInitializer(size_t i) const;
  // The pack cache entry of constant input i, or null (no cache, or not constant).
  PackedWeights* packEntry(size_t i);
  // Input i's float data: as given, or, for a constant whose decoded copy the executor
  // dropped after packing it (buffer null), decoded again from the model into *reload.
  // Null after fail() when that fails.
  const float* constantData(size_t i, Tensor* reload);
  size_t outputCount() const { return outputs.size(); }
  bool wantsOutput(size_t i) const { return i < node.outputs.size() && node.outputs[i].valid(); }

  // --- outputs: a (pooled) buffer of the right size; contents are zeroed unless
  // `zeroed` is false (kernels that write every element skip the memset).
  Tensor* output(size_t i, ir::ElemType t, std::vector<int64_t> shape, bool zeroed = true);
  void setOutput(size_t i, Tensor t) { outputs[i] = Value::of(std::move(t)); }

  // --- attributes (inside a model-local function body, attributes that refer to the
  // function's attributes are resolved against the calling node's)
  const std::vector<ir::Attribute>* function_attrs = nullptr;
  const ir::Attribute* attr(std::string_view name) const;
  int64_t attrInt(std::string_view name, int64_t fallback) const;
  float attrFloat(std::string_view name, float fallback) const;
  std::string attrString(std::string_view name, const std::string& fallback = "") const;
  std::vector<int64_t> attrInts(std::string_view name, std::vector<int64_t> fallback = {}) const;
  std::vector<float> attrFloats(std::string_view name) const;

  // --- errors
  bool fail(std::string message) {
    if (error.empty()) error = std::move(message);
    return false;
  }
  // Checks input i is present and a tensor; fails naming it otherwise.
  bool require(size_t i);
  // Normalises an axis in [-rank, rank) (or [-rank-1, rank] when `insert`); fails if out of range.
  bool axis(int64_t a, size_t rank, int64_t* out, bool insert = false);

  std::string error;
};

using KernelFn = bool (*)(KernelContext&);

// One row of a per-family registration table.
struct KernelEntry {
  const char* domain;  // "" = ai.onnx
  const char* op_type;
  KernelFn fn;
};

// The kernel for (domain, op_type), or null. Domains "" and "ai.onnx" are the same.
// Kernels are kept per op registry entry (shapes/op_registry.h): an op runs only if
// it has an entry there.
KernelFn findKernel(std::string_view domain, std::string_view op_type);
// "domain::Op" of every kernel whose op has no registry entry (so it can never run).
const std::vector<std::string>& unregisteredKernels();
// The model-local function (FunctionProto) called by `node`, or null.
const ir::Function* findFunction(const ir::Model& model, const ir::Node& node);
// Kernel or model-local function: the kernel to run `node` with, or null.
KernelFn kernelFor(const ir::Model& model, const ir::Node& node);

// Per-family tables (each defined in its ops_*.cpp file).
const std::vector<KernelEntry>& elementwiseKernels();
const std::vector<KernelEntry>& reduceKernels();
const std::vector<KernelEntry>& convKernels();
const std::vector<KernelEntry>& linalgKernels();
const std::vector<KernelEntry>& shapeKernels();
const std::vector<KernelEntry>& indexKernels();
const std::vector<KernelEntry>& normKernels();
const std::vector<KernelEntry>& rnnKernels();
const std::vector<KernelEntry>& controlKernels();
const std::vector<KernelEntry>& quantKernels();
const std::vector<KernelEntry>& miscKernels();
const std::vector<KernelEntry>& attentionKernels();
const std::vector<KernelEntry>& textKernels();
const std::vector<KernelEntry>& imageKernels();
const std::vector<KernelEntry>& trainingKernels();

}  // namespace nf::runtime
