// Rules for elementwise ops: unary math and activations (same shape), binary and
// variadic broadcasting ops, comparisons and logic (bool out), Where, Cast.
// Small integer operands are folded so shape arithmetic (Shape -> Mul -> Concat)
// stays known.
#include <cmath>

#include "shapes/rule_helpers.h"
#include "shapes/symbolic.h"

namespace nf::shapes::detail {

namespace {

using IntUnOp = Dim (*)(const Dim&);
using RealUnOp = double (*)(double);

// Output 0 has the type of input 0; a small constant input is folded with the op.
void unaryRule(Ctx& c, IntUnOp iop, RealUnOp rop) {
  const ConstValue* v = c.cval(0);
  if (v && ((v->isReal() && rop) || (!v->isReal() && iop))) {
    ConstValue r = *v;
    if (r.isReal())
      for (double& x : r.reals) x = rop(x);
    else
      for (Dim& d : r.ints) d = iop(d);
    c.outConst(0, std::move(r));
    return;
  }
  sameAs(c);
}

void same(Ctx& c) { unaryRule(c, nullptr, nullptr); }

// Math unary ops: folded on reals only (they are not shape arithmetic on ints).
#define NF_REAL_UNARY(name, expr) \
  void name(Ctx& c) { unaryRule(c, nullptr, [](double x) { return (expr); }); }
NF_REAL_UNARY(ruleExp, std::exp(x))
NF_REAL_UNARY(ruleLog, std::log(x))
NF_REAL_UNARY(ruleSqrt, std::sqrt(x))
NF_REAL_UNARY(ruleFloor, std::floor(x))
NF_REAL_UNARY(ruleCeil, std::ceil(x))
NF_REAL_UNARY(ruleRound, std::nearbyint(x))
NF_REAL_UNARY(ruleReciprocal, 1.0 / x)
NF_REAL_UNARY(ruleSigmoid, 1.0 / (1.0 + std::exp(-x)))
NF_REAL_UNARY(ruleTanh, std::tanh(x))
NF_REAL_UNARY(ruleSin, std::sin(x))
NF_REAL_UNARY(ruleCos, std::cos(x))
#undef NF_REAL_UNARY

Dim negDim(const Dim& d) { return dimSub(Dim::known(0), d); }
Dim absDim(const Dim& d) { return d.isKnown() ? Dim::known(d.value < 0 ? -d.value : d.value) : d; }
Dim signDim(const Dim& d) { return d.isKnown() ? Dim::known((d.value > 0) - (d.value < 0)) : Dim::unknown(); }
Dim reluDim(const Dim& d) { return d.isKnown() ? Dim::known(d.value < 0 ? 0 : d.value) : d; }
Dim notDim(const Dim& d) { return d.isKnown() ? Dim::known(d.value == 0) : Dim::unknown(); }
Dim idDim(const Dim& d) { return d; }

void ruleNeg(Ctx& c) { unaryRule(c, negDim, [](double x) { return -x; }); }
void ruleAbs(Ctx& c) { unaryRule(c, absDim, [](double x) { return std::fabs(x); }); }
void ruleSign(Ctx& c) { unaryRule(c, signDim, [](double x) { return double((x > 0) - (x < 0)); }); }
void ruleRelu(Ctx& c) { unaryRule(c, reluDim, [](double x) { return x < 0 ? 0.0 : x; }); }
void ruleNot(Ctx& c) { unaryRule(c, notDim, nullptr); }
void ruleIdentity(Ctx& c) { passThrough(c); }

// Output 0 is a bool tensor of input 0's shape (IsNaN, IsInf).
void ruleBoolSame(Ctx& c) {
  if (c.isTensor(0)) c.outTensor(0, ElemType::Bool, c.shape(0));
}

// [Binary ops: integer semantics for folding]
Dim addI(const Dim& a, const Dim& b) { return dimAdd(a, b); }
Dim subI(const Dim& a, const Dim& b) { return dimSub(a, b); }
Dim mulI(const Dim& a, const Dim& b) { return dimMul(a, b); }
// ONNX integer Div truncates toward zero (C semantics); symbolic only when exact.
Dim divI(const Dim& a, const Dim& b) {
  if (a.isKnown() && b.isKnown()) {
    if (b.value == 0 || (a.value == INT64_MIN && b.value == -1)) return Dim::unknown();
    return Dim::known(a.value / b.value);
  }
  return dimDiv(a, b);
}
Dim modI(const Dim& a, const Dim& b) { return dimMod(a, b); }
Dim fmodI(const Dim& a, const Dim& b) {
  if (a.isKnown() && b.isKnown() && b.value != 0 && b.value != -1) return Dim::known(a.value % b.value);
  return Dim::unknown();
}
Dim powI(const Dim& a, const Dim& b) {
  if (!a.isKnown() || !b.isKnown() || b.value < 0 || b.value > 62) return Dim::unknown();
  Dim r = Dim::known(1);
  for (int64_t i = 0; i < b.value; ++i) r = dimMul(r, a);
  return r;
}
Dim eqI(const Dim& a, const Dim& b) {
  Tri t = dimEquals(a, b);
  return t == Tri::Maybe ? Dim::unknown() : Dim::known(t == Tri::Yes);
}
Dim ltI(const Dim& a, const Dim& b) {
  if (a.isKnown() && b.isKnown()) return Dim::known(a.value < b.value);
  return dimEquals(a, b) == Tri::Yes ? Dim::known(0) : Dim::unknown();
}
Dim gtI(const Dim& a, const Dim& b) { return ltI(b, a); }
Dim leI(const Dim& a, const Dim& b) {
  if (a.isKnown() && b.isKnown()) return Dim::known(a.value <= b.value);
  return dimEquals(a, b) == Tri::Yes ? Dim::known(1) : Dim::unknown();
}
Dim geI(const Dim& a, const Dim& b) { return leI(b, a); }
Dim andI(const Dim& a, const Dim& b) {
  if ((a.isKnown() && !a.value) || (b.isKnown() && !b.value)) return Dim::known(0);
  if (a.isKnown() && b.isKnown()) return Dim::known(1);
  return Dim::unknown();
}
Dim orI(const Dim& a, const Dim& b) {
  if ((a.isKnown() && a.value) || (b.isKnown() && b.value)) return Dim::known(1);
  if (a.isKnown() && b.isKnown()) return Dim::known(0);
  return Dim::unknown();
}
Dim xorI(const Dim& a, const Dim& b) {
  if (a.isKnown() && b.isKnown()) return Dim::known((a.value != 0) != (b.value != 0));
  return Dim::unknown();
}
Dim maxI(const Dim& a, const Dim& b) {
  if (a.isKnown() && b.isKnown()) return Dim::known(std::max(a.value, b.value));
  return dimEquals(a, b) == Tri::Yes ? a : Dim::unknown();
}
Dim minI(const Dim& a, const Dim& b) {
  if (a.isKnown() && b.isKnown()) return Dim::known(std::min(a.value, b.value));
  return dimEquals(a, b) == Tri::Yes ? a : Dim::unknown();
}
Dim bitAndI(const Dim& a, const Dim& b) {
  return a.isKnown() && b.isKnown() ? Dim::known(a.value & b.value) : Dim::unknown();
}
Dim bitOrI(const Dim& a, const Dim& b) {
  return a.isKnown() && b.isKnown() ? Dim::known(a.value | b.value) : Dim::unknown();
}
Dim bitXorI(const Dim& a, const Dim& b) {
  return a.isKnown() && b.isKnown() ? Dim::known(a.value ^ b.value) : Dim::unknown();
}

double addR(double a, double b) { return a + b; }
double subR(double a, double b) { return a - b; }
double mulR(double a, double b) { return a * b; }
double divR(double a, double b) { return a / b; }
double powR(double a, double b) { return std::pow(a, b); }
double fmodR(double a, double b) { return std::fmod(a, b); }
double eqR(double a, double b) { return a == b; }
double ltR(double a, double b) { return a < b; }
double gtR(double a, double b) { return a > b; }
double leR(double a, double b) { return a <= b; }
double geR(double a, double b) { return a >= b; }
double maxR(double a, double b) { return std::max(a, b); }
double minR(double a, double b) { return std::min(a, b); }

// Opset < 7 binary ops broadcast B onto A ("broadcast" attribute) or require equal
// shapes: either way the output has A's shape.
bool legacyBroadcast(Ctx& c, ElemType e) {
  if (c.opset() >= 7 || c.opset() == 0) return false;
  if (c.isTensor(0)) c.outTensor(0, e == ElemType::Undefined ? c.elem(0) : e, c.shape(0));
  return true;
}

#define NF_ARITH(name, iop, rop)                                \
  void name(Ctx& c) {                                           \
    if (!legacyBroadcast(c, ElemType::Undefined)) broadcastRule(c, ElemType::Undefined, iop, rop); \
  }
NF_ARITH(ruleAdd, addI, addR)
NF_ARITH(ruleSub, subI, subR)
NF_ARITH(ruleMul, mulI, mulR)
NF_ARITH(ruleDiv, divI, divR)
#undef NF_ARITH

void rulePow(Ctx& c) {
  // The output has the base's element type (since opset 12 the exponent may differ).
  if (!legacyBroadcast(c, ElemType::Undefined)) broadcastRule(c, c.elem(0), powI, powR);
}

void ruleMod(Ctx& c) {
  if (c.attrInt("fmod", 0)) broadcastRule(c, ElemType::Undefined, fmodI, fmodR);
  else broadcastRule(c, ElemType::Undefined, modI, fmodR);
}

#define NF_BOOL_OUT(name, iop, rop) \
  void name(Ctx& c) {               \
    if (!legacyBroadcast(c, ElemType::Bool)) broadcastRule(c, ElemType::Bool, iop, rop); \
  }
NF_BOOL_OUT(ruleEqual, eqI, eqR)
NF_BOOL_OUT(ruleLess, ltI, ltR)
NF_BOOL_OUT(ruleGreater, gtI, gtR)
NF_BOOL_OUT(ruleLessOrEqual, leI, leR)
NF_BOOL_OUT(ruleGreaterOrEqual, geI, geR)
NF_BOOL_OUT(ruleAnd, andI, nullptr)
NF_BOOL_OUT(ruleOr, orI, nullptr)
NF_BOOL_OUT(ruleXor, xorI, nullptr)
#undef NF_BOOL_OUT

void ruleBitAnd(Ctx& c) { broadcastRule(c, ElemType::Undefined, bitAndI, nullptr); }
void ruleBitOr(Ctx& c) { broadcastRule(c, ElemType::Undefined, bitOrI, nullptr); }
void ruleBitXor(Ctx& c) { broadcastRule(c, ElemType::Undefined, bitXorI, nullptr); }
// PRelu: the slope broadcasts onto X (unidirectionally since opset 7; per channel
// before), so the output always has X's shape.
void rulePRelu(Ctx& c) { sameAs(c); }

// Max/Min/Sum/Mean: variadic broadcast; one input is the identity; opset < 8
// required equal shapes (the broadcast rule covers that too).
void variadic(Ctx& c, IntBinOp iop, RealBinOp rop) {
  size_t present = 0;
  for (size_t i = 0; i < c.numInputs(); ++i) present += c.has(i);
  if (present == 1 && c.has(0)) {
    unaryRule(c, idDim, [](double x) { return x; });
    return;
  }
  broadcastRule(c, ElemType::Undefined, iop, rop);
}
void ruleMax(Ctx& c) { variadic(c, maxI, maxR); }
void ruleMin(Ctx& c) { variadic(c, minI, minR); }
void ruleSum(Ctx& c) { variadic(c, addI, addR); }
void ruleMean(Ctx& c) { variadic(c, nullptr, nullptr); }

void ruleWhere(Ctx& c) {
  // Element type of X; the shape broadcasts condition, X and Y.
  std::vector<const Shape*> shapes;
  for (size_t i = 0; i < 3; ++i) {
    if (!c.isTensor(i)) {
      if (c.isTensor(1)) c.outTensor(0, c.elem(1), Shape::unknownRank());
      else if (c.isTensor(2)) c.outTensor(0, c.elem(2), Shape::unknownRank());
      return;
    }
    shapes.push_back(&c.shape(i));
  }
  ElemType e = c.elem(1) != ElemType::Undefined ? c.elem(1) : c.elem(2);
  Shape s;
  std::string err;
  if (!broadcastShapes(shapes, &s, &err)) {
    c.issue(err);
    c.outTensor(0, e, Shape::unknownRank());
    return;
  }
  const ConstValue* cond = c.cval(0);
  const ConstValue* x = c.cval(1);
  const ConstValue* y = c.cval(2);
  if (cond && x && y && s.fullyKnown() && x->isReal() == y->isReal()) {
    std::vector<int64_t> od;
    for (const auto& d : s.dims) od.push_back(d.value);
    int64_t n = product(od);
    if (n >= 0 && n <= c.maxFold()) {
      ConstValue r;
      r.elem = x->elem;  // the values' own type (a declared type could disagree)
      r.dims = od;
      bool ok = x->elem == y->elem;
      for (int64_t i = 0; i < n && ok; ++i) {
        int64_t ci = broadcastIndex(od, cond->dims, i);
        int64_t flag;
        if (!cond->intAt(ci, &flag)) {
          if (x->isReal()) ok = false;
          else r.ints.push_back(Dim::unknown());
          continue;
        }
        const ConstValue* src = flag ? x : y;
        int64_t si = broadcastIndex(od, src->dims, i);
        if (src->isReal()) r.reals.push_back(src->reals[si]);
        else r.ints.push_back(src->ints[si]);
      }
      if (ok) {
        c.outConst(0, std::move(r));
        return;
      }
    }
  }
  c.outTensor(0, e, std::move(s));
}

void ruleCast(Ctx& c) {
  ElemType to = ElemType::Undefined;
  if (const ir::Attribute* a = c.attr("to")) {
    if (a->type == ir::AttrType::Int) to = elemFromAttr(a->i);
    else if (a->type == ir::AttrType::String) to = ir::elemTypeFromName(a->s);  // opset 1 spelled it
  }
  if (to == ElemType::Undefined) return;
  if (const ConstValue* v = c.cval(0)) {
    ConstValue r = castConst(*v, to);
    if (r.elem == to) {
      c.outConst(0, std::move(r));
      return;
    }
  }
  if (c.isTensor(0)) c.outTensor(0, to, c.shape(0));
  else c.outTensor(0, to, Shape::unknownRank());
}

void ruleCastLike(Ctx& c) {
  ElemType to = c.elem(1);
  if (to == ElemType::Undefined) return;
  if (const ConstValue* v = c.cval(0)) {
    ConstValue r = castConst(*v, to);
    if (r.elem == to) {
      c.outConst(0, std::move(r));
      return;
    }
  }
  c.outTensor(0, to, c.isTensor(0) ? c.shape(0) : Shape::unknownRank());
}

void ruleDropout(Ctx& c) {
  sameAs(c, 0, 0);
  if (c.hasOut(1) && c.isTensor(0))
    c.outTensor(1, c.opset() >= 10 ? ElemType::Bool : c.elem(0), c.shape(0));
}

// Ops whose output dtype comes from a `dtype` attribute, else from input 0.
void ruleLikeWithDtype(Ctx& c) {
  ElemType e = c.hasAttr("dtype") ? elemFromAttr(c.attrInt("dtype", 0)) : c.elem(0);
  if (c.isTensor(0)) c.outTensor(0, e, c.shape(0));
}

void ruleBitShift(Ctx& c) { broadcastRule(c, ElemType::Undefined); }

}  // namespace

// The ops of this family, one entry each (fields: shapes/op_registry.h).
std::span<const OpSpec> elementwiseOps() {
  using namespace op_table;
  static const OpSpec kOps[] = {
      {"", "Acos", C::Math, same, K::PerOutput, "input", "output"},
      {"", "Acosh", C::Math, same, K::PerOutput, "input", "output"},
      {"", "Asin", C::Math, same, K::PerOutput, "input", "output"},
      {"", "Asinh", C::Math, same, K::PerOutput, "input", "output"},
      {"", "Atan", C::Math, same, K::PerOutput, "input", "output"},
      {"", "Atanh", C::Math, same, K::PerOutput, "input", "output"},
      {"", "Cosh", C::Math, same, K::PerOutput, "input", "output"},
      {"", "Erf", C::Math, same, K::PerOutput, "input", "output"},
      {"", "Sinh", C::Math, same, K::PerOutput, "input", "output"},
      {"", "Tan", C::Math, same, K::PerOutput, "input", "output"},
      {"", "Softplus", C::Activation, same, K::PerOutput, "X", "Y"},
      {"", "Softsign", C::Activation, same, K::PerOutput, "input", "output"},
      Op{"", "Elu", C::Activation, same, K::PerOutput, "X", "Y"}.shows(A::Alpha),
      Op{"", "Selu", C::Activation, same, K::PerOutput, "X", "Y"}.shows(A::Alpha),
      Op{"", "LeakyRelu", C::Activation, same, K::PerOutput, "X", "Y"}.shows(A::Alpha),
      Op{"", "ThresholdedRelu", C::Activation, same, K::PerOutput, "X", "Y"}.shows(A::Alpha),
      Op{"", "HardSigmoid", C::Activation, same, K::PerOutput, "X", "Y"}.shows(A::Alpha),
      {"", "HardSwish", C::Activation, same, K::PerOutput, "X", "Y"},
      Op{"", "Celu", C::Activation, same, K::PerOutput, "X", "Y"}.shows(A::Alpha),
      {"", "Mish", C::Activation, same, K::PerOutput, "X", "Y"},
      {"", "Gelu", C::Activation, same, K::PerOutput, "X", "Y"},
      {"", "Shrink", C::Activation, same, K::PerOutput, "input", "output"},
      {"", "BitwiseNot", C::Math, same, K::PerOutput, "X", "Y"},
      {"", "Swish", C::Other, same, K::PerOutput, "X", "Y"},
      Op{"", "Clip", C::Activation, same, K::PerOutput,
         "input min max", "output"}.shapeArgs(0b110).shows(A::ClipRange).labelled(),
      {"", "Softmax", C::Activation, same, K::PerOutput3, "input", "output"},
      {"", "LogSoftmax", C::Activation, same, K::PerOutput3, "input", "output"},
      {"", "Hardmax", C::Activation, same, K::PerOutput3, "input", "output"},
      Op{"", "CumSum", C::Math, same, K::PerInput, "x axis", "y"}.shapeArgs(0b10).labelled(),
      Op{"", "CumProd", C::Other, same, K::PerInput, "x axis", "y"}.shapeArgs(0b10),
      Op{"", "Trilu", C::Tensor, same, K::Free, "input k", "output"}.shapeArgs(0b10).labelled(),
      Op{"", "ReverseSequence", C::Tensor, same, K::Free, "input sequence_lens", "Y"}.shapeArgs(0b10),
      {"", "LpNormalization", C::Normalization, same, K::PerOutput5, "input", "output"},
      {"", "MeanVarianceNormalization", C::Normalization, same, K::PerOutput5, "X", "Y"},
      Op{"", "LRN", C::Normalization, same, K::PerOutput5, "X", "Y"}.shows(A::Size),
      Op{"", "Scatter", C::Tensor, same, K::Free, "data indices updates", "output"}.shapeArgs(0b10),
      Op{"", "ScatterElements", C::Tensor, same, K::Free, "data indices updates", "output"}.shapeArgs(0b10).labelled(),
      Op{"", "ScatterND", C::Tensor, same, K::Free, "data indices updates", "output"}.shapeArgs(0b10).labelled(),
      Op{"", "TensorScatter", C::Other, same, K::Free,
         "past_cache update write_indices", "present_cache"}.shapeArgs(0b100),
      {"", "Exp", C::Math, ruleExp, K::PerOutput, "input", "output"},
      {"", "Log", C::Math, ruleLog, K::PerOutput, "input", "output"},
      {"", "Sqrt", C::Math, ruleSqrt, K::PerOutput, "X", "Y"},
      {"", "Floor", C::Math, ruleFloor, K::PerOutput, "X", "Y"},
      {"", "Ceil", C::Math, ruleCeil, K::PerOutput, "X", "Y"},
      {"", "Round", C::Math, ruleRound, K::PerOutput, "X", "Y"},
      {"", "Reciprocal", C::Math, ruleReciprocal, K::PerOutput, "X", "Y"},
      {"", "Sigmoid", C::Activation, ruleSigmoid, K::PerOutput, "X", "Y"},
      {"", "Tanh", C::Activation, ruleTanh, K::PerOutput, "input", "output"},
      {"", "Sin", C::Math, ruleSin, K::PerOutput, "input", "output"},
      {"", "Cos", C::Math, ruleCos, K::PerOutput, "input", "output"},
      {"", "Neg", C::Math, ruleNeg, K::PerOutput, "X", "Y"},
      {"", "Abs", C::Math, ruleAbs, K::PerOutput, "X", "Y"},
      {"", "Sign", C::Math, ruleSign, K::PerOutput, "input", "output"},
      {"", "Relu", C::Activation, ruleRelu, K::PerOutput, "X", "Y"},
      {"", "Not", C::Math, ruleNot, K::PerOutput, "X", "Y"},
      Op{"", "Identity", C::Tensor, ruleIdentity, K::Free, "input", "output"}.folds(F::PassThrough),
      {"", "IsNaN", C::Math, ruleBoolSame, K::PerOutput, "X", "Y"},
      {"", "IsInf", C::Math, ruleBoolSame, K::PerOutput, "X", "Y"},
      Op{"", "Add", C::Math, ruleAdd, K::PerOutput, "A B", "C"}.labelled(),
      Op{"", "Sub", C::Math, ruleSub, K::PerOutput, "A B", "C"}.labelled(),
      Op{"", "Mul", C::Math, ruleMul, K::PerOutput, "A B", "C"}.labelled(),
      Op{"", "Div", C::Math, ruleDiv, K::PerOutput, "A B", "C"}.labelled(),
      Op{"", "Pow", C::Math, rulePow, K::PerOutput, "X Y", "Z"}.labelled(),
      Op{"", "Mod", C::Math, ruleMod, K::PerOutput, "A B", "C"}.labelled(),
      Op{"", "Equal", C::Math, ruleEqual, K::PerOutput, "A B", "C"}.labelled(),
      Op{"", "Less", C::Math, ruleLess, K::PerOutput, "A B", "C"}.labelled(),
      Op{"", "Greater", C::Math, ruleGreater, K::PerOutput, "A B", "C"}.labelled(),
      {"", "LessOrEqual", C::Math, ruleLessOrEqual, K::PerOutput, "A B", "C"},
      {"", "GreaterOrEqual", C::Math, ruleGreaterOrEqual, K::PerOutput, "A B", "C"},
      {"", "And", C::Math, ruleAnd, K::PerOutput, "A B", "C"},
      {"", "Or", C::Math, ruleOr, K::PerOutput, "A B", "C"},
      {"", "Xor", C::Math, ruleXor, K::PerOutput, "A B", "C"},
      {"", "BitwiseAnd", C::Math, ruleBitAnd, K::PerOutput, "A B", "C"},
      {"", "BitwiseOr", C::Math, ruleBitOr, K::PerOutput, "A B", "C"},
      {"", "BitwiseXor", C::Math, ruleBitXor, K::PerOutput, "A B", "C"},
      {"", "BitShift", C::Math, ruleBitShift, K::PerOutput, "X Y", "Z"},
      Op{"", "PRelu", C::Activation, rulePRelu, K::PerOutput, "X slope", "Y"}.labelled(),
      Op{"", "Max", C::Math, ruleMax, K::Variadic, "data_0 data_1", "max"}.labelled(),
      Op{"", "Min", C::Math, ruleMin, K::Variadic, "data_0 data_1", "min"}.labelled(),
      {"", "Sum", C::Math, ruleSum, K::Variadic, "data_0", "sum"},
      {"", "Mean", C::Math, ruleMean, K::Variadic, "data_0", "mean"},
      Op{"", "Where", C::Math, ruleWhere, K::PerOutput, "condition X Y", "output"}.labelled(),
      Op{"", "Cast", C::Tensor, ruleCast, K::Free, "input", "output"}.shows(A::CastTo).folds(F::PassThrough),
      Op{"", "CastLike", C::Tensor, ruleCastLike, K::Free,
         "input target_type", "output"}.shows(A::CastTo).folds(F::PassThrough),
      Op{"", "Dropout", C::Normalization, ruleDropout, K::PerOutput,
         "data ratio training_mode", "output mask"}.shapeArgs(0b110).folds(F::RandomInTraining).labelled(),
      Op{"", "Bernoulli", C::Other, ruleLikeWithDtype, K::Uncounted, "input", "output"}.folds(F::Random),
      Op{"", "RandomUniformLike", C::Other, ruleLikeWithDtype, K::Uncounted, "input", "output"}.folds(F::Random),
      Op{"", "RandomNormalLike", C::Other, ruleLikeWithDtype, K::Uncounted, "input", "output"}.folds(F::Random),
  };
  return kOps;
}

}  // namespace nf::shapes::detail
