// Metrics: parameter attribution, per-op cost rules, activation memory and the
// peak-memory simulation. The counting convention is stated in metrics.h.
//
// Index of this file
//   [SECTION] Shape helpers
//   [SECTION] Cost rules (CostKind -> MACs/FLOPs)
//   [SECTION] Parameter attribution and graph walk
//   [SECTION] Peak memory simulation
//   [SECTION] Public entry points and grouping
#include "shapes/metrics.h"

#include <algorithm>
#include <map>
#include <set>

#include "base/checked.h"
#include "base/timing.h"
#include "shapes/graph_order.h"
#include "shapes/op_registry.h"

namespace nf::shapes {

namespace {

// [SECTION] Shape helpers --------------------------------------------------------------

const ir::Shape kNoShape{};

// Counts here are -1 for unknown and saturate at kOverflow (shown as "overflow").
int64_t mulSat(int64_t a, int64_t b) {
  if (a < 0 || b < 0) return -1;
  return satMul(a, b);
}
int64_t addSat(int64_t a, int64_t b) {
  if (a < 0 || b < 0) return -1;
  return satAdd(a, b);
}

int64_t dimVal(const ir::Shape& s, int64_t k) {
  if (!s.rank_known) return -1;
  if (k < 0) k += static_cast<int64_t>(s.rank());
  if (k < 0 || k >= static_cast<int64_t>(s.rank()) || !s.dims[k].isKnown()) return -1;
  return s.dims[k].value;
}

// Product of dims [from, to); -1 when any is unknown.
int64_t dimsProduct(const ir::Shape& s, size_t from, size_t to) {
  if (!s.rank_known) return -1;
  int64_t p = 1;
  for (size_t k = from; k < to && k < s.rank(); ++k) {
    if (!s.dims[k].isKnown()) return -1;
    p = mulSat(p, s.dims[k].value);
  }
  return p;
}

uint64_t typeBytes(const ir::Type& t, bool* known) {
  if (t.kind != ir::Type::Kind::Tensor) {
    *known = false;
    return 0;
  }
  if (!t.shape.fullyKnown() || ir::elemTypeBits(t.elem) == 0) {
    *known = false;
    return 0;
  }
  // Known dims whose size does not fit count as overflow, not as unknown.
  int64_t n = t.shape.elementCount();
  if (n < 0) return kOverflow<uint64_t>;
  return checkedBytes(n, ir::elemTypeBits(t.elem)).value_or(kOverflow<uint64_t>);
}

// What a cost rule sees.
struct CostIn {
  const ir::Model& model;
  const InferenceResult& inf;
  ir::GraphId g;
  const ir::Node& node;

