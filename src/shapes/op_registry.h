// shapes/op_registry.h - the op registry: one entry per ONNX op holding everything
// the core knows about it.
//
// An entry says, for one (domain, op type): its display category, its schema input
// and output names, which inputs are shape-like arguments (never parameters), which
// attributes the node box shows, its shape rule, how its cost is counted, how the
// declutter pass treats it, and (through its index) which runtime kernel runs it.
// Each rules_<family>.cpp ends with one table of entries; adding an op is adding one
// entry there. Modules above shapes (runtime, hierarchy, scene) read the registry
// instead of keeping their own tables keyed by op name; the runtime keeps its kernels
// in a table indexed by OpSpec::index (a module below cannot name the runtime).
//
// Lookups are a hash of the op type plus a scan of the (at most a few) entries of
// that type, built once: cheap enough to do per node of a 100k-node graph.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace nf::shapes {

namespace detail {
class Ctx;
using RuleFn = void (*)(Ctx&);
}  // namespace detail

// What colour a node's header gets (scene keeps the colours), in the spirit of
// Netron's layer/activation/pool/normalization/transform groups.
enum class OpCategory : uint8_t {
  Conv,           // Conv, ConvTranspose, DeformConv
  Pooling,        // MaxPool, AveragePool, Global*Pool, RoiAlign
  Normalization,  // BatchNormalization, LayerNormalization, LRN, Dropout
  Activation,     // Relu, Sigmoid, Softmax, Gelu, Clip ...
  MatMul,         // MatMul, Gemm, Einsum, Attention
  Tensor,         // Reshape, Transpose, Concat, Slice, Gather, Shape, Cast ...
  Math,           // elementwise arithmetic, comparisons, logic, reductions
  Control,        // If, Loop, Scan
  Quantization,   // QuantizeLinear, DequantizeLinear, QLinear*, *Integer
  Constant,       // Constant, ConstantOfShape, initializers shown as nodes
  InputOutput,    // graph inputs and outputs
  Other,          // everything else (custom domains, unknown ops)
  // Builder diagrams only (ONNX ops keep the groups above): their layers' colours.
  Recurrent,      // LSTM, GRU, RNN layers
  Attention,      // multi-head attention, transformer layers
  Merge,          // add, multiply, concatenate layers
};
inline constexpr int kCategoryCount = 15;

// How metrics.cpp counts an op's MACs and FLOPs (the convention is in metrics.h).
enum class CostKind : uint8_t {
  Unset,          // not stated: the registry tests reject it for an op with a shape rule
  Free,           // moves, selects or makes data without arithmetic (Reshape, Gather, Cast...)
  Uncounted,      // computes, but no cost model yet: counts as 0
  Bodies,         // control flow: the cost of the bodies it runs (metrics walks them)
  Conv,           // output elements x W's dims after the first, + bias
  QLinearConv,    // Conv with W at input 3 and bias at input 8
  ConvTranspose,  // input elements x W's dims after the first, + bias
  Gemm,           // output elements x K, + bias
  MatMul,         // output elements x the last dim of input 0
  FusedMatMul,    // MatMul honouring transA
  Einsum,         // product of all index sizes (two or more operands)
  Attention,      // B x Hq x Sq x Skv x (Dk + Dv), + 3 per score
  Recurrent,      // steps x batch x directions x gates x hidden x (input + hidden)
  Pool,           // kernel size per output element
  PerInput,       // 1 per input element (reductions, global pooling, TopK, CumSum)
  PerOutput,      // 1 per output element (elementwise)
  PerOutput2,     // 2 per output element (BatchNormalization)
  PerOutput3,     // 3 per output element (Softmax)
  PerOutput5,     // 5 per output element (normalisations that compute statistics)
  Variadic,       // 1 per output element per operand after the first
  Resize,         // 4 (linear) or 16 (cubic) per output element
};

// Which attributes the node box shows (scene/op_summary.cpp writes them); every op
// also shows axis/axes/keepdims=0.
enum class KeyAttrs : uint8_t {
  None,
  ConvWindow,  // kernel (from W's dims when absent), strides, pads, dilations, groups
  PoolWindow,  // the same without W
  Gemm,        // transA, transB, alpha, beta
  Perm,        // Transpose's perm
  CastTo,      // the target element type
  Alpha,       // alpha of LeakyRelu, Elu...
  ClipRange,   // [min, max] (attributes before opset 11)
  Mode,        // Resize/Upsample mode
  PadMode,     // Pad's mode (unless constant) and pads
  Size,        // LRN's size
  ScanInputs,  // Scan's num_scan_inputs
  BlockSize,   // DepthToSpace/SpaceToDepth
  SplitSizes,  // Split's split attribute (after the axis)
};

