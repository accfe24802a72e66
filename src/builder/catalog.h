// builder/catalog.h - the layer catalog: every layer type the builder knows, as data.
//
// One table (catalog_layers.cpp) says, for each layer type: its typed parameters
// (kind, default, range, choices), which frameworks have it (the PyTorch/Keras badges
// in the picker), how each parameter is spelled in each framework, and the functions
// that compute its output shape and its parameter count. Shape propagation
// (analysis.h), the code emitters (codegen.h), documents (serialize.h) and the
// editor's properties panel all read this table; nothing else lists layers.
//
// Growth contract (share links must keep opening): a type or parameter name, once
// published, is never reused for something else. Renames keep the old spelling in
// `aliases`; a changed default needs a document version bump and a migration
// (serialize.h), because compact documents omit defaults.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "builder/types.h"

namespace nf::builder {

struct LayerSpec;

// [SECTION] Parameters

// How a builder parameter reaches one framework's code.
enum class Mapping : uint8_t {
  Kwarg,        // passed as keyword `name` (value translated when the spelling differs)
  Derived,      // expressed another way by the emitter (a wrapper, a forward op, stacking)
  Unsupported,  // the framework has no equivalent: a non-default value is an error there
};

struct FrameworkParam {
  std::string name;                        // keyword in that framework ("" unless Kwarg)
  Mapping how = Mapping::Kwarg;
  std::optional<ParamValue> framework_default;  // when it differs from the builder default
};

struct ParamSpec {
  std::string name;  // the key in documents; stable forever
  ParamKind kind = ParamKind::Int;
  ParamValue default_value;
  double min = 0, max = 0;     // inclusive range of Int/Float values and of tuple elements
  int min_length = 0, max_length = 0;  // IntTuple length range (equal = fixed length)
  std::vector<std::string> choices;  // Enum values, in display order; none: any text
  FrameworkParam torch, keras;
  std::string help;                  // one line for the properties panel
  std::vector<std::string> aliases;  // other accepted spellings (old names, Keras names)

  const FrameworkParam& in(Framework f) const { return f == Framework::PyTorch ? torch : keras; }
  // Checks kind, range, tuple length and enum membership. The error names the parameter.
  Status validate(const ParamValue& v) const;
  // Converts loosely typed input (an int for a float, a scalar for a tuple: 3 -> (3, 3))
  // to this parameter's kind; nullopt when it cannot be converted.
  std::optional<ParamValue> coerce(const ParamValue& v) const;
  // What the properties panel does with a typed field: parses `text` for this kind
  // ("5", "0.5", "true", "same", "3x3", "(3, 3)", "32 x 32 x 3"; a single number fills a
  // fixed-length tuple), then validates. Enum choices match case-insensitively.
  Result<ParamValue> parse(std::string_view text) const;
};

// [SECTION] Rules: shapes and parameter counts

// What a shape or count rule sees. `params` is complete (every spec param present)
// and validated; `inputs` has one entry per connected input port, in port order.
struct RuleContext {
  const LayerSpec& spec;
  const ParamMap& params;  // complete: every spec param
  std::span<const TensorInfo> inputs;
  Framework framework;