  const ir::Type& inType(size_t i) const {
    static const ir::Type none{};
    return i < node.inputs.size() && node.inputs[i].valid() ? inf.type(g, node.inputs[i]) : none;
  }
  const ir::Shape& in(size_t i) const {
    const ir::Type& t = inType(i);
    return t.kind == ir::Type::Kind::Tensor ? t.shape : kNoShape;
  }
  const ir::Shape& out(size_t i) const {
    if (i >= node.outputs.size() || !node.outputs[i].valid()) return kNoShape;
    const ir::Type& t = inf.type(g, node.outputs[i]);
    return t.kind == ir::Type::Kind::Tensor ? t.shape : kNoShape;
  }
  bool has(size_t i) const { return i < node.inputs.size() && node.inputs[i].valid(); }
  int64_t inElems(size_t i) const { return in(i).elementCount(); }
  int64_t outElems(size_t i) const { return out(i).elementCount(); }
  int64_t attrInt(const char* name, int64_t def) const {
    const ir::Attribute* a = node.attr(name);
    return a && a->type == ir::AttrType::Int ? a->i : def;
  }
  std::string attrStr(const char* name, const char* def) const {
    const ir::Attribute* a = node.attr(name);
    return a && a->type == ir::AttrType::String ? a->s : def;
  }
};

// Sets MACs (and FLOPs = 2 * MACs + extra); a negative input means unknown.
void setMacs(NodeMetrics* m, int64_t macs, int64_t extra_flops = 0) {
  if (macs < 0 || extra_flops < 0) {
    m->macs_known = false;
    m->macs = std::max<int64_t>(macs, 0);
    m->flops = satAdd(satMul<int64_t>(m->macs, 2), std::max<int64_t>(extra_flops, 0));
    return;
  }
  m->macs = macs;
  m->flops = satAdd(satMul<int64_t>(macs, 2), extra_flops);
}
void setFlops(NodeMetrics* m, int64_t flops) {
  if (flops < 0) {
    m->macs_known = false;
    m->flops = 0;
    return;
  }
  m->flops = flops;
}

// [SECTION] Cost rules -------------------------------------------------------------------

// Conv: every output element is a dot product over (Cin / group) * kernel inputs,
// i.e. W's dims after the first.
void costConvLike(const CostIn& c, NodeMetrics* m, size_t w_in, size_t bias_in) {
  const ir::Shape& w = c.in(w_in);
  int64_t per_out = w.rank_known ? dimsProduct(w, 1, w.rank()) : -1;
  int64_t out = c.outElems(0);
  setMacs(m, mulSat(out, per_out), c.has(bias_in) ? out : 0);
}
void costConv(const CostIn& c, NodeMetrics* m) { costConvLike(c, m, 1, 2); }
void costQLinearConv(const CostIn& c, NodeMetrics* m) { costConvLike(c, m, 3, 8); }

// ConvTranspose: every input element is scattered through (Cout / group) * kernel weights.
void costConvTranspose(const CostIn& c, NodeMetrics* m) {
  const ir::Shape& w = c.in(1);
  int64_t per_in = w.rank_known ? dimsProduct(w, 1, w.rank()) : -1;
  setMacs(m, mulSat(c.inElems(0), per_in), c.has(2) ? c.outElems(0) : 0);
}

void costGemm(const CostIn& c, NodeMetrics* m) {
  const ir::Shape& a = c.in(0);
  int64_t k = dimVal(a, c.attrInt("transA", 0) ? 0 : 1);
  int64_t out = c.outElems(0);
  setMacs(m, mulSat(out, k), c.has(2) ? out : 0);
}

void costMatMulAt(const CostIn& c, NodeMetrics* m, size_t a_in) {
  int64_t k = dimVal(c.in(a_in), -1);
  setMacs(m, mulSat(c.outElems(0), k));
}
void costMatMul(const CostIn& c, NodeMetrics* m) { costMatMulAt(c, m, 0); }
void costFusedMatMul(const CostIn& c, NodeMetrics* m) {
  int64_t k = dimVal(c.in(0), c.attrInt("transA", 0) ? -2 : -1);
  setMacs(m, mulSat(c.outElems(0), k));
}

// Einsum with two or more operands: one MAC per point of the full index space.
void costEinsum(const CostIn& c, NodeMetrics* m) {
  const ir::Attribute* a = c.node.attr("equation");
  if (!a || c.node.inputs.size() < 2) {
    setFlops(m, c.inElems(0));
    return;
  }
  std::string eq = a->s;
  std::string lhs = eq.substr(0, eq.find("->"));
  std::map<char, int64_t> size;
  int64_t ell = 1;
  size_t op = 0, pos = 0;
  for (size_t k = 0; k <= lhs.size(); ++k) {
    if (k == lhs.size() || lhs[k] == ',') {
      ++op;
      pos = 0;
      continue;
    }
    const ir::Shape& s = c.in(op);
    if (lhs.compare(k, 3, "...") == 0) {
      // Count the ellipsis part once, from the operand that holds the most of it.
      size_t named = 0;
      size_t e = lhs.find(',', k);
      for (size_t j = k + 3; j < (e == std::string::npos ? lhs.size() : e); ++j) named += lhs[j] != ' ';
      size_t before = pos;
      size_t ell_rank = s.rank_known ? s.rank() - before - named : 0;
      int64_t p = dimsProduct(s, before, before + ell_rank);
      if (p < 0) {
        setMacs(m, -1);
        return;
      }
      ell = std::max(ell, p);
      pos += ell_rank;
      k += 2;
      continue;
    }
    if (lhs[k] == ' ') continue;
    int64_t d = dimVal(s, static_cast<int64_t>(pos++));
    if (d < 0) {
      setMacs(m, -1);
      return;
    }
    size[lhs[k]] = std::max(size[lhs[k]], d);
  }
  int64_t macs = ell;
  for (const auto& kv : size) macs = mulSat(macs, kv.second);
  setMacs(m, macs);
}

// Attention: Q.K^T and P.V, B * Hq * Sq * Skv * (Dk + Dv), plus the softmax.
void costAttention(const CostIn& c, NodeMetrics* m) {
  const ir::Shape& q = c.in(0);
  const ir::Shape& k = c.in(1);
  const ir::Shape& v = c.in(2);
  int64_t b = dimVal(q, 0), hq, sq, dk, dv, skv;
  if (q.rank_known && q.rank() == 3) {
    hq = c.attrInt("q_num_heads", 0);
    int64_t hkv = c.attrInt("kv_num_heads", 0);
    sq = dimVal(q, 1);
    skv = dimVal(k, 1);
    dk = hq > 0 && dimVal(q, 2) >= 0 ? dimVal(q, 2) / hq : -1;
    dv = hkv > 0 && dimVal(v, 2) >= 0 ? dimVal(v, 2) / hkv : -1;
  } else {
    hq = dimVal(q, 1);
    sq = dimVal(q, 2);
    skv = dimVal(k, 2);
    dk = dimVal(q, 3);
    dv = dimVal(v, 3);
  }
  if (c.has(4) && skv >= 0) {
    int64_t past = dimVal(c.in(4), 2);
    skv = addSat(skv, past);
  }
  int64_t scores = mulSat(mulSat(mulSat(b, hq), sq), skv);
  setMacs(m, dk < 0 || dv < 0 ? -1 : mulSat(scores, addSat(dk, dv)), mulSat(scores, 3));
}

// RNN/GRU/LSTM: per step and direction, gates * hidden * (input + hidden).
void costRecurrent(const CostIn& c, NodeMetrics* m) {
  const ir::Shape& x = c.in(0);
  const ir::Shape& w = c.in(1);
  int64_t layout = c.attrInt("layout", 0);
  int64_t seq = dimVal(x, layout ? 1 : 0), batch = dimVal(x, layout ? 0 : 1), input = dimVal(x, 2);
  int64_t dirs = dimVal(w, 0), gates_hidden = dimVal(w, 1);
  int64_t gates = c.node.op_type == "LSTM" ? 4 : c.node.op_type == "GRU" ? 3 : 1;
  int64_t hidden = gates_hidden < 0 ? -1 : gates_hidden / gates;
  int64_t per_step = mulSat(gates_hidden, addSat(input, hidden));
  int64_t macs = mulSat(mulSat(mulSat(seq, batch), dirs), per_step);
  // Gate nonlinearities and state updates: a few FLOPs per gate element.
  int64_t extra = mulSat(mulSat(mulSat(seq, batch), dirs), mulSat(gates_hidden, 4));
  setMacs(m, macs, extra);
}

int64_t kernelSize(const CostIn& c) {
  const ir::Attribute* a = c.node.attr("kernel_shape");
  if (!a) return -1;
  int64_t p = 1;
  for (int64_t k : a->ints) p = mulSat(p, k);
  return p;
}

void costPool(const CostIn& c, NodeMetrics* m) { setFlops(m, mulSat(c.outElems(0), kernelSize(c))); }
void costPerInput(const CostIn& c, NodeMetrics* m) { setFlops(m, c.inElems(0)); }
void costPerOutput(const CostIn& c, NodeMetrics* m) { setFlops(m, c.outElems(0)); }
void costPerOutput2(const CostIn& c, NodeMetrics* m) { setFlops(m, mulSat(c.outElems(0), 2)); }
void costPerOutput3(const CostIn& c, NodeMetrics* m) { setFlops(m, mulSat(c.outElems(0), 3)); }
void costPerOutput5(const CostIn& c, NodeMetrics* m) { setFlops(m, mulSat(c.outElems(0), 5)); }
// Variadic elementwise: one op per output element per extra operand.
void costVariadic(const CostIn& c, NodeMetrics* m) {
  int64_t n = 0;
  for (ir::ValueId v : c.node.inputs) n += v.valid();
  setFlops(m, mulSat(c.outElems(0), std::max<int64_t>(n - 1, 1)));
}
void costResize(const CostIn& c, NodeMetrics* m) {
  std::string mode = c.attrStr("mode", "nearest");
  int64_t per = mode == "linear" || mode == "bilinear" ? 4 : mode == "cubic" || mode == "bicubic" ? 16 : 0;
  setFlops(m, mulSat(c.outElems(0), per));
}

// Adds a node's figures to a total, saturating (never wrapping) at overflow.
void addTo(Totals* t, const NodeMetrics& nm) {
  t->params = satAdd(t->params, nm.params);
  t->param_bytes = satAdd(t->param_bytes, nm.param_bytes);
  t->macs = satAdd(t->macs, nm.macs);
  t->flops = satAdd(t->flops, nm.flops);
  t->activation_bytes = satAdd(t->activation_bytes, nm.output_bytes);
  t->nodes += 1;
  if (!nm.macs_known) t->nodes_cost_unknown += 1;
}

// Runs the cost rule of the op's registry entry (CostKind: shapes/op_registry.h).
void applyCost(CostKind kind, const CostIn& c, NodeMetrics* m) {
  switch (kind) {
    case CostKind::Unset:
    case CostKind::Free:
    case CostKind::Uncounted:
    case CostKind::Bodies: return;  // control flow is costed from its bodies by the walker
    case CostKind::Conv: return costConv(c, m);
    case CostKind::QLinearConv: return costQLinearConv(c, m);
    case CostKind::ConvTranspose: return costConvTranspose(c, m);
    case CostKind::Gemm: return costGemm(c, m);
    case CostKind::MatMul: return costMatMul(c, m);
    case CostKind::FusedMatMul: return costFusedMatMul(c, m);
    case CostKind::Einsum: return costEinsum(c, m);
    case CostKind::Attention: return costAttention(c, m);
    case CostKind::Recurrent: return costRecurrent(c, m);
    case CostKind::Pool: return costPool(c, m);
    case CostKind::PerInput: return costPerInput(c, m);
    case CostKind::PerOutput: return costPerOutput(c, m);
    case CostKind::PerOutput2: return costPerOutput2(c, m);
    case CostKind::PerOutput3: return costPerOutput3(c, m);
    case CostKind::PerOutput5: return costPerOutput5(c, m);
    case CostKind::Variadic: return costVariadic(c, m);
    case CostKind::Resize: return costResize(c, m);
  }
}

// Input slots that are shape-like arguments (sizes, axes, indices, bounds), never
// parameters even when they are initializers. Read by op type whatever the domain.
bool isShapeSlot(const ir::Node& n, size_t i) {
  const OpSpec* op = findOpByType(n.domain, n.op_type);
  return op && op->isShapeInput(i);
}

bool hasBodies(const ir::Node& n) {
  for (const auto& a : n.attributes)
    if (a.type == ir::AttrType::Graph || a.type == ir::AttrType::Graphs) return true;
  return false;
}

bool isRandomOp(const ir::Node& n) {
  const OpSpec* op = findOpByType(n.domain, n.op_type);
  return op && op->fold == FoldClass::Random;
}

// [SECTION] Parameter attribution and graph walk -----------------------------------------------

// Parameters on their way to the node that will own them, by element type.
struct ParamAmount {
  int64_t count = 0;
  uint64_t bytes = 0;
  std::vector<DtypeParams> by;

