// Rules for ops that move data without arithmetic: Shape, Size, Reshape, Flatten,
// Transpose, Squeeze, Unsqueeze, Concat, Split, Slice, Expand, Tile, Pad,
// DepthToSpace/SpaceToDepth. Each folds small constant inputs, which is what makes
// exported shape computations (Shape -> Gather -> Unsqueeze -> Concat -> Reshape)
// resolve.
//
// Opset differences handled here: Reshape shape attribute (< 5) vs input;
// Squeeze/Unsqueeze axes attribute (< 13) vs input; Split `split` attribute (< 13)
// vs input, `num_outputs` (>= 18); Slice attributes (< 10) vs inputs; Pad `pads`
// attribute (< 11) vs input, `axes` input (>= 18); Shape start/end (>= 15);
// Tile tiles/axis inputs (< 6).
#include <algorithm>
#include <climits>

#include "shapes/rule_helpers.h"
#include "shapes/symbolic.h"

namespace nf::shapes::detail {

namespace {

// [Shape, Size] -------------------------------------------------------------------

void ruleShape(Ctx& c) {
  const Shape& s = c.shape(0);
  if (!s.rank_known) {
    c.outTensor(0, ElemType::Int64, Shape::of({Dim::unknown()}));
    return;
  }
  int64_t r = static_cast<int64_t>(s.rank());
  int64_t start = c.attrInt("start", 0), end = c.attrInt("end", r);
  if (start < 0) start += r;
  if (end < 0) end += r;
  start = std::clamp<int64_t>(start, 0, r);
  end = std::clamp<int64_t>(end, 0, r);
  std::vector<Dim> dims;
  for (int64_t k = start; k < end; ++k) dims.push_back(s.dims[k]);
  c.outConst(0, intConst(ElemType::Int64, {static_cast<int64_t>(dims.size())}, dims));
}

void ruleSize(Ctx& c) {
  const Shape& s = c.shape(0);
  Dim n = s.rank_known ? dimProduct(s.dims.data(), s.rank()) : Dim::unknown();
  c.outConst(0, intConst(ElemType::Int64, {}, {n}));
}

// [Reshape, Flatten] -----------------------------------------------------------------

void reshapeTo(Ctx& c, const std::vector<Dim>& target, bool allowzero) {
  const Shape& in = c.shape(0);
  std::vector<Dim> out(target.size());
  int64_t infer_at = -1;
  for (size_t k = 0; k < target.size(); ++k) {
    const Dim& t = target[k];
    if (!t.isKnown()) {
      out[k] = t;
    } else if (t.value == 0 && !allowzero) {
      out[k] = in.rank_known && k < in.rank() ? in.dims[k] : Dim::unknown();
    } else if (t.value == -1) {
      if (infer_at >= 0) c.issue("more than one -1 in the target shape");
      infer_at = static_cast<int64_t>(k);
    } else if (t.value < -1) {
      c.issue("negative size " + std::to_string(t.value) + " in the target shape");
    } else {
      out[k] = t;
    }
  }
  Dim total = in.rank_known ? dimProduct(in.dims.data(), in.rank()) : Dim::unknown();
  if (infer_at >= 0) {
    Dim rest = Dim::known(1);
    for (size_t k = 0; k < out.size(); ++k)
      if (static_cast<int64_t>(k) != infer_at) rest = dimMul(rest, out[k]);
    if (total.kind != Dim::Kind::Unknown && rest.kind != Dim::Kind::Unknown && !(rest.isKnown() && rest.value == 0)) {
      if (total.isKnown() && rest.isKnown() && total.value % rest.value != 0)
        c.issue("cannot reshape " + shapeToString(in) + " into " + shapeToString(Shape::of(out)) +
                " (element count not divisible)");
      else
        out[infer_at] = dimDiv(total, rest);
    }
  } else if (total.isKnown()) {
    Dim prod = dimProduct(out.data(), out.size());
    if (prod.isKnown() && prod.value != total.value)
      c.issue("cannot reshape " + shapeToString(in) + " (" + std::to_string(total.value) + " elements) into " +
              shapeToString(Shape::of(out)));
  }
  Shape os = Shape::of(std::move(out));
  if (const ConstValue* v = c.cval(0)) {
    std::vector<int64_t> od;
    if (knownDims(os, &od) && product(od) == v->count()) {
      ConstValue r = *v;
      r.dims = od;
      c.outConst(0, std::move(r));
      return;
    }
  }
  c.outTensor(0, c.elem(0), std::move(os));
}

void ruleReshape(Ctx& c) {
  std::vector<Dim> target;
  if (c.opset() != 0 && c.opset() < 5) {
    std::vector<int64_t> s;
    if (!c.attrInts("shape", &s)) return;
    for (int64_t v : s) target.push_back(Dim::known(v));
  } else if (!c.cval(1) || !constToDims(*c.cval(1), &target)) {
    const Shape& ts = c.shape(1);
    if (ts.rank_known && ts.rank() == 1 && ts.dims[0].isKnown())
      c.outTensor(0, c.elem(0), unknownDims(static_cast<size_t>(ts.dims[0].value)));
    else
      c.outTensor(0, c.elem(0), Shape::unknownRank());
    return;
  }
  reshapeTo(c, target, c.attrInt("allowzero", 0) != 0);
}

void ruleFlatten(Ctx& c) {
  const Shape& in = c.shape(0);
  if (!in.rank_known) {
    c.outTensor(0, c.elem(0), unknownDims(2));
    return;
  }
  int64_t r = static_cast<int64_t>(in.rank());
  int64_t axis = c.attrInt("axis", 1);
  if (axis < 0) axis += r;
  if (axis < 0 || axis > r) {
    c.issue("axis " + std::to_string(c.attrInt("axis", 1)) + " out of range for rank " + std::to_string(r));
    return;
  }
  Dim a = dimProduct(in.dims.data(), static_cast<size_t>(axis));
  Dim b = dimProduct(in.dims.data() + axis, static_cast<size_t>(r - axis));
  reshapeTo(c, {a, b}, true);
}

// [Transpose] ------------------------------------------------------------------------

void ruleTranspose(Ctx& c) {
  const Shape& in = c.shape(0);
  std::vector<int64_t> perm;
  bool has_perm = c.attrInts("perm", &perm);
  if (!in.rank_known) {
    c.outTensor(0, c.elem(0), has_perm ? unknownDims(perm.size()) : Shape::unknownRank());
    return;
  }
  int64_t r = static_cast<int64_t>(in.rank());
  if (!has_perm) {
    for (int64_t k = r - 1; k >= 0; --k) perm.push_back(k);
  }
  if (static_cast<int64_t>(perm.size()) != r || !normAxes(&perm, r)) {
    c.issue("perm does not match rank " + std::to_string(r));
    return;
  }
  std::vector<Dim> out;
  for (int64_t p : perm) out.push_back(in.dims[p]);
  if (const ConstValue* v = c.cval(0)) {
    std::vector<int64_t> od;
    for (int64_t p : perm) od.push_back(v->dims[p]);
    auto is = stridesOf(v->dims);
    auto os = stridesOf(od);
    ConstValue res;
    if (remapConst(*v, od, c.maxFold(),
                   [&](int64_t i) {
                     int64_t src = 0;
                     for (size_t k = 0; k < od.size(); ++k) src += (i / os[k] % od[k]) * is[perm[k]];
                     return src;
                   },
                   &res)) {
      c.outConst(0, std::move(res));
      return;
    }
  }
  c.outTensor(0, c.elem(0), Shape::of(std::move(out)));
}

// [Squeeze, Unsqueeze] -----------------------------------------------------------------

// Axes from the attribute (before opset 13) or input 1; false if not known.
// *given is false when no axes were given at all.
bool axesArg(Ctx& c, int64_t input_from_opset, std::vector<int64_t>* axes, bool* given) {
  *given = true;
  if (c.opset() != 0 && c.opset() < input_from_opset) {
    *given = c.attrInts("axes", axes);
    return true;
  }
  if (!c.has(1)) {
    *given = c.attrInts("axes", axes);  // tolerate the attribute form in newer files
    return true;
  }
  return c.constInts(1, axes);
}

void withValue(Ctx& c, Shape s) {
  if (const ConstValue* v = c.cval(0)) {
    std::vector<int64_t> od;
    if (knownDims(s, &od) && product(od) == v->count()) {
      ConstValue r = *v;
      r.dims = od;
      c.outConst(0, std::move(r));
      return;
    }
  }
  c.outTensor(0, c.elem(0), std::move(s));
}

void ruleSqueeze(Ctx& c) {
  const Shape& in = c.shape(0);
  std::vector<int64_t> axes;
  bool given;
  if (!axesArg(c, 13, &axes, &given)) {
    c.outTensor(0, c.elem(0), Shape::unknownRank());
    return;
  }
  if (!in.rank_known) {
    c.outTensor(0, c.elem(0), Shape::unknownRank());
    return;
  }
  int64_t r = static_cast<int64_t>(in.rank());
  std::vector<char> drop(r, 0);
  if (!given || axes.empty()) {
    for (int64_t k = 0; k < r; ++k) {
      if (!in.dims[k].isKnown()) {  // a symbol might be 1: the rank is not decidable
        c.outTensor(0, c.elem(0), Shape::unknownRank());
        return;
      }
      drop[k] = in.dims[k].value == 1;
    }
  } else {
    if (!normAxes(&axes, r)) {
      c.issue("squeeze axes out of range for rank " + std::to_string(r));
      return;
    }
    for (int64_t a : axes) {
      if (in.dims[a].isKnown() && in.dims[a].value != 1)
        c.issue("cannot squeeze axis " + std::to_string(a) + " of size " + std::to_string(in.dims[a].value));
      drop[a] = 1;
    }
  }
  std::vector<Dim> out;
  for (int64_t k = 0; k < r; ++k)
    if (!drop[k]) out.push_back(in.dims[k]);
  withValue(c, Shape::of(std::move(out)));
}

void ruleUnsqueeze(Ctx& c) {
  const Shape& in = c.shape(0);
  std::vector<int64_t> axes;
  bool given;
  if (!axesArg(c, 13, &axes, &given) || !given) {
    c.outTensor(0, c.elem(0), Shape::unknownRank());
    return;
  }
  if (!in.rank_known) {
    c.outTensor(0, c.elem(0), Shape::unknownRank());
    return;
  }
  int64_t r = static_cast<int64_t>(in.rank() + axes.size());
  if (!normAxes(&axes, r)) {
    c.issue("unsqueeze axes out of range for output rank " + std::to_string(r));
    return;
  }
  std::vector<char> ins(r, 0);
  for (int64_t a : axes) ins[a] = 1;
  std::vector<Dim> out;
  size_t j = 0;
  for (int64_t k = 0; k < r; ++k) out.push_back(ins[k] ? Dim::known(1) : in.dims[j++]);
  withValue(c, Shape::of(std::move(out)));
}

// [Concat] -----------------------------------------------------------------------------

void ruleConcat(Ctx& c) {
  int64_t axis = c.attrInt("axis", 1);  // opset < 4 defaulted to 1
  ElemType e = ElemType::Undefined;
  int64_t r = -1;
  for (size_t i = 0; i < c.numInputs(); ++i) {
    if (!c.has(i)) continue;
    if (e == ElemType::Undefined) e = c.elem(i);
    if (c.rank(i) >= 0) r = c.rank(i);
  }
  if (r < 0) {
    c.outTensor(0, e, Shape::unknownRank());
    return;
  }
  int64_t ax;
  if (!normAxis(axis, r, &ax)) {
    c.issue("axis " + std::to_string(axis) + " out of range for rank " + std::to_string(r));
    return;
  }
  std::vector<Dim> out(r);
  Dim sum = Dim::known(0);
  for (size_t i = 0; i < c.numInputs(); ++i) {
    if (!c.has(i)) continue;
    const Shape& s = c.shape(i);
    if (!s.rank_known) {
      sum = Dim::unknown();
      continue;
    }
    if (static_cast<int64_t>(s.rank()) != r) {
      c.issue("inputs of different ranks");
      c.outTensor(0, e, Shape::unknownRank());
      return;
    }
    sum = dimAdd(sum, s.dims[ax]);
    for (int64_t k = 0; k < r; ++k) {
      if (k == ax) continue;
      const Dim& d = s.dims[k];
      if (out[k].kind == Dim::Kind::Unknown || (d.isKnown() && !out[k].isKnown())) out[k] = d;
      else if (d.kind != Dim::Kind::Unknown && dimEquals(out[k], d) == Tri::No)
        c.issue("inputs differ in dim " + std::to_string(k) + " (" + shapeToString(Shape::of(out)) + " vs " +
                shapeToString(s) + ")");
    }
  }
  out[ax] = sum;
  // Fold: every input a constant, or (for 1-D integer lists) a tensor of known
  // length whose entries are then unknown: shape vectors stay partially known.
  bool all_const = true, list_ok = r == 1 && !ir::isFloatType(e);
  int64_t n = 0;
  for (size_t i = 0; i < c.numInputs() && (all_const || list_ok); ++i) {
    if (!c.has(i)) continue;
    if (!c.cval(i)) {
      all_const = false;
      if (!(c.shape(i).rank_known && c.shape(i).dims[0].isKnown())) list_ok = false;
    }
    if (c.shape(i).rank_known && c.shape(i).dims[ax].isKnown() && c.shape(i).dims[ax].value >= 0)
      n += c.shape(i).dims[ax].value;
    else list_ok = false;
  }
  if (r == 1 && list_ok && n <= c.maxFold()) {
    std::vector<Dim> ints;
    std::vector<double> reals;
    for (size_t i = 0; i < c.numInputs(); ++i) {
      if (!c.has(i)) continue;
      if (const ConstValue* v = c.cval(i)) {
        if (v->isReal()) reals.insert(reals.end(), v->reals.begin(), v->reals.end());
        else ints.insert(ints.end(), v->ints.begin(), v->ints.end());
      } else {
        ints.insert(ints.end(), static_cast<size_t>(c.shape(i).dims[0].value), Dim::unknown());
      }
    }
    if (ir::isFloatType(e)) c.outConst(0, realConst(e, {n}, std::move(reals)));
    else c.outConst(0, intConst(e, {n}, std::move(ints)));
    return;
  }
  if (all_const) {
    std::vector<int64_t> od;
    if (knownDims(Shape::of(out), &od) && product(od) >= 0 && product(od) <= c.maxFold()) {
      // Copy input blocks along the axis.
      ConstValue res;
      res.elem = e;
      res.dims = od;
      int64_t outer = 1, inner = 1;
      for (int64_t k = 0; k < ax; ++k) outer *= od[k];
      for (int64_t k = ax + 1; k < r; ++k) inner *= od[k];
      for (int64_t o = 0; o < outer; ++o)
        for (size_t i = 0; i < c.numInputs(); ++i) {
          if (!c.has(i)) continue;
          const ConstValue* v = c.cval(i);
          int64_t block = v->dims[ax] * inner;
          for (int64_t j = 0; j < block; ++j) {
            if (v->isReal()) res.reals.push_back(v->reals[o * block + j]);
            else res.ints.push_back(v->ints[o * block + j]);
          }
        }
      c.outConst(0, std::move(res));
      return;
    }
  }
  c.outTensor(0, e, Shape::of(std::move(out)));
}

// [Slice helpers shared by Slice and Split] ------------------------------------------

// Folds a strided slice of a constant: per-axis start and step with output dims.
bool sliceConst(const ConstValue& v, const std::vector<int64_t>& start, const std::vector<int64_t>& step,
                const std::vector<int64_t>& od, int64_t limit, ConstValue* out) {
  auto is = stridesOf(v.dims);
  auto os = stridesOf(od);
  return remapConst(v, od, limit,
                    [&](int64_t i) {
                      int64_t src = 0;
                      for (size_t k = 0; k < od.size(); ++k) src += (start[k] + (i / os[k] % od[k]) * step[k]) * is[k];
                      return src;
                    },
                    out);
}

// [Split] -----------------------------------------------------------------------------

void ruleSplit(Ctx& c) {
  const Shape& in = c.shape(0);
  size_t n = c.numOutputs();
  if (!in.rank_known) {
    for (size_t i = 0; i < n; ++i) c.outTensor(i, c.elem(0), Shape::unknownRank());
    return;
  }
  int64_t r = static_cast<int64_t>(in.rank()), ax;
  if (!normAxis(c.attrInt("axis", 0), r, &ax)) {
    c.issue("axis out of range for rank " + std::to_string(r));
    return;
  }
  std::vector<int64_t> sizes;
  bool have = false;
  if (c.opset() != 0 && c.opset() < 13) {
    have = c.attrInts("split", &sizes);
    if (!have && c.has(1)) have = c.constInts(1, &sizes);  // opset 2..: optional input in some files
  } else if (c.has(1)) {
    if (!c.constInts(1, &sizes)) {
      for (size_t i = 0; i < n; ++i) {
        Shape s = in;
        s.dims[ax] = Dim::unknown();
        c.outTensor(i, c.elem(0), s);
      }
      return;
    }
    have = true;
  }
  const Dim& d = in.dims[ax];
  std::vector<Dim> parts(n);
  if (have) {
    if (sizes.size() != n) c.issue("split has " + std::to_string(sizes.size()) + " sizes for " + std::to_string(n) + " outputs");
    for (size_t i = 0; i < n && i < sizes.size(); ++i) parts[i] = Dim::known(sizes[i]);
  } else if (c.hasAttr("num_outputs") && d.isKnown()) {
    // Opset 18: ceil-sized chunks, the last one smaller.
    int64_t k = c.attrInt("num_outputs", static_cast<int64_t>(n));
    k = std::max<int64_t>(k, 1);
    int64_t chunk = d.value / k + (d.value % k != 0);
    int64_t left = d.value;
    for (size_t i = 0; i < n; ++i) {
      int64_t sz = std::min(chunk, left);
      parts[i] = Dim::known(std::max<int64_t>(sz, 0));
      left -= sz;
    }
  } else {
    Dim each = dimDiv(d, Dim::known(static_cast<int64_t>(n)));
    if (d.isKnown() && d.value % static_cast<int64_t>(n) != 0) {
      c.issue("cannot split " + std::to_string(d.value) + " evenly into " + std::to_string(n));
      each = Dim::unknown();
    }
    for (auto& p : parts) p = each;
  }
  const ConstValue* v = c.cval(0);
  int64_t offset = 0;
  for (size_t i = 0; i < n; ++i) {
    Shape s = in;
    s.dims[ax] = parts[i];
    if (v && parts[i].isKnown()) {
      std::vector<int64_t> od = v->dims, start(v->dims.size(), 0), step(v->dims.size(), 1);
      od[ax] = parts[i].value;
      start[ax] = offset;
      ConstValue res;
      if (offset + parts[i].value <= v->dims[ax] && sliceConst(*v, start, step, od, c.maxFold(), &res)) {
        c.outConst(i, std::move(res));
        offset += parts[i].value;
        continue;
      }
    }
    if (parts[i].isKnown()) offset += parts[i].value;
    c.outTensor(i, c.elem(0), std::move(s));
  }
}

// [Slice] -----------------------------------------------------------------------------

constexpr int64_t kBigEnd = INT_MAX;  // exporters write INT_MAX / INT64_MAX for "to the end"

// Output length of a slice of a dim, or Unknown. Symbolic dims only in the
// common exported forms: [s:] with s >= 0 known, and [0:e] with e symbolic
// (taken to lie within the dim, as any valid model's does).
Dim sliceLen(const Dim& d, const Dim& s_in, const Dim& e_in, int64_t step, int64_t* start_out) {
  *start_out = -1;
  if (step == 0) return Dim::unknown();
  if (d.isKnown() && s_in.isKnown() && e_in.isKnown()) {
    int64_t n = d.value, s = s_in.value, e = e_in.value;
    if (s < 0) s += n;
    if (e < 0) e += n;
    int64_t len;
    if (step > 0) {
      s = std::clamp<int64_t>(s, 0, n);
      e = std::clamp<int64_t>(e, 0, n);
      len = e > s ? (e - s + step - 1) / step : 0;
    } else {
      s = std::clamp<int64_t>(s, 0, n - 1);
      e = std::clamp<int64_t>(e, -1, n - 1);
      len = s > e ? (s - e + (-step) - 1) / (-step) : 0;
    }
    *start_out = s;
    return Dim::known(len);
  }
  if (step != 1) return Dim::unknown();
  if (s_in.isKnown() && s_in.value >= 0 && e_in.isKnown() && e_in.value >= kBigEnd && d.kind != Dim::Kind::Unknown)
    return dimSub(d, s_in);
  if (s_in.isKnown() && s_in.value == 0 && e_in.isSymbolic()) return e_in;
  if (s_in.isKnown() && s_in.value == 0 && e_in.isKnown() && e_in.value < 0 && d.isSymbolic())
    return dimAdd(d, e_in);  // [:-k]
  if (dimEquals(e_in, d) == Tri::Yes && s_in.isKnown() && s_in.value >= 0) return dimSub(d, s_in);
  // [i : i + k] with a symbolic i (a loop counter): k, when the bounds are not
  // negative constants and k fits the dim.
  Dim diff = dimSub(e_in, s_in);
  if (diff.isKnown() && diff.value >= 0 && !(s_in.isKnown() && s_in.value < 0) &&
      !(e_in.isKnown() && e_in.value < 0) && !(d.isKnown() && diff.value > d.value))
    return diff;
  return Dim::unknown();
}

void ruleSlice(Ctx& c) {
  const Shape& in = c.shape(0);
  if (!in.rank_known) {
    c.outTensor(0, c.elem(0), Shape::unknownRank());
    return;
  }
  int64_t r = static_cast<int64_t>(in.rank());
  std::vector<Dim> starts, ends;
  std::vector<int64_t> axes, steps;
  bool legacy = c.opset() != 0 && c.opset() < 10;
  bool ok = true;
  if (legacy) {
    std::vector<int64_t> s, e;
    ok = c.attrInts("starts", &s) && c.attrInts("ends", &e);
    for (int64_t x : s) starts.push_back(Dim::known(x));
    for (int64_t x : e) ends.push_back(Dim::known(x));
    if (!c.attrInts("axes", &axes))
      for (size_t k = 0; k < s.size(); ++k) axes.push_back(static_cast<int64_t>(k));
  } else {
    ok = c.cval(1) && c.cval(2) && constToDims(*c.cval(1), &starts) && constToDims(*c.cval(2), &ends);
    if (c.has(3)) {
      if (!c.constInts(3, &axes)) {
        c.outTensor(0, c.elem(0), unknownDims(in.rank()));
        return;
      }
    } else {
      for (size_t k = 0; k < starts.size(); ++k) axes.push_back(static_cast<int64_t>(k));
    }
    if (c.has(4) && !c.constInts(4, &steps)) {
      Shape s = in;
      if (normAxes(&axes, r))
        for (int64_t a : axes) s.dims[a] = Dim::unknown();
      else
        s = unknownDims(in.rank());
      c.outTensor(0, c.elem(0), s);
      return;
    }
  }
  if (!ok) {
    // Unknown bounds: the sliced axes become unknown when they are known.
    Shape s = in;
    if (!axes.empty() && normAxes(&axes, r))
      for (int64_t a : axes) s.dims[a] = Dim::unknown();
    else
      s = unknownDims(in.rank());
    c.outTensor(0, c.elem(0), s);
    return;
  }
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (starts.size() != ends.size() || axes.size() != starts.size() || steps.size() != starts.size() ||
      !normAxes(&axes, r)) {
    c.issue("starts/ends/axes/steps disagree");
    c.outTensor(0, c.elem(0), unknownDims(in.rank()));
    return;
  }
  Shape out = in;
  std::vector<int64_t> fstart(r, 0), fstep(r, 1);
  bool foldable = true;
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t a = axes[i];
    int64_t st;
    out.dims[a] = sliceLen(in.dims[a], starts[i], ends[i], steps[i], &st);
    if (st < 0) foldable = false;
    fstart[a] = st;
    fstep[a] = steps[i];
  }
  if (const ConstValue* v = c.cval(0); v && foldable) {
    std::vector<int64_t> od;
    ConstValue res;
    if (knownDims(out, &od) && sliceConst(*v, fstart, fstep, od, c.maxFold(), &res)) {
      c.outConst(0, std::move(res));
      return;
    }
  }
  c.outTensor(0, c.elem(0), std::move(out));
}

// [Expand, Tile, Pad] -------------------------------------------------------------------

void ruleExpand(Ctx& c) {
  std::vector<Dim> target;
  if (!c.cval(1) || !constToDims(*c.cval(1), &target)) {
    const Shape& ts = c.shape(1);
    if (ts.rank_known && ts.rank() == 1 && ts.dims[0].isKnown()) {
      Shape tgt = unknownDims(static_cast<size_t>(ts.dims[0].value));
      Shape out;
      std::string err;
      if (broadcastShapes({&c.shape(0), &tgt}, &out, &err)) c.outTensor(0, c.elem(0), out);
      return;
    }
    c.outTensor(0, c.elem(0), Shape::unknownRank());
    return;
  }
  Shape tgt = Shape::of(target);
  Shape out;
  std::string err;
  if (!broadcastShapes({&c.shape(0), &tgt}, &out, &err)) {
    c.issue(err);
    c.outTensor(0, c.elem(0), Shape::unknownRank());
    return;
  }
  if (const ConstValue* v = c.cval(0)) {
    std::vector<int64_t> od;
    ConstValue res;
    if (knownDims(out, &od) &&
        remapConst(*v, od, c.maxFold(), [&](int64_t i) { return broadcastIndex(od, v->dims, i); }, &res)) {
      c.outConst(0, std::move(res));
      return;
    }
  }
  c.outTensor(0, c.elem(0), std::move(out));
}

void ruleTile(Ctx& c) {
  const Shape& in = c.shape(0);
  if (!in.rank_known) {
    c.outTensor(0, c.elem(0), Shape::unknownRank());
    return;
  }
  Shape out = in;
  std::vector<int64_t> reps;
  if (c.opset() != 0 && c.opset() < 6) {
    // Tile-1: (input, tiles, axis) scalars.
    int64_t tiles, axis;
    std::vector<int64_t> t, a;
    if (c.constInts(1, &t) && c.constInts(2, &a) && t.size() == 1 && a.size() == 1 && normAxis(a[0], in.rank(), &axis)) {
      tiles = t[0];
      out.dims[axis] = dimMul(in.dims[axis], tiles);
    } else {
      out = unknownDims(in.rank());
    }
    c.outTensor(0, c.elem(0), out);
    return;
  }
  if (!c.constInts(1, &reps) || reps.size() != in.rank()) {
    if (c.cval(1)) c.issue("repeats do not match the rank");
    c.outTensor(0, c.elem(0), unknownDims(in.rank()));
    return;
  }
  for (size_t k = 0; k < reps.size(); ++k) out.dims[k] = dimMul(in.dims[k], reps[k]);
  if (const ConstValue* v = c.cval(0)) {
    std::vector<int64_t> od;
    ConstValue res;
    auto is = stridesOf(v->dims);
    if (knownDims(out, &od)) {
      auto os = stridesOf(od);
      if (remapConst(*v, od, c.maxFold(),
                     [&](int64_t i) {
                       int64_t src = 0;
                       for (size_t k = 0; k < od.size(); ++k) src += (i / os[k] % od[k]) % v->dims[k] * is[k];
                       return src;
                     },
                     &res)) {
        c.outConst(0, std::move(res));
        return;
      }
    }
  }
  c.outTensor(0, c.elem(0), std::move(out));
}

void rulePad(Ctx& c) {
  const Shape& in = c.shape(0);
  if (!in.rank_known) {
    c.outTensor(0, c.elem(0), Shape::unknownRank());
    return;
  }
  int64_t r = static_cast<int64_t>(in.rank());
  std::vector<int64_t> pads, axes;
  bool have;
  if (c.opset() != 0 && c.opset() < 11) have = c.attrInts("pads", &pads) || c.attrInts("paddings", &pads);
  else have = c.constInts(1, &pads);
  if (!have) {
    c.outTensor(0, c.elem(0), unknownDims(in.rank()));
    return;
  }
  if (c.has(3)) {
    if (!c.constInts(3, &axes) || !normAxes(&axes, r)) {
      c.outTensor(0, c.elem(0), unknownDims(in.rank()));
      return;
    }
  } else {
    for (int64_t k = 0; k < r; ++k) axes.push_back(k);
  }
  size_t k = axes.size();
  if (pads.size() != 2 * k) {
    c.issue("pads has " + std::to_string(pads.size()) + " values for " + std::to_string(k) + " axes");
    c.outTensor(0, c.elem(0), unknownDims(in.rank()));
    return;
  }
  Shape out = in;
  for (size_t i = 0; i < k; ++i) out.dims[axes[i]] = dimAdd(in.dims[axes[i]], pads[i] + pads[i + k]);
  c.outTensor(0, c.elem(0), std::move(out));
}

// [DepthToSpace, SpaceToDepth] ------------------------------------------------------------

void ruleDepthToSpace(Ctx& c) {
  const Shape& in = c.shape(0);
  int64_t b = c.attrInt("blocksize", 1);
  if (!in.rank_known || in.rank() != 4 || b <= 0) {
    c.outTensor(0, c.elem(0), unknownDims(4));
    return;
  }
  c.outTensor(0, c.elem(0),
              Shape::of({in.dims[0], dimDiv(in.dims[1], Dim::known(b * b)), dimMul(in.dims[2], b), dimMul(in.dims[3], b)}));
}

void ruleSpaceToDepth(Ctx& c) {
  const Shape& in = c.shape(0);
  int64_t b = c.attrInt("blocksize", 1);
  if (!in.rank_known || in.rank() != 4 || b <= 0) {
    c.outTensor(0, c.elem(0), unknownDims(4));
    return;
  }
  c.outTensor(0, c.elem(0),
              Shape::of({in.dims[0], dimMul(in.dims[1], b * b), dimDiv(in.dims[2], Dim::known(b)),
                         dimDiv(in.dims[3], Dim::known(b))}));
}

}  // namespace

