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

void addElementwiseRules(std::vector<RuleEntry>& t) {
  for (const char* op :
       {"Acos", "Acosh", "Asin", "Asinh", "Atan", "Atanh", "Cosh", "Erf", "Sinh", "Tan", "Softplus",
        "Softsign", "Elu", "Selu", "LeakyRelu", "ThresholdedRelu", "HardSigmoid", "HardSwish", "Celu", "Mish",
        "Gelu", "Shrink", "BitwiseNot", "Swish", "Clip", "Softmax", "LogSoftmax", "Hardmax", "CumSum", "CumProd",
        "Trilu", "ReverseSequence", "LpNormalization", "MeanVarianceNormalization", "LRN", "Scatter",
        "ScatterElements", "ScatterND", "TensorScatter"})
    t.push_back({"", op, same});
  t.push_back({"", "Exp", ruleExp});
  t.push_back({"", "Log", ruleLog});
  t.push_back({"", "Sqrt", ruleSqrt});
  t.push_back({"", "Floor", ruleFloor});
  t.push_back({"", "Ceil", ruleCeil});
  t.push_back({"", "Round", ruleRound});
  t.push_back({"", "Reciprocal", ruleReciprocal});
  t.push_back({"", "Sigmoid", ruleSigmoid});
  t.push_back({"", "Tanh", ruleTanh});
  t.push_back({"", "Sin", ruleSin});
  t.push_back({"", "Cos", ruleCos});
  t.push_back({"", "Neg", ruleNeg});
  t.push_back({"", "Abs", ruleAbs});
  t.push_back({"", "Sign", ruleSign});
  t.push_back({"", "Relu", ruleRelu});
  t.push_back({"", "Not", ruleNot});
  t.push_back({"", "Identity", ruleIdentity});
  t.push_back({"", "IsNaN", ruleBoolSame});
  t.push_back({"", "IsInf", ruleBoolSame});
  t.push_back({"", "Add", ruleAdd});
  t.push_back({"", "Sub", ruleSub});
  t.push_back({"", "Mul", ruleMul});
  t.push_back({"", "Div", ruleDiv});
  t.push_back({"", "Pow", rulePow});
  t.push_back({"", "Mod", ruleMod});
  t.push_back({"", "Equal", ruleEqual});
  t.push_back({"", "Less", ruleLess});
  t.push_back({"", "Greater", ruleGreater});
  t.push_back({"", "LessOrEqual", ruleLessOrEqual});
  t.push_back({"", "GreaterOrEqual", ruleGreaterOrEqual});
  t.push_back({"", "And", ruleAnd});
  t.push_back({"", "Or", ruleOr});
  t.push_back({"", "Xor", ruleXor});
  t.push_back({"", "BitwiseAnd", ruleBitAnd});
  t.push_back({"", "BitwiseOr", ruleBitOr});
  t.push_back({"", "BitwiseXor", ruleBitXor});
  t.push_back({"", "BitShift", ruleBitShift});
  t.push_back({"", "PRelu", rulePRelu});
  t.push_back({"", "Max", ruleMax});
  t.push_back({"", "Min", ruleMin});
  t.push_back({"", "Sum", ruleSum});
  t.push_back({"", "Mean", ruleMean});
  t.push_back({"", "Where", ruleWhere});
  t.push_back({"", "Cast", ruleCast});
  t.push_back({"", "CastLike", ruleCastLike});
  t.push_back({"", "Dropout", ruleDropout});
  t.push_back({"", "Bernoulli", ruleLikeWithDtype});
  t.push_back({"", "RandomUniformLike", ruleLikeWithDtype});
  t.push_back({"", "RandomNormalLike", ruleLikeWithDtype});
}

}  // namespace nf::shapes::detail