// How hierarchy's declutter pass treats the op (hierarchy/declutter.h).
enum class FoldClass : uint8_t {
  Data,              // an ordinary op: constant when all its inputs are
  Constant,          // always a fixed value (Constant)
  ShapeOf,           // depends on its input only through its shape (Shape, Size)
  PassThrough,       // Identity/Cast on a data tensor: edges bypass it
  Random,            // never fixed, even from fixed inputs (RandomNormal, Bernoulli...)
  RandomInTraining,  // Dropout: random in training mode; never folded, but metrics
                     // treats it as deterministic (inference mode)
};

struct OpSpec {
  std::string_view domain;  // "" = ai.onnx
  std::string_view type;
  OpCategory category = OpCategory::Other;
  detail::RuleFn rule = nullptr;  // null: no shape rule (outputs stay unknown)
  CostKind cost = CostKind::Unset;
  std::string_view inputs;   // schema input names, space-separated ("X W B"); the last may repeat
  std::string_view outputs;  // schema output names, space-separated
  uint32_t shape_inputs = 0;  // bit i: input i is a shape-like argument (never a parameter)
  KeyAttrs key_attrs = KeyAttrs::None;
  FoldClass fold = FoldClass::Data;
  // Folded inputs are labelled with their schema name ("W", "B", "shape"); otherwise
  // with the tensor's own name. On for ops whose input roles read well that way.
  bool label_inputs = false;
  uint16_t index = 0;  // position in the registry (set when the registry is built)

  // Optional fields, chained after the braces: Op{...}.shapeArgs(0b10).labelled().
  constexpr OpSpec shapeArgs(uint32_t mask) const { return with(&OpSpec::shape_inputs, mask); }
  constexpr OpSpec shows(KeyAttrs k) const { return with(&OpSpec::key_attrs, k); }
  constexpr OpSpec folds(FoldClass f) const { return with(&OpSpec::fold, f); }
  constexpr OpSpec labelled() const { return with(&OpSpec::label_inputs, true); }

  bool hasRule() const { return rule != nullptr; }
  bool isShapeInput(size_t i) const { return i < 32 && (shape_inputs >> i & 1u); }
  // Name of input/output `slot` ("" past the end of the list).
  std::string_view inputName(size_t slot) const;
  std::string_view outputName(size_t slot) const;
  size_t inputCount() const;
  size_t outputCount() const;

 private:
  template <class T>
  constexpr OpSpec with(T OpSpec::*field, T value) const {
    OpSpec o = *this;
    o.*field = value;
    return o;
  }
};

// A set of entries with fast lookup. Building it rejects duplicate keys (the first
// entry of a key is kept and the others are reported in errors()).
class OpRegistry {
 public:
  explicit OpRegistry(const std::vector<std::span<const OpSpec>>& families);

  // The entry of (domain, type), or null; domains "" and "ai.onnx" are the same.
  const OpSpec* find(std::string_view domain, std::string_view type) const;
  // find(), else an entry of the same op type in another domain (the default domain's
  // first): how an op of an unknown domain is displayed ("custom::Relu" looks like
  // Relu) and how parameter attribution reads its shape arguments.
  const OpSpec* findByType(std::string_view domain, std::string_view type) const;
  const std::vector<OpSpec>& ops() const { return ops_; }  // sorted by (type, domain)
  const OpSpec& at(size_t index) const { return ops_[index]; }
  size_t size() const { return ops_.size(); }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::vector<OpSpec> ops_;
  // Op type -> [first, last) entries of that type in ops_.
  std::unordered_map<std::string_view, std::pair<uint32_t, uint32_t>> by_type_;
  std::vector<std::string> errors_;
};

// The registry of every op the core knows (built on first use).
const OpRegistry& opRegistry();
inline const OpSpec* findOp(std::string_view domain, std::string_view type) {
  return opRegistry().find(domain, type);
}
inline const OpSpec* findOpByType(std::string_view domain, std::string_view type) {
  return opRegistry().findByType(domain, type);
}

// "domain::Type", or "Type" for the default domain.
std::string opKey(const OpSpec& op);

}  // namespace nf::shapes
