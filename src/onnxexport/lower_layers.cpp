// onnxexport/lower_layers.cpp - the layers that are one or a few ONNX ops: core,
// reshapes, convolution, pooling, normalisation, dropout, activations, merges,
// resampling. Recurrent and attention layers are in lower_sequence.cpp.
//
// Index of this file
//   [SECTION] Shared helpers
//   [SECTION] Convolution and pooling
//   [SECTION] Normalisation
//   [SECTION] Activations
//   [SECTION] Merges and resampling
//   [SECTION] Dispatch
#include <cmath>
#include <set>

#include "base/checked.h"
#include "builder/onnx_op.h"
#include "builder/rules.h"
#include "onnxexport/lower.h"

namespace nf::onnxexport::detail {

using builder::Family;
using builder::IntList;

// [SECTION] Shared helpers

std::string moveChannels(GraphWriter& w, const std::string& x, int rank, bool to_channels_first,
                         const std::string& scope) {
  const int64_t total = rank + 1;
  IntList perm = {0};
  if (to_channels_first) {
    perm.push_back(total - 1);
    for (int64_t a = 1; a < total - 1; ++a) perm.push_back(a);
  } else {
    for (int64_t a = 2; a < total; ++a) perm.push_back(a);
    perm.push_back(1);
  }
  return w.op("Transpose", {x}, scope).ints("perm", perm).out();
}

std::string LayerCtx::arg(int port) {
  const builder::TensorInfo& t = in(port);
  std::optional<bool> want;
  if (spec.family == Family::PReLU && pb("per_channel")) {
    want = true;
  } else {
    switch (spec.layout) {
      case builder::TorchLayout::ChannelsFirst: want = true; break;
      case builder::TorchLayout::ChannelsLast: want = false; break;
      case builder::TorchLayout::Keep:
        if (port != 0) want = in(0).channels_first;
        break;
      case builder::TorchLayout::Flatten: break;
      case builder::TorchLayout::AsStored: break;
    }
  }
  const std::string& x = inputs[static_cast<size_t>(port)];
  if (t.rank() < 2 || !want || *want == t.channels_first) return x;
  return moveChannels(w, x, t.rank(), *want, scope);
}

std::string linear(GraphWriter& w, const std::string& x, int x_rank, int64_t in_features, int64_t out_features,
                   bool bias, const std::string& name, const std::string& scope) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(in_features));  // kaiming_uniform(a=sqrt(5))
  if (x_rank == 2) {  // [N, F]: Gemm with the weight as PyTorch stores it, as torch.onnx writes it
    const std::string wt = w.param(name + ".weight", {out_features, in_features}, Fill::uniform(bound));
    std::vector<std::string> ins = {x, wt};
    if (bias) ins.push_back(w.param(name + ".bias", {out_features}, Fill::uniform(bound)));
    return w.op("Gemm", ins, scope).i("transB", 1).out();
  }
  const std::string wt = w.param(name + ".weight", {in_features, out_features}, Fill::uniform(bound));
  std::string y = w.op("MatMul", {x, wt}, scope).out();
  if (bias) y = w.op("Add", {y, w.param(name + ".bias", {out_features}, Fill::uniform(bound))}, scope).out();
  return y;
}

std::string gelu(GraphWriter& w, const std::string& x, const std::string& s, bool tanh_approximation) {
  // Opset 17 has no Gelu: the formula torch.onnx writes.
  const std::string half = w.op("Mul", {x, w.constScalar(s, 0.5f)}, s).out();
  std::string inner;
  if (tanh_approximation) {
    const std::string cube = w.op("Mul", {w.op("Mul", {x, x}, s).out(), x}, s).out();
    const std::string sum = w.op("Add", {x, w.op("Mul", {cube, w.constScalar(s, 0.044715f)}, s).out()}, s).out();
    inner = w.op("Tanh", {w.op("Mul", {sum, w.constScalar(s, 0.7978845608028654f)}, s).out()}, s).out();
  } else {
    inner = w.op("Erf", {w.op("Div", {x, w.constScalar(s, 1.4142135623730951f)}, s).out()}, s).out();
  }
  return w.op("Mul", {half, w.op("Add", {inner, w.constScalar(s, 1.0f)}, s).out()}, s).out();
}

