// shapes/rule_helpers.h - pieces shared by the op rules: axes, broadcasting,
// building and folding small constant values. Internal to the shapes module.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/types.h"
#include "shapes/inference.h"
#include "shapes/rule_context.h"

namespace nf::shapes::detail {

using ir::Dim;
using ir::ElemType;
using ir::Shape;
using ir::Type;

// [Axes] axis in [-rank, rank) to [0, rank); false when out of range.
bool normAxis(int64_t axis, int64_t rank, int64_t* out);
// Normalises every axis; false when any is out of range or repeated.
bool normAxes(std::vector<int64_t>* axes, int64_t rank);
// A shape of `rank` unknown dims; unknown rank past limits::kMaxRank (ranks read from files).
Shape unknownDims(size_t rank);

// [Broadcast] numpy multidirectional broadcasting of the shapes. Unknown rank in
// any input gives an unknown rank. Known dims that disagree (neither is 1) put a
// sentence in *err and return false.
bool broadcastShapes(const std::vector<const Shape*>& in, Shape* out, std::string* err);

// The most specific type covering both: equal parts kept, differing dims
// unknown, differing ranks an unknown rank; None when kinds differ. A None
// operand yields the other.
Type generalizeTypes(const Type& a, const Type& b);

// [Common rule bodies]
// Output `out` has the type of input `in` (nothing if that is unknown).
void sameAs(Ctx& c, size_t out = 0, size_t in = 0);
// Output `out` is input `in` itself: type, folded value and sequence elements.
void passThrough(Ctx& c, size_t out = 0, size_t in = 0);
// Output 0 = broadcast of all present inputs, element type `e` (Undefined = that
// of input 0). Folds when every input is a small constant and `fold` is set.
using IntBinOp = Dim (*)(const Dim&, const Dim&);
using RealBinOp = double (*)(double, double);
void broadcastRule(Ctx& c, ElemType e, IntBinOp iop = nullptr, RealBinOp rop = nullptr);

// [Constants]
ConstValue intConst(ElemType e, std::vector<int64_t> dims, std::vector<Dim> vals);
ConstValue realConst(ElemType e, std::vector<int64_t> dims, std::vector<double> vals);
// A 1-D INT64 tensor holding the dims of s (s must have a known rank).
ConstValue shapeConst(const Shape& s);
// A 0-D/1-D integer value read as a list of dims (a shape); false if not integral.
bool constToDims(const ConstValue& v, std::vector<Dim>* out);
// The value converted to element type `to` (ONNX Cast semantics on the values we
// hold: float->int truncates, to bool is != 0).
ConstValue castConst(const ConstValue& v, ElemType to);
// Elementwise broadcast of two values with iop on ints / rop on reals; the
// result has element type `out`. False when the result would exceed `limit`
// elements, the shapes do not broadcast, or the needed op is missing.
bool foldBinary(const ConstValue& a, const ConstValue& b, ElemType out, IntBinOp iop, RealBinOp rop,
                int64_t limit, ConstValue* result);
// Flat index of the element of a tensor with dims `in` that broadcasts to flat
// index `flat` of a tensor with dims `out` (in right-aligned to out).
int64_t broadcastIndex(const std::vector<int64_t>& out, const std::vector<int64_t>& in, int64_t flat);
// Row-major strides.
std::vector<int64_t> stridesOf(const std::vector<int64_t>& dims);
// Product of dims; -1 on overflow or a negative dim.
int64_t product(const std::vector<int64_t>& dims);

// A value of dims `out_dims` whose element i is element src(i) of `in` (src
// returns the flat input index, or -1 for an element that is not known). False
// when the result exceeds `limit` elements, or a real element is not known.
template <class F>
bool remapConst(const ConstValue& in, std::vector<int64_t> out_dims, int64_t limit, F src, ConstValue* out) {
  int64_t n = product(out_dims);
  if (n < 0 || n > limit) return false;
  out->elem = in.elem;
  out->dims = std::move(out_dims);
  out->ints.clear();
  out->reals.clear();
  if (in.isReal()) out->reals.reserve(static_cast<size_t>(n));
  else out->ints.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    int64_t j = src(i);
    if (in.isReal()) {
      if (j < 0 || j >= static_cast<int64_t>(in.reals.size())) return false;
      out->reals.push_back(in.reals[j]);
    } else {
      out->ints.push_back(j < 0 || j >= static_cast<int64_t>(in.ints.size()) ? Dim::unknown() : in.ints[j]);
    }
  }
  return true;
}
// Dims of a shape as integers when the shape is fully known.
bool knownDims(const Shape& s, std::vector<int64_t>* out);

// Element type from a `dtype`/`to` style attribute value; Undefined when invalid.
ElemType elemFromAttr(int64_t v);

}  // namespace nf::shapes::detail
