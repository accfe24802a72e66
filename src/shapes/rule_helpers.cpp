#include "shapes/rule_helpers.h"

#include <algorithm>
#include <cmath>

#include "base/checked.h"
#include "base/limits.h"
#include "shapes/symbolic.h"

namespace nf::shapes::detail {

bool normAxis(int64_t axis, int64_t rank, int64_t* out) {
  if (axis < -rank || axis >= rank) return false;
  *out = axis < 0 ? axis + rank : axis;
  return true;
}

bool normAxes(std::vector<int64_t>* axes, int64_t rank) {
  for (auto& a : *axes)
    if (!normAxis(a, rank, &a)) return false;
  std::vector<int64_t> sorted = *axes;
  std::sort(sorted.begin(), sorted.end());
  return std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end();
}

Shape unknownDims(size_t rank) {
  // Callers pass ranks read from the file (a shape input's declared length):
  // past any real rank, the rank itself stays unknown rather than allocated.
  if (rank > static_cast<size_t>(limits::kMaxRank)) return Shape::unknownRank();
  return Shape::of(std::vector<Dim>(rank));
}

bool broadcastShapes(const std::vector<const Shape*>& in, Shape* out, std::string* err) {
  size_t r = 0;
  for (const Shape* s : in) {
    if (!s->rank_known) {
      *out = Shape::unknownRank();
      return true;
    }
    r = std::max(r, s->rank());
  }
  std::vector<Dim> dims(r);
  for (size_t k = 0; k < r; ++k) {
    // Dim k (right-aligned) over the inputs. A known size other than 1 decides
    // (the others must equal it or be 1); otherwise equal symbols decide; an
    // unknown dim next to a symbol leaves the result unknown (it might be 1, or not).
    const Dim* known = nullptr;
    const Dim* sym = nullptr;
    bool unknown = false, sym_differ = false;
    for (const Shape* s : in) {
      size_t off = r - s->rank();
      if (k < off) continue;
      const Dim& d = s->dims[k - off];
      if (d.isKnown()) {
        if (d.value == 1) continue;
        if (known && known->value != d.value) {
          *err = "shapes";
          for (size_t i = 0; i < in.size(); ++i) *err += (i ? " and " : " ") + shapeToString(*in[i]);
          *err += " do not broadcast";
          return false;
        }
        known = &d;
      } else if (d.isSymbolic()) {
        if (sym && dimEquals(*sym, d) != Tri::Yes) sym_differ = true;
        sym = &d;
      } else {
        unknown = true;
      }
    }
    if (known) dims[k] = *known;
    else if (sym && !sym_differ && !unknown) dims[k] = *sym;
    else if (!sym && !unknown) dims[k] = Dim::known(1);
    else dims[k] = Dim::unknown();
  }
  *out = Shape::of(std::move(dims));
  return true;
}

void sameAs(Ctx& c, size_t out, size_t in) {
  if (c.has(in) && c.type(in).known()) c.out(out, c.type(in));
}

void passThrough(Ctx& c, size_t out, size_t in) {
  if (!c.has(in) || !c.type(in).known()) return;
  if (const std::vector<Type>* e = c.seqElems(in)) c.outSeq(out, *e);
  else if (const ConstValue* v = c.cval(in)) c.outConst(out, *v);
  c.out(out, c.type(in));
}

Type generalizeTypes(const Type& a, const Type& b) {
  if (!a.known()) return b;
  if (!b.known()) return a;
  if (a.kind != b.kind) return Type{};
  Type r = a;
  if (a.kind == Type::Kind::Tensor || a.kind == Type::Kind::SparseTensor) {
    if (a.elem != b.elem) r.elem = a.elem == ElemType::Undefined ? b.elem : b.elem == ElemType::Undefined ? a.elem : ElemType::Undefined;
    if (!a.shape.rank_known || !b.shape.rank_known || a.shape.rank() != b.shape.rank()) {
      r.shape = Shape::unknownRank();
    } else {
      for (size_t k = 0; k < a.shape.rank(); ++k)
        if (dimEquals(a.shape.dims[k], b.shape.dims[k]) != Tri::Yes) r.shape.dims[k] = Dim::unknown();
    }
  } else if (a.inner && b.inner) {
    r.inner = std::make_shared<Type>(generalizeTypes(*a.inner, *b.inner));
  } else {
    r.inner = nullptr;
  }
  return r;
}



void broadcastRule(Ctx& c, ElemType e, IntBinOp iop, RealBinOp rop) {
  std::vector<const Shape*> shapes;
  ElemType first = ElemType::Undefined;
  bool all_known = true;
  for (size_t i = 0; i < c.numInputs(); ++i) {
    if (!c.has(i)) continue;
    if (!c.isTensor(i)) {
      all_known = false;
      continue;
    }
    if (first == ElemType::Undefined) first = c.elem(i);
    shapes.push_back(&c.shape(i));
  }
  if (c.has(0) && c.isTensor(0)) first = c.elem(0);
  ElemType oe = e == ElemType::Undefined ? first : e;
  if (!all_known || shapes.empty()) {
    if (oe != ElemType::Undefined) c.outTensor(0, oe, Shape::unknownRank());
    return;
  }
  Shape s;
  std::string err;
  if (!broadcastShapes(shapes, &s, &err)) {
    c.issue(err);
    c.outTensor(0, oe, Shape::unknownRank());
    return;
  }
  // Fold binary ops on small constants (shape arithmetic: Add/Mul/Div/Equal...).
  if ((iop || rop) && c.numInputs() == 2 && c.cval(0) && c.cval(1)) {
    ConstValue r;
    if (foldBinary(*c.cval(0), *c.cval(1), oe, iop, rop, c.maxFold(), &r)) {
      c.outConst(0, std::move(r));
      return;
    }
  }
  c.outTensor(0, oe, std::move(s));
}

ConstValue intConst(ElemType e, std::vector<int64_t> dims, std::vector<Dim> vals) {
  ConstValue v;
  v.elem = e;
  v.dims = std::move(dims);
  v.ints = std::move(vals);
  return v;
}

ConstValue realConst(ElemType e, std::vector<int64_t> dims, std::vector<double> vals) {
  ConstValue v;
  v.elem = e;
  v.dims = std::move(dims);
  v.reals = std::move(vals);
  return v;
}

ConstValue shapeConst(const Shape& s) {
  return intConst(ElemType::Int64, {static_cast<int64_t>(s.rank())}, s.dims);
}

bool constToDims(const ConstValue& v, std::vector<Dim>* out) {
  if (v.dims.size() > 1) return false;
  if (v.isReal()) {
    out->clear();
    for (double d : v.reals) {
      if (!std::isfinite(d)) return false;
      out->push_back(Dim::known(static_cast<int64_t>(d)));
    }
    return true;
  }
  if (v.elem == ElemType::String || v.elem == ElemType::Undefined) return false;
  *out = v.ints;
  return true;
}

namespace {
// Wraps an integer into the range of a narrower integer type, as a C cast does.
int64_t wrapInt(int64_t x, ElemType to) {
  switch (to) {
    case ElemType::Int8: return static_cast<int8_t>(x);
    case ElemType::Uint8: return static_cast<uint8_t>(x);
    case ElemType::Int16: return static_cast<int16_t>(x);
    case ElemType::Uint16: return static_cast<uint16_t>(x);
    case ElemType::Int32: return static_cast<int32_t>(x);
    case ElemType::Uint32: return static_cast<uint32_t>(x);
    case ElemType::Bool: return x != 0;
    default: return x;
  }
}
double roundToType(double x, ElemType to) {
  if (to == ElemType::Float) return static_cast<float>(x);
  return x;
}
}  // namespace

ConstValue castConst(const ConstValue& v, ElemType to) {
  ConstValue r;
  r.elem = to;
  r.dims = v.dims;
  bool to_real = ir::isFloatType(to);
  if (v.isReal()) {
    if (to_real) {
      r.reals.reserve(v.reals.size());
      for (double d : v.reals) r.reals.push_back(roundToType(d, to));
    } else {
      r.ints.reserve(v.reals.size());
      for (double d : v.reals) {
        if (to == ElemType::Bool) r.ints.push_back(Dim::known(d != 0.0));
        else if (!std::isfinite(d) || std::fabs(d) > 9.2e18) r.ints.push_back(Dim::unknown());
        else r.ints.push_back(Dim::known(wrapInt(static_cast<int64_t>(d), to)));
      }
    }
    return r;
  }
  if (to_real) {
    r.reals.reserve(v.ints.size());
    for (const Dim& d : v.ints) {
      if (!d.isKnown()) return ConstValue{};  // symbolic values have no float form
      r.reals.push_back(roundToType(static_cast<double>(d.value), to));
    }
    return r;
  }
  r.ints.reserve(v.ints.size());
  for (const Dim& d : v.ints) {
    if (d.isKnown()) r.ints.push_back(Dim::known(wrapInt(d.value, to)));
    else if (to == ElemType::Bool || to == ElemType::Int8 || to == ElemType::Uint8)
      r.ints.push_back(Dim::unknown());  // narrowing a symbol: no longer the same quantity
    else r.ints.push_back(d);  // widening/narrowing ints keeps a symbol (sizes fit)
  }
  return r;
}

std::vector<int64_t> stridesOf(const std::vector<int64_t>& dims) {
  std::vector<int64_t> s(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) s[i - 1] = s[i] * dims[i];
  return s;
}

int64_t product(const std::vector<int64_t>& dims) { return checkedProduct(dims).value_or(-1); }

int64_t broadcastIndex(const std::vector<int64_t>& out, const std::vector<int64_t>& in, int64_t flat) {
  int64_t idx = 0, stride = 1;
  size_t off = out.size() - in.size();
  for (size_t k = out.size(); k-- > 0;) {
    int64_t coord = flat % out[k];
    flat /= out[k];
    if (k >= off) {
      int64_t d = in[k - off];
      if (d != 1) idx += coord * stride;
      stride *= d;
    }
  }
  return idx;
}

bool foldBinary(const ConstValue& a, const ConstValue& b, ElemType out, IntBinOp iop, RealBinOp rop,
                int64_t limit, ConstValue* result) {
  std::vector<int64_t> od(std::max(a.dims.size(), b.dims.size()), 1);
  for (size_t k = 0; k < od.size(); ++k) {
    size_t ka = od.size() - a.dims.size(), kb = od.size() - b.dims.size();
    int64_t da = k >= ka ? a.dims[k - ka] : 1, db = k >= kb ? b.dims[k - kb] : 1;
    if (da != db && da != 1 && db != 1) return false;
    od[k] = da == 1 ? db : da;
  }
  int64_t n = product(od);
  if (n < 0 || n > limit) return false;
  bool real_in = a.isReal() || b.isReal();
  if ((real_in && !rop) || (!real_in && !iop)) return false;
  result->elem = out;
  result->dims = od;
  result->ints.clear();
  result->reals.clear();
  bool real_out = ir::isFloatType(out);
  auto realAt = [](const ConstValue& v, int64_t i, bool* ok) {
    if (v.isReal()) return v.reals[i];
    if (!v.ints[i].isKnown()) {
      *ok = false;
      return 0.0;
    }
    return static_cast<double>(v.ints[i].value);
  };
  for (int64_t i = 0; i < n; ++i) {
    int64_t ia = broadcastIndex(od, a.dims, i), ib = broadcastIndex(od, b.dims, i);
    if (real_in) {
      bool ok = true;
      double x = realAt(a, ia, &ok), y = realAt(b, ib, &ok);
      if (!ok) return false;
      double r = rop(x, y);
      if (real_out) result->reals.push_back(roundToType(r, out));
      else if (!std::isfinite(r)) result->ints.push_back(Dim::unknown());
      else result->ints.push_back(Dim::known(static_cast<int64_t>(r)));
    } else {
      Dim r = iop(a.ints[ia], b.ints[ib]);
      if (real_out) {
        if (!r.isKnown()) return false;
        result->reals.push_back(static_cast<double>(r.value));
      } else {
        result->ints.push_back(r.isKnown() ? Dim::known(wrapInt(r.value, out)) : std::move(r));
      }
    }
  }
  return true;
}

bool knownDims(const Shape& s, std::vector<int64_t>* out) {
  if (!s.rank_known) return false;
  out->clear();
  for (const auto& d : s.dims) {
    if (!d.isKnown()) return false;
    out->push_back(d.value);
  }
  return true;
}

ElemType elemFromAttr(int64_t v) {
  // Codes past the ones ir::ElemType names (newer ONNX: FLOAT8E8M0, 2-bit ints)
  // are kept as numbers: the type is still right, only its name is unknown here.
  if (v <= 0 || v > 64) return ElemType::Undefined;
  return static_cast<ElemType>(v);
}

}  // namespace nf::shapes::detail