namespace {

IntList concat(IntList a, const IntList& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

int64_t product(const IntList& v) {
  int64_t p = 1;
  for (int64_t x : v) p = satMul(p, x);
  return p;
}

// [SECTION] Convolution and pooling

// ONNX pads [begin..., end...] of a convolution-like layer: none, custom (symmetric)
// or Keras 'same' (more zeros after when odd, which ONNX says directly).
IntList convPads(const LayerCtx& c) {
  const int r = c.spec.rank;
  const std::string& mode = c.pe("padding");
  IntList begin(r, 0), end(r, 0);
  if (mode == "custom" && c.node.params.count("padding_size")) {
    begin = c.pt("padding_size");
    end = begin;
  } else if (mode == "same") {
    const IntList& k = c.pt("kernel_size");
    const IntList s = c.spec.family == Family::Pool ? builder::rules::poolStride(k, c.pt("stride")) : c.pt("stride");
    const bool has_dilation = c.node.params.count("dilation") > 0;
    for (int a = 0; a < r; ++a) {
      auto ap = builder::rules::samePadding(c.in().dims[a], k[a], s[a], has_dilation ? c.pt("dilation")[a] : 1);
      begin[a] = ap.before;
      end[a] = ap.after;
    }
  }
  return concat(begin, end);
}

std::string conv(LayerCtx& c) {
  const int r = c.spec.rank;
  const int64_t in_c = c.in().dims[r];
  const IntList& k = c.pt("kernel_size");
  const std::string x = c.arg(0);
  auto convOp = [&](const std::string& input, const std::string& name, int64_t cin, int64_t cout, int64_t groups,
                    bool bias, const IntList& kernel, bool pointwise) {
    const int64_t fan_in = satMul(cin / groups, product(kernel));
    const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
    std::vector<std::string> ins = {input, c.w.param(name + ".weight", concat({cout, cin / groups}, kernel),
                                                     Fill::uniform(bound))};
    if (bias) ins.push_back(c.w.param(name + ".bias", {cout}, Fill::uniform(bound)));
    OpRef op = c.w.op("Conv", ins, c.scope);
    op.ints("kernel_shape", kernel).i("group", groups);
    if (!pointwise) op.ints("strides", c.pt("stride")).ints("dilations", c.pt("dilation")).ints("pads", convPads(c));
    return op.out();
  };
  switch (c.spec.family) {
    case Family::Conv:
      return convOp(x, c.scope, in_c, c.pi("out_channels"), c.pi("groups"), c.pb("bias"), k, false);
    case Family::DepthwiseConv:
      return convOp(x, c.scope, in_c, in_c * c.pi("depth_multiplier"), in_c, c.pb("bias"), k, false);
    case Family::SeparableConv: {
      const int64_t mid = in_c * c.pi("depth_multiplier");
      const std::string d = convOp(x, c.scope + ".depthwise", in_c, mid, in_c, false, k, false);
      return convOp(d, c.scope + ".pointwise", mid, c.pi("out_channels"), 1, c.pb("bias"), IntList(r, 1), true);
    }
    default: break;
  }
  c.w.fail("internal: not a convolution");
  return x;
}

std::string convTranspose(LayerCtx& c) {
  const int r = c.spec.rank;
  const IntList& k = c.pt("kernel_size");
  const IntList& s = c.pt("stride");
  const IntList& d = c.pt("dilation");
  IntList pad(r, 0), out_pad = c.pt("output_padding");
  if (c.pe("padding") == "custom") pad = c.pt("padding_size");
  if (c.pe("padding") == "same") {
    for (int a = 0; a < r; ++a) {
      auto tp = builder::rules::torchSameTranspose(k[a], s[a], d[a]);
      pad[a] = tp ? tp->padding : 0;
      out_pad[a] = tp ? tp->output_padding : 0;
    }
  }
  const int64_t in_c = c.in().dims[r], out_c = c.pi("out_channels");
  // PyTorch computes the fan-in of a transposed convolution from weight.size(1) (out channels).
  const double bound = 1.0 / std::sqrt(static_cast<double>(satMul(out_c, product(k))));
  std::vector<std::string> ins = {c.arg(0), c.w.param(c.weightName("weight"), concat({in_c, out_c}, k), Fill::uniform(bound))};
  if (c.pb("bias")) ins.push_back(c.w.param(c.weightName("bias"), {out_c}, Fill::uniform(bound)));
  return c.w.op("ConvTranspose", ins, c.scope)
      .ints("kernel_shape", k)
      .ints("strides", s)
      .ints("dilations", d)
      .ints("pads", concat(pad, pad))
      .ints("output_padding", out_pad)
      .out();
}

// 'same' as the PyTorch code does it (rules::torchSamePool): symmetric padding and
// ceil_mode, which picks other windows than Keras' asymmetric padding would.
std::string pool(LayerCtx& c) {
  const int r = c.spec.rank;
  const IntList& k = c.pt("kernel_size");
  const IntList s = builder::rules::poolStride(k, c.pt("stride"));
  IntList pads(2 * r, 0);
  bool ceil_mode = c.pb("ceil_mode");
  if (c.pe("padding") == "same") {
    const IntList& in = c.in().dims;
    const IntList& out = c.out_info.dims;
    auto tp = builder::rules::torchSamePool(IntList(in.begin(), in.begin() + r), k, s, IntList(out.begin(), out.begin() + r));
    if (tp) {
      pads = concat(tp->padding, tp->padding);
      ceil_mode = tp->ceil_mode;
    } else {
      pads = convPads(c);
    }
  }
  OpRef op = c.w.op(c.spec.op == "max" ? "MaxPool" : "AveragePool", {c.arg(0)}, c.scope);
  op.ints("kernel_shape", k).ints("strides", s).ints("pads", pads);
  if (ceil_mode) op.i("ceil_mode", 1);
  return op.out();  // AveragePool's default count_include_pad=0 is the PyTorch code's count_include_pad=False
}

// Adaptive pooling: a plain pool when every output size divides the input; otherwise,
// axis by axis (a rectangle's max/mean is separable), PyTorch's bins
// [floor(j*in/out), ceil((j+1)*in/out)) as Slice + Reduce, joined with Concat.
std::string adaptivePool(LayerCtx& c) {
  const int r = c.spec.rank;
  const IntList& out = c.pt("output_size");
  std::string x = c.arg(0);
  const bool is_max = c.spec.op == "max";
  bool divisible = true;
  IntList kernel(r);
  for (int a = 0; a < r; ++a) {
    divisible = divisible && c.in().dims[a] % out[a] == 0;
    kernel[a] = c.in().dims[a] / std::max<int64_t>(out[a], 1);
  }
  if (divisible) {
    return c.w.op(is_max ? "MaxPool" : "AveragePool", {x}, c.scope).ints("kernel_shape", kernel).ints("strides", kernel).out();
  }
  for (int a = 0; a < r; ++a) {
    const int64_t in = c.in().dims[a], n = out[a];
    if (in == n) continue;
    std::vector<std::string> parts;
    for (int64_t j = 0; j < n; ++j) {
      const int64_t start = j * in / n, end = ((j + 1) * in + n - 1) / n;
      const std::string s = c.w.op("Slice", {x, c.w.constInts(c.scope, {start}), c.w.constInts(c.scope, {end}),
                                             c.w.constInts(c.scope, {2 + a})}, c.scope).out();
      parts.push_back(c.w.op(is_max ? "ReduceMax" : "ReduceMean", {s}, c.scope).ints("axes", {2 + a}).i("keepdims", 1).out());
    }
    x = parts.size() == 1 ? parts[0] : c.w.op("Concat", parts, c.scope).i("axis", 2 + a).out();
  }
  return x;
}

// [SECTION] Normalisation

// Trailing 1s so a per-channel vector broadcasts over [N, C, spatial...].
IntList perChannel(int64_t channels, int x_rank) {
  IntList d = {channels};
  for (int k = 2; k < x_rank; ++k) d.push_back(1);
  return d;
}

std::string norm(LayerCtx& c) {
  GraphWriter& w = c.w;
  const int64_t ch = c.in().dims.back();
  const bool affine = c.pb("affine");
  const double eps = c.pf("eps");
  auto scaleShift = [&](std::string* scale, std::string* shift) {
    *scale = affine ? w.param(c.weightName("weight"), {ch}, Fill::constant(1)) : w.constFilled(c.scope, {ch}, 1);
    *shift = affine ? w.param(c.weightName("bias"), {ch}, Fill::constant(0)) : w.constFilled(c.scope, {ch}, 0);
  };
  const std::string x = c.arg(0);
  std::string scale, shift;
  switch (c.spec.family) {
    case Family::BatchNorm: {
      scaleShift(&scale, &shift);
      const std::string mean = w.param(c.weightName("running_mean"), {ch}, Fill::constant(0));
      const std::string var = w.param(c.weightName("running_var"), {ch}, Fill::constant(1));
      return w.op("BatchNormalization", {x, scale, shift, mean, var}, c.scope)
          .f("epsilon", eps)
          .f("momentum", 1.0 - c.pf("momentum"))
          .out();
    }
    case Family::InstanceNorm:
      scaleShift(&scale, &shift);
      return w.op("InstanceNormalization", {x, scale, shift}, c.scope).f("epsilon", eps).out();
    case Family::LayerNorm: {
      std::vector<std::string> ins = {x, affine ? w.param(c.weightName("weight"), {ch}, Fill::constant(1))
                                                : w.constFilled(c.scope, {ch}, 1)};
      if (affine) ins.push_back(w.param(c.weightName("bias"), {ch}, Fill::constant(0)));
      return w.op("LayerNormalization", ins, c.scope).i("axis", -1).f("epsilon", eps).out();
    }
    case Family::GroupNorm: {
      // Opset 17 has no GroupNormalization: normalise [N, G, rest] with InstanceNormalization
      // (as torch.onnx does), restore the shape, then the per-channel affine.
      const int x_rank = c.in().rank() + 1;
      const int64_t groups = c.pi("num_groups");
      const std::string grouped = w.op("Reshape", {x, w.constInts(c.scope, {0, groups, -1})}, c.scope).out();
      const std::string normed = w.op("InstanceNormalization", {grouped, w.constFilled(c.scope, {groups}, 1),
                                                                w.constFilled(c.scope, {groups}, 0)}, c.scope)
                                     .f("epsilon", eps)
                                     .out();
      std::string y = w.op("Reshape", {normed, w.op("Shape", {x}, c.scope).out()}, c.scope).out();
      if (!affine) return y;
      y = w.op("Mul", {y, w.param(c.weightName("weight"), perChannel(ch, x_rank), Fill::constant(1))}, c.scope).out();
      return w.op("Add", {y, w.param(c.weightName("bias"), perChannel(ch, x_rank), Fill::constant(0))}, c.scope).out();
    }
    default: break;
  }
  w.fail("internal: not a normalisation");
  return x;
}

// [SECTION] Activations

std::string activation(LayerCtx& c) {
  GraphWriter& w = c.w;
  const std::string x = c.arg(0);
  const std::string& t = c.spec.type;
  const std::string& s = c.scope;
  auto unary = [&](const char* op) { return w.op(op, {x}, s).out(); };
  if (t == "ReLU") return unary("Relu");
  if (t == "Sigmoid") return unary("Sigmoid");
  if (t == "Tanh") return unary("Tanh");
  if (t == "Softsign") return unary("Softsign");
  if (t == "SELU") return unary("Selu");
  if (t == "Hardswish") return unary("HardSwish");
  if (t == "LeakyReLU") return w.op("LeakyRelu", {x}, s).f("alpha", c.pf("negative_slope")).out();
  if (t == "ELU") return w.op("Elu", {x}, s).f("alpha", c.pf("alpha")).out();
  if (t == "CELU") return w.op("Celu", {x}, s).f("alpha", c.pf("alpha")).out();
  if (t == "Hardsigmoid") return w.op("HardSigmoid", {x}, s).f("alpha", 1.0 / 6.0).f("beta", 0.5).out();
  if (t == "SiLU") return w.op("Mul", {x, unary("Sigmoid")}, s).out();
  if (t == "Mish") return w.op("Mul", {x, w.op("Tanh", {unary("Softplus")}, s).out()}, s).out();
  if (t == "ReLU6") return w.op("Clip", {x, w.constScalar(s, 0), w.constScalar(s, 6)}, s).out();
  if (t == "Hardtanh") {
    return w.op("Clip", {x, w.constScalar(s, static_cast<float>(c.pf("min_val"))),
                         w.constScalar(s, static_cast<float>(c.pf("max_val")))}, s).out();
  }
  if (t == "Softplus") {
    const double beta = c.pf("beta");
    if (beta == 1.0) return unary("Softplus");
    const std::string bx = w.op("Mul", {x, w.constScalar(s, static_cast<float>(beta))}, s).out();
    return w.op("Div", {w.op("Softplus", {bx}, s).out(), w.constScalar(s, static_cast<float>(beta))}, s).out();
  }
  if (t == "GELU") return gelu(w, x, s, c.pe("approximate") == "tanh");
  w.fail("layer type '" + t + "' has no ONNX form yet");
  return x;
}

std::string prelu(LayerCtx& c) {
  const std::string x = c.arg(0);
  IntList dims = {1};
  if (c.pb("per_channel") && c.in().rank() > 0) dims = perChannel(c.in().dims.back(), c.in().rank() + 1);
  return c.w.op("PRelu", {x, c.w.param(c.weightName("weight"), dims, Fill::constant(0.25))}, c.scope).out();
}

// [SECTION] Merges and resampling

std::string merge(LayerCtx& c) {
  GraphWriter& w = c.w;
  const int n = static_cast<int>(c.inputs.size());
  std::vector<std::string> xs;
  for (int k = 0; k < n; ++k) xs.push_back(c.arg(k));
  const std::string& op = c.spec.op;
  const char* binary = op == "add" || op == "average" ? "Add"
                       : op == "subtract"             ? "Sub"
                       : op == "multiply"             ? "Mul"
                       : op == "maximum"              ? "Max"
                                                      : "Min";
  std::string y = xs[0];
  for (int k = 1; k < n; ++k) y = w.op(binary, {y, xs[static_cast<size_t>(k)]}, c.scope).out();
  if (op != "average") return y;
  const std::string count = c.in().dtype == builder::DType::Int64 ? w.constInts(c.scope, {n})
                                                                  : w.constScalar(c.scope, static_cast<float>(n));
  return w.op("Div", {y, count}, c.scope).out();
}

std::string concatenate(LayerCtx& c) {
  std::vector<std::string> xs;
  for (int k = 0; k < static_cast<int>(c.inputs.size()); ++k) xs.push_back(c.arg(k));
  const int axis = *builder::rules::normalizeAxis(c.pi("axis"), c.in().rank());
  return c.w.op("Concat", xs, c.scope).i("axis", builder::rules::torchAxis(c.in(), axis)).out();
}

std::string upsample(LayerCtx& c) {
  const IntList& f = c.pt("scale_factor");
  std::vector<float> scales = {1, 1};
  for (int64_t v : f) scales.push_back(static_cast<float>(v));
  const std::string sc = c.w.constFloats(c.scope, {static_cast<int64_t>(scales.size())}, scales);
  const bool nearest = !c.node.params.count("mode") || c.pe("mode") == "nearest";
  OpRef op = c.w.op("Resize", {c.arg(0), "", sc}, c.scope);
  if (nearest) op.s("mode", "nearest").s("coordinate_transformation_mode", "asymmetric").s("nearest_mode", "floor");
  else op.s("mode", "linear").s("coordinate_transformation_mode", "pytorch_half_pixel");
  return op.out();
}

std::string zeroPad(LayerCtx& c) {
  const int r = c.spec.rank;
  const IntList& p = c.pt("padding");
  IntList begin = {0, 0}, end = {0, 0};
  for (int a = 0; a < r; ++a) {
    begin.push_back(p[static_cast<size_t>(2 * a)]);
    end.push_back(p[static_cast<size_t>(2 * a + 1)]);
  }
  return c.w.op("Pad", {c.arg(0), c.w.constInts(c.scope, concat(begin, end))}, c.scope).s("mode", "constant").out();
}

std::string cropping(LayerCtx& c) {
  const int r = c.spec.rank;
  const IntList& crop = c.pt("cropping");
  IntList starts, ends, axes;
  for (int a = 0; a < r; ++a) {
    starts.push_back(crop[static_cast<size_t>(2 * a)]);
    ends.push_back(c.in().dims[a] - crop[static_cast<size_t>(2 * a + 1)]);
    axes.push_back(2 + a);
  }
  return c.w.op("Slice", {c.arg(0), c.w.constInts(c.scope, starts), c.w.constInts(c.scope, ends),
                          c.w.constInts(c.scope, axes)}, c.scope).out();
}

// [SECTION] ONNX op

// A generic ONNX op layer is written back as itself: its activations as they are stored
// (ONNX's storage), float weights as initializers, kept constants as Constant nodes.
std::string onnxOp(LayerCtx& c) {
  GraphWriter& w = c.w;
  const std::string op_type = c.pe("op_type");
  if (!c.pe("domain").empty() && c.pe("domain") != "ai.onnx") {
    w.fail("ONNX op " + op_type + " of domain '" + c.pe("domain") + "' is not written (the export declares the standard domain only)");
    return c.inputs.empty() ? std::string() : c.inputs[0];
  }
  auto attrs = builder::parseOnnxAttrs(c.pe("attributes"));
  auto consts = builder::parseOnnxConsts(c.pe("constants"));
  auto more = builder::parseOnnxOutputs(c.pe("more_outputs"));
  if (!attrs || !consts || !more) {
    w.fail(!attrs ? attrs.error().message : !consts ? consts.error().message : more.error().message);
    return c.inputs.empty() ? std::string() : c.inputs[0];
  }
  // The export is opset 17. Pad and Clip of opsets before 11, and Split before 13, took as
  // attributes what are inputs since: moved there. The other ops that changed their inputs
  // before 13 are refused.
  const int64_t opset = c.pi("opset");
  if (opset < 13 && op_type == "Split" && consts->empty() && c.inputs.size() == 1) {
    std::vector<builder::OnnxAttr> kept;
    for (builder::OnnxAttr& a : *attrs) {
      if (a.name != "split") {
        kept.push_back(std::move(a));
        continue;
      }
      builder::OnnxConst k;
      k.literal = true;
      k.input = 1;
      k.dtype = "INT64";
      k.dims = {static_cast<int64_t>(a.ints.size())};
      k.values.assign(a.ints.begin(), a.ints.end());
      consts->push_back(k);
    }
    *attrs = std::move(kept);
  } else if (opset < 11 && (op_type == "Pad" || op_type == "Clip") && consts->empty() && c.inputs.size() == 1) {
    std::vector<builder::OnnxAttr> kept;
    auto scalar = [&](double v) {
      builder::OnnxConst k;
      k.literal = true;
      k.input = static_cast<int>(consts->size()) + 1;
      k.values = {v};
      consts->push_back(k);
    };
    double value = 0, lo = -3.4028234663852886e38, hi = 3.4028234663852886e38;
    builder::IntList pads;
    for (const builder::OnnxAttr& a : *attrs) {
      if (a.name == "pads" || a.name == "paddings") pads = a.ints;
      else if (a.name == "value") value = a.f;
      else if (a.name == "min") lo = a.f;
      else if (a.name == "max") hi = a.f;
      else kept.push_back(a);
    }
    if (op_type == "Pad") {
      builder::OnnxConst k;
      k.literal = true;
      k.input = 1;
      k.dtype = "INT64";
      k.dims = {static_cast<int64_t>(pads.size())};
      k.values.assign(pads.begin(), pads.end());
      consts->push_back(k);
      scalar(value);
    } else {
      scalar(lo);
      scalar(hi);
    }
    *attrs = std::move(kept);
  } else if (opset > 17 || opset < 13) {
    static const std::set<std::string> changed = {"Squeeze", "Unsqueeze", "Split", "ReduceSum", "Pad", "Clip", "Slice",
                                                  "Resize", "Upsample", "TopK", "Dropout"};
    if (opset > 17 || changed.count(op_type)) {
      w.fail("ONNX op " + op_type + " of opset " + std::to_string(opset) + " differs in opset 17, which the export writes");
      return c.inputs.empty() ? std::string() : c.inputs[0];
    }
  }
  std::vector<std::string> ins;
  size_t next = 0;
  for (size_t pos = 0; pos < c.inputs.size() + consts->size(); ++pos) {
    const builder::OnnxConst* k = nullptr;
    for (const builder::OnnxConst& x : *consts)
      if (static_cast<size_t>(x.input) == pos) k = &x;
    if (!k) {
      if (next < c.inputs.size()) ins.push_back(c.inputs[next++]);
      continue;
    }
    if (k->omitted) ins.push_back("");
    else if (!k->literal && k->isFloat() && k->values.empty())
      ins.push_back(w.param(c.weightName("input_" + std::to_string(pos)), k->dims, Fill::constant(0.0)));
    else if (k->values.empty() && k->elements() > 0)
      return w.fail("constant input " + std::to_string(pos) + " of " + op_type + " has no values to write"), c.inputs.empty() ? "" : c.inputs[0];
    else
      ins.push_back(w.constValues(c.scope, k->onnxDataType(), k->dims, k->values));
  }
  OpRef node = w.op(op_type, ins, c.scope, 1 + static_cast<int>(more->size()));
  for (size_t k = 0; k < more->size(); ++k) {
    if ((*more)[k].omitted) node.omitOutput(k + 1);
    c.more_outputs.push_back(node.out(k + 1));
  }
  for (const builder::OnnxAttr& a : *attrs) {
    using K = builder::OnnxAttr::Kind;
    switch (a.kind) {
      case K::Int: node.i(a.name.c_str(), a.i); break;
      case K::Float: node.f(a.name.c_str(), a.f); break;
      case K::String: node.s(a.name.c_str(), a.s); break;
      case K::Ints: node.ints(a.name.c_str(), a.ints); break;
      case K::Floats: node.floats(a.name.c_str(), a.floats); break;
      case K::Strings: node.strs(a.name.c_str(), a.strings); break;
    }
  }
  return node.out();
}

}  // namespace

// [SECTION] Dispatch

std::string lowerLayer(LayerCtx& c) {
  GraphWriter& w = c.w;
  const int rank = c.in_info.empty() ? 0 : c.in().rank();
  switch (c.spec.family) {
    case Family::Input: break;  // graph inputs are declared by the caller
    case Family::Identity:
    case Family::Dropout:
    case Family::SpatialDropout: return w.op("Identity", {c.arg(0)}, c.scope).out();  // inference: no dropout, no noise
    case Family::Linear:
      return linear(w, c.arg(0), rank + 1, c.in().dims.back(), c.pi("out_features"), c.pb("bias"), c.scope, c.scope);
    case Family::Flatten: return w.op("Flatten", {c.arg(0)}, c.scope).i("axis", 1).out();
    case Family::Reshape:
      return w.op("Reshape", {c.arg(0), w.constInts(c.scope, concat({-1}, c.out_info.dims))}, c.scope).out();
    case Family::Permute: return w.op("Transpose", {c.arg(0)}, c.scope).ints("perm", concat({0}, c.pt("dims"))).out();
    case Family::Squeeze:
      return w.op("Squeeze", {c.arg(0), w.constInts(c.scope, {*builder::rules::normalizeAxis(c.pi("dim"), rank)})},
                  c.scope).out();
    case Family::Unsqueeze:
      return w.op("Unsqueeze", {c.arg(0), w.constInts(c.scope, {*builder::rules::normalizeAxis(c.pi("dim"), rank + 1)})},
                  c.scope).out();
    case Family::Embedding: {
      const std::string table = w.param(c.weightName("weight"), {c.pi("num_embeddings"), c.pi("embedding_dim")}, Fill::normal());
      return w.op("Gather", {table, c.arg(0)}, c.scope).i("axis", 0).out();
    }
    case Family::Conv:
    case Family::DepthwiseConv:
    case Family::SeparableConv: return conv(c);
    case Family::ConvTranspose: return convTranspose(c);
    case Family::Pool: return pool(c);
    case Family::AdaptivePool: return adaptivePool(c);
    case Family::GlobalPool: {
      const std::string g = w.op(c.spec.op == "max" ? "GlobalMaxPool" : "GlobalAveragePool", {c.arg(0)}, c.scope).out();
      return w.op("Flatten", {g}, c.scope).i("axis", 1).out();
    }
    case Family::BatchNorm:
    case Family::LayerNorm:
    case Family::GroupNorm:
    case Family::InstanceNorm: return norm(c);
    case Family::Activation: return activation(c);
    case Family::PReLU: return prelu(c);
    case Family::Softmax: {
      const int axis = *builder::rules::normalizeAxis(c.pi("axis"), rank);
      return w.op(c.spec.op == "log" ? "LogSoftmax" : "Softmax", {c.arg(0)}, c.scope)
          .i("axis", builder::rules::torchAxis(c.in(), axis))
          .out();
    }
    case Family::Recurrent: return lowerRecurrent(c);
    case Family::MultiHeadAttention: return lowerAttention(c);
    case Family::TransformerEncoder:
    case Family::TransformerDecoder: return lowerTransformer(c);
    case Family::Merge: return merge(c);
    case Family::Concatenate: return concatenate(c);
    case Family::Upsample: return upsample(c);
    case Family::ZeroPad: return zeroPad(c);
    case Family::Cropping: return cropping(c);
    case Family::OnnxOp: return onnxOp(c);
  }
  w.fail("layer type '" + c.spec.type + "' has no ONNX form yet");
  return c.inputs.empty() ? std::string() : c.inputs[0];
}

}  // namespace nf::onnxexport::detail