  void add(const ParamAmount& o) {
    count = satAdd(count, o.count);
    bytes = satAdd(bytes, o.bytes);
    for (const auto& d : o.by) addDtype(d.elem, d.count, d.bytes);
  }
  void addDtype(ir::ElemType e, int64_t n, uint64_t b) {
    for (auto& d : by)
      if (d.elem == e) {
        d.count = satAdd(d.count, n);
        d.bytes = satAdd(d.bytes, b);
        return;
      }
    by.push_back(DtypeParams{e, n, b});
  }
};

class Walker {
 public:
  Walker(const ir::Model& m, const InferenceResult& inf, Metrics& out) : m_(m), inf_(inf), out_(out) {
    out_.graphs.resize(m.graphs.size());
    for (size_t g = 0; g < m.graphs.size(); ++g) out_.graphs[g].resize(m.graphs[g].nodes.size());
    constant_.resize(m.graphs.size());
    node_constant_.resize(m.graphs.size());
    shape_only_.resize(m.graphs.size());
    shape_node_.resize(m.graphs.size());
    counted_.resize(m.graphs.size());
    carried_.resize(m.graphs.size());
    for (size_t g = 0; g < m.graphs.size(); ++g) {
      counted_[g].assign(m.graphs[g].values.size(), 0);
      carried_[g].resize(m.graphs[g].values.size());
    }
  }

