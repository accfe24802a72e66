// Rules for convolution, pooling and spatial resampling: Conv, ConvInteger,
// QLinearConv, ConvTranspose, DeformConv, MaxPool/AveragePool/LpPool,
// Global*Pool, MaxRoiPool, RoiAlign, MaxUnpool, Col2Im, Upsample, Resize,
// GridSample, AffineGrid.
//
// Spatial output size (per spatial axis, k = kernel, d = dilation, s = stride):
//   eff = (k - 1) * d + 1
//   auto_pad SAME_*:  ceil(in / s)
//   auto_pad VALID:   floor((in - eff) / s) + 1
//   explicit pads:    floor((in + pb + pe - eff) / s) + 1, or ceil(...) with
//                     ceil_mode, dropping a last window that would start in the
//                     end padding (what the reference and PyTorch do).
#include <algorithm>
#include <cmath>
#include <optional>

#include "base/checked.h"
#include "base/limits.h"
#include "shapes/rule_helpers.h"
#include "shapes/symbolic.h"

namespace nf::shapes::detail {

namespace {

struct Window {
  std::vector<int64_t> kernel, strides, dilations, pads;
  std::string auto_pad;
  bool ceil_mode = false;
};

// Reads the window attributes for n spatial axes; kernel from the attribute or
// `kernel_from` (W's trailing dims). False when the kernel size is unknown.
bool readWindow(Ctx& c, size_t n, const Shape* kernel_from, Window* w) {
  if (!c.attrInts("kernel_shape", &w->kernel)) {
    if (!kernel_from || !kernel_from->rank_known || kernel_from->rank() < n) return false;
    for (size_t k = kernel_from->rank() - n; k < kernel_from->rank(); ++k) {
      if (!kernel_from->dims[k].isKnown()) return false;
      w->kernel.push_back(kernel_from->dims[k].value);
    }
  }
  if (w->kernel.size() != n) return false;
  if (!c.attrInts("strides", &w->strides)) w->strides.assign(n, 1);
  if (!c.attrInts("dilations", &w->dilations)) w->dilations.assign(n, 1);
  if (!c.attrInts("pads", &w->pads)) w->pads.assign(2 * n, 0);
  w->auto_pad = c.attrStr("auto_pad", "NOTSET");
  w->ceil_mode = c.attrInt("ceil_mode", 0) != 0;
  if (w->strides.size() != n || w->dilations.size() != n || w->pads.size() != 2 * n) {
    c.issue("strides/dilations/pads do not match " + std::to_string(n) + " spatial axes");
    return false;
  }
  for (int64_t s : w->strides)
    if (s <= 0) {
      c.issue("stride must be positive");
      return false;
    }
  return true;
}

Dim windowOut(const Dim& in, const Window& w, size_t i) {
  int64_t k = w.kernel[i], s = w.strides[i], d = w.dilations[i];
  if (w.auto_pad == "SAME_UPPER" || w.auto_pad == "SAME_LOWER") return dimCeilDiv(in, Dim::known(s));
  // Kernel, dilation and pads are attributes from the file: checked, an overflow
  // leaves the dim unknown.
  std::optional<int64_t> km1 = checkedSub(k, int64_t{1});
  std::optional<int64_t> span = km1 ? checkedMul(*km1, d) : std::nullopt;
  std::optional<int64_t> eff = span ? checkedAdd(*span, int64_t{1}) : std::nullopt;
  std::optional<int64_t> neg_eff = eff ? checkedSub(int64_t{0}, *eff) : std::nullopt;
  if (!neg_eff) return Dim::unknown();
  if (w.auto_pad == "VALID") return dimAdd(dimDiv(dimAdd(in, *neg_eff), Dim::known(s)), 1);
  int64_t pb = w.pads[i], pe = w.pads[i + w.kernel.size()];
  std::optional<int64_t> pads = checkedAdd(pb, pe);
  std::optional<int64_t> offset = pads ? checkedAdd(*pads, *neg_eff) : std::nullopt;
  if (!offset) return Dim::unknown();
  Dim num = dimAdd(in, *offset);
  if (!w.ceil_mode) return dimAdd(dimDiv(num, Dim::known(s)), 1);
  Dim out = dimAdd(dimCeilDiv(num, Dim::known(s)), 1);
  if (out.isKnown() && in.isKnown()) {
    std::optional<int64_t> last_start = checkedMul(out.value - 1, s), limit = checkedAdd(in.value, pb);
    if (last_start && limit && *last_start >= *limit) out.value -= 1;
  }
  return out;
}

// Output shape [N, channels, spatial...] of a windowed op over input x.
bool windowShape(Ctx& c, const Shape& x, const Dim& channels, const Shape* kernel_from, Shape* out) {
  if (!x.rank_known || x.rank() < 2) return false;
  size_t n = x.rank() - 2;
  Window w;
  if (!readWindow(c, n, kernel_from, &w)) return false;
  std::vector<Dim> dims{x.dims[0], channels};
  for (size_t i = 0; i < n; ++i) {
    Dim o = windowOut(x.dims[2 + i], w, i);
    if (o.isKnown() && o.value <= 0) {
      c.issue("window larger than the padded input on spatial axis " + std::to_string(i));
      o = Dim::unknown();
    }
    dims.push_back(o);
  }
  *out = Shape::of(std::move(dims));
  return true;
}

void convLike(Ctx& c, size_t x_in, size_t w_in, ElemType e) {
  const Shape& x = c.shape(x_in);
  const Shape& w = c.shape(w_in);
  Dim m = w.rank_known && w.rank() >= 1 ? w.dims[0] : Dim::unknown();
  if (x.rank_known && w.rank_known && x.rank() != w.rank()) c.issue("input and weight ranks differ");
  if (x.rank_known && w.rank_known && x.rank() >= 2 && w.rank() >= 2) {
    int64_t g = c.attrInt("group", 1);
    Dim cin = x.dims[1], wc = dimMul(w.dims[1], g);
    if (dimEquals(cin, wc) == Tri::No)
      c.issue("input has " + shapeToString(Shape::of({cin})) + " channels, weight expects " +
              shapeToString(Shape::of({wc})) + " (group " + std::to_string(g) + ")");
  }
  Shape out;
  if (windowShape(c, x, m, &w, &out)) c.outTensor(0, e, std::move(out));
  else if (x.rank_known) c.outTensor(0, e, unknownDims(x.rank()));
  else c.outTensor(0, e, Shape::unknownRank());
}

void ruleConv(Ctx& c) { convLike(c, 0, 1, c.elem(0)); }
void ruleConvInteger(Ctx& c) { convLike(c, 0, 1, ElemType::Int32); }
void ruleQLinearConv(Ctx& c) {
  convLike(c, 0, 3, c.has(7) && c.elem(7) != ElemType::Undefined ? c.elem(7) : c.elem(0));
}
void ruleDeformConv(Ctx& c) { convLike(c, 0, 1, c.elem(0)); }

void ruleConvTranspose(Ctx& c) {
  const Shape& x = c.shape(0);
  const Shape& w = c.shape(1);
  int64_t g = c.attrInt("group", 1);
  Dim m = w.rank_known && w.rank() >= 2 ? dimMul(w.dims[1], g) : Dim::unknown();
  if (!x.rank_known || x.rank() < 2) {
    c.outTensor(0, c.elem(0), Shape::unknownRank());
    return;
  }
  size_t n = x.rank() - 2;
  Window win;
  std::vector<Dim> dims{x.dims[0], m};
  std::vector<int64_t> out_shape, out_pad;
  bool has_out_shape = c.attrInts("output_shape", &out_shape);
  if (!readWindow(c, n, &w, &win)) {
    c.outTensor(0, c.elem(0), unknownDims(x.rank()));
    return;
  }
  if (!c.attrInts("output_padding", &out_pad)) out_pad.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    if (has_out_shape && out_shape.size() >= n) {
      dims.push_back(Dim::known(out_shape[out_shape.size() - n + i]));
      continue;
    }
    int64_t s = win.strides[i], eff = (win.kernel[i] - 1) * win.dilations[i] + 1;
    const Dim& in = x.dims[2 + i];
    int64_t op = i < out_pad.size() ? out_pad[i] : 0;
    if (win.auto_pad == "SAME_UPPER" || win.auto_pad == "SAME_LOWER") {
      dims.push_back(dimMul(in, s));
    } else {
      int64_t pads = win.auto_pad == "VALID" ? 0 : win.pads[i] + win.pads[i + n];
      dims.push_back(dimAdd(dimMul(dimAdd(in, -1), s), op + eff - pads));
    }
  }
  c.outTensor(0, c.elem(0), Shape::of(std::move(dims)));
}

// [Pooling] ------------------------------------------------------------------------

void rulePool(Ctx& c) {
  const Shape& x = c.shape(0);
  Shape out;
  Dim ch = x.rank_known && x.rank() >= 2 ? x.dims[1] : Dim::unknown();
  if (!windowShape(c, x, ch, nullptr, &out)) out = x.rank_known ? unknownDims(x.rank()) : Shape::unknownRank();
  c.outTensor(0, c.elem(0), out);
  if (c.hasOut(1)) c.outTensor(1, ElemType::Int64, out);  // MaxPool indices
}

void ruleGlobalPool(Ctx& c) {
  const Shape& x = c.shape(0);
  if (!x.rank_known || x.rank() < 2) {
    c.outTensor(0, c.elem(0), Shape::unknownRank());
    return;
  }
  std::vector<Dim> dims{x.dims[0], x.dims[1]};
  dims.resize(x.rank(), Dim::known(1));
  c.outTensor(0, c.elem(0), Shape::of(std::move(dims)));
}

void ruleMaxRoiPool(Ctx& c) {
  const Shape& x = c.shape(0);
  const Shape& rois = c.shape(1);
  std::vector<int64_t> pooled;
  c.attrInts("pooled_shape", &pooled);
  std::vector<Dim> dims{rois.rank_known && rois.rank() >= 1 ? rois.dims[0] : Dim::unknown(),
                        x.rank_known && x.rank() >= 2 ? x.dims[1] : Dim::unknown()};
  for (int64_t p : pooled) dims.push_back(Dim::known(p));
  c.outTensor(0, c.elem(0), Shape::of(std::move(dims)));
}

void ruleRoiAlign(Ctx& c) {
  const Shape& x = c.shape(0);
  const Shape& rois = c.shape(1);
  c.outTensor(0, c.elem(0),
              Shape::of({rois.rank_known && rois.rank() >= 1 ? rois.dims[0] : Dim::unknown(),
                         x.rank_known && x.rank() >= 2 ? x.dims[1] : Dim::unknown(),
                         Dim::known(c.attrInt("output_height", 1)), Dim::known(c.attrInt("output_width", 1))}));
}

void ruleMaxUnpool(Ctx& c) {
  const Shape& x = c.shape(0);
  if (c.has(2)) {
    // output_shape (the full output shape) replaces the computed size: its values when
    // they are constant, else the rank (N and C stay: unpooling moves values in place).
    std::vector<Dim> target;
    if (const ConstValue* v = c.cval(2); v && constToDims(*v, &target) &&
        std::all_of(target.begin(), target.end(), [](const Dim& d) { return !d.isKnown() || d.value >= 0; })) {
      c.outTensor(0, c.elem(0), Shape::of(target));
      return;
    }
    Shape out = x.rank_known ? unknownDims(x.rank()) : Shape::unknownRank();
    if (x.rank_known && x.rank() >= 2) out.dims[0] = x.dims[0], out.dims[1] = x.dims[1];
    c.outTensor(0, c.elem(0), std::move(out));
    return;
  }
  if (!x.rank_known || x.rank() < 2) {
    c.outTensor(0, c.elem(0), Shape::unknownRank());
    return;
  }
  size_t n = x.rank() - 2;
  Window w;
  if (!readWindow(c, n, nullptr, &w)) {
    c.outTensor(0, c.elem(0), unknownDims(x.rank()));
    return;
  }
  std::vector<Dim> dims{x.dims[0], x.dims[1]};
  for (size_t i = 0; i < n; ++i)
    dims.push_back(dimAdd(dimMul(dimAdd(x.dims[2 + i], -1), w.strides[i]), w.kernel[i] - w.pads[i] - w.pads[i + n]));
  c.outTensor(0, c.elem(0), Shape::of(std::move(dims)));
}

void ruleCol2Im(Ctx& c) {
  const Shape& x = c.shape(0);
  std::vector<int64_t> image, block;
  if (!x.rank_known || x.rank() != 3 || !c.constInts(1, &image) || !c.constInts(2, &block)) {
    c.outTensor(0, c.elem(0), Shape::unknownRank());
    return;
  }
  std::optional<int64_t> bprod = checkedProduct(block);
  std::vector<Dim> dims{x.dims[0], bprod && *bprod > 0 ? dimDiv(x.dims[1], Dim::known(*bprod)) : Dim::unknown()};
  for (int64_t s : image) dims.push_back(Dim::known(s));
  c.outTensor(0, c.elem(0), Shape::of(std::move(dims)));
}

// [Resampling] --------------------------------------------------------------------------

Dim scaled(const Dim& in, double scale) {
  if (!in.isKnown()) {
    if (scale == 1.0) return in;
    double r = std::round(scale);
    if (std::fabs(scale - r) < 1e-9 && r >= 1) return dimMul(in, static_cast<int64_t>(r));
    return Dim::unknown();
  }
  // floor(in * scale), computed in float as the reference does, nudged so that
  // exact products (e.g. 3 * (2/3)) are not lost to rounding.
  double v = static_cast<double>(in.value) * static_cast<double>(static_cast<float>(scale));
  if (!(v >= 0 && v < 9.2e18)) return Dim::unknown();  // not a dim (and the cast would be undefined)
  return Dim::known(static_cast<int64_t>(std::floor(v + 1e-6)));
}

void applyScales(Ctx& c, const Shape& x, const std::vector<double>& scales, const std::vector<int64_t>& axes) {
  Shape out = x;
  if (axes.empty()) {
    if (scales.size() != x.rank()) {
      c.issue("scales has " + std::to_string(scales.size()) + " values for rank " + std::to_string(x.rank()));
      c.outTensor(0, c.elem(0), unknownDims(x.rank()));
      return;
    }
    for (size_t k = 0; k < scales.size(); ++k) out.dims[k] = scaled(x.dims[k], scales[k]);
  } else {
    for (size_t k = 0; k < axes.size() && k < scales.size(); ++k) out.dims[axes[k]] = scaled(x.dims[axes[k]], scales[k]);
  }
  c.outTensor(0, c.elem(0), std::move(out));
}

bool constReals(const ConstValue* v, std::vector<double>* out) {
  if (!v) return false;
  out->clear();
  if (v->isReal()) {
    *out = v->reals;
    return true;
  }
  for (const auto& d : v->ints) {
    if (!d.isKnown()) return false;
    out->push_back(static_cast<double>(d.value));
  }
  return true;
}

void ruleUpsample(Ctx& c) {
  const Shape& x = c.shape(0);
  if (!x.rank_known) {
    c.outTensor(0, c.elem(0), Shape::unknownRank());
    return;
  }
  std::vector<double> scales;
  if (const ir::Attribute* a = c.attr("scales")) {
    scales.assign(a->floats.begin(), a->floats.end());
  } else if (c.opset() != 0 && c.opset() < 7) {
    // Upsample-1: height_scale / width_scale on a 4-D input.
    scales = {1.0, 1.0, c.attrFloat("height_scale", 1.0f), c.attrFloat("width_scale", 1.0f)};
  } else if (!constReals(c.cval(1), &scales)) {
    c.outTensor(0, c.elem(0), unknownDims(x.rank()));
    return;
  }
  applyScales(c, x, scales, {});
}

void ruleResize(Ctx& c) {
  const Shape& x = c.shape(0);
  if (!x.rank_known) {
    c.outTensor(0, c.elem(0), Shape::unknownRank());
    return;
  }
  int64_t r = static_cast<int64_t>(x.rank());
  std::vector<int64_t> axes;
  if (c.attrInts("axes", &axes) && !normAxes(&axes, r)) {
    c.issue("axes out of range");
    return;
  }
  size_t scales_in = c.opset() != 0 && c.opset() < 11 ? 1 : 2;
  size_t sizes_in = 3;
  std::vector<Dim> sizes;
  if (c.has(sizes_in) && c.isTensor(sizes_in) && !(c.shape(sizes_in).rank_known && c.shape(sizes_in).rank() == 1 &&
                                                    c.shape(sizes_in).dims[0].isKnown() && c.shape(sizes_in).dims[0].value == 0)) {
    if (!c.cval(sizes_in) || !constToDims(*c.cval(sizes_in), &sizes)) {
      c.outTensor(0, c.elem(0), unknownDims(x.rank()));
      return;
    }
    Shape out = x;
    std::string policy = c.attrStr("keep_aspect_ratio_policy", "stretch");
    std::vector<int64_t> ax = axes;
    if (ax.empty())
      for (int64_t k = 0; k < r; ++k) ax.push_back(k);
    if (sizes.size() != ax.size()) {
      c.issue("sizes has " + std::to_string(sizes.size()) + " values for " + std::to_string(ax.size()) + " axes");
      return;
    }
    if (policy == "stretch") {
      for (size_t k = 0; k < ax.size(); ++k) out.dims[ax[k]] = sizes[k];
    } else {
      // not_larger / not_smaller: one scale for all axes, min/max of size/in.
      double scale = policy == "not_larger" ? 1e300 : 0;
      for (size_t k = 0; k < ax.size(); ++k) {
        if (!sizes[k].isKnown() || !x.dims[ax[k]].isKnown()) {
          c.outTensor(0, c.elem(0), unknownDims(x.rank()));
          return;
        }
        double s = static_cast<double>(sizes[k].value) / static_cast<double>(x.dims[ax[k]].value);
        scale = policy == "not_larger" ? std::min(scale, s) : std::max(scale, s);
      }
      for (size_t k = 0; k < ax.size(); ++k)
        out.dims[ax[k]] = Dim::known(static_cast<int64_t>(std::round(scale * static_cast<double>(x.dims[ax[k]].value))));
    }
    c.outTensor(0, c.elem(0), std::move(out));
    return;
  }
  std::vector<double> scales;
  if (!constReals(c.cval(scales_in), &scales)) {
    c.outTensor(0, c.elem(0), unknownDims(x.rank()));
    return;
  }
  if (scales.empty()) {
    c.outTensor(0, c.elem(0), unknownDims(x.rank()));
    return;
  }
  applyScales(c, x, scales, axes);
}

void ruleGridSample(Ctx& c) {
  const Shape& x = c.shape(0);
  const Shape& g = c.shape(1);
  if (!g.rank_known || g.rank() < 3) {
    c.outTensor(0, c.elem(0), x.rank_known ? unknownDims(x.rank()) : Shape::unknownRank());
    return;
  }
  std::vector<Dim> dims{g.dims[0], x.rank_known && x.rank() >= 2 ? x.dims[1] : Dim::unknown()};
  for (size_t k = 1; k + 1 < g.rank(); ++k) dims.push_back(g.dims[k]);
  c.outTensor(0, c.elem(0), Shape::of(std::move(dims)));
}

void ruleAffineGrid(Ctx& c) {
  std::vector<Dim> size;
  if (!c.cval(1) || !constToDims(*c.cval(1), &size) || size.size() < 3) {
    // Unknown sizes: the rank still follows from how many there are.
    const Shape& ss = c.shape(1);
    if (ss.rank_known && ss.rank() == 1 && ss.dims[0].isKnown() && ss.dims[0].value >= 3) {
      int64_t n = ss.dims[0].value - 2;
      if (n > limits::kMaxRank) {
        // The declared length of `size` sets the output rank: never allocate that.
        c.issue("a grid of " + std::to_string(n) + " spatial dims is " + limits::kTooLargeToInfer);
        c.outTensor(0, c.elem(0), Shape::unknownRank());
        return;
      }
      const Shape& theta = c.shape(0);
      std::vector<Dim> dims{theta.rank_known && theta.rank() >= 1 ? theta.dims[0] : Dim::unknown()};
      dims.resize(static_cast<size_t>(n) + 1);
      dims.push_back(Dim::known(n));
      c.outTensor(0, c.elem(0), Shape::of(std::move(dims)));
      return;
    }
    c.outTensor(0, c.elem(0), Shape::unknownRank());
    return;
  }
  std::vector<Dim> dims{size[0]};
  for (size_t k = 2; k < size.size(); ++k) dims.push_back(size[k]);
  dims.push_back(Dim::known(static_cast<int64_t>(size.size() - 2)));
  c.outTensor(0, c.elem(0), Shape::of(std::move(dims)));
}

}  // namespace

