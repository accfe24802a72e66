// builder/catalog_layers.cpp - THE layer table: every layer type the builder knows.
//
// Adding a layer: add one entry here (parameters, framework names, rules), then teach
// each emitter its Family if the family is new (codegen_pytorch.cpp, codegen_keras.cpp).
// Builder parameter names follow PyTorch where both frameworks have the parameter; the
// Keras spelling is in `keras`. Never rename or reuse a published `type` or parameter
// name: put the old spelling in `aliases` (see catalog.h, "Growth contract").
//
// Index of this file
//   [SECTION] Table helpers
//   [SECTION] Parameter groups
//   [SECTION] Input and core
//   [SECTION] Convolution
//   [SECTION] Pooling
//   [SECTION] Normalisation
//   [SECTION] Dropout and noise
//   [SECTION] Activations
//   [SECTION] Recurrent and attention
//   [SECTION] Merge
//   [SECTION] Resampling and padding
//   [SECTION] ONNX op
#include "builder/catalog.h"
#include "builder/rules.h"

namespace nf::builder {

// [SECTION] Table helpers

namespace {

constexpr uint8_t kTorchOnly = frameworkBit(Framework::PyTorch);
constexpr uint8_t kKerasOnly = frameworkBit(Framework::Keras);

FrameworkParam kw(std::string name) { return FrameworkParam{std::move(name), Mapping::Kwarg, std::nullopt}; }
FrameworkParam kw(std::string name, ParamValue framework_default) {
  return FrameworkParam{std::move(name), Mapping::Kwarg, std::move(framework_default)};
}
FrameworkParam derived() { return FrameworkParam{"", Mapping::Derived, std::nullopt}; }
FrameworkParam unsupported() { return FrameworkParam{"", Mapping::Unsupported, std::nullopt}; }

ParamSpec pInt(std::string name, int64_t def, int64_t lo, int64_t hi, FrameworkParam torch, FrameworkParam keras,
               std::string help) {
  ParamSpec p;
  p.name = std::move(name);
  p.kind = ParamKind::Int;
  p.default_value = def;
  p.min = static_cast<double>(lo);
  p.max = static_cast<double>(hi);
  p.torch = std::move(torch);
  p.keras = std::move(keras);
  p.help = std::move(help);
  return p;
}

ParamSpec pFloat(std::string name, double def, double lo, double hi, FrameworkParam torch, FrameworkParam keras,
                 std::string help) {
  ParamSpec p;
  p.name = std::move(name);
  p.kind = ParamKind::Float;
  p.default_value = def;
  p.min = lo;
  p.max = hi;
  p.torch = std::move(torch);
  p.keras = std::move(keras);
  p.help = std::move(help);
  return p;
}

ParamSpec pBool(std::string name, bool def, FrameworkParam torch, FrameworkParam keras, std::string help) {
  ParamSpec p;
  p.name = std::move(name);
  p.kind = ParamKind::Bool;
  p.default_value = def;
  p.torch = std::move(torch);
  p.keras = std::move(keras);
  p.help = std::move(help);
  return p;
}

ParamSpec pEnum(std::string name, std::string def, std::vector<std::string> choices, FrameworkParam torch,
                FrameworkParam keras, std::string help) {
  ParamSpec p;
  p.name = std::move(name);
  p.kind = ParamKind::Enum;
  p.default_value = std::move(def);
  p.choices = std::move(choices);
  p.torch = std::move(torch);
  p.keras = std::move(keras);
  p.help = std::move(help);
  return p;
}

ParamSpec pTuple(std::string name, IntList def, int minLen, int maxLen, int64_t lo, int64_t hi, FrameworkParam torch,
                 FrameworkParam keras, std::string help) {
  ParamSpec p;
  p.name = std::move(name);
  p.kind = ParamKind::IntTuple;
  p.default_value = std::move(def);
  p.min_length = minLen;
  p.max_length = maxLen;
  p.min = static_cast<double>(lo);
  p.max = static_cast<double>(hi);
  p.torch = std::move(torch);
  p.keras = std::move(keras);
  p.help = std::move(help);
  return p;
}

ParamSpec withAliases(ParamSpec p, std::vector<std::string> aliases) {
  p.aliases = std::move(aliases);
  return p;
}

// The diagram category of each family: one switch, so a new family must say what it looks like.
LayerCategory diagramCategory(Family f) {
  using C = LayerCategory;
  switch (f) {
    case Family::Input: return C::InputOutput;
    case Family::Conv: case Family::ConvTranspose: case Family::DepthwiseConv: case Family::SeparableConv:
      return C::Convolution;
    case Family::Pool: case Family::AdaptivePool: case Family::GlobalPool: return C::Pooling;
    case Family::BatchNorm: case Family::LayerNorm: case Family::GroupNorm: case Family::InstanceNorm:
    case Family::Dropout: case Family::SpatialDropout:
      return C::Normalization;
    case Family::Activation: case Family::PReLU: case Family::Softmax: return C::Activation;
    case Family::Linear: case Family::Embedding: return C::Linear;
    case Family::Recurrent: return C::Recurrent;
    case Family::MultiHeadAttention: case Family::TransformerEncoder: case Family::TransformerDecoder:
      return C::Attention;
    case Family::Merge: case Family::Concatenate: return C::Merge;
    case Family::Identity: case Family::Flatten: case Family::Reshape: case Family::Permute: case Family::Squeeze:
    case Family::Unsqueeze: case Family::Upsample: case Family::ZeroPad: case Family::Cropping:
    case Family::OnnxOp:
      return C::Reshape;
  }
  return C::Reshape;
}

// Fluent construction of one table entry.
struct L {
  LayerSpec s;
  L(std::string type, std::string label, std::string category, Family family, std::string help) {
    s.type = std::move(type);
    s.label = std::move(label);
    s.category = std::move(category);
    s.diagram = diagramCategory(family);
    s.family = family;
    s.help = std::move(help);
  }
  L& rank(int r) { s.rank = r; return *this; }
  L& op(std::string o) { s.op = std::move(o); return *this; }
  L& only(uint8_t frameworks) { s.frameworks = frameworks; return *this; }
  L& classes(std::string torch, std::string keras) {
    s.torch_class = std::move(torch);
    s.kerasClass = std::move(keras);
    return *this;
  }
  L& inputs(int lo, int hi) { s.min_inputs = lo; s.max_inputs = hi; return *this; }
  L& ports(std::vector<std::string> names) { s.portNames = std::move(names); return *this; }
  L& layout(TorchLayout l) { s.layout = l; return *this; }
  L& accepts(InputKind k) { s.input_kind = k; return *this; }
  L& param(ParamSpec p) { s.params.push_back(std::move(p)); return *this; }
  L& params(std::vector<ParamSpec> ps) {
    for (auto& p : ps) s.params.push_back(std::move(p));
    return *this;
  }
  L& rules(ShapeFn shape, CountFn count = nullptr) { s.shape = shape; s.count = count; return *this; }
  L& words(std::vector<std::string> w) { s.keywords = std::move(w); return *this; }
  L& alias(std::vector<std::string> a) { s.aliases = std::move(a); return *this; }
  L& kerasExtra(std::vector<std::string> k) { s.kerasExtraKwargs = std::move(k); return *this; }
  L& torchExtra(std::vector<std::string> k) { s.torchExtraKwargs = std::move(k); return *this; }
};

std::string dimName(int r) { return std::to_string(r) + "d"; }
std::string dimNameUpper(int r) { return std::to_string(r) + "D"; }
IntList fill(int r, int64_t v) { return IntList(static_cast<size_t>(r), v); }

// [SECTION] Parameter groups

ParamSpec biasParam() {
  return pBool("bias", true, kw("bias"), kw("use_bias"), "add a learned bias");
}

ParamSpec kernelParam(int r, int64_t def) {
  return pTuple("kernel_size", fill(r, def), r, r, 1, 255, kw("kernel_size"), kw("kernel_size"),
                "window size on each spatial axis");
}

ParamSpec strideParam(int r) {
  return pTuple("stride", fill(r, 1), r, r, 1, 255, kw("stride"), kw("strides"), "step on each spatial axis");
}

ParamSpec dilationParam(int r) {
  return pTuple("dilation", fill(r, 1), r, r, 1, 255, kw("dilation"), kw("dilation_rate"),
                "spacing between kernel taps");
}

// 'valid' (no padding), 'same' (Keras 'same': output = ceil(input / stride)), 'custom'
// (padding_size zeros on both sides of each axis, like PyTorch's integer padding).
std::vector<ParamSpec> convPadding(int r) {
  return {pEnum("padding", "valid", {"valid", "same", "custom"}, derived(), kw("padding"),
                "valid: none; same: output = ceil(input / stride); custom: padding_size zeros on each side"),
          pTuple("padding_size", fill(r, 0), r, r, 0, 255, derived(), derived(),
                 "zeros added on each side of each axis when padding is custom")};
}

std::vector<ParamSpec> windowParams(int r, int64_t kernel) {
  std::vector<ParamSpec> ps = {kernelParam(r, kernel), strideParam(r)};
  for (auto& p : convPadding(r)) ps.push_back(std::move(p));
  ps.push_back(dilationParam(r));
  return ps;
}

ParamSpec outChannels(int64_t def) {
  return withAliases(pInt("out_channels", def, 1, 65536, kw("out_channels"), kw("filters"), "number of output channels"),
                     {"filters"});
}

ParamSpec epsParam(double kerasDefault) {
  return withAliases(pFloat("eps", 1e-5, 1e-12, 1.0, kw("eps"), kw("epsilon", kerasDefault), "added to the variance"),
                     {"epsilon"});
}

ParamSpec affineParam(bool def, FrameworkParam torch) {
  return pBool("affine", def, std::move(torch), derived(), "learn a scale and a shift per channel");
}

ParamSpec dropoutRate(double def) {
  return withAliases(pFloat("p", def, 0.0, 1.0, kw("p"), kw("rate"), "probability of zeroing an element"), {"rate"});
}

ParamSpec axisParam(int64_t def, const char* help) {
  return pInt("axis", def, -7, 7, derived(), kw("axis"), help);
}

// [SECTION] Input and core

void addCore(std::vector<LayerSpec>& t) {
  t.push_back(L("Input", "Input", "Input", Family::Input,
                "model input; shape as you see it, batch implicit (CIFAR-10: 32x32x3)")
                  .inputs(0, 0)
                  .classes("forward argument", "keras.Input")
                  .accepts(InputKind::Any)
                  .params({pTuple("shape", {32, 32, 3}, 1, 4, 1, 1000000, derived(), kw("shape"),
                                  "shape without the batch, channels last for images (H, W, C)"),
                           pEnum("dtype", "float32", {"float32", "int64"}, derived(), kw("dtype"),
                                 "float32 for data, int64 for token ids"),
                           pEnum("layout", "auto", {"auto", "channels_last", "plain"}, derived(), derived(),
                                 "auto: 3+ axes are images/volumes (PyTorch gets N,C,H,W), fewer are features or sequences")})
                  .rules(rules::input)
                  .words({"data", "placeholder", "image", "tensor"})
                  .s);
  t.push_back(L("Linear", "Linear / Dense", "Core", Family::Linear, "fully connected layer on the last axis")
                  .classes("nn.Linear", "layers.Dense")
                  .layout(TorchLayout::ChannelsLast)
                  .torchExtra({"in_features"})
                  .params({withAliases(pInt("out_features", 64, 1, 1048576, kw("out_features"), kw("units"),
                                            "number of output features"),
                                       {"units"}),
                           biasParam()})
                  .rules(rules::linear, rules::linearCount)
                  .words({"dense", "fully connected", "fc", "mlp"})
                  .alias({"Dense"})
                  .s);
  t.push_back(L("Identity", "Identity", "Core", Family::Identity, "passes its input through unchanged")
                  .classes("nn.Identity", "layers.Activation")
                  .accepts(InputKind::Any)
                  .rules(rules::same)
                  .words({"passthrough", "noop"})
                  .s);
  t.push_back(L("Flatten", "Flatten", "Reshape", Family::Flatten, "flattens everything but the batch")
                  .classes("nn.Flatten", "layers.Flatten")
                  .layout(TorchLayout::Flatten)
                  .accepts(InputKind::Any)
                  .rules(rules::flatten)
                  .s);
  t.push_back(L("Reshape", "Reshape", "Reshape", Family::Reshape, "new shape, batch excluded; one entry may be -1")
                  .classes("Tensor.reshape", "layers.Reshape")
                  .layout(TorchLayout::ChannelsLast)
                  .accepts(InputKind::Any)
                  .param(withAliases(pTuple("shape", {-1}, 1, 6, -1, 1000000000, kw("shape"), kw("target_shape"),
                                            "target shape without the batch, channels last"),
                                     {"target_shape"}))
                  .rules(rules::reshape)
                  .words({"view"})
                  .s);
  t.push_back(L("Permute", "Permute", "Reshape", Family::Permute, "reorders axes; 1 is the first axis after the batch")
                  .classes("Tensor.permute", "layers.Permute")
                  .layout(TorchLayout::ChannelsLast)
                  .accepts(InputKind::Any)
                  .param(pTuple("dims", {2, 1}, 1, 6, 1, 6, kw("dims"), kw("dims"), "new order of the axes, batch excluded"))
                  .rules(rules::permute)
                  .words({"transpose"})
                  .s);
  t.push_back(L("Squeeze", "Squeeze", "Reshape", Family::Squeeze, "removes an axis of size 1")
                  .only(kTorchOnly)
                  .classes("Tensor.squeeze", "")
                  .layout(TorchLayout::ChannelsLast)
                  .accepts(InputKind::Any)
                  .param(withAliases(pInt("dim", -1, -7, 7, kw("dim"), unsupported(), "axis to remove (0 is the batch)"),
                                     {"axis"}))
                  .rules(rules::squeeze)
                  .s);
  t.push_back(L("Unsqueeze", "Unsqueeze", "Reshape", Family::Unsqueeze, "inserts an axis of size 1")
                  .only(kTorchOnly)
                  .classes("Tensor.unsqueeze", "")
                  .layout(TorchLayout::ChannelsLast)
                  .accepts(InputKind::Any)
                  .param(withAliases(pInt("dim", -1, -7, 7, kw("dim"), unsupported(), "position of the new axis (0 is the batch)"),
                                     {"axis"}))
                  .rules(rules::unsqueeze)
                  .words({"expand dims"})
                  .s);
  t.push_back(L("Embedding", "Embedding", "Core", Family::Embedding, "looks up a learned vector for each integer id")
                  .classes("nn.Embedding", "layers.Embedding")
                  .layout(TorchLayout::ChannelsLast)
                  .accepts(InputKind::Int)
                  .params({withAliases(pInt("num_embeddings", 1000, 1, 100000000, kw("num_embeddings"), kw("input_dim"),
                                            "vocabulary size"),
                                       {"input_dim"}),
                           withAliases(pInt("embedding_dim", 64, 1, 1048576, kw("embedding_dim"), kw("output_dim"),
                                            "size of each vector"),
                                       {"output_dim"})})
                  .rules(rules::embedding, rules::embeddingCount)
                  .words({"token", "lookup", "word"})
                  .s);
}

// [SECTION] Convolution

void addConvolution(std::vector<LayerSpec>& t) {
  for (int r = 1; r <= 3; ++r) {
    std::vector<ParamSpec> ps = {outChannels(32)};
    for (auto& p : windowParams(r, 3)) ps.push_back(std::move(p));
    ps.push_back(pInt("groups", 1, 1, 65536, kw("groups"), kw("groups"), "split channels into independent groups"));
    ps.push_back(biasParam());
    t.push_back(L("Conv" + dimName(r), "Conv " + dimNameUpper(r), "Convolution", Family::Conv,
                  "convolution over " + std::to_string(r) + " spatial axis" + (r > 1 ? "es" : ""))
                    .rank(r)
                    .classes("nn.Conv" + dimName(r), "layers.Conv" + dimNameUpper(r))
                    .layout(TorchLayout::ChannelsFirst)
                    .torchExtra({"in_channels"})
                    .params(std::move(ps))
                    .rules(rules::conv, rules::convCount)
                    .words({"convolution", "filter", "cnn"})
                    .alias({"Conv" + dimNameUpper(r), "Convolution" + dimNameUpper(r)})
                    .s);
  }
  for (int r = 1; r <= 3; ++r) {
    std::vector<ParamSpec> ps = {outChannels(32), kernelParam(r, 3), strideParam(r)};
    for (auto& p : convPadding(r)) ps.push_back(std::move(p));
    ps.push_back(pTuple("output_padding", fill(r, 0), r, r, 0, 255, kw("output_padding"), kw("output_padding"),
                        "extra size added to one side of the output (smaller than the stride)"));
    ps.push_back(dilationParam(r));
    ps.push_back(biasParam());
    t.push_back(L("ConvTranspose" + dimName(r), "Transposed Conv " + dimNameUpper(r), "Convolution",
                  Family::ConvTranspose, "learned upsampling (fractionally strided convolution)")
                    .rank(r)
                    .classes("nn.ConvTranspose" + dimName(r), "layers.Conv" + dimNameUpper(r) + "Transpose")
                    .layout(TorchLayout::ChannelsFirst)
                    .torchExtra({"in_channels"})
                    .params(std::move(ps))
                    .rules(rules::convTranspose, rules::convCount)
                    .words({"deconvolution", "deconv", "upconv", "transposed"})
                    .alias({"Conv" + dimNameUpper(r) + "Transpose"})
                    .s);
  }
  {
    std::vector<ParamSpec> ps = {pInt("depth_multiplier", 1, 1, 1024, derived(), kw("depth_multiplier"),
                                      "output channels per input channel")};
    for (auto& p : windowParams(2, 3)) ps.push_back(std::move(p));
    ps.push_back(biasParam());
    t.push_back(L("DepthwiseConv2d", "Depthwise Conv 2D", "Convolution", Family::DepthwiseConv,
                  "one filter per input channel (groups = channels)")
                    .rank(2)
                    .classes("nn.Conv2d", "layers.DepthwiseConv2D")
                    .layout(TorchLayout::ChannelsFirst)
                    .torchExtra({"in_channels", "out_channels", "groups"})
                    .params(std::move(ps))
                    .rules(rules::conv, rules::convCount)
                    .words({"depthwise", "mobilenet"})
                    .alias({"DepthwiseConv2D"})
                    .s);
  }
  for (int r = 1; r <= 2; ++r) {
    std::vector<ParamSpec> ps = {outChannels(32),
                                 pInt("depth_multiplier", 1, 1, 1024, derived(), kw("depth_multiplier"),
                                      "depthwise output channels per input channel")};
    for (auto& p : windowParams(r, 3)) ps.push_back(std::move(p));
    ps.push_back(biasParam());
    t.push_back(L("SeparableConv" + dimName(r), "Separable Conv " + dimNameUpper(r), "Convolution",
                  Family::SeparableConv, "depthwise convolution followed by a 1x1 pointwise convolution")
                    .rank(r)
                    .classes("nn.Conv" + dimName(r) + " x2", "layers.SeparableConv" + dimNameUpper(r))
                    .layout(TorchLayout::ChannelsFirst)
                    .torchExtra({"in_channels", "out_channels", "groups", "bias"})
                    .params(std::move(ps))
                    .rules(rules::conv, rules::convCount)
                    .words({"separable", "xception", "depthwise"})
                    .alias({"SeparableConv" + dimNameUpper(r)})
                    .s);
  }
}

// [SECTION] Pooling

void addPooling(std::vector<LayerSpec>& t) {
  for (const char* kind : {"Max", "Avg"}) {
    const bool is_max = kind[0] == 'M';
    for (int r = 1; r <= 3; ++r) {
      t.push_back(L(std::string(kind) + "Pool" + dimName(r), std::string(is_max ? "Max" : "Average") + " Pool " + dimNameUpper(r),
                    "Pooling", Family::Pool, std::string(is_max ? "maximum" : "mean") + " over sliding windows")
                      .rank(r)
                      .op(is_max ? "max" : "avg")
                      .classes(std::string("nn.") + kind + "Pool" + dimName(r),
                               std::string("layers.") + (is_max ? "MaxPooling" : "AveragePooling") + dimNameUpper(r))
                      .layout(TorchLayout::ChannelsFirst)
                      .params({withAliases(pTuple("kernel_size", fill(r, 2), r, r, 1, 255, kw("kernel_size"),
                                                  kw("pool_size"), "window size"),
                                           {"pool_size"}),
                               withAliases(pTuple("stride", fill(r, 0), r, r, 0, 255, kw("stride"), kw("strides"),
                                                  "step; 0 means equal to the window size"),
                                           {"strides"}),
                               pEnum("padding", "valid", {"valid", "same"}, derived(), kw("padding"),
                                     "valid: no padding; same: output = ceil(input / stride)"),
                               pBool("ceil_mode", false, derived(), unsupported(),
                                     "with padding valid: a last, partial window counts (output rounds up)")})
                      .torchExtra({"padding", "ceil_mode", "count_include_pad"})
                      .rules(rules::pool)
                      .words({"pooling", "downsample", "subsample"})
                      .alias({std::string(is_max ? "MaxPooling" : "AveragePooling") + dimNameUpper(r)})
                      .s);
    }
  }
  for (const char* kind : {"Avg", "Max"}) {
    const bool is_max = kind[0] == 'M';
    for (int r = 1; r <= 3; ++r) {
      t.push_back(L(std::string("Adaptive") + kind + "Pool" + dimName(r),
                    std::string("Adaptive ") + (is_max ? "Max" : "Avg") + " Pool " + dimNameUpper(r), "Pooling",
                    Family::AdaptivePool, "pools to a fixed output size whatever the input size")
                      .rank(r)
                      .op(is_max ? "max" : "avg")
                      .only(kTorchOnly)
                      .classes(std::string("nn.Adaptive") + kind + "Pool" + dimName(r), "")
                      .layout(TorchLayout::ChannelsFirst)
                      .param(pTuple("output_size", fill(r, 1), r, r, 1, 4096, kw("output_size"), unsupported(),
                                    "output size of each spatial axis"))
                      .rules(rules::adaptivePool)
                      .words({"adaptive", "pooling"})
                      .s);
    }
  }
  for (const char* kind : {"Avg", "Max"}) {
    const bool is_max = kind[0] == 'M';
    for (int r = 1; r <= 3; ++r) {
      const std::string keras_name = std::string("layers.Global") + (is_max ? "Max" : "Average") + "Pooling" + dimNameUpper(r);
      t.push_back(L(std::string("Global") + kind + "Pool" + dimName(r),
                    std::string("Global ") + (is_max ? "Max" : "Avg") + " Pool " + dimNameUpper(r), "Pooling",
                    Family::GlobalPool, "one value per channel (output C)")
                      .rank(r)
                      .op(is_max ? "max" : "avg")
                      .classes(std::string("nn.Adaptive") + kind + "Pool" + dimName(r) + "(1) + flatten", keras_name)
                      .layout(TorchLayout::ChannelsFirst)
                      .rules(rules::globalPool)
                      .words({"global", "pooling", "gap"})
                      .alias({keras_name.substr(7)})
                      .s);
    }
  }
}

// [SECTION] Normalisation

void addNormalisation(std::vector<LayerSpec>& t) {
  for (int r = 1; r <= 3; ++r) {
    t.push_back(L("BatchNorm" + dimName(r), "Batch Norm " + dimNameUpper(r), "Normalization", Family::BatchNorm,
                  "normalises each channel over the batch; keeps running statistics")
                    .rank(r)
                    .classes("nn.BatchNorm" + dimName(r), "layers.BatchNormalization")
                    .layout(TorchLayout::ChannelsFirst)
                    .torchExtra({"num_features"})
                    .kerasExtra({"momentum", "center", "scale"})
                    .params({epsParam(1e-3),
                             pFloat("momentum", 0.1, 0.0, 1.0, kw("momentum"), derived(),
                                    "PyTorch convention: weight of the new batch (Keras uses 1 - momentum)"),
                             affineParam(true, kw("affine"))})
                    .rules(rules::channelsNorm, rules::batchNormCount)
                    .words({"batch normalization", "bn"})
                    .s);
  }
  t.push_back(L("LayerNorm", "Layer Norm", "Normalization", Family::LayerNorm, "normalises over the last axis")
                  .classes("nn.LayerNorm", "layers.LayerNormalization")
                  .layout(TorchLayout::ChannelsLast)
                  .torchExtra({"normalized_shape"})
                  .kerasExtra({"center", "scale"})
                  .params({epsParam(1e-3), affineParam(true, kw("elementwise_affine"))})
                  .rules(rules::channelsNorm, rules::affineNormCount)
                  .words({"layer normalization", "ln"})
                  .alias({"LayerNormalization"})
                  .s);
  t.push_back(L("GroupNorm", "Group Norm", "Normalization", Family::GroupNorm,
                "normalises groups of channels (Keras: TensorFlow 2.11 or newer)")
                  .classes("nn.GroupNorm", "layers.GroupNormalization")
                  .layout(TorchLayout::ChannelsFirst)
                  .torchExtra({"num_channels"})
                  .kerasExtra({"center", "scale"})
                  .params({withAliases(pInt("num_groups", 8, 1, 65536, kw("num_groups"), kw("groups", int64_t{32}),
                                            "number of channel groups"),
                                       {"groups"}),
                           epsParam(1e-3), affineParam(true, kw("affine"))})
                  .rules(rules::channelsNorm, rules::affineNormCount)
                  .words({"group normalization", "gn"})
                  .alias({"GroupNormalization"})
                  .s);
  for (int r = 1; r <= 3; ++r) {
    t.push_back(L("InstanceNorm" + dimName(r), "Instance Norm " + dimNameUpper(r), "Normalization",
                  Family::InstanceNorm, "normalises each channel of each sample")
                    .rank(r)
                    .only(kTorchOnly)
                    .classes("nn.InstanceNorm" + dimName(r), "")
                    .layout(TorchLayout::ChannelsFirst)
                    .torchExtra({"num_features"})
                    .params({pFloat("eps", 1e-5, 1e-12, 1.0, kw("eps"), unsupported(), "added to the variance"),
                             pBool("affine", false, kw("affine"), unsupported(), "learn a scale and a shift per channel")})
                    .rules(rules::channelsNorm, rules::affineNormCount)
                    .words({"instance normalization", "style"})
                    .s);
  }
}

// [SECTION] Dropout and noise

void addDropout(std::vector<LayerSpec>& t) {
  t.push_back(L("Dropout", "Dropout", "Dropout", Family::Dropout, "zeroes random elements while training")
                  .classes("nn.Dropout", "layers.Dropout")
                  .param(dropoutRate(0.5))
                  .rules(rules::same)
                  .words({"regularization"})
                  .s);
  for (int r = 1; r <= 3; ++r) {
    t.push_back(L("Dropout" + dimName(r), "Spatial Dropout " + dimNameUpper(r), "Dropout", Family::SpatialDropout,
                  "zeroes whole channels while training")
                    .rank(r)
                    .classes("nn.Dropout" + dimName(r), "layers.SpatialDropout" + dimNameUpper(r))
                    .layout(TorchLayout::ChannelsFirst)
                    .param(dropoutRate(0.5))
                    .rules(rules::spatialSame)
                    .words({"spatial dropout", "channel dropout"})
                    .alias({"SpatialDropout" + dimNameUpper(r)})
                    .s);
  }
  t.push_back(L("AlphaDropout", "Alpha Dropout", "Dropout", Family::Dropout, "dropout that keeps SELU statistics")
                  .op("alpha")
                  .classes("nn.AlphaDropout", "layers.AlphaDropout")
                  .param(dropoutRate(0.5))
                  .rules(rules::same)
                  .s);
  t.push_back(L("GaussianNoise", "Gaussian Noise", "Dropout", Family::Dropout, "adds zero-mean noise while training")
                  .op("gaussian_noise")
                  .only(kKerasOnly)
                  .classes("", "layers.GaussianNoise")
                  .param(pFloat("stddev", 0.1, 0.0, 100.0, unsupported(), kw("stddev"), "noise standard deviation"))
                  .rules(rules::same)
                  .words({"noise", "augmentation"})
                  .s);
  t.push_back(L("GaussianDropout", "Gaussian Dropout", "Dropout", Family::Dropout,
                "multiplies by 1-centred Gaussian noise while training")
                  .op("gaussian_dropout")
                  .only(kKerasOnly)
                  .classes("", "layers.GaussianDropout")
                  .param(pFloat("rate", 0.1, 0.0, 0.99, unsupported(), kw("rate"), "drop probability"))
                  .rules(rules::same)
                  .words({"noise"})
                  .s);
}

// [SECTION] Activations

// An element-wise activation: `kerasActivation` names the string for layers.Activation
// when kerasClass is "layers.Activation".
L activation(std::string type, std::string label, std::string help, uint8_t frameworks, std::string torch_class,
             std::string kerasClass, std::string kerasActivation) {
  L l(std::move(type), std::move(label), "Activation", Family::Activation, std::move(help));
  l.only(frameworks).classes(std::move(torch_class), std::move(kerasClass)).op(std::move(kerasActivation)).rules(rules::same);
  return l;
}

void addActivations(std::vector<LayerSpec>& t) {
  t.push_back(activation("ReLU", "ReLU", "max(0, x)", kAllFrameworks, "nn.ReLU", "layers.ReLU", "").words({"rectifier"}).s);
  t.push_back(activation("LeakyReLU", "Leaky ReLU", "x, or negative_slope * x below 0", kAllFrameworks, "nn.LeakyReLU",
                         "layers.LeakyReLU", "")
                  .param(withAliases(pFloat("negative_slope", 0.01, 0.0, 1000.0, kw("negative_slope"),
                                            kw("alpha", 0.3), "slope below zero"),
                                     {"alpha"}))
                  .s);
  t.push_back(L("PReLU", "PReLU", "Activation", Family::PReLU, "leaky ReLU with a learned slope")
                  .classes("nn.PReLU", "layers.PReLU")
                  .torchExtra({"num_parameters"})
                  .kerasExtra({"shared_axes"})
                  .param(pBool("per_channel", false, derived(), derived(), "one slope per channel instead of one in all"))
                  .rules(rules::same, rules::preluCount)
                  .s);
  t.push_back(activation("ELU", "ELU", "exponential linear unit", kAllFrameworks, "nn.ELU", "layers.ELU", "")
                  .param(pFloat("alpha", 1.0, 0.0, 100.0, kw("alpha"), kw("alpha"), "value reached for large negative x"))
                  .s);
  t.push_back(activation("GELU", "GELU", "Gaussian error linear unit", kAllFrameworks, "nn.GELU", "layers.Activation", "gelu")
                  .param(pEnum("approximate", "none", {"none", "tanh"}, kw("approximate"), unsupported(),
                               "tanh: the faster approximation"))
                  .s);
  t.push_back(activation("SiLU", "SiLU / Swish", "x * sigmoid(x)", kAllFrameworks, "nn.SiLU", "layers.Activation", "swish")
                  .words({"swish"})
                  .alias({"Swish"})
                  .s);
  t.push_back(activation("Sigmoid", "Sigmoid", "1 / (1 + exp(-x))", kAllFrameworks, "nn.Sigmoid", "layers.Activation", "sigmoid")
                  .words({"logistic"})
                  .s);
  t.push_back(activation("Tanh", "Tanh", "hyperbolic tangent", kAllFrameworks, "nn.Tanh", "layers.Activation", "tanh").s);
  t.push_back(L("Softmax", "Softmax", "Activation", Family::Softmax, "normalised exponentials along an axis")
                  .classes("nn.Softmax", "layers.Softmax")
                  .torchExtra({"dim"})
                  .param(axisParam(-1, "axis to normalise (0 is the batch, -1 the last)"))
                  .rules(rules::axisSame)
                  .words({"probabilities", "classifier"})
                  .s);
  t.push_back(L("LogSoftmax", "Log Softmax", "Activation", Family::Softmax, "log of softmax along an axis")
                  .op("log")
                  .only(kTorchOnly)
                  .classes("nn.LogSoftmax", "")
                  .torchExtra({"dim"})
                  .param(axisParam(-1, "axis to normalise (0 is the batch, -1 the last)"))
                  .rules(rules::axisSame)
                  .s);
  t.push_back(activation("Hardswish", "Hard Swish", "x * relu6(x + 3) / 6", kTorchOnly, "nn.Hardswish", "", "")
                  .words({"mobilenet"})
                  .s);
  t.push_back(activation("Hardsigmoid", "Hard Sigmoid", "relu6(x + 3) / 6", kTorchOnly, "nn.Hardsigmoid", "", "").s);
  t.push_back(activation("Softplus", "Softplus", "log(1 + exp(beta * x)) / beta", kAllFrameworks, "nn.Softplus",
                         "layers.Activation", "softplus")
                  .param(pFloat("beta", 1.0, 0.001, 1000.0, kw("beta"), unsupported(), "sharpness"))
                  .s);
  t.push_back(activation("Softsign", "Softsign", "x / (1 + |x|)", kAllFrameworks, "nn.Softsign", "layers.Activation", "softsign").s);
  t.push_back(activation("SELU", "SELU", "scaled ELU (self-normalising)", kAllFrameworks, "nn.SELU", "layers.Activation", "selu").s);
  t.push_back(activation("Mish", "Mish", "x * tanh(softplus(x))", kTorchOnly, "nn.Mish", "", "").s);
  t.push_back(activation("ReLU6", "ReLU6", "min(max(0, x), 6)", kAllFrameworks, "nn.ReLU6", "layers.ReLU", "relu6")
                  .kerasExtra({"max_value"})
                  .s);
  t.push_back(activation("Hardtanh", "Hard Tanh", "x clipped to [min_val, max_val]", kTorchOnly, "nn.Hardtanh", "", "")
                  .params({pFloat("min_val", -1.0, -1e6, 1e6, kw("min_val"), unsupported(), "lower bound"),
                           pFloat("max_val", 1.0, -1e6, 1e6, kw("max_val"), unsupported(), "upper bound")})
                  .words({"clip"})
                  .s);
  t.push_back(activation("CELU", "CELU", "continuously differentiable ELU", kTorchOnly, "nn.CELU", "", "")
                  .param(pFloat("alpha", 1.0, 0.001, 100.0, kw("alpha"), unsupported(), "scale of the negative part"))
                  .s);
}

// [SECTION] Recurrent and attention

void addSequence(std::vector<LayerSpec>& t) {
  struct Rnn {
    const char* type;
    const char* label;
    const char* op;
    const char* keras;
    const char* help;
  };
  for (const Rnn& k : {Rnn{"RNN", "Simple RNN", "rnn", "layers.SimpleRNN", "Elman recurrent layer"},
                       Rnn{"LSTM", "LSTM", "lstm", "layers.LSTM", "long short-term memory"},
                       Rnn{"GRU", "GRU", "gru", "layers.GRU", "gated recurrent unit"}}) {
    L l(k.type, k.label, "Recurrent", Family::Recurrent,
        std::string(k.help) + " over a T x F sequence; returns the last step or every step");
    l.op(k.op)
        .classes(std::string("nn.") + k.type, k.keras)
        .layout(TorchLayout::ChannelsLast)
        .torchExtra({"input_size", "batch_first"})
        .params({withAliases(pInt("hidden_size", 128, 1, 65536, kw("hidden_size"), kw("units"), "features per step and direction"),
                             {"units"}),
                 pInt("num_layers", 1, 1, 16, kw("num_layers"), derived(), "stacked layers (Keras: one layer each)"),
                 pBool("bidirectional", false, kw("bidirectional"), derived(),
                       "also run backwards and concatenate (Keras: Bidirectional wrapper)"),
                 pBool("return_sequences", false, derived(), kw("return_sequences"),
                       "output every step (T x H) instead of the last one (H)"),
                 biasParam()})
        .rules(rules::recurrent, rules::recurrentCount)
        .words({"recurrent", "sequence", "time series", "rnn"});
    if (std::string(k.op) == "rnn") {
      l.param(pEnum("nonlinearity", "tanh", {"tanh", "relu"}, kw("nonlinearity"), kw("activation"), "cell activation"));
      l.alias({"SimpleRNN"});
    }
    t.push_back(l.s);
  }
  t.push_back(L("MultiheadAttention", "Multi-Head Attention", "Attention", Family::MultiHeadAttention,
                "scaled dot-product attention; one input = self-attention, else query, key[, value]")
                  .classes("nn.MultiheadAttention", "layers.MultiHeadAttention")
                  .inputs(1, 3)
                  .ports({"query", "key", "value"})
                  .layout(TorchLayout::ChannelsLast)
                  .torchExtra({"embed_dim", "kdim", "vdim", "batch_first"})
                  .kerasExtra({"key_dim"})
                  .params({pInt("num_heads", 4, 1, 1024, kw("num_heads"), kw("num_heads"), "attention heads"),
                           withAliases(pFloat("dropout", 0.0, 0.0, 1.0, kw("dropout"), kw("dropout"),
                                              "dropout on the attention weights"),
                                       {"rate"}),
                           biasParam()})
                  .rules(rules::multiHeadAttention, rules::multiHeadAttentionCount)
                  .words({"attention", "transformer", "self-attention", "mha"})
                  .alias({"MultiHeadAttention"})
                  .s);
  // Keras has no transformer layers: its code defines a helper function from standard
  // layers (MultiHeadAttention, Dense, LayerNormalization...) computing the same block
  // with the same parameter count; the parameters become the helper's arguments.
  auto transformerParams = [] {
    return std::vector<ParamSpec>{
        pInt("nhead", 4, 1, 1024, kw("nhead"), derived(), "attention heads"),
        pInt("dim_feedforward", 2048, 1, 262144, kw("dim_feedforward"), derived(), "hidden size of the feed-forward block"),
        pFloat("dropout", 0.1, 0.0, 1.0, kw("dropout"), derived(), "dropout inside the block"),
        pEnum("activation", "relu", {"relu", "gelu"}, kw("activation"), derived(), "feed-forward activation"),
        pFloat("layer_norm_eps", 1e-5, 1e-12, 1.0, kw("layer_norm_eps"), derived(), "LayerNorm epsilon"),
        pBool("norm_first", false, kw("norm_first"), derived(), "pre-norm (LayerNorm before each block)")};
  };
  t.push_back(L("TransformerEncoderLayer", "Transformer Encoder Layer", "Attention", Family::TransformerEncoder,
                "self-attention + feed-forward block with residuals and LayerNorm")
                  .classes("nn.TransformerEncoderLayer", "transformer_encoder_layer()")
                  .layout(TorchLayout::ChannelsLast)
                  .torchExtra({"d_model", "batch_first"})
                  .params(transformerParams())
                  .rules(rules::transformerEncoder, rules::transformerEncoderCount)
                  .words({"transformer", "encoder", "bert"})
                  .s);
  t.push_back(L("TransformerDecoderLayer", "Transformer Decoder Layer", "Attention", Family::TransformerDecoder,
                "self-attention, cross-attention to memory, feed-forward")
                  .classes("nn.TransformerDecoderLayer", "transformer_decoder_layer()")
                  .inputs(2, 2)
                  .ports({"target", "memory"})
                  .layout(TorchLayout::ChannelsLast)
                  .torchExtra({"d_model", "batch_first"})
                  .params(transformerParams())
                  .rules(rules::transformerDecoder, rules::transformerDecoderCount)
                  .words({"transformer", "decoder", "cross attention"})
                  .s);
}

// [SECTION] Merge

void addMerge(std::vector<LayerSpec>& t) {
  struct M {
    const char* type;
    const char* op;
    const char* torch;
    const char* help;
    int max_inputs;
  };
  for (const M& m : {M{"Add", "add", "+", "element-wise sum (residual connections)", -1},
                     M{"Subtract", "subtract", "-", "first input minus the second", 2},
                     M{"Multiply", "multiply", "*", "element-wise product (gating)", -1},
                     M{"Average", "average", "mean", "element-wise mean", -1},
                     M{"Maximum", "maximum", "torch.maximum", "element-wise maximum", -1},
                     M{"Minimum", "minimum", "torch.minimum", "element-wise minimum", -1}}) {
    t.push_back(L(m.type, m.type, "Merge", Family::Merge, std::string(m.help) + "; inputs must have equal shapes")
                    .op(m.op)
                    .classes(m.torch, std::string("layers.") + m.type)
                    .inputs(2, m.max_inputs)
                    .accepts(InputKind::Any)
                    .rules(rules::merge)
                    .words({"merge", "combine", "skip", "residual"})
                    .s);
  }
  t.push_back(L("Concatenate", "Concatenate", "Merge", Family::Concatenate,
                "joins inputs along an axis (-1: channels / features)")
                  .classes("torch.cat", "layers.Concatenate")
                  .inputs(2, -1)
                  .accepts(InputKind::Any)
                  .param(axisParam(-1, "axis to join on (0 is the batch, -1 the channels)"))
                  .rules(rules::concatenate)
                  .words({"merge", "concat", "join", "skip"})
                  .alias({"Concat", "Cat"})
                  .s);
}

// [SECTION] Resampling and padding

void addResampling(std::vector<LayerSpec>& t) {
  for (int r = 1; r <= 3; ++r) {
    L l("Upsample" + dimName(r), "Upsample " + dimNameUpper(r), "Resampling", Family::Upsample,
        "repeats (nearest) or interpolates to scale each spatial axis");
    l.rank(r)
        .classes("nn.Upsample", "layers.UpSampling" + dimNameUpper(r))
        .layout(TorchLayout::ChannelsFirst)
        .torchExtra({"mode"})
        .param(withAliases(pTuple("scale_factor", fill(r, 2), r, r, 1, 64, kw("scale_factor"), kw("size"),
                                  "integer factor per spatial axis"),
                           {"size"}))
        .rules(rules::upsample)
        .words({"upsampling", "resize", "interpolate"})
        .alias({"UpSampling" + dimNameUpper(r)});
    if (r == 2) {
      l.param(pEnum("mode", "nearest", {"nearest", "bilinear"}, kw("mode"), kw("interpolation"), "interpolation"));
    }
    t.push_back(l.s);
  }
  for (int r = 1; r <= 3; ++r) {
    IntList def = fill(2 * r, 1);
    t.push_back(L("ZeroPad" + dimName(r), "Zero Padding " + dimNameUpper(r), "Resampling", Family::ZeroPad,
                  "adds zeros before and after each spatial axis")
                    .rank(r)
                    .classes(r == 2 ? "nn.ZeroPad2d" : "nn.ConstantPad" + dimName(r), "layers.ZeroPadding" + dimNameUpper(r))
                    .layout(TorchLayout::ChannelsFirst)
                    .param(pTuple("padding", def, 2 * r, 2 * r, 0, 4096, kw("padding"), kw("padding"),
                                  "zeros before, after on each spatial axis in order (H: top, bottom; W: left, right)"))
                    .rules(rules::zeroPad)
                    .words({"padding", "pad"})
                    .alias({"ZeroPadding" + dimNameUpper(r)})
                    .s);
  }
  for (int r = 1; r <= 3; ++r) {
    t.push_back(L("Cropping" + dimName(r), "Cropping " + dimNameUpper(r), "Resampling", Family::Cropping,
                  "removes positions at the start and end of each spatial axis")
                    .rank(r)
                    .classes("slicing", "layers.Cropping" + dimNameUpper(r))
                    .layout(TorchLayout::ChannelsFirst)
                    .param(pTuple("cropping", fill(2 * r, 1), 2 * r, 2 * r, 0, 100000, derived(), kw("cropping"),
                                  "positions removed before, after on each spatial axis in order"))
                    .rules(rules::cropping)
                    .words({"crop", "trim"})
                    .alias({"Cropping" + dimNameUpper(r)})
                    .s);
  }
}

// [SECTION] ONNX op

// Any ONNX node the importer matches to no layer above (onnx_op.h). PyTorch only: its
// code is the importer's translation of the op; Keras has no generic equivalent.
void addOnnxOp(std::vector<LayerSpec>& t) {
  auto text = [](std::string name, std::string def, std::string help) {
    return pEnum(std::move(name), std::move(def), {}, derived(), unsupported(), std::move(help));
  };
  t.push_back(L("OnnxOp", "ONNX op", "ONNX", Family::OnnxOp,
                "one ONNX node kept as itself, written as the equivalent torch call")
                  .only(kTorchOnly)
                  .classes("torch function", "")
                  .inputs(0, -1)
                  .layout(TorchLayout::AsStored)
                  .accepts(InputKind::Any)
                  .params({text("op_type", "Identity", "the ONNX op type (Pad, HardSigmoid, Transpose...)"),
                           text("domain", "", "the op's domain; empty for the standard ONNX ops"),
                           text("attributes", "{}", "the node's attributes as JSON: {\"axis\": {\"i\": 1}}"),
                           text("constants", "[]", "constant inputs as JSON: [{\"input\": 1, \"dtype\": \"INT64\", \"dims\": [4], \"values\": [...]}]"),
                           pTuple("output_shape", {}, 0, 8, 0, 1000000000, derived(), unsupported(),
                                  "output shape as ONNX gives it at batch 1, axis 0 included; empty: input 1's shape"),
                           pEnum("output_layout", "as_input", {"as_input", "channels_first", "plain"}, derived(),
                                 unsupported(), "channels_first: a feature map stored (C, H, W); as_input: like input 1"),
                           pInt("opset", 17, 1, 100, derived(), unsupported(), "the ONNX opset the op is read in"),
                           pEnum("output_dtype", "as_input", {"as_input", "float32", "int64"}, derived(), unsupported(),
                                 "element type of the output"),
                           text("more_outputs", "[]", "the node's outputs after the first, as JSON: "
                                "[{\"shape\": [1, 8], \"dtype\": \"int64\"}, {} (unused, no shape)]")})
                  .rules(rules::onnxOp, rules::onnxOpCount)
                  .words({"onnx", "generic", "custom", "op"})
                  .s);
}

}  // namespace

std::vector<LayerSpec> builtinLayers() {
  std::vector<LayerSpec> t;
  addCore(t);
  addConvolution(t);
  addPooling(t);
  addNormalisation(t);
  addDropout(t);
  addActivations(t);
  addSequence(t);
  addMerge(t);
  addResampling(t);
  addOnnxOp(t);
  return t;
}

}  // namespace nf::builder