  // Computes metrics of every node of graph g (bodies recursively) and returns
  // the graph's totals (no peak).
  Totals walk(ir::GraphId g, int depth) {
    Totals t;
    if (!canEnter(g, depth)) return t;
    const std::vector<uint32_t> order = executionOrder(m_, g);
    enter(g, order);
    for (uint32_t ni : order) walkNode(g, ni, depth, &t);
    leave(g);
    return t;
  }

  // walk in parts, for MetricsJob: whether g is walked, enter g with its execution
  // order, each node in that order, leave g.
  bool canEnter(ir::GraphId g, int depth) const {
    return g.index < m_.graphs.size() && depth <= 48 && !visiting_.count(g.index);
  }
  void enter(ir::GraphId g, const std::vector<uint32_t>& order) {
    visiting_.insert(g.index);
    markConstants(g, order);
    if (g.index == 0) {
      out_.order.clear();
      for (uint32_t n : order) out_.order.push_back(ir::NodeId{n});
    }
  }
  void leave(ir::GraphId g) { visiting_.erase(g.index); }

  void walkNode(ir::GraphId g, uint32_t ni, int depth, Totals* total) {
    Totals& t = *total;
    const ir::Graph& G = m_.graph(g);
    {
      const ir::Node& n = G.nodes[ni];
      NodeMetrics& nm = out_.graphs[g.index][ni];
      nm.constant = node_constant_[g.index][ni];
      // Parameters: sources read at data slots, plus anything carried by constant producers.
      ParamAmount own;
      for (size_t i = 0; i < n.inputs.size() && !shape_node_[g.index][ni]; ++i) {
        ir::ValueId v = n.inputs[i];
        if (!v.valid() || isShapeSlot(n, i)) continue;
        takeParams(g, v, &own);
      }
      // A constant node (DequantizeLinear of an int8 weight, Transpose of a weight,
      // Cast of a shape...) hands what it read on to its first consumed output:
      // the parameters belong to the node that finally uses them as data, and
      // are not parameters at all when only shape arguments read them.
      if (nm.constant) {
        for (ir::ValueId o : n.outputs)
          if (o.valid() && !G.value(o).consumers.empty()) {
            carried_[g.index][o.index].add(own);
            break;
          }
        own = ParamAmount{};
      }
      for (const auto& d : own.by) {
        DtypeParams& acc = by_dtype[d.elem];
        acc.elem = d.elem;
        acc.count = satAdd(acc.count, d.count);
        acc.bytes = satAdd(acc.bytes, d.bytes);
      }
      // Costs.
      CostIn ci{m_, inf_, g, n};
      std::vector<ir::GraphId> subs;
      if (hasBodies(n)) subs = n.subgraphs();
      if (!subs.empty()) {
        controlFlowCost(g, n, subs, depth, &nm, &own);
      } else if (auto fit = functionOf(n); fit >= 0) {
        Totals bt = walk(m_.functions[fit].body, depth + 1);
        nm.macs = bt.macs;
        nm.flops = bt.flops;
        nm.macs_known = bt.nodes_cost_unknown == 0;
        own.count = satAdd(own.count, bt.params);
        own.bytes = satAdd(own.bytes, bt.param_bytes);
      } else {
        const OpSpec* op = findOp(n.domain, n.op_type);
        if (op && !nm.constant) applyCost(op->cost, ci, &nm);
      }
      // Activations.
      for (ir::ValueId o : n.outputs) {
        if (!o.valid()) continue;
        bool known = true;
        uint64_t b = typeBytes(inf_.type(g, o), &known);
        if (!known) nm.output_known = false;
        if (!nm.constant) nm.output_bytes = satAdd(nm.output_bytes, b);
      }
      if (nm.constant) nm.output_known = true;
      nm.params = own.count;
      nm.param_bytes = own.bytes;
      addTo(&t, nm);
    }
  }