  int64_t i(std::string_view name) const;
  double f(std::string_view name) const;
  bool b(std::string_view name) const;
  const std::string& e(std::string_view name) const;
  const IntList& t(std::string_view name) const;
  const ParamValue& value(std::string_view name) const;
};

// Output dims (canonical order) or an error naming what is wrong, e.g.
// "kernel 5 is larger than the padded input 3 on axis 1". Framework-specific
// limitations are reported here too (ctx.framework).
using ShapeFn = Result<IntList> (*)(const RuleContext& ctx);
using CountFn = ParamCount (*)(const RuleContext& ctx, const IntList& outDims);

// [SECTION] Layers

// The emitters dispatch on the family; `rank` and `op` refine it.
enum class Family : uint8_t {
  Input, Linear, Identity, Flatten, Reshape, Permute, Squeeze, Unsqueeze, Embedding,
  Conv, ConvTranspose, DepthwiseConv, SeparableConv,
  Pool, AdaptivePool, GlobalPool,
  BatchNorm, LayerNorm, GroupNorm, InstanceNorm,
  Dropout, SpatialDropout,
  Activation, PReLU, Softmax,
  Recurrent, MultiHeadAttention, TransformerEncoder, TransformerDecoder,
  Merge, Concatenate,
  Upsample, ZeroPad, Cropping,
  OnnxOp,  // one ONNX node kept as itself (onnx_op.h)
};

// How the PyTorch code must store a layer's inputs and how it stores the output.
enum class TorchLayout : uint8_t {
  ChannelsFirst,  // inputs moved to (N, C, ...); output channels-first (conv, pool, norm)
  ChannelsLast,   // inputs moved to canonical order; output canonical (linear, rnn, reshape)
  Keep,           // inputs moved to input 0's storage; output keeps it (activations, merges)
  Flatten,        // no move; output is rank 1 (element order differs, shapes do not)
  AsStored,       // no move: the layer works on the storage its inputs have (ONNX ops)
};

// What element types a layer accepts.
enum class InputKind : uint8_t {
  Float,  // float activations; output float
  Any,    // passes the dtype through (reshapes, identity, merges of equal dtypes)
  Int,    // integer ids; output float (Embedding)
};

// What a layer is drawn as in diagrams: its colour and its legend entry (the picker's
// groups are finer: Core, Dropout, Resampling...). Views map it to a colour of the
// scene palette (views/builder_look.h).
enum class LayerCategory : uint8_t {
  InputOutput, Convolution, Pooling, Normalization, Activation, Linear, Recurrent, Attention, Merge, Reshape,
};
constexpr int kLayerCategoryCount = 10;
const char* layerCategoryName(LayerCategory c);   // "convolution" (stable: CSS classes, JSON)
const char* layerCategoryLabel(LayerCategory c);  // "Convolution" (legends)

struct LayerSpec {
  std::string type;      // stable key in documents: "Conv2d"
  std::string label;     // picker text: "Conv 2D"
  std::string category;  // picker group: "Convolution"
  LayerCategory diagram = LayerCategory::Reshape;  // colour and legend entry
  std::string help;      // one line
  Family family = Family::Identity;
  int rank = 0;          // spatial rank (1, 2, 3) for conv/pool/upsample/...; 0 otherwise
  std::string op;        // family refinement: "max"/"avg", "lstm"/"gru"/"rnn", "add", activation key
  uint8_t frameworks = kAllFrameworks;  // frameworkBit() set of frameworks that have it
  std::string torch_class;  // what the PyTorch code uses: "nn.Conv2d", or "torch.cat" for ops
  std::string kerasClass;  // "layers.Conv2D", "layers.Activation"; "name()": no one Keras class (written as the standard layers it is made of)
  std::vector<std::string> kerasExtraKwargs;  // keywords the Keras emitter derives (key_dim, ...)
  std::vector<std::string> torchExtraKwargs;  // keywords the PyTorch emitter derives (batch_first, ...)
  int min_inputs = 1;
  int max_inputs = 1;     // -1: any number (merges)
  std::vector<std::string> portNames;  // names of the first input ports ("query", "key", ...)
  TorchLayout layout = TorchLayout::Keep;
  InputKind input_kind = InputKind::Float;
  std::vector<ParamSpec> params;
  ShapeFn shape = nullptr;
  CountFn count = nullptr;     // nullptr: no parameters
  std::vector<std::string> keywords;  // extra search words ("dense", "fully connected")
  std::vector<std::string> aliases;   // other accepted type names ("Dense", "Conv2D")

  bool has(Framework f) const { return (frameworks & frameworkBit(f)) != 0; }
  // By name, alias, or either framework's keyword ("use_bias" finds "bias").
  const ParamSpec* param(std::string_view name) const;
  std::string portName(int port) const;                 // "query" or "input 2"
  // Lower-case stem for generated node names: "conv2d", "linear", "input".
  std::string baseName() const;
};

// [SECTION] The catalog

struct SearchHit {
  const LayerSpec* spec;
  int score;  // higher is better; ties keep catalog order
};

class Catalog {
 public:
  // Every layer, in picker order (grouped by category).
  const std::vector<LayerSpec>& layers() const { return layers_; }
  // Categories in picker order.
  const std::vector<std::string>& categories() const { return categories_; }
  // By type name or alias, case-sensitive first, then case-insensitive; nullptr if unknown.
  const LayerSpec* find(std::string_view type) const;
  // Picker search: matches type, label, category, keywords and aliases, ranked
  // (exact > prefix > word prefix > substring). An empty query returns all layers.
  // `only`: restrict to layers a framework has (the picker's framework filter).
  std::vector<SearchHit> search(std::string_view query, std::optional<Framework> only = std::nullopt) const;

  explicit Catalog(std::vector<LayerSpec> layers);

 private:
  std::vector<LayerSpec> layers_;
  std::vector<std::string> categories_;
};

// The built-in catalog (built once, immutable).
const Catalog& catalog();

// Every parameter of `spec` at its default.
ParamMap defaultParams(const LayerSpec& spec);

// Complete, typed parameter values for a layer: the defaults overlaid with `given`
// (coerced; aliases mapped to their names). Invalid values keep the default and are
// reported in `errors` (one sentence each); names the spec does not know go to `unknown`.
struct ResolvedParams {
  ParamMap values;
  std::vector<std::string> unknown;
  std::vector<std::string> errors;
};
ResolvedParams resolveParams(const LayerSpec& spec, const ParamMap& given);

// True when `a` and `b` hold the same value (floats compared exactly).
bool sameValue(const ParamValue& a, const ParamValue& b);

}  // namespace nf::builder