// The ops of this family, one entry each (fields: shapes/op_registry.h).
std::span<const OpSpec> shapeOps() {
  using namespace op_table;
  static const OpSpec kOps[] = {
      Op{"", "Shape", C::Tensor, ruleShape, K::Free, "data", "shape"}.shapeArgs(0b1).folds(F::ShapeOf),
      Op{"", "Size", C::Tensor, ruleSize, K::Free, "data", "size"}.shapeArgs(0b1).folds(F::ShapeOf),
      Op{"", "Reshape", C::Tensor, ruleReshape, K::Free, "data shape", "reshaped"}.shapeArgs(0b10).labelled(),
      {"", "Flatten", C::Tensor, ruleFlatten, K::Free, "input", "output"},
      Op{"", "Transpose", C::Tensor, ruleTranspose, K::Free, "data", "transposed"}.shows(A::Perm),
      Op{"", "Squeeze", C::Tensor, ruleSqueeze, K::Free, "data axes", "squeezed"}.shapeArgs(0b10).labelled(),
      Op{"", "Unsqueeze", C::Tensor, ruleUnsqueeze, K::Free, "data axes", "expanded"}.shapeArgs(0b10).labelled(),
      {"", "Concat", C::Tensor, ruleConcat, K::Free, "inputs", "concat_result"},
      Op{"", "Split", C::Tensor, ruleSplit, K::Free,
         "input split", "outputs"}.shapeArgs(0b10).shows(A::SplitSizes).labelled(),
      Op{"", "Slice", C::Tensor, ruleSlice, K::Free,
         "data starts ends axes steps", "output"}.shapeArgs(0b11110).labelled(),
      Op{"", "Expand", C::Tensor, ruleExpand, K::Free, "input shape", "output"}.shapeArgs(0b10).labelled(),
      Op{"", "Tile", C::Tensor, ruleTile, K::Free, "input repeats", "output"}.shapeArgs(0b110).labelled(),
      Op{"", "Pad", C::Tensor, rulePad, K::Free,
         "data pads constant_value axes", "output"}.shapeArgs(0b1110).shows(A::PadMode).labelled(),
      Op{"", "DepthToSpace", C::Tensor, ruleDepthToSpace, K::Free, "input", "output"}.shows(A::BlockSize),
      Op{"", "SpaceToDepth", C::Tensor, ruleSpaceToDepth, K::Free, "input", "output"}.shows(A::BlockSize),
  };
  return kOps;
}

}  // namespace nf::shapes::detail