  std::map<ir::ElemType, DtypeParams> by_dtype;

 private:
  int functionOf(const ir::Node& n) const {
    if (m_.functions.empty() || n.domain.empty() || n.domain == "ai.onnx") return -1;
    for (size_t i = 0; i < m_.functions.size(); ++i)
      if (m_.functions[i].domain == n.domain && m_.functions[i].name == n.op_type) return static_cast<int>(i);
    return -1;
  }

  // Which nodes of g compute constants (all inputs constant, no randomness, no bodies).
  // Which nodes of g compute constants (all inputs constant, no randomness, no
  // bodies), and which nodes only compute shapes: every output is read only as a
  // shape-like argument, directly or through other shape-only nodes (the
  // Concat that assembles a Reshape target). Neither kind holds activations in
  // the usual sense, and what the shape-only kind reads is never a parameter.
  void markConstants(ir::GraphId g, const std::vector<uint32_t>& order) {
    const ir::Graph& G = m_.graph(g);
    auto& vc = constant_[g.index];
    vc.assign(G.values.size(), 0);
    auto& nc = node_constant_[g.index];
    nc.assign(G.nodes.size(), 0);
    for (size_t v = 0; v < G.values.size(); ++v) vc[v] = G.values[v].initializer >= 0;
    for (uint32_t ni : order) {
      const ir::Node& n = G.nodes[ni];
      bool c = !isRandomOp(n) && !hasBodies(n) && functionOf(n) < 0;
      for (ir::ValueId v : n.inputs)
        if (v.valid() && !vc[v.index]) c = false;
      nc[ni] = c;
      if (c)
        for (ir::ValueId o : n.outputs)
          if (o.valid()) vc[o.index] = 1;
    }
    // Shape-only values, deciding consumers before producers (reverse order).
    auto& so = shape_only_[g.index];
    so.assign(G.values.size(), 0);
    auto& sn = shape_node_[g.index];
    sn.assign(G.nodes.size(), 0);
    std::vector<char> decided(G.values.size(), 0);
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      const ir::Node& n = G.nodes[*it];
      bool all = !n.outputs.empty() && !hasBodies(n);
      for (ir::ValueId o : n.outputs)
        if (!o.valid() || !so[o.index]) all = false;
      sn[*it] = all;
      for (size_t i = 0; i < n.inputs.size(); ++i) {
        ir::ValueId v = n.inputs[i];
        if (!v.valid()) continue;
        const ir::Value& val = G.value(v);
        // Decided once, at its first consumer in reverse order: every consumer must agree.
        bool here = all || isShapeSlot(n, i);
        if (val.graph_output) here = false;
        if (!decided[v.index]) {
          decided[v.index] = 1;
          so[v.index] = here;
        } else if (!here) {
          so[v.index] = 0;
        }
      }
    }
  }

