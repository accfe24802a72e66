// Rules for indexing and value-producing ops: Constant, ConstantOfShape, Range,
// Gather/GatherElements/GatherND, OneHot, NonZero, Compress, TopK, Unique,
// EyeLike, CenterCropPad, random generators. Gather, Range and ConstantOfShape
// fold small constants (shape computations in exported transformers use them).
#include <algorithm>
#include <climits>
#include <cmath>
#include <optional>

#include "base/checked.h"
#include "base/limits.h"
#include "shapes/rule_helpers.h"
#include "shapes/symbolic.h"

namespace nf::shapes::detail {

namespace {

// [Constant, ConstantOfShape, Range] --------------------------------------------------

void ruleConstant(Ctx& c) {
  if (const ir::Attribute* a = c.attr("value"); a && !a->tensors.empty()) {
    const ir::Tensor& t = a->tensors[0];
    if (auto v = decodeTensor(c.model(), t, c.maxFold())) c.outConst(0, *v);
    else c.outTensor(0, t.elem, Shape::ofKnown(t.dims));
    return;
  }
  if (const ir::Attribute* a = c.attr("sparse_value"); a && !a->sparse_tensors.empty()) {
    c.outTensor(0, a->sparse_tensors[0].values.elem, Shape::ofKnown(a->sparse_tensors[0].dims));
    return;
  }
  if (const ir::Attribute* a = c.attr("value_float"))
    return c.outConst(0, realConst(ElemType::Float, {}, {a->f}));
  if (const ir::Attribute* a = c.attr("value_floats")) {
    std::vector<double> v(a->floats.begin(), a->floats.end());
    int64_t n = static_cast<int64_t>(v.size());  // read before v is moved from
    return c.outConst(0, realConst(ElemType::Float, {n}, std::move(v)));
  }
  if (const ir::Attribute* a = c.attr("value_int"))
    return c.outConst(0, intConst(ElemType::Int64, {}, {Dim::known(a->i)}));
  if (const ir::Attribute* a = c.attr("value_ints")) {
    std::vector<Dim> v;
    for (int64_t x : a->ints) v.push_back(Dim::known(x));
    int64_t n = static_cast<int64_t>(v.size());
    return c.outConst(0, intConst(ElemType::Int64, {n}, std::move(v)));
  }
  if (c.attr("value_string")) return c.outTensor(0, ElemType::String, Shape::of({}));
  if (const ir::Attribute* a = c.attr("value_strings"))
    return c.outTensor(0, ElemType::String, Shape::ofKnown({static_cast<int64_t>(a->strings.size())}));
}

void ruleConstantOfShape(Ctx& c) {
  ElemType e = ElemType::Float;
  std::shared_ptr<const ConstValue> fill;
  if (const ir::Attribute* a = c.attr("value"); a && !a->tensors.empty()) {
    e = a->tensors[0].elem;
    fill = decodeTensor(c.model(), a->tensors[0], 1);
  }
  std::vector<Dim> dims;
  if (!c.cval(0) || !constToDims(*c.cval(0), &dims)) {
    const Shape& s = c.shape(0);
    if (s.rank_known && s.rank() == 1 && s.dims[0].isKnown())
      c.outTensor(0, e, unknownDims(static_cast<size_t>(s.dims[0].value)));
    else
      c.outTensor(0, e, Shape::unknownRank());
    return;
  }
  Shape s = Shape::of(dims);
  std::vector<int64_t> od;
  if (knownDims(s, &od)) {
    int64_t n = product(od);
    if (n >= 0 && n <= c.maxFold()) {
      ConstValue v;
      v.elem = e;
      v.dims = od;
      if (ir::isFloatType(e)) v.reals.assign(n, fill && !fill->reals.empty() ? fill->reals[0] : 0.0);
      else v.ints.assign(n, fill && !fill->ints.empty() ? fill->ints[0] : Dim::known(0));
      c.outConst(0, std::move(v));
      return;
    }
  }
  c.outTensor(0, e, std::move(s));
}

void ruleRange(Ctx& c) {
  ElemType e = c.elem(0);
  const ConstValue *s = c.cval(0), *l = c.cval(1), *d = c.cval(2);
  if (s && l && d && s->count() == 1 && l->count() == 1 && d->count() == 1) {
    if (s->isReal() || l->isReal() || d->isReal()) {
      double a = s->isReal() ? s->reals[0] : static_cast<double>(s->ints[0].value);
      double b = l->isReal() ? l->reals[0] : static_cast<double>(l->ints[0].value);
      double st = d->isReal() ? d->reals[0] : static_cast<double>(d->ints[0].value);
      if (s->fullyKnown() && l->fullyKnown() && d->fullyKnown() && st != 0 && std::isfinite(a) && std::isfinite(b)) {
        double q = std::ceil((b - a) / st);
        // A length past int64 cannot be a dim: unknown, not a wrapped number.
        if (!(q < 9.2e18)) return c.outTensor(0, e, Shape::of({Dim::unknown()}));
        int64_t n = std::max<int64_t>(static_cast<int64_t>(q), 0);
        if (n <= c.maxFold()) {
          std::vector<double> v;
          for (int64_t i = 0; i < n; ++i) v.push_back(a + st * static_cast<double>(i));
          return c.outConst(0, realConst(e, {n}, std::move(v)));
        }
        return c.outTensor(0, e, Shape::ofKnown({n}));
      }
    } else {
      const Dim &a = s->ints[0], &b = l->ints[0], &st = d->ints[0];
      if (a.isKnown() && b.isKnown() && st.isKnown() && st.value != 0) {
        std::optional<int64_t> diff = checkedSub(b.value, a.value);
        std::optional<int64_t> num = diff ? checkedAdd(*diff, st.value > 0 ? st.value - 1 : st.value + 1) : std::nullopt;
        if (!num || st.value == INT64_MIN) return c.outTensor(0, e, Shape::of({Dim::unknown()}));
        int64_t n = std::max<int64_t>(*num / st.value, 0);
        if (n <= c.maxFold()) {
          std::vector<Dim> v;
          for (int64_t i = 0; i < n; ++i) v.push_back(Dim::known(a.value + st.value * i));
          return c.outConst(0, intConst(e, {n}, std::move(v)));
        }
        return c.outTensor(0, e, Shape::ofKnown({n}));
      }
      if (st.isKnown() && st.value == 1) {
        // Range(0, seq, 1) has seq elements (a negative length is not a valid model).
        return c.outTensor(0, e, Shape::of({dimSub(b, a)}));
      }
    }
  }
  c.outTensor(0, e, Shape::of({Dim::unknown()}));
}

// [Gather family] --------------------------------------------------------------------

void ruleGather(Ctx& c) {
  const Shape& data = c.shape(0);
  const Shape& idx = c.shape(1);
  if (!data.rank_known || !idx.rank_known) {
    c.outTensor(0, c.elem(0), Shape::unknownRank());
    return;
  }
  int64_t r = static_cast<int64_t>(data.rank()), ax;
  if (!normAxis(c.attrInt("axis", 0), r, &ax)) {
    c.issue("axis out of range for rank " + std::to_string(r));
    return;
  }
  std::vector<Dim> out(data.dims.begin(), data.dims.begin() + ax);
  out.insert(out.end(), idx.dims.begin(), idx.dims.end());
  out.insert(out.end(), data.dims.begin() + ax + 1, data.dims.end());
  const ConstValue* v = c.cval(0);
  std::vector<int64_t> ind;
  if (v && c.constInts(1, &ind)) {
    int64_t outer = 1, inner = 1, D = v->dims[ax];
    for (int64_t k = 0; k < ax; ++k) outer *= v->dims[k];
    for (int64_t k = ax + 1; k < r; ++k) inner *= v->dims[k];
    for (auto& i : ind) {
      if (i < 0) i += D;
      if (i < 0 || i >= D) {
        c.issue("index " + std::to_string(i) + " out of range for a dim of " + std::to_string(D));
        c.outTensor(0, c.elem(0), Shape::of(std::move(out)));
        return;
      }
    }
    std::vector<int64_t> od(v->dims.begin(), v->dims.begin() + ax);
    od.insert(od.end(), c.cval(1)->dims.begin(), c.cval(1)->dims.end());
    od.insert(od.end(), v->dims.begin() + ax + 1, v->dims.end());
    int64_t ni = static_cast<int64_t>(ind.size());
    ConstValue res;
    if (remapConst(*v, od, c.maxFold(),
                   [&](int64_t i) {
                     int64_t in = i % inner, rest = i / inner;
                     int64_t k = rest % ni, o = rest / ni;
                     return (o * D + ind[k]) * inner + in;
                   },
                   &res)) {
      c.outConst(0, std::move(res));
      return;
    }
  }
  c.outTensor(0, c.elem(0), Shape::of(std::move(out)));
}

void ruleGatherElements(Ctx& c) {
  if (c.isTensor(1)) c.outTensor(0, c.elem(0), c.shape(1));
  else c.outTensor(0, c.elem(0), c.shape(0).rank_known ? unknownDims(c.shape(0).rank()) : Shape::unknownRank());
}

void ruleGatherND(Ctx& c) {
  const Shape& data = c.shape(0);
  const Shape& idx = c.shape(1);
  int64_t b = c.attrInt("batch_dims", 0);
  if (!data.rank_known || !idx.rank_known || idx.rank() == 0 || !idx.dims.back().isKnown()) {
    c.outTensor(0, c.elem(0), Shape::unknownRank());
    return;
  }
  int64_t last = idx.dims.back().value;
  if (b + last > static_cast<int64_t>(data.rank())) {
    c.issue("indices address more dims than the data has");
    return;
  }
  std::vector<Dim> out(idx.dims.begin(), idx.dims.end() - 1);
  out.insert(out.end(), data.dims.begin() + b + last, data.dims.end());
  c.outTensor(0, c.elem(0), Shape::of(std::move(out)));
}

// [OneHot, NonZero, Compress, TopK, Unique] -------------------------------------------------

void ruleOneHot(Ctx& c) {
  const Shape& in = c.shape(0);
  ElemType e = c.elem(2);
  if (!in.rank_known) {
    c.outTensor(0, e, Shape::unknownRank());
    return;
  }
  int64_t r = static_cast<int64_t>(in.rank()) + 1, ax;
  if (!normAxis(c.attrInt("axis", -1), r, &ax)) {
    c.issue("axis out of range");
    return;
  }
  Dim depth = Dim::unknown();
  int64_t d;
  if (c.cval(1) && c.cval(1)->count() == 1 && c.cval(1)->intAt(0, &d)) depth = Dim::known(d);
  std::vector<Dim> out = in.dims;
  out.insert(out.begin() + ax, depth);
  c.outTensor(0, e, Shape::of(std::move(out)));
}

void ruleNonZero(Ctx& c) {
  int64_t r = c.rank(0);
  Dim rk = r >= 0 ? Dim::known(r) : Dim::unknown();
  if (const ConstValue* v = c.cval(0)) {
    int64_t n = 0;
    bool ok = true;
    for (int64_t i = 0; i < v->count() && ok; ++i) {
      if (v->isReal()) n += v->reals[i] != 0.0;
      else if (v->ints[i].isKnown()) n += v->ints[i].value != 0;
      else ok = false;
    }
    if (ok) return c.outTensor(0, ElemType::Int64, Shape::of({rk, Dim::known(n)}));
  }
  c.outTensor(0, ElemType::Int64, Shape::of({rk, Dim::unknown()}));
}

void ruleCompress(Ctx& c) {
  const Shape& in = c.shape(0);
  Dim kept = Dim::unknown();
  if (const ConstValue* cond = c.cval(1)) {
    int64_t n = 0;
    bool ok = true;
    for (int64_t i = 0; i < cond->count() && ok; ++i) {
      int64_t f;
      if (!cond->intAt(static_cast<size_t>(i), &f)) ok = false;
      n += f != 0;
    }
    if (ok) kept = Dim::known(n);
  }
  if (!c.hasAttr("axis")) {
    c.outTensor(0, c.elem(0), Shape::of({kept}));
    return;
  }
  if (!in.rank_known) {
    c.outTensor(0, c.elem(0), Shape::unknownRank());
    return;
  }
  int64_t ax;
  if (!normAxis(c.attrInt("axis", 0), static_cast<int64_t>(in.rank()), &ax)) {
    c.issue("axis out of range");
    return;
  }
  Shape out = in;
  out.dims[ax] = kept;
  c.outTensor(0, c.elem(0), std::move(out));
}

void ruleTopK(Ctx& c) {
  const Shape& in = c.shape(0);
  Dim k = Dim::unknown();
  if (c.opset() != 0 && c.opset() < 10) {
    k = Dim::known(c.attrInt("k", 0));
  } else if (const ConstValue* v = c.cval(1); v && v->count() == 1 && !v->isReal()) {
    k = v->ints[0];
  }
  Shape out = in;
  if (in.rank_known) {
    int64_t ax;
    if (!normAxis(c.attrInt("axis", -1), static_cast<int64_t>(in.rank()), &ax)) {
      c.issue("axis out of range");
      return;
    }
    out.dims[ax] = k;
  }
  c.outTensor(0, c.elem(0), out);
  c.outTensor(1, ElemType::Int64, out);
}

void ruleUnique(Ctx& c) {
  const Shape& in = c.shape(0);
  Shape idx = Shape::of({Dim::unknown()});
  if (!c.hasAttr("axis")) {
    c.outTensor(0, c.elem(0), idx);
    c.outTensor(2, ElemType::Int64, Shape::of({in.rank_known ? dimProduct(in.dims.data(), in.rank()) : Dim::unknown()}));
  } else if (in.rank_known) {
    int64_t ax;
    if (!normAxis(c.attrInt("axis", 0), static_cast<int64_t>(in.rank()), &ax)) {
      c.issue("axis out of range");
      return;
    }
    Shape y = in;
    y.dims[ax] = Dim::unknown();
    c.outTensor(0, c.elem(0), y);
    c.outTensor(2, ElemType::Int64, Shape::of({in.dims[ax]}));
  } else {
    c.outTensor(0, c.elem(0), Shape::unknownRank());
    c.outTensor(2, ElemType::Int64, idx);
  }
  c.outTensor(1, ElemType::Int64, idx);
  c.outTensor(3, ElemType::Int64, idx);
}

// [EyeLike, CenterCropPad, random generators] --------------------------------------------

void ruleEyeLike(Ctx& c) {
  ElemType e = c.hasAttr("dtype") ? elemFromAttr(c.attrInt("dtype", 0)) : c.elem(0);
  c.outTensor(0, e, c.isTensor(0) ? c.shape(0) : unknownDims(2));
}

void ruleCenterCropPad(Ctx& c) {
  const Shape& in = c.shape(0);
  std::vector<Dim> target;
  if (!in.rank_known || !c.cval(1) || !constToDims(*c.cval(1), &target)) {
    c.outTensor(0, c.elem(0), in.rank_known ? unknownDims(in.rank()) : Shape::unknownRank());
    return;
  }
  std::vector<int64_t> axes;
  if (!c.attrInts("axes", &axes))
    for (size_t k = 0; k < target.size(); ++k) axes.push_back(static_cast<int64_t>(in.rank() - target.size() + k));
  if (axes.size() != target.size() || !normAxes(&axes, static_cast<int64_t>(in.rank()))) {
    c.issue("shape and axes disagree");
    return;
  }
  Shape out = in;
  for (size_t k = 0; k < axes.size(); ++k) out.dims[axes[k]] = target[k];
  c.outTensor(0, c.elem(0), std::move(out));
}

void ruleRandom(Ctx& c) {
  std::vector<int64_t> shape;
  ElemType e = elemFromAttr(c.attrInt("dtype", static_cast<int64_t>(ElemType::Float)));
  if (c.attrInts("shape", &shape)) c.outTensor(0, e, Shape::ofKnown(shape));
  else c.outTensor(0, e, Shape::unknownRank());
}

void ruleMultinomial(Ctx& c) {
  const Shape& in = c.shape(0);
  ElemType e = elemFromAttr(c.attrInt("dtype", static_cast<int64_t>(ElemType::Int32)));
  Dim batch = in.rank_known && in.rank() == 2 ? in.dims[0] : Dim::unknown();
  c.outTensor(0, e, Shape::of({batch, Dim::known(c.attrInt("sample_size", 1))}));
}

}  // namespace

// The ops of this family, one entry each (fields: shapes/op_registry.h).
std::span<const OpSpec> indexOps() {
  using namespace op_table;
  static const OpSpec kOps[] = {
      Op{"", "Constant", C::Constant, ruleConstant, K::Free, "", "output"}.folds(F::Constant),
      Op{"", "ConstantOfShape", C::Constant, ruleConstantOfShape, K::Free, "input", "output"}.shapeArgs(0b1).labelled(),
      Op{"", "Range", C::Tensor, ruleRange, K::Free, "start limit delta", "output"}.shapeArgs(0b111).labelled(),
      Op{"", "Gather", C::Tensor, ruleGather, K::Free, "data indices", "output"}.shapeArgs(0b10).labelled(),
      Op{"", "GatherElements", C::Tensor, ruleGatherElements, K::Free,
         "data indices", "output"}.shapeArgs(0b10).labelled(),
      Op{"", "GatherND", C::Tensor, ruleGatherND, K::Free, "data indices", "output"}.shapeArgs(0b10).labelled(),
      Op{"", "OneHot", C::Tensor, ruleOneHot, K::Free, "indices depth values", "output"}.shapeArgs(0b110).labelled(),
      {"", "NonZero", C::Tensor, ruleNonZero, K::Free, "X", "Y"},
      Op{"", "Compress", C::Tensor, ruleCompress, K::Free, "input condition", "output"}.shapeArgs(0b10),
      Op{"", "TopK", C::Tensor, ruleTopK, K::PerInput, "X K", "Values Indices"}.shapeArgs(0b10).labelled(),
      {"", "Unique", C::Tensor, ruleUnique, K::Uncounted, "X", "Y indices inverse_indices counts"},
      Op{"", "EyeLike", C::Constant, ruleEyeLike, K::Free, "input", "output"}.shapeArgs(0b1),
      Op{"", "CenterCropPad", C::Other, ruleCenterCropPad, K::Free, "input_data shape", "output_data"}.shapeArgs(0b10),
      Op{"", "RandomNormal", C::Other, ruleRandom, K::Uncounted, "", "output"}.folds(F::Random),
      Op{"", "RandomUniform", C::Other, ruleRandom, K::Uncounted, "", "output"}.folds(F::Random),
      Op{"", "Multinomial", C::Other, ruleMultinomial, K::Uncounted, "input", "output"}.folds(F::Random),
  };
  return kOps;
}

}  // namespace nf::shapes::detail
