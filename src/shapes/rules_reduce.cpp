// Rules for reductions: Reduce{Sum,Mean,Max,Min,Prod,L1,L2,LogSum,LogSumExp,
// SumSquare}, ArgMax/ArgMin. Axes come from the attribute before opset 13
// (ReduceSum) or 18 (the others), from input 1 after. Small integer inputs fully
// reduced are folded (ReduceProd of a shape slice gives an element count).
#include "shapes/rule_helpers.h"
#include "shapes/symbolic.h"

namespace nf::shapes::detail {

namespace {

void reduceRule(Ctx& c, int64_t axes_input_from, IntBinOp fold) {
  const Shape& in = c.shape(0);
  bool keep = c.attrInt("keepdims", 1) != 0;
  bool noop = c.attrInt("noop_with_empty_axes", 0) != 0;
  std::vector<int64_t> axes;
  bool from_input = c.opset() == 0 || c.opset() >= axes_input_from;
  if (from_input && c.has(1)) {
    if (!c.constInts(1, &axes)) {
      // Axes unknown: with keepdims the rank stays, else nothing is known.
      c.outTensor(0, c.elem(0), keep && in.rank_known ? unknownDims(in.rank()) : Shape::unknownRank());
      return;
    }
  } else {
    c.attrInts("axes", &axes);
  }
  if (axes.empty() && noop) {
    sameAs(c);
    return;
  }
  if (!in.rank_known) {
    c.outTensor(0, c.elem(0), Shape::unknownRank());
    return;
  }
  int64_t r = static_cast<int64_t>(in.rank());
  if (!normAxes(&axes, r)) {
    c.issue("reduction axes out of range for rank " + std::to_string(r));
    return;
  }
  std::vector<char> red(r, axes.empty() ? 1 : 0);
  for (int64_t a : axes) red[a] = 1;
  std::vector<Dim> out;
  for (int64_t k = 0; k < r; ++k) {
    if (!red[k]) out.push_back(in.dims[k]);
    else if (keep) out.push_back(Dim::known(1));
  }
  const ConstValue* v = c.cval(0);
  if (fold && v && !v->isReal() && v->dims.size() <= 1 && !v->ints.empty()) {
    Dim acc = v->ints[0];
    for (size_t i = 1; i < v->ints.size(); ++i) acc = fold(acc, v->ints[i]);
    std::vector<int64_t> od;
    for (const auto& d : out) od.push_back(d.value);  // all 1 or empty here
    c.outConst(0, intConst(v->elem, od, {acc}));
    return;
  }
  c.outTensor(0, c.elem(0), Shape::of(std::move(out)));
}

Dim mulD(const Dim& a, const Dim& b) { return dimMul(a, b); }
Dim addD(const Dim& a, const Dim& b) { return dimAdd(a, b); }
Dim maxD(const Dim& a, const Dim& b) {
  if (a.isKnown() && b.isKnown()) return Dim::known(std::max(a.value, b.value));
  return dimEquals(a, b) == Tri::Yes ? a : Dim::unknown();
}
Dim minD(const Dim& a, const Dim& b) {
  if (a.isKnown() && b.isKnown()) return Dim::known(std::min(a.value, b.value));
  return dimEquals(a, b) == Tri::Yes ? a : Dim::unknown();
}

void ruleReduceSum(Ctx& c) { reduceRule(c, 13, addD); }
void ruleReduceProd(Ctx& c) { reduceRule(c, 18, mulD); }
void ruleReduceMax(Ctx& c) { reduceRule(c, 18, maxD); }
void ruleReduceMin(Ctx& c) { reduceRule(c, 18, minD); }
void ruleReduceOther(Ctx& c) { reduceRule(c, 18, nullptr); }

void ruleArg(Ctx& c) {
  const Shape& in = c.shape(0);
  if (!in.rank_known) {
    c.outTensor(0, ElemType::Int64, Shape::unknownRank());
    return;
  }
  int64_t r = static_cast<int64_t>(in.rank()), ax;
  if (!normAxis(c.attrInt("axis", 0), r, &ax)) {
    c.issue("axis out of range for rank " + std::to_string(r));
    return;
  }
  Shape out = in;
  if (c.attrInt("keepdims", 1)) out.dims[ax] = Dim::known(1);
  else out.dims.erase(out.dims.begin() + ax);
  c.outTensor(0, ElemType::Int64, std::move(out));
}

}  // namespace

// The ops of this family, one entry each (fields: shapes/op_registry.h).
std::span<const OpSpec> reduceOps() {
  using namespace op_table;
  static const OpSpec kOps[] = {
      Op{"", "ReduceSum", C::Math, ruleReduceSum, K::PerInput, "data axes", "reduced"}.shapeArgs(0b10).labelled(),
      Op{"", "ReduceProd", C::Math, ruleReduceProd, K::PerInput, "data axes", "reduced"}.shapeArgs(0b10).labelled(),
      Op{"", "ReduceMax", C::Math, ruleReduceMax, K::PerInput, "data axes", "reduced"}.shapeArgs(0b10).labelled(),
      Op{"", "ReduceMin", C::Math, ruleReduceMin, K::PerInput, "data axes", "reduced"}.shapeArgs(0b10).labelled(),
      Op{"", "ReduceMean", C::Math, ruleReduceOther, K::PerInput, "data axes", "reduced"}.shapeArgs(0b10).labelled(),
      Op{"", "ReduceL1", C::Math, ruleReduceOther, K::PerInput, "data axes", "reduced"}.shapeArgs(0b10).labelled(),
      Op{"", "ReduceL2", C::Math, ruleReduceOther, K::PerInput, "data axes", "reduced"}.shapeArgs(0b10).labelled(),
      Op{"", "ReduceLogSum", C::Math, ruleReduceOther, K::PerInput, "data axes", "reduced"}.shapeArgs(0b10),
      Op{"", "ReduceLogSumExp", C::Math, ruleReduceOther, K::PerInput, "data axes", "reduced"}.shapeArgs(0b10),
      Op{"", "ReduceSumSquare", C::Math, ruleReduceOther, K::PerInput,
         "data axes", "reduced"}.shapeArgs(0b10).labelled(),
      {"", "ArgMax", C::Math, ruleArg, K::PerInput, "data", "reduced"},
      {"", "ArgMin", C::Math, ruleArg, K::PerInput, "data", "reduced"},
  };
  return kOps;
}

}  // namespace nf::shapes::detail