  // Counts the parameter tensor defined by value v of graph g (or an outer graph)
  // into *own, once per model.
  void takeParams(ir::GraphId g, ir::ValueId v, ParamAmount* own) {
    // Resolve outer-scope references to the defining graph.
    int guard = 0;
    while (m_.graph(g).value(v).outer_scope && guard++ < 64) {
      ir::GraphId p = m_.graph(g).parent;
      if (!p.valid()) return;
      ir::ValueId pv = m_.graph(p).find(m_.graph(g).value(v).name);
      if (!pv.valid()) return;
      g = p;
      v = pv;
    }
    const ir::Graph& G = m_.graph(g);
    const ir::Value& val = G.value(v);
    ParamAmount& carried = carried_[g.index][v.index];
    if (carried.count || carried.bytes) {
      own->add(carried);
      carried = ParamAmount{};
    }
    if (counted_[g.index][v.index]) return;
    ir::ElemType e = ir::ElemType::Undefined;
    int64_t n = -1;
    if (val.initializer >= 0 && static_cast<size_t>(val.initializer) < G.initializers.size()) {
      const ir::Tensor& t = G.initializers[val.initializer];
      e = t.elem;
      n = t.elementCount();
    } else if (val.producer.valid()) {
      const ir::Node& p = G.node(val.producer);
      // A generated weight: a Constant, or a ConstantOfShape of a constant shape
      // (zeros shaped like a runtime tensor are a buffer, not a weight).
      bool generator = (p.op_type == "Constant" || p.op_type == "ConstantOfShape") &&
                       (p.domain.empty() || p.domain == "ai.onnx") && val.producer.index < node_constant_[g.index].size() &&
                       node_constant_[g.index][val.producer.index];
      const ir::Type& t = inf_.type(g, v);
      if (!generator || t.kind != ir::Type::Kind::Tensor || !ir::isFloatType(t.elem)) return;
      e = t.elem;
      n = t.shape.elementCount();
      if (n < 2) return;  // Constant scalars are hyper-parameters, not weights
    } else {
      return;
    }
    if (n < 0) return;
    counted_[g.index][v.index] = 1;
    uint64_t bytes = checkedBytes(n, ir::elemTypeBits(e)).value_or(kOverflow<uint64_t>);
    own->count = satAdd(own->count, n);
    own->bytes = satAdd(own->bytes, bytes);
    own->addDtype(e, n, bytes);
  }

