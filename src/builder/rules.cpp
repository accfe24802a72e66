// builder/rules.cpp - shape and parameter-count rules (see rules.h).
//
// Index of this file
//   [SECTION] Helpers
//   [SECTION] Core: input, identity, linear, reshapes, embedding
//   [SECTION] Convolution
//   [SECTION] Pooling
//   [SECTION] Normalisation and activations
//   [SECTION] Sequence models
//   [SECTION] Merges, upsampling, padding
//   [SECTION] Parameter counts
#include "builder/rules.h"

#include <algorithm>
#include <numeric>

#include "base/checked.h"
#include "builder/onnx_op.h"

namespace nf::builder::rules {

// [SECTION] Helpers

namespace {

Error fail(std::string message) { return Error{std::move(message)}; }

std::string dimsText(const IntList& d) { return formatDims(d); }

// Parameter arithmetic saturates at kOverflow (base/checked.h) instead of
// wrapping; analysis turns an overflowing count into an error on the layer.
int64_t mul(int64_t a, int64_t b) { return satMul(a, b); }
int64_t add(int64_t a, int64_t b) { return satAdd(a, b); }

int64_t product(const IntList& d) {
  int64_t p = 1;
  for (int64_t v : d) p = mul(p, v);
  return p;
}

// "H x W x C" for spatial rank 2.
std::string featureMapText(int r) {
  static const char* const kNames[] = {"C", "L x C", "H x W x C", "D x H x W x C"};
  return r >= 0 && r <= 3 ? kNames[r] : "feature map";
}

// Checks that input `port` is a feature map of spatial rank r (r spatial dims + channels).
Status requireFeatureMap(const RuleContext& c, int port, int r) {
  const TensorInfo& in = c.inputs[port];
  if (in.rank() != r + 1) {
    return fail(c.spec.type + " expects a " + std::to_string(r + 1) + "-D input (" + featureMapText(r) +
                "), got " + std::to_string(in.rank()) + "-D " + dimsText(in.dims));
  }
  return {};
}

Status requireRank(const RuleContext& c, int port, int rank, const char* what) {
  const TensorInfo& in = c.inputs[port];
  if (in.rank() != rank) {
    return fail(c.spec.type + " expects a " + std::to_string(rank) + "-D input (" + what + "), got " +
                std::to_string(in.rank()) + "-D " + dimsText(in.dims));
  }
  return {};
}

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Spatial output of a convolution-like window along every axis (Keras semantics for
// 'valid'/'same'; 'custom' is symmetric zero padding of padding_size on each side).
Result<IntList> windowOut(const RuleContext& c, const IntList& spatial, const IntList& kernel, const IntList& stride,
                          const IntList& dilation, const std::string& padding, const IntList& pad) {
  const int r = static_cast<int>(spatial.size());
  IntList out(r);
  for (int a = 0; a < r; ++a) {
    const int64_t ek = dilation[a] * (kernel[a] - 1) + 1;
    if (padding == "same") {
      out[a] = ceilDiv(spatial[a], stride[a]);
      continue;
    }
    const int64_t padded = spatial[a] + (padding == "custom" ? 2 * pad[a] : 0);
    if (padded < ek) {
      std::string k = std::to_string(kernel[a]);
      if (ek != kernel[a]) k += " (dilated " + std::to_string(ek) + ")";
      return fail("kernel " + k + " is larger than the " + std::string(padding == "custom" ? "padded " : "") +
                  "input " + std::to_string(padded) + " on axis " + spatialAxisName(r, a) +
                  ": the output would be empty");
    }
    out[a] = (padded - ek) / stride[a] + 1;
  }
  return out;
}

bool anyAbove(const IntList& v, int64_t limit) {
  return std::any_of(v.begin(), v.end(), [&](int64_t x) { return x > limit; });
}

}  // namespace

std::optional<int> normalizeAxis(int64_t axis, int rank) {
  const int64_t a = axis < 0 ? axis + rank + 1 : axis;
  if (a < 1 || a > rank) return std::nullopt;
  return static_cast<int>(a);
}

int torchAxis(const TensorInfo& t, int axis) {
  if (!t.channels_first || t.rank() < 2) return axis;
  return axis == t.rank() ? 1 : axis + 1;
}

AxisPad samePadding(int64_t in, int64_t kernel, int64_t stride, int64_t dilation) {
  const int64_t ek = dilation * (kernel - 1) + 1;
  const int64_t out = ceilDiv(in, stride);
  const int64_t total = std::max<int64_t>((out - 1) * stride + ek - in, 0);
  return AxisPad{total / 2, total - total / 2};
}

IntList poolStride(const IntList& kernel, const IntList& stride) {
  IntList s = stride;
  s.resize(kernel.size(), 0);
  for (size_t a = 0; a < s.size(); ++a)
    if (s[a] <= 0) s[a] = kernel[a];
  return s;
}

std::optional<TorchPool> torchSamePool(const IntList& in, const IntList& kernel, const IntList& stride,
                                       const IntList& keras_out) {
  // PyTorch: out = floor_or_ceil((in + 2p - k) / s) + 1, and with ceil_mode the last
  // window must start inside the input or the left padding. Padding is <= k/2.
  for (bool ceil : {false, true}) {
    TorchPool tp;
    tp.ceil_mode = ceil;
    bool ok = true;
    for (size_t a = 0; a < in.size() && ok; ++a) {
      bool found = false;
      for (int64_t p = 0; p <= kernel[a] / 2 && !found; ++p) {
        const int64_t span = in[a] + 2 * p - kernel[a];
        if (span < 0) continue;
        int64_t out = (ceil ? ceilDiv(span, stride[a]) : span / stride[a]) + 1;
        if (ceil && (out - 1) * stride[a] >= in[a] + p) --out;
        if (out == keras_out[a]) {
          tp.padding.push_back(p);
          found = true;
        }
      }
      ok = found;
    }
    if (ok) return tp;
  }
  return std::nullopt;
}

std::optional<TorchTransposePad> torchSameTranspose(int64_t kernel, int64_t stride, int64_t dilation) {
  // PyTorch: out = (in - 1) * s - 2p + ek + op; Keras 'same': out = in * s.
  // So 2p - op = ek - s with 0 <= op < max(s, d).
  const int64_t ek = dilation * (kernel - 1) + 1;
  const int64_t t = ek - stride;
  TorchTransposePad r;
  if (t >= 0) {
    r.padding = (t + 1) / 2;
    r.output_padding = 2 * r.padding - t;
  } else {
    r.output_padding = -t;
  }
  if (r.output_padding >= std::max(stride, dilation)) return std::nullopt;
  return r;
}

const char* spatialAxisName(int rank, int axis) {
  static const char* const k1[] = {"L"};
  static const char* const k2[] = {"H", "W"};
  static const char* const k3[] = {"D", "H", "W"};
  if (axis < 0 || axis >= rank) return "?";
  if (rank == 1) return k1[axis];
  if (rank == 2) return k2[axis];
  if (rank == 3) return k3[axis];
  return "?";
}

// [SECTION] Core: input, identity, linear, reshapes, embedding

Result<IntList> input(const RuleContext& c) { return c.t("shape"); }

Result<IntList> same(const RuleContext& c) { return c.inputs[0].dims; }

Result<IntList> linear(const RuleContext& c) {
  const TensorInfo& in = c.inputs[0];
  if (in.rank() < 1) return fail("Linear needs an input with at least one axis");
  IntList out = in.dims;
  out.back() = c.i("out_features");
  return out;
}

Result<IntList> flatten(const RuleContext& c) { return IntList{product(c.inputs[0].dims)}; }

Result<IntList> reshape(const RuleContext& c) {
  const IntList& target = c.t("shape");
  const int64_t total = product(c.inputs[0].dims);
  int wildcard = -1;
  int64_t known = 1;
  for (size_t a = 0; a < target.size(); ++a) {
    if (target[a] == -1) {
      if (wildcard >= 0) return fail("shape may contain -1 only once");
      wildcard = static_cast<int>(a);
    } else if (target[a] <= 0) {
      return fail("shape entries must be positive or -1, got " + std::to_string(target[a]));
    } else {
      known *= target[a];
    }
  }
  IntList out = target;
  if (wildcard >= 0) {
    if (total % known != 0) {
      return fail("cannot reshape " + dimsText(c.inputs[0].dims) + " (" + std::to_string(total) +
                  " values) to " + formatParamValue(target) + ": " + std::to_string(total) +
                  " is not a multiple of " + std::to_string(known));
    }
    out[wildcard] = total / known;
  } else if (known != total) {
    return fail("cannot reshape " + dimsText(c.inputs[0].dims) + " (" + std::to_string(total) + " values) to " +
                dimsText(target) + " (" + std::to_string(known) + " values)");
  }
  return out;
}

Result<IntList> permute(const RuleContext& c) {
  const IntList& dims = c.t("dims");
  const TensorInfo& in = c.inputs[0];
  if (static_cast<int>(dims.size()) != in.rank()) {
    return fail("dims has " + std::to_string(dims.size()) + " entries but the input has " +
                std::to_string(in.rank()) + " axes (batch excluded)");
  }
  std::vector<bool> seen(dims.size() + 1, false);
  IntList out;
  for (int64_t d : dims) {
    if (d < 1 || d > in.rank() || seen[d]) {
      return fail("dims must be a permutation of 1.." + std::to_string(in.rank()) + " (axis 0 is the batch)");
    }
    seen[d] = true;
    out.push_back(in.dims[d - 1]);
  }
  return out;
}

Result<IntList> squeeze(const RuleContext& c) {
  const TensorInfo& in = c.inputs[0];
  auto a = normalizeAxis(c.i("dim"), in.rank());
  if (!a) return fail("dim " + std::to_string(c.i("dim")) + " is out of range for a " + std::to_string(in.rank()) + "-D input (0 is the batch)");
  if (in.dims[*a - 1] != 1) {
    return fail("axis " + std::to_string(*a) + " has size " + std::to_string(in.dims[*a - 1]) + ", not 1");
  }
  IntList out = in.dims;
  out.erase(out.begin() + (*a - 1));
  return out;
}

Result<IntList> unsqueeze(const RuleContext& c) {
  const TensorInfo& in = c.inputs[0];
  auto a = normalizeAxis(c.i("dim"), in.rank() + 1);
  if (!a) return fail("dim " + std::to_string(c.i("dim")) + " is out of range for the " + std::to_string(in.rank() + 1) + "-D output (0 is the batch)");
  IntList out = in.dims;
  out.insert(out.begin() + (*a - 1), 1);
  return out;
}

Result<IntList> embedding(const RuleContext& c) {
  IntList out = c.inputs[0].dims;
  out.push_back(c.i("embedding_dim"));
  return out;
}

// [SECTION] Convolution

Result<IntList> conv(const RuleContext& c) {
  const int r = c.spec.rank;
  if (Status s = requireFeatureMap(c, 0, r); !s) return Error{s.message()};
  const TensorInfo& in = c.inputs[0];
  const int64_t channels = in.dims[r];
  const IntList& kernel = c.t("kernel_size");
  const IntList& stride = c.t("stride");
  const IntList& dilation = c.t("dilation");
  int64_t outChannels = 0;
  if (c.spec.family == Family::Conv) {
    const int64_t groups = c.i("groups");
    outChannels = c.i("out_channels");
    if (channels % groups != 0) {
      return fail("input channels " + std::to_string(channels) + " are not divisible by groups " +
                  std::to_string(groups));
    }
    if (outChannels % groups != 0) {
      return fail("out_channels " + std::to_string(outChannels) + " is not divisible by groups " +
                  std::to_string(groups));
    }
  } else if (c.spec.family == Family::DepthwiseConv) {
    outChannels = channels * c.i("depth_multiplier");
  } else {
    outChannels = c.i("out_channels");
  }
  if (c.framework == Framework::Keras && anyAbove(stride, 1) && anyAbove(dilation, 1)) {
    return fail("Keras does not allow stride > 1 together with dilation > 1");
  }
  IntList spatial(in.dims.begin(), in.dims.begin() + r);
  auto out = windowOut(c, spatial, kernel, stride, dilation, c.e("padding"), c.t("padding_size"));
  if (!out) return out;
  out->push_back(outChannels);
  return out;
}

Result<IntList> convTranspose(const RuleContext& c) {
  const int r = c.spec.rank;
  if (Status s = requireFeatureMap(c, 0, r); !s) return Error{s.message()};
  const TensorInfo& in = c.inputs[0];
  const IntList& kernel = c.t("kernel_size");
  const IntList& stride = c.t("stride");
  const IntList& dilation = c.t("dilation");
  const IntList& out_pad = c.t("output_padding");
  const IntList& pad = c.t("padding_size");
  const std::string& padding = c.e("padding");
  if (c.framework == Framework::Keras && anyAbove(stride, 1) && anyAbove(dilation, 1)) {
    return fail("Keras does not allow stride > 1 together with dilation > 1");
  }
  IntList out(r + 1);
  for (int a = 0; a < r; ++a) {
    const int64_t ek = dilation[a] * (kernel[a] - 1) + 1;
    if (out_pad[a] >= stride[a]) {
      return fail("output_padding " + std::to_string(out_pad[a]) + " must be smaller than the stride " +
                  std::to_string(stride[a]) + " on axis " + spatialAxisName(r, a));
    }
    if (padding == "same") {
      if (out_pad[a] != 0) return fail("output_padding applies only to 'valid' or 'custom' padding");
      if (c.framework == Framework::PyTorch && !torchSameTranspose(kernel[a], stride[a], dilation[a])) {
        return fail("PyTorch cannot express padding='same' here (kernel " + std::to_string(kernel[a]) +
                    ", stride " + std::to_string(stride[a]) + "): use 'custom' padding");
      }
      out[a] = in.dims[a] * stride[a];
    } else {
      const int64_t p = padding == "custom" ? pad[a] : 0;
      out[a] = (in.dims[a] - 1) * stride[a] - 2 * p + ek + out_pad[a];
      if (out[a] <= 0) {
        return fail("padding " + std::to_string(p) + " crops away the whole output on axis " +
                    spatialAxisName(r, a));
      }
    }
  }
  out[r] = c.i("out_channels");
  return out;
}

// [SECTION] Pooling

Result<IntList> pool(const RuleContext& c) {
  const int r = c.spec.rank;
  if (Status s = requireFeatureMap(c, 0, r); !s) return Error{s.message()};
  const TensorInfo& in = c.inputs[0];
  const IntList& kernel = c.t("kernel_size");
  const IntList stride = poolStride(kernel, c.t("stride"));
  const IntList ones(r, 1), zeros(r, 0);
  IntList spatial(in.dims.begin(), in.dims.begin() + r);
  auto out = windowOut(c, spatial, kernel, stride, ones, c.e("padding"), zeros);
  if (!out) return out;
  if (c.b("ceil_mode")) {
    if (c.e("padding") != "valid") return fail("ceil_mode applies to padding 'valid' only");
    // PyTorch's (and ONNX's) rounding up: one more window where a partial one starts
    // inside the input.
    for (int a = 0; a < r; ++a) {
      int64_t n = ceilDiv(spatial[a] - kernel[a], stride[a]) + 1;
      if ((n - 1) * stride[a] >= spatial[a]) n -= 1;
      (*out)[a] = n;
    }
  }
  if (c.framework == Framework::PyTorch && c.e("padding") == "same" &&
      !torchSamePool(spatial, kernel, stride, *out)) {
    return fail("PyTorch pooling cannot reproduce padding='same' for this size: use 'valid' or pad first");
  }
  out->push_back(in.dims[r]);
  return out;
}

Result<IntList> adaptivePool(const RuleContext& c) {
  const int r = c.spec.rank;
  if (Status s = requireFeatureMap(c, 0, r); !s) return Error{s.message()};
  IntList out = c.t("output_size");
  out.push_back(c.inputs[0].dims[r]);
  return out;
}

Result<IntList> globalPool(const RuleContext& c) {
  const int r = c.spec.rank;
  if (Status s = requireFeatureMap(c, 0, r); !s) return Error{s.message()};
  return IntList{c.inputs[0].dims[r]};
}

// [SECTION] Normalisation and activations

Result<IntList> channelsNorm(const RuleContext& c) {
  const TensorInfo& in = c.inputs[0];
  const int r = c.spec.rank;
  if (c.spec.family == Family::BatchNorm && r == 1) {
    if (in.rank() != 1 && in.rank() != 2) {
      return fail("BatchNorm1d expects C or L x C, got " + std::to_string(in.rank()) + "-D " + dimsText(in.dims));
    }
  } else if (r > 0) {
    if (Status s = requireFeatureMap(c, 0, r); !s) return Error{s.message()};
  } else if (in.rank() < 1) {
    return fail(c.spec.type + " needs an input with a channel axis");
  }
  if (c.spec.family == Family::GroupNorm) {
    const int64_t channels = in.dims.back();
    const int64_t groups = c.i("num_groups");
    if (channels % groups != 0) {
      return fail("channels " + std::to_string(channels) + " are not divisible by num_groups " + std::to_string(groups));
    }
  }
  return in.dims;
}

Result<IntList> spatialSame(const RuleContext& c) {
  if (Status s = requireFeatureMap(c, 0, c.spec.rank); !s) return Error{s.message()};
  return c.inputs[0].dims;
}

Result<IntList> axisSame(const RuleContext& c) {
  const TensorInfo& in = c.inputs[0];
  if (!normalizeAxis(c.i("axis"), in.rank())) {
    return fail("axis " + std::to_string(c.i("axis")) + " is out of range for a " + std::to_string(in.rank()) +
                "-D input (0 is the batch)");
  }
  return in.dims;
}

// [SECTION] Sequence models

Result<IntList> recurrent(const RuleContext& c) {
  if (Status s = requireRank(c, 0, 2, "T x F sequence"); !s) return Error{s.message()};
  const int64_t features = c.i("hidden_size") * (c.b("bidirectional") ? 2 : 1);
  if (c.b("return_sequences")) return IntList{c.inputs[0].dims[0], features};
  return IntList{features};
}

Result<IntList> multiHeadAttention(const RuleContext& c) {
  for (int p = 0; p < static_cast<int>(c.inputs.size()); ++p) {
    if (c.inputs[p].rank() != 2) {
      return fail("MultiheadAttention expects T x E sequences, but " + c.spec.portName(p) + " is " +
                  std::to_string(c.inputs[p].rank()) + "-D " + dimsText(c.inputs[p].dims));
    }
  }
  const TensorInfo& q = c.inputs[0];
  const TensorInfo& k = c.inputs.size() > 1 ? c.inputs[1] : q;
  const TensorInfo& v = c.inputs.size() > 2 ? c.inputs[2] : k;
  const int64_t heads = c.i("num_heads");
  if (q.dims[1] % heads != 0) {
    return fail("embedding size " + std::to_string(q.dims[1]) + " is not divisible by num_heads " + std::to_string(heads));
  }
  if (k.dims[0] != v.dims[0]) {
    return fail("key has " + std::to_string(k.dims[0]) + " steps but value has " + std::to_string(v.dims[0]));
  }
  return q.dims;
}

Result<IntList> transformerEncoder(const RuleContext& c) {
  if (Status s = requireRank(c, 0, 2, "T x E sequence"); !s) return Error{s.message()};
  const int64_t d = c.inputs[0].dims[1];
  if (d % c.i("nhead") != 0) {
    return fail("d_model " + std::to_string(d) + " is not divisible by nhead " + std::to_string(c.i("nhead")));
  }
  return c.inputs[0].dims;
}

Result<IntList> transformerDecoder(const RuleContext& c) {
  if (Status s = requireRank(c, 0, 2, "T x E sequence"); !s) return Error{s.message()};
  if (Status s = requireRank(c, 1, 2, "S x E memory"); !s) return Error{s.message()};
  const int64_t d = c.inputs[0].dims[1];
  if (d % c.i("nhead") != 0) {
    return fail("d_model " + std::to_string(d) + " is not divisible by nhead " + std::to_string(c.i("nhead")));
  }
  if (c.inputs[1].dims[1] != d) {
    return fail("memory has " + std::to_string(c.inputs[1].dims[1]) + " features but the target has " + std::to_string(d));
  }
  return c.inputs[0].dims;
}

// [SECTION] Merges, upsampling, padding

Result<IntList> merge(const RuleContext& c) {
  const TensorInfo& first = c.inputs[0];
  for (size_t p = 1; p < c.inputs.size(); ++p) {
    if (c.inputs[p].dims != first.dims) {
      return fail(c.spec.type + " needs equal shapes: " + c.spec.portName(static_cast<int>(p)) + " is " +
                  dimsText(c.inputs[p].dims) + " but input 1 is " + dimsText(first.dims));
    }
    if (c.inputs[p].dtype != first.dtype) return fail(c.spec.type + " needs inputs of one dtype");
  }
  return first.dims;
}

Result<IntList> concatenate(const RuleContext& c) {
  const TensorInfo& first = c.inputs[0];
  auto axis = normalizeAxis(c.i("axis"), first.rank());
  if (!axis) {
    return fail("axis " + std::to_string(c.i("axis")) + " is out of range for " + std::to_string(first.rank()) +
                "-D inputs (0 is the batch)");
  }
  IntList out = first.dims;
  for (size_t p = 1; p < c.inputs.size(); ++p) {
    const TensorInfo& in = c.inputs[p];
    bool ok = in.rank() == first.rank();
    for (int a = 0; ok && a < first.rank(); ++a)
      if (a != *axis - 1 && in.dims[a] != first.dims[a]) ok = false;
    if (!ok) {
      return fail("cannot concatenate " + dimsText(first.dims) + " and " + dimsText(in.dims) + " on axis " +
                  std::to_string(*axis) + ": the other axes differ");
    }
    if (in.dtype != first.dtype) return fail("Concatenate needs inputs of one dtype");
    out[*axis - 1] += in.dims[*axis - 1];
  }
  return out;
}

Result<IntList> upsample(const RuleContext& c) {
  const int r = c.spec.rank;
  if (Status s = requireFeatureMap(c, 0, r); !s) return Error{s.message()};
  IntList out = c.inputs[0].dims;
  const IntList& scale = c.t("scale_factor");
  for (int a = 0; a < r; ++a) out[a] *= scale[a];
  return out;
}

Result<IntList> zeroPad(const RuleContext& c) {
  const int r = c.spec.rank;
  if (Status s = requireFeatureMap(c, 0, r); !s) return Error{s.message()};
  IntList out = c.inputs[0].dims;
  const IntList& pad = c.t("padding");
  for (int a = 0; a < r; ++a) out[a] += pad[2 * a] + pad[2 * a + 1];
  return out;
}

Result<IntList> cropping(const RuleContext& c) {
  const int r = c.spec.rank;
  if (Status s = requireFeatureMap(c, 0, r); !s) return Error{s.message()};
  IntList out = c.inputs[0].dims;
  const IntList& crop = c.t("cropping");
  for (int a = 0; a < r; ++a) {
    out[a] -= crop[2 * a] + crop[2 * a + 1];
    if (out[a] <= 0) {
      return fail("cropping " + std::to_string(crop[2 * a]) + "+" + std::to_string(crop[2 * a + 1]) +
                  " removes all " + std::to_string(c.inputs[0].dims[a]) + " positions of axis " + spatialAxisName(r, a));
    }
  }
  return out;
}

// [SECTION] Parameter counts

ParamCount linearCount(const RuleContext& c, const IntList& out) {
  const int64_t in = c.inputs[0].dims.back(), units = c.i("out_features");
  return {add(mul(in, units), c.b("bias") ? units : 0), 0};
}

ParamCount embeddingCount(const RuleContext& c, const IntList&) {
  return {mul(c.i("num_embeddings"), c.i("embedding_dim")), 0};
}

ParamCount convCount(const RuleContext& c, const IntList& out) {
  const int r = c.spec.rank;
  const int64_t kernel = product(c.t("kernel_size"));
  const bool bias = c.b("bias");
  switch (c.spec.family) {
    case Family::Conv: {
      const int64_t in = c.inputs[0].dims[r], out_c = out[r], groups = c.i("groups");
      return {add(mul(mul(kernel, in / groups), out_c), bias ? out_c : 0), 0};
    }
    case Family::ConvTranspose: {
      const int64_t in = c.inputs[0].dims[r], out_c = out[r];
      return {add(mul(mul(kernel, in), out_c), bias ? out_c : 0), 0};
    }
    case Family::DepthwiseConv: {
      const int64_t out_c = out[r];
      return {add(mul(kernel, out_c), bias ? out_c : 0), 0};
    }
    case Family::SeparableConv: {
      const int64_t in = c.inputs[0].dims[r], mid = mul(in, c.i("depth_multiplier")), out_c = out[r];
      return {add(add(mul(kernel, mid), mul(mid, out_c)), bias ? out_c : 0), 0};
    }
    default: return {};
  }
}

ParamCount batchNormCount(const RuleContext& c, const IntList& out) {
  const int64_t channels = out.back();
  return {c.b("affine") ? mul(2, channels) : 0, mul(2, channels)};
}

ParamCount affineNormCount(const RuleContext& c, const IntList& out) {
  return {c.b("affine") ? mul(2, out.back()) : 0, 0};
}

ParamCount preluCount(const RuleContext& c, const IntList& out) {
  return {c.b("per_channel") && !out.empty() ? out.back() : 1, 0};
}

ParamCount recurrentCount(const RuleContext& c, const IntList&) {
  const std::string& op = c.spec.op;
  const int64_t gates = op == "lstm" ? 4 : op == "gru" ? 3 : 1;
  const int64_t hidden = c.i("hidden_size"), layers = c.i("num_layers");
  const int64_t dirs = c.b("bidirectional") ? 2 : 1;
  // PyTorch keeps two bias vectors per gate (input and hidden); Keras keeps one,
  // except GRU with reset_after=True (its default), which keeps two like PyTorch.
  int64_t bias_vectors = 0;
  if (c.b("bias")) bias_vectors = (c.framework == Framework::PyTorch || op == "gru") ? 2 : 1;
  int64_t total = 0;
  int64_t in = c.inputs[0].dims[1];
  for (int64_t l = 0; l < layers; ++l) {
    total = add(total, mul(dirs, add(mul(mul(gates, hidden), add(in, hidden)), mul(mul(bias_vectors, gates), hidden))));
    in = mul(hidden, dirs);
  }
  return {total, 0};
}

ParamCount multiHeadAttentionCount(const RuleContext& c, const IntList&) {
  const TensorInfo& q = c.inputs[0];
  const TensorInfo& k = c.inputs.size() > 1 ? c.inputs[1] : q;
  const TensorInfo& v = c.inputs.size() > 2 ? c.inputs[2] : k;
  const int64_t e = q.dims[1];
  const int64_t weights = add(add(mul(e, e), mul(e, k.dims[1])), add(mul(e, v.dims[1]), mul(e, e)));
  return {add(weights, c.b("bias") ? mul(4, e) : 0), 0};
}

namespace {
int64_t attentionBlock(int64_t d) { return add(mul(4, mul(d, d)), mul(4, d)); }
int64_t feedForward(int64_t d, int64_t ff) { return add(add(mul(d, ff), ff), add(mul(ff, d), d)); }
}  // namespace

ParamCount transformerEncoderCount(const RuleContext& c, const IntList&) {
  const int64_t d = c.inputs[0].dims[1];
  return {add(add(attentionBlock(d), feedForward(d, c.i("dim_feedforward"))), mul(4, d)), 0};
}

ParamCount transformerDecoderCount(const RuleContext& c, const IntList&) {
  const int64_t d = c.inputs[0].dims[1];
  return {add(add(mul(2, attentionBlock(d)), feedForward(d, c.i("dim_feedforward"))), mul(6, d)), 0};
}

// The ONNX op layer stores its output shape as PyTorch holds it (ONNX's order); the
// canonical order moves a channels-first tensor's channels last (types.h).
bool onnxOpChannelsFirst(const ParamMap& params, const std::vector<TensorInfo>& inputs, size_t out_size) {
  if (out_size < 2) return false;
  const std::string& layout = std::get<std::string>(params.at("output_layout"));
  if (layout != "as_input") return layout == "channels_first";
  return !inputs.empty() && inputs[0].channels_first && inputs[0].dims.size() == out_size;
}

Result<IntList> onnxOp(const RuleContext& c) {
  if (auto attrs = parseOnnxAttrs(c.e("attributes")); !attrs) return attrs.error();
  if (auto consts = parseOnnxConsts(c.e("constants")); !consts) return consts.error();
  const IntList& stored = c.t("output_shape");
  if (stored.empty()) {
    if (c.inputs.empty()) return fail("an ONNX op without inputs needs its output_shape");
    return c.inputs[0].dims;
  }
  const std::vector<TensorInfo> inputs(c.inputs.begin(), c.inputs.end());
  IntList out(stored.begin() + 1, stored.end());  // the builder's shapes leave out axis 0
  if (onnxOpChannelsFirst(c.params, inputs, out.size())) std::rotate(out.begin(), out.begin() + 1, out.end());
  return out;
}

Result<std::vector<std::optional<TensorInfo>>> onnxOpMoreOutputs(const ParamMap& params) {
  auto it = params.find("more_outputs");
  if (it == params.end()) return std::vector<std::optional<TensorInfo>>{};
  auto more = parseOnnxOutputs(std::get<std::string>(it->second));
  if (!more) return more.error();
  std::vector<std::optional<TensorInfo>> out;
  for (const OnnxOutput& o : *more) {
    if (o.omitted || o.shape.empty()) {
      out.emplace_back();
      continue;
    }
    TensorInfo t;
    t.dims.assign(o.shape.begin() + 1, o.shape.end());  // axis 0 left out, as for output 1
    t.dtype = o.dtype == "int64" ? DType::Int64 : DType::Float32;
    t.channels_first = o.channels_first && t.dims.size() >= 2;
    if (t.channels_first) std::rotate(t.dims.begin(), t.dims.begin() + 1, t.dims.end());
    out.push_back(std::move(t));
  }
  return out;
}

ParamCount onnxOpCount(const RuleContext& c, const IntList&) {
  auto consts = parseOnnxConsts(c.e("constants"));
  ParamCount n;
  if (!consts) return n;
  for (const OnnxConst& k : *consts)
    if (!k.omitted && !k.literal && k.isFloat()) n.trainable = add(n.trainable, k.elements());
  return n;
}

}  // namespace nf::builder::rules