// The ops of this family, one entry each (fields: shapes/op_registry.h).
std::span<const OpSpec> convPoolOps() {
  using namespace op_table;
  static const OpSpec kOps[] = {
      Op{"", "Conv", C::Conv, ruleConv, K::Conv, "X W B", "Y"}.shows(A::ConvWindow).labelled(),
      Op{"", "ConvInteger", C::Quantization, ruleConvInteger, K::Conv,
         "x w x_zero_point w_zero_point", "y"}.shows(A::ConvWindow).labelled(),
      Op{"", "QLinearConv", C::Quantization, ruleQLinearConv, K::QLinearConv,
         "x x_scale x_zero_point w w_scale w_zero_point y_scale y_zero_point B", "y"}.shows(A::ConvWindow).labelled(),
      Op{"", "DeformConv", C::Conv, ruleDeformConv, K::Conv, "X W offset B mask", "Y"}.shows(A::ConvWindow),
      Op{"", "ConvTranspose", C::Conv, ruleConvTranspose, K::ConvTranspose,
         "X W B", "Y"}.shows(A::ConvWindow).labelled(),
      Op{"", "MaxPool", C::Pooling, rulePool, K::Pool, "X", "Y Indices"}.shows(A::PoolWindow),
      Op{"", "AveragePool", C::Pooling, rulePool, K::Pool, "X", "Y"}.shows(A::PoolWindow),
      Op{"", "LpPool", C::Pooling, rulePool, K::Pool, "X", "Y"}.shows(A::PoolWindow),
      {"", "GlobalAveragePool", C::Pooling, ruleGlobalPool, K::PerInput, "X", "Y"},
      {"", "GlobalMaxPool", C::Pooling, ruleGlobalPool, K::PerInput, "X", "Y"},
      {"", "GlobalLpPool", C::Pooling, ruleGlobalPool, K::PerInput, "X", "Y"},
      {"", "MaxRoiPool", C::Pooling, ruleMaxRoiPool, K::Uncounted, "X rois", "Y"},
      Op{"", "RoiAlign", C::Pooling, ruleRoiAlign, K::Uncounted, "X rois batch_indices", "Y"}.shapeArgs(0b100),
      Op{"", "MaxUnpool", C::Pooling, ruleMaxUnpool, K::Free,
         "X I output_shape", "output"}.shapeArgs(0b110).shows(A::PoolWindow),
      Op{"", "Col2Im", C::Other, ruleCol2Im, K::Uncounted, "input image_shape block_shape", "output"}.shapeArgs(0b110),
      Op{"", "Upsample", C::Tensor, ruleUpsample, K::Resize, "X scales", "Y"}.shapeArgs(0b10).shows(A::Mode).labelled(),
      Op{"", "Resize", C::Tensor, ruleResize, K::Resize,
         "X roi scales sizes", "Y"}.shapeArgs(0b1110).shows(A::Mode).labelled(),
      {"", "GridSample", C::Tensor, ruleGridSample, K::PerOutput5, "X grid", "Y"},
      Op{"", "AffineGrid", C::Other, ruleAffineGrid, K::Uncounted, "theta size", "grid"}.shapeArgs(0b10),
  };
  return kOps;
}

}  // namespace nf::shapes::detail