  void controlFlowCost(ir::GraphId g, const ir::Node& n, const std::vector<ir::GraphId>& subs, int depth,
                       NodeMetrics* nm, ParamAmount* own) {
    std::vector<Totals> bodies;
    for (ir::GraphId s : subs) bodies.push_back(walk(s, depth + 1));
    for (const Totals& b : bodies) {
      own->count = satAdd(own->count, b.params);
      own->bytes = satAdd(own->bytes, b.param_bytes);
    }
    int64_t macs = 0, flops = 0;
    bool known = true;
    for (const Totals& b : bodies) known = known && b.nodes_cost_unknown == 0;
    if (n.op_type == "If") {
      for (const Totals& b : bodies) {
        macs = std::max(macs, b.macs);
        flops = std::max(flops, b.flops);
      }
    } else {
      int64_t times = -1;
      CostIn ci{m_, inf_, g, n};
      if (n.op_type == "Loop") {
        // Trip count: the stacked length of a scan output, else a constant M without a condition.
        for (size_t i = 0; i < n.outputs.size() && times < 0; ++i) {
          const ir::Shape& s = ci.out(i);
          if (i + 2 >= n.inputs.size() && s.rank_known && s.rank() >= 1 && s.dims[0].isKnown()) times = s.dims[0].value;
        }
        if (times < 0 && n.inputs.size() >= 1 && n.inputs[0].valid() && !(n.inputs.size() >= 2 && n.inputs[1].valid())) {
          const ConstValue* c = inf_.value(g, n.inputs[0]).constant.get();
          int64_t x;
          if (c && c->count() == 1 && c->intAt(0, &x)) times = x;
        }
      } else if (n.op_type == "Scan") {
        int64_t m_in = ci.attrInt("num_scan_inputs", 0);
        size_t first_scan = n.inputs.size() >= static_cast<size_t>(m_in) ? n.inputs.size() - static_cast<size_t>(m_in) : 0;
        const ir::Attribute* axes = n.attr("scan_input_axes");
        int64_t ax = axes && !axes->ints.empty() ? axes->ints[0] : 0;
        times = dimVal(ci.in(first_scan), ax);
      }
      if (times < 0) {
        known = false;
        times = 1;
      }
      for (const Totals& b : bodies) {
        macs = satAdd(macs, mulSat(b.macs, times));
        flops = satAdd(flops, mulSat(b.flops, times));
      }
    }
    nm->macs = macs;
    nm->flops = flops;
    nm->macs_known = known;
  }

  const ir::Model& m_;
  const InferenceResult& inf_;
  Metrics& out_;
  std::vector<std::vector<char>> constant_;
  std::vector<std::vector<char>> node_constant_;  // [graph][node]
  std::vector<std::vector<char>> shape_only_;     // [graph][value]
  std::vector<std::vector<char>> shape_node_;     // [graph][node]
  std::vector<std::vector<char>> counted_;
  std::vector<std::vector<ParamAmount>> carried_;
  std::set<uint32_t> visiting_;
};

// [SECTION] Peak memory simulation ------------------------------------------------------------

uint64_t peakActivation(const ir::Model& m, const InferenceResult& inf, const Metrics& met) {
  const ir::Graph& G = m.main();
  std::vector<int32_t> remaining(G.values.size(), 0);
  std::vector<uint64_t> size(G.values.size(), 0);
  // Distinct inputs per node: a value read twice by one node is freed once.
  std::vector<uint32_t> stamp(G.values.size(), UINT32_MAX);
  for (size_t ni = 0; ni < G.nodes.size(); ++ni)
    for (ir::ValueId v : G.nodes[ni].inputs)
      if (v.valid() && stamp[v.index] != ni) {
        stamp[v.index] = static_cast<uint32_t>(ni);
        ++remaining[v.index];
      }
  std::fill(stamp.begin(), stamp.end(), UINT32_MAX);
  uint64_t live = 0, peak = 0;
  for (ir::ValueId v : G.realInputs()) {
    bool known = true;
    size[v.index] = typeBytes(inf.type(ir::GraphId{0}, v), &known);
    live = satAdd(live, size[v.index]);
  }
  peak = live;
  for (ir::NodeId id : met.order) {
    const ir::Node& n = G.node(id);
    const NodeMetrics& nm = met.node(id);
    if (nm.constant) continue;
    for (ir::ValueId o : n.outputs) {
      if (!o.valid()) continue;
      bool known = true;
      size[o.index] = typeBytes(inf.type(ir::GraphId{0}, o), &known);
      live = satAdd(live, size[o.index]);
    }
    peak = std::max(peak, live);
    for (ir::ValueId v : n.inputs) {
      if (!v.valid() || stamp[v.index] == id.index) continue;
      stamp[v.index] = id.index;
      if (--remaining[v.index] == 0 && !G.value(v).graph_output) {
        if (!isOverflow(live)) live -= std::min(live, size[v.index]);
        size[v.index] = 0;
      }
    }
    for (ir::ValueId o : n.outputs)
      if (o.valid() && remaining[o.index] == 0 && !G.value(o).graph_output) {
        if (!isOverflow(live)) live -= std::min(live, size[o.index]);
        size[o.index] = 0;
      }
  }
  return peak;
}

}  // namespace

// [SECTION] Public entry points and grouping ---------------------------------------------------

const NodeMetrics& Metrics::node(ir::GraphId g, ir::NodeId n) const {
  static const NodeMetrics kEmpty{};
  if (g.index >= graphs.size() || n.index >= graphs[g.index].size()) return kEmpty;
  return graphs[g.index][n.index];
}

