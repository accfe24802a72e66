// Rules for control flow (If, Loop, Scan), sequences (SequenceConstruct/Empty/
// At/Insert/Erase/Length/Map, SplitToSequence, ConcatFromSequence) and optionals.
// Bodies are inferred recursively with the types the op passes in; outer-scope
// values they read come from the enclosing graph's results.
#include <algorithm>

#include "base/checked.h"
#include "base/limits.h"
#include "shapes/rule_helpers.h"
#include "shapes/symbolic.h"

namespace nf::shapes::detail {

namespace {

Type generalize(const Type& a, const Type& b) { return generalizeTypes(a, b); }

Type seqOf(Type t) {
  Type s;
  s.kind = Type::Kind::Sequence;
  s.inner = std::make_shared<Type>(std::move(t));
  return s;
}

Type optionalOf(Type t) {
  Type s;
  s.kind = Type::Kind::Optional;
  s.inner = std::make_shared<Type>(std::move(t));
  return s;
}

// [If] ----------------------------------------------------------------------------------

void ruleIf(Ctx& c) {
  ir::GraphId then_g = c.body("then_branch"), else_g = c.body("else_branch");
  std::vector<std::shared_ptr<const ConstValue>> then_c, else_c;
  std::vector<Type> then_t = then_g.valid() ? c.inferBody(then_g, {}, &then_c) : std::vector<Type>{};
  std::vector<Type> else_t = else_g.valid() ? c.inferBody(else_g, {}, &else_c) : std::vector<Type>{};
  int64_t cond = -1;
  if (const ConstValue* v = c.cval(0); v && v->count() == 1) {
    int64_t x;
    if (v->intAt(0, &x)) cond = x != 0;
  }
  for (size_t i = 0; i < c.numOutputs(); ++i) {
    const Type* a = i < then_t.size() ? &then_t[i] : nullptr;
    const Type* b = i < else_t.size() ? &else_t[i] : nullptr;
    if (cond == 1 && a) {
      if (then_c[i]) c.outConst(i, *then_c[i]);
      else c.out(i, *a);
    } else if (cond == 0 && b) {
      if (else_c[i]) c.outConst(i, *else_c[i]);
      else c.out(i, *b);
    } else if (a && b) {
      c.out(i, generalize(*a, *b));
    }
  }
}

// [Loop] -----------------------------------------------------------------------------------

// Inputs (M, cond, v_initial...); body (iter, cond, v...) -> (cond, v..., scan...);
// outputs (v_final..., scan outputs stacked along a new leading axis).
// Dims that mention the iteration symbol vary per iteration: unknown outside.
Type forgetSymbol(Type t, const std::string& sym) {
  if (t.kind == Type::Kind::Tensor && t.shape.rank_known)
    for (Dim& d : t.shape.dims)
      if (d.isSymbolic() && d.symbol.find(sym) != std::string::npos) d = Dim::unknown();
  return t;
}

void ruleLoop(Ctx& c) {
  ir::GraphId body = c.body("body");
  if (!body.valid()) return;
  size_t n_carried = c.numInputs() >= 2 ? c.numInputs() - 2 : 0;
  std::vector<Type> ins{Type::tensor(ElemType::Int64, Shape::of({})), Type::tensor(ElemType::Bool, Shape::of({}))};
  for (size_t i = 0; i < n_carried; ++i) ins.push_back(c.type(2 + i));
  // The iteration number is a symbol inside the body, so x[i:i+1] has length 1.
  const ir::Graph& B = c.model().graph(body);
  std::string sym = !B.inputs.empty() ? B.value(B.inputs[0]).name : "";
  std::vector<std::shared_ptr<const ConstValue>> in_consts(ins.size());
  if (!sym.empty())
    in_consts[0] = std::make_shared<const ConstValue>(intConst(ElemType::Int64, {}, {Dim::symbolic(sym)}));
  // First pass quietly; loop-carried values whose type changes across an
  // iteration are generalised, then the body is inferred for real.
  c.setQuiet(true);
  std::vector<Type> outs = c.inferBody(body, ins, nullptr, &in_consts);
  c.setQuiet(false);
  for (size_t i = 0; i < n_carried && 1 + i < outs.size(); ++i) {
    Type g = generalize(ins[2 + i], forgetSymbol(outs[1 + i], sym));
    if (g.known()) ins[2 + i] = g;
  }
  outs = c.inferBody(body, ins, nullptr, &in_consts);
  Dim trips = Dim::unknown();
  if (!c.has(1)) {
    if (const ConstValue* m = c.cval(0); m && m->count() == 1 && !m->isReal()) trips = m->ints[0];
  }
  for (size_t i = 0; i < c.numOutputs(); ++i) {
    if (1 + i >= outs.size()) break;
    Type t = forgetSymbol(outs[1 + i], sym);
    if (i < n_carried) {
      c.out(i, generalize(ins[2 + i], t));
    } else if (t.kind == Type::Kind::Tensor) {
      Shape s = t.shape;
      if (s.rank_known) s.dims.insert(s.dims.begin(), trips);
      c.outTensor(i, t.elem, s);
    }
  }
}

// [Scan] -----------------------------------------------------------------------------------

void ruleScan(Ctx& c) {
  ir::GraphId body = c.body("body");
  if (!body.valid()) return;
  bool v8 = c.opset() != 0 && c.opset() < 9;
  size_t first = v8 ? 1 : 0;  // Scan-8 starts with optional sequence_lens
  int64_t m = c.attrInt("num_scan_inputs", 0);
  size_t total = c.numInputs() - first;
  if (m < 0 || static_cast<size_t>(m) > total) {
    c.issue("num_scan_inputs exceeds the inputs");
    return;
  }
  size_t n_state = total - static_cast<size_t>(m);
  std::vector<int64_t> in_axes, out_axes;
  if (!c.attrInts("scan_input_axes", &in_axes)) in_axes.assign(m, 0);
  Dim seq = Dim::unknown(), batch = Dim::unknown();
  std::vector<Type> ins;
  for (size_t i = 0; i < n_state; ++i) {
    Type t = c.type(first + i);
    if (v8 && t.kind == Type::Kind::Tensor && t.shape.rank_known && t.shape.rank() >= 1) {
      batch = t.shape.dims[0];
      t.shape.dims.erase(t.shape.dims.begin());
    }
    ins.push_back(t);
  }
  for (size_t j = 0; j < static_cast<size_t>(m); ++j) {
    Type t = c.type(first + n_state + j);
    if (t.kind == Type::Kind::Tensor && t.shape.rank_known) {
      int64_t r = static_cast<int64_t>(t.shape.rank()), ax = v8 ? 1 : (j < in_axes.size() ? in_axes[j] : 0);
      if (v8 && r >= 1) batch = t.shape.dims[0];
      if (normAxis(ax, r, &ax)) {
        if (j == 0) seq = t.shape.dims[ax];
        t.shape.dims.erase(t.shape.dims.begin() + ax);
        if (v8 && !t.shape.dims.empty()) t.shape.dims.erase(t.shape.dims.begin());
      } else {
        t.shape = Shape::unknownRank();
      }
    }
    ins.push_back(t);
  }
  std::vector<Type> outs = c.inferBody(body, ins);
  size_t k_out = outs.size() > n_state ? outs.size() - n_state : 0;
  if (!c.attrInts("scan_output_axes", &out_axes)) out_axes.assign(k_out, 0);
  for (size_t i = 0; i < c.numOutputs() && i < outs.size(); ++i) {
    Type t = outs[i];
    if (t.kind != Type::Kind::Tensor) continue;
    Shape s = t.shape;
    if (i >= n_state && s.rank_known) {
      int64_t r = static_cast<int64_t>(s.rank()) + 1, ax = v8 ? 0 : (i - n_state < out_axes.size() ? out_axes[i - n_state] : 0);
      if (normAxis(ax, r, &ax)) s.dims.insert(s.dims.begin() + ax, seq);
      else s = Shape::unknownRank();
    }
    if (v8 && s.rank_known) s.dims.insert(s.dims.begin(), batch);
    c.outTensor(i, t.elem, s);
  }
}

// [Sequences] ------------------------------------------------------------------------------

// Sequences of known length carry the type of each element (ValueResult::
// elements), so SequenceAt/ConcatFromSequence with constant positions are exact.

// A constant scalar position, normalised for a sequence of n (insert allows n).
bool seqPos(Ctx& c, size_t in, int64_t n, bool insert, int64_t* pos) {
  if (!c.has(in)) return false;
  const ConstValue* v = c.cval(in);
  int64_t p;
  if (!v || v->count() != 1 || !v->intAt(0, &p)) return false;
  if (p < 0) p += n;
  if (p < 0 || p > n || (!insert && p == n)) return false;
  *pos = p;
  return true;
}

void ruleSequenceConstruct(Ctx& c) {
  std::vector<Type> elems;
  for (size_t i = 0; i < c.numInputs(); ++i) elems.push_back(c.type(i));
  c.outSeq(0, std::move(elems));
}

// An empty sequence has no element type yet (kind None): the first insert decides.
void ruleSequenceEmpty(Ctx& c) { c.outSeq(0, {}); }

void ruleSequenceAt(Ctx& c) {
  const Type& s = c.type(0);
  if (const std::vector<Type>* e = c.seqElems(0)) {
    int64_t p;
    if (seqPos(c, 1, static_cast<int64_t>(e->size()), false, &p)) {
      if ((*e)[p].known()) c.out(0, (*e)[p]);
      return;
    }
  }
  if (s.kind == Type::Kind::Sequence && s.inner && s.inner->known()) c.out(0, *s.inner);
}

void ruleSequenceInsert(Ctx& c) {
  const Type& s = c.type(0);
  if (s.kind != Type::Kind::Sequence) return;
  if (const std::vector<Type>* e = c.seqElems(0)) {
    int64_t n = static_cast<int64_t>(e->size()), p = n;
    if (!c.has(2) || seqPos(c, 2, n, true, &p)) {
      std::vector<Type> elems = *e;
      elems.insert(elems.begin() + p, c.type(1));
      c.outSeq(0, std::move(elems));
      return;
    }
  }
  c.out(0, seqOf(generalize(s.inner ? *s.inner : Type{}, c.type(1))));
}

void ruleSequenceErase(Ctx& c) {
  if (const std::vector<Type>* e = c.seqElems(0)) {
    int64_t n = static_cast<int64_t>(e->size()), p = n - 1;
    if ((!c.has(1) && n > 0) || seqPos(c, 1, n, false, &p)) {
      std::vector<Type> elems = *e;
      elems.erase(elems.begin() + p);
      c.outSeq(0, std::move(elems));
      return;
    }
  }
  sameAs(c);
}

void ruleSequenceLength(Ctx& c) {
  if (const std::vector<Type>* e = c.seqElems(0))
    return c.outConst(0, intConst(ElemType::Int64, {}, {Dim::known(static_cast<int64_t>(e->size()))}));
  c.outTensor(0, ElemType::Int64, Shape::of({}));
}

void ruleSplitToSequence(Ctx& c) {
  const Shape& in = c.shape(0);
  ElemType e = c.elem(0);
  if (!in.rank_known) {
    c.out(0, seqOf(Type::tensor(e, Shape::unknownRank())));
    return;
  }
  int64_t r = static_cast<int64_t>(in.rank()), ax;
  if (!normAxis(c.attrInt("axis", 0), r, &ax)) {
    c.issue("axis out of range");
    return;
  }
  const Dim& d = in.dims[ax];
  std::vector<int64_t> sizes;
  bool keep_axis = true;
  if (!c.has(1)) {
    // One element per index along the axis, the axis kept as 1 or dropped.
    keep_axis = c.attrInt("keepdims", 1) != 0;
    if (d.isKnown() && d.value > limits::kMaxSequenceLength)
      c.issue("a sequence of " + std::to_string(d.value) + " elements is " + limits::kTooLargeToInfer);
    else if (d.isKnown()) sizes.assign(static_cast<size_t>(d.value), 1);
  } else if (c.constInts(1, &sizes)) {
    if (c.shape(1).rank_known && c.shape(1).rank() == 0 && !sizes.empty()) {
      // A scalar split: chunks of that size, the last one smaller.
      int64_t chunk = sizes[0];
      sizes.clear();
      if (d.isKnown() && chunk > 0 && d.value / chunk >= limits::kMaxSequenceLength)
        c.issue("a sequence of " + std::to_string(d.value / chunk) + "+ elements is " + limits::kTooLargeToInfer);
      else if (d.isKnown() && chunk > 0)
        for (int64_t left = d.value; left > 0; left -= chunk) sizes.push_back(std::min(chunk, left));
    }
  }
  if (!sizes.empty()) {
    std::vector<Type> elems;
    for (int64_t sz : sizes) {
      Shape s = in;
      if (keep_axis) s.dims[ax] = Dim::known(sz);
      else s.dims.erase(s.dims.begin() + ax);
      elems.push_back(Type::tensor(e, std::move(s)));
    }
    c.outSeq(0, std::move(elems));
    return;
  }
  Shape s = in;
  if (!keep_axis) s.dims.erase(s.dims.begin() + ax);
  else s.dims[ax] = c.has(1) ? Dim::unknown() : Dim::known(1);
  c.out(0, seqOf(Type::tensor(e, std::move(s))));
}

void ruleConcatFromSequence(Ctx& c) {
  const Type& st = c.type(0);
  if (st.kind != Type::Kind::Sequence || !st.inner || st.inner->kind != Type::Kind::Tensor) return;
  const Type& t = *st.inner;
  if (!t.shape.rank_known) {
    c.outTensor(0, t.elem, Shape::unknownRank());
    return;
  }
  bool new_axis = c.attrInt("new_axis", 0) != 0;
  int64_t r = static_cast<int64_t>(t.shape.rank()) + (new_axis ? 1 : 0), ax;
  if (!normAxis(c.attrInt("axis", 0), r, &ax)) {
    c.issue("axis out of range");
    return;
  }
  Shape s = t.shape;
  Dim along = Dim::unknown();
  if (const std::vector<Type>* e = c.seqElems(0)) {
    along = Dim::known(new_axis ? static_cast<int64_t>(e->size()) : 0);
    if (!new_axis)
      for (const Type& x : *e)
        along = x.kind == Type::Kind::Tensor && x.shape.rank_known && x.shape.rank() == t.shape.rank()
                    ? dimAdd(along, x.shape.dims[ax])
                    : Dim::unknown();
  }
  if (new_axis) s.dims.insert(s.dims.begin() + ax, along);
  else s.dims[ax] = along;
  c.outTensor(0, t.elem, std::move(s));
}

// SequenceMap: the body runs once per element; sequence inputs pass their element
// type, tensor inputs pass themselves; each body output becomes a sequence. With
// known element lists the body is inferred per element.
void ruleSequenceMap(Ctx& c) {
  ir::GraphId body = c.body("body");
  if (!body.valid()) return;
  const std::vector<Type>* first = c.seqElems(0);
  if (first && first->size() <= 64) {
    std::vector<std::vector<Type>> per_out(c.numOutputs());
    for (size_t k = 0; k < first->size(); ++k) {
      std::vector<Type> ins;
      for (size_t i = 0; i < c.numInputs(); ++i) {
        const Type& t = c.type(i);
        const std::vector<Type>* e = c.seqElems(i);
        if (t.kind != Type::Kind::Sequence) ins.push_back(t);
        else if (e && k < e->size()) ins.push_back((*e)[k]);
        else ins.push_back(t.inner ? *t.inner : Type{});
      }
      std::vector<Type> outs = c.inferBody(body, ins);
      for (size_t o = 0; o < per_out.size() && o < outs.size(); ++o) per_out[o].push_back(outs[o]);
    }
    for (size_t o = 0; o < per_out.size(); ++o) c.outSeq(o, std::move(per_out[o]));
    return;
  }
  std::vector<Type> ins;
  for (size_t i = 0; i < c.numInputs(); ++i) {
    const Type& t = c.type(i);
    ins.push_back(t.kind == Type::Kind::Sequence && t.inner ? *t.inner : t);
  }
  std::vector<Type> outs = c.inferBody(body, ins);
  for (size_t i = 0; i < outs.size() && i < c.numOutputs(); ++i) c.out(i, seqOf(outs[i]));
}

// [Optionals] -----------------------------------------------------------------------------

void ruleOptional(Ctx& c) {
  if (c.has(0) && c.type(0).known()) {
    c.out(0, optionalOf(c.type(0)));
  } else if (const ir::Attribute* a = c.attr("type"); a && !a->types.empty()) {
    c.out(0, optionalOf(a->types[0]));
  }
}

void ruleOptionalGetElement(Ctx& c) {
  const Type& t = c.type(0);
  if (t.kind == Type::Kind::Optional) {
    if (t.inner) c.out(0, *t.inner);
  } else if (t.known()) {
    c.out(0, t);
  }
}

void ruleOptionalHasElement(Ctx& c) { c.outTensor(0, ElemType::Bool, Shape::of({})); }

}  // namespace

// The ops of this family, one entry each (fields: shapes/op_registry.h).
std::span<const OpSpec> controlOps() {
  using namespace op_table;
  static const OpSpec kOps[] = {
      Op{"", "If", C::Control, ruleIf, K::Bodies, "cond", "outputs"}.shapeArgs(0b1),
      Op{"", "Loop", C::Control, ruleLoop, K::Bodies, "M cond v_initial", "v_final_and_scan_outputs"}.shapeArgs(0b11),
      Op{"", "Scan", C::Control, ruleScan, K::Bodies,
         "initial_state_and_scan_inputs", "final_state_and_scan_outputs"}.shows(A::ScanInputs),
      {"", "SequenceConstruct", C::Tensor, ruleSequenceConstruct, K::Free, "inputs", "output_sequence"},
      {"", "SequenceEmpty", C::Tensor, ruleSequenceEmpty, K::Free, "", "output"},
      Op{"", "SequenceAt", C::Tensor, ruleSequenceAt, K::Free, "input_sequence position", "tensor"}.shapeArgs(0b10),
      Op{"", "SequenceInsert", C::Tensor, ruleSequenceInsert, K::Free,
         "input_sequence tensor position", "output_sequence"}.shapeArgs(0b100),
      Op{"", "SequenceErase", C::Tensor, ruleSequenceErase, K::Free,
         "input_sequence position", "output_sequence"}.shapeArgs(0b10),
      {"", "SequenceLength", C::Tensor, ruleSequenceLength, K::Free, "input_sequence", "length"},
      Op{"", "SplitToSequence", C::Tensor, ruleSplitToSequence, K::Free,
         "input split", "output_sequence"}.shapeArgs(0b10),
      {"", "ConcatFromSequence", C::Tensor, ruleConcatFromSequence, K::Free, "input_sequence", "concat_result"},
      {"", "SequenceMap", C::Control, ruleSequenceMap, K::Bodies, "input_sequence additional_inputs", "out_sequence"},
      {"", "Optional", C::Other, ruleOptional, K::Free, "input", "output"},
      {"", "OptionalGetElement", C::Other, ruleOptionalGetElement, K::Free, "input", "output"},
      {"", "OptionalHasElement", C::Other, ruleOptionalHasElement, K::Free, "input", "output"},
  };
  return kOps;
}

}  // namespace nf::shapes::detail