Metrics computeMetrics(const ir::Model& model, const InferenceResult& inference) {
  Metrics m;
  if (model.graphs.empty()) return m;
  Walker w(model, inference, m);
  m.totals = w.walk(ir::GraphId{0}, 0);
  m.totals.peak_activation_bytes = peakActivation(model, inference, m);
  for (const auto& kv : w.by_dtype) m.params_by_dtype.push_back(kv.second);
  return m;
}

struct MetricsJob::Impl {
  Impl(const ir::Model& m, const InferenceResult& inf) : model(m), inference(inf) {
    if (!m.graphs.empty()) walker = std::make_unique<Walker>(m, inf, metrics);
  }
  const ir::Model& model;
  const InferenceResult& inference;
  Metrics metrics;
  std::unique_ptr<Walker> walker;  // null for a model without graphs
  std::vector<uint32_t> order;     // the main graph's execution order
  enum class Part : uint8_t { Order, Enter, Nodes, Finish, Done } part = Part::Order;
  size_t cursor = 0;
};

MetricsJob::MetricsJob(const ir::Model& model, const InferenceResult& inference)
    : impl_(std::make_unique<Impl>(model, inference)) {
  if (!impl_->walker) impl_->part = Impl::Part::Done;
}
MetricsJob::~MetricsJob() = default;
bool MetricsJob::done() const { return impl_->part == Impl::Part::Done; }

bool MetricsJob::step(double budget_ms) {
  Impl& j = *impl_;
  const auto t0 = SteadyClock::now();
  auto spent = [&] { return budget_ms > 0 && msSince(t0) >= budget_ms; };
  while (j.part != Impl::Part::Done) {
    switch (j.part) {
      case Impl::Part::Order:  // a unit of its own: on 30k nodes it costs as much as the constants
        if (!j.walker->canEnter(ir::GraphId{0}, 0)) {
          j.part = Impl::Part::Finish;
          break;
        }
        j.order = executionOrder(j.model, ir::GraphId{0});
        j.part = Impl::Part::Enter;
        break;
      case Impl::Part::Enter:
        j.walker->enter(ir::GraphId{0}, j.order);
        j.part = Impl::Part::Nodes;
        break;
      case Impl::Part::Nodes:
        while (j.cursor < j.order.size()) {
          j.walker->walkNode(ir::GraphId{0}, j.order[j.cursor++], 0, &j.metrics.totals);
          if ((j.cursor & 127) == 0 && spent()) return false;
        }
        j.walker->leave(ir::GraphId{0});
        j.part = Impl::Part::Finish;
        break;
      case Impl::Part::Finish:
        j.metrics.totals.peak_activation_bytes = peakActivation(j.model, j.inference, j.metrics);
        for (const auto& kv : j.walker->by_dtype) j.metrics.params_by_dtype.push_back(kv.second);
        j.part = Impl::Part::Done;
        break;
      case Impl::Part::Done: break;
    }
    if (j.part != Impl::Part::Done && spent()) return false;
  }
  return true;
}

Metrics MetricsJob::take() { return std::move(impl_->metrics); }

std::vector<std::string> scopeOf(std::string_view name, std::string_view separators) {
  std::vector<std::string> parts;
  std::string cur;
  for (char ch : name) {
    if (separators.find(ch) != std::string_view::npos) {
      if (!cur.empty()) parts.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += ch;
    }
  }
  // The last segment (still in `cur`) names the node itself; the rest is its
  // scope. A trailing separator leaves no own segment: everything is scope.
  return parts;
}

std::vector<GroupRow> groupTotals(const ir::Model& model, const Metrics& metrics, int depth,
                                  std::string_view separators) {
  std::vector<GroupRow> rows;
  if (model.graphs.empty()) return rows;
  std::map<std::string, size_t> index;
  for (ir::NodeId id : metrics.order) {
    std::string key;
    int d = 0;
    if (depth > 0) {
      auto scope = scopeOf(model.main().node(id).name, separators);
      for (size_t k = 0; k < scope.size() && static_cast<int>(k) < depth; ++k) {
        if (k) key += "/";
        key += scope[k];
        ++d;
      }
    }
    auto it = index.find(key);
    if (it == index.end()) {
      it = index.emplace(key, rows.size()).first;
      GroupRow r;
      r.scope = key;
      r.depth = d;
      rows.push_back(std::move(r));
    }
    GroupRow& r = rows[it->second];
    const NodeMetrics& nm = metrics.node(id);
    r.nodes.push_back(id);
    addTo(&r.totals, nm);
  }
  return rows;
}

}  // namespace nf::shapes
