// diff/differences.cpp - the differences of two matched models (see differences.h).
#include "diff/differences.h"

#include <algorithm>
#include <map>
#include <set>

#include "base/timing.h"
#include "hierarchy/hash.h"
#include "shapes/inference.h"
#include "shapes/metrics.h"

namespace nf::diff {

namespace {


// A body's structure in one number: op types, attributes and arity of every node, in
// order, nested bodies included, so a changed If/Loop body shows as a changed attribute.
uint64_t bodyHash(const ir::Model& m, ir::GraphId id, int depth = 0) {
  hierarchy::Hasher h;
  if (id.index >= m.graphs.size() || depth > 64) return 0;
  const ir::Graph& g = m.graph(id);
  h.add(static_cast<uint64_t>(g.nodes.size()));
  for (const ir::Node& n : g.nodes) {
    h.add(n.domain);
    h.add(n.op_type);
    h.add(static_cast<uint64_t>(n.inputs.size() * 1000 + n.outputs.size()));
    for (const ir::Attribute& a : n.attributes) {
      h.add(a.name);
      h.add(static_cast<uint64_t>(a.i));
      h.addFloat(a.f);
      h.add(a.s);
      for (int64_t v : a.ints) h.add(static_cast<uint64_t>(v));
      for (float v : a.floats) h.addFloat(v);
      for (ir::GraphId sub : a.graphs) h.add(bodyHash(m, sub, depth + 1));
    }
  }
  return h.value();
}

std::string attrText(const ir::Model& m, const ir::Attribute& a) {
  auto list = [](const auto& v, auto fmt) {
    std::string s = "[";
    for (size_t k = 0; k < v.size(); ++k) {
      if (k) s += ", ";
      if (k == 16) { s += "... " + std::to_string(v.size()) + " items"; break; }
      s += fmt(v[k]);
    }
    return s + "]";
  };
  auto num = [](double d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", d);
    return std::string(buf);
  };
  switch (a.type) {
    case ir::AttrType::Float: return num(a.f);
    case ir::AttrType::Int: return std::to_string(a.i);
    case ir::AttrType::String: return "\"" + a.s.substr(0, 200) + "\"";
    case ir::AttrType::Floats: return list(a.floats, num);
    case ir::AttrType::Ints: return list(a.ints, [](int64_t v) { return std::to_string(v); });
    case ir::AttrType::Strings: return list(a.strings, [](const std::string& v) { return "\"" + v.substr(0, 40) + "\""; });
    case ir::AttrType::Tensor:
      if (!a.tensors.empty()) {
        const ir::Tensor& t = a.tensors[0];
        std::string s = std::string(ir::elemTypeName(t.elem)) + ir::shapeToString(ir::Shape::ofKnown(t.dims));
        // Small constants show their bytes so a changed value is visible.
        if (t.storage == ir::Tensor::Storage::Inline && t.bytes.size() <= 64) {
          s += " #";
          for (uint8_t c : t.bytes) { char b[3]; std::snprintf(b, 3, "%02x", c); s += b; }
        }
        return s;
      }
      return "tensor";
    case ir::AttrType::Graph:
    case ir::AttrType::Graphs: {
      std::string s = a.type == ir::AttrType::Graph ? "graph" : "graphs";
      for (ir::GraphId g : a.graphs) {
        char buf[64];
        std::snprintf(buf, sizeof buf, " (%zu nodes, structure %016llx)",
                      g.index < m.graphs.size() ? m.graph(g).nodes.size() : size_t{0},
                      static_cast<unsigned long long>(bodyHash(m, g)));
        s += buf;
      }
      return s;
    }
    default: return std::string(ir::attrTypeName(a.type));
  }
}

std::string valueText(const ir::Graph& g, const shapes::InferenceResult& inf, ir::ValueId v) {
  if (!v.valid()) return "(none)";
  const ir::Type& t = inf.type(ir::GraphId{0}, v);
  if (t.known()) return ir::typeToString(t);
  return "?";
}

std::string sourceText(const ir::Graph& g, ir::ValueId v) {
  if (!v.valid()) return "(none)";
  const ir::Value& x = g.value(v);
  if (x.producer.valid()) return nodeLabel(g, x.producer.index);
  if (x.initializer >= 0) return "initializer " + x.name;
  if (x.graph_input) return "input " + x.name;
  return x.name;
}

class Differ {
 public:
  Differ(const ir::Model& a, const ir::Model& b, const CompareOptions& o)
      : a_(a), b_(b), ga_(a.main()), gb_(b.main()), opt_(o), match_(a, b, o.match) {}

  // The work in units, each short on a 30k-node model (matching stages, one side's
  // shape inference, a batch of pairs...); step() runs units until the budget is spent.
  enum class Phase : uint8_t { Match, InferA, InferB, Initializers, Nodes, Graph, Rewrites, MetricsA, MetricsB, Groups, Done };
  bool done() const { return phase_ == Phase::Done; }
  Report take() { return std::move(r_); }
  double longestUnitMs() const { return longest_unit_ms_; }

  bool step(double budget_ms) {
    const auto t0 = SteadyClock::now();
    do {
      const auto u0 = SteadyClock::now();
      unit(t0, budget_ms);
      longest_unit_ms_ = std::max(longest_unit_ms_, msSince(u0));
      // Units stop at the budget they are given (what is left of this call's), so
      // another one starts while any is left.
    } while (!done() && (budget_ms <= 0 || msSince(t0) < budget_ms));
    return done();
  }

  const char* label() const {
    switch (phase_) {
      case Phase::Match: return match_.label();
      case Phase::InferA: case Phase::InferB: return "inferring shapes";
      case Phase::Initializers: return "comparing weights";
      case Phase::Nodes: return "comparing nodes";
      case Phase::Graph: case Phase::Rewrites: return "finding rewrites";
      case Phase::MetricsA: case Phase::MetricsB: case Phase::Groups: return "counting per group";
      case Phase::Done: return "done";
    }
    return "";
  }
  float progress() const {
    switch (phase_) {
      case Phase::Match: return 0.45f * match_.progress();
      case Phase::InferA: return 0.45f + 0.1f * (infer_ ? infer_->progress() : 0.0f);
      case Phase::InferB: return 0.55f + 0.1f * (infer_ ? infer_->progress() : 0.0f);
      case Phase::Initializers: return 0.65f + 0.1f * static_cast<float>(cursor_) / std::max<size_t>(1, m().initializers.size());
      case Phase::Nodes: return 0.75f + 0.15f * static_cast<float>(cursor_) / std::max<size_t>(1, m().nodes.size());
      case Phase::Graph: case Phase::Rewrites: return 0.9f;
      case Phase::MetricsA: case Phase::MetricsB: case Phase::Groups: return 0.95f;
      case Phase::Done: return 1.0f;
    }
    return 0.0f;
  }

 private:
  // One unit of work; the batched phases stop when the call's budget is spent.
  void unit(SteadyClock::time_point t0, double budget_ms) {
    auto spent = [&] { return budget_ms > 0 && msSince(t0) >= budget_ms; };
    switch (phase_) {
      case Phase::Match:
        match_.step(remaining(t0, budget_ms));
        if (match_.done()) {
          r_.matching = match_.take();
          phase_ = Phase::InferA;
        }
        break;
      case Phase::InferA:
      case Phase::InferB: {
        const bool is_a = phase_ == Phase::InferA;
        if (!infer_) infer_ = std::make_unique<shapes::InferenceJob>(is_a ? a_ : b_);
        if (!infer_->step(remaining(t0, budget_ms))) break;
        (is_a ? inf_a_ : inf_b_) = infer_->take();
        infer_.reset();
        if (is_a) {
          phase_ = Phase::InferB;
          break;
        }
        init_changed_a_.assign(ga_.initializers.size(), false);
        phase_ = Phase::Initializers;
        break;
      }
      case Phase::Initializers:
        while (cursor_ < m().initializers.size()) {
          initializer(m().initializers[cursor_++]);
          if (spent()) return;
        }
        unpairedInitializers();
        cursor_ = 0;
        phase_ = Phase::Nodes;
        break;
      case Phase::Nodes:
        while (cursor_ < m().nodes.size()) {
          node(m().nodes[cursor_++]);
          if ((cursor_ & 63) == 0 && spent()) return;
        }
        unpairedNodes();
        phase_ = Phase::Graph;
        break;
      case Phase::Graph: graph(); phase_ = Phase::Rewrites; break;
      case Phase::Rewrites:
        rewrites();
        cursor_ = 0;
        phase_ = opt_.group_deltas ? Phase::MetricsA : Phase::Done;
        break;
      case Phase::MetricsA:
      case Phase::MetricsB: {
        const bool is_a = phase_ == Phase::MetricsA;
        if (!metrics_) metrics_ = std::make_unique<shapes::MetricsJob>(is_a ? a_ : b_, is_a ? inf_a_ : inf_b_);
        if (!metrics_->step(remaining(t0, budget_ms))) break;
        (is_a ? metrics_a_ : metrics_b_) = metrics_->take();
        metrics_.reset();
        phase_ = is_a ? Phase::MetricsB : Phase::Groups;
        break;
      }
      case Phase::Groups:  // each side's totals a unit of its own
        if (cursor_ == 0) {
          groupRows(a_, metrics_a_, true);
          cursor_ = 1;
          break;
        }
        groupRows(b_, metrics_b_, false);
        groups();
        phase_ = Phase::Done;
        break;
      case Phase::Done: break;
    }
  }

 private:
  const Matching& m() const { return r_.matching; }
  // What a sub-job may take of this call's budget (0 = no limit); at least 1 ms so
  // a unit started late still gets somewhere.
  static double remaining(SteadyClock::time_point t0, double budget_ms) {
    return budget_ms > 0 ? std::max(1.0, budget_ms - msSince(t0)) : 0;
  }

  void initializer(const InitializerPair& p) {
      const ir::Tensor& ta = ga_.initializers[p.a];
      const ir::Tensor& tb = gb_.initializers[p.b];
      InitializerDiff d;
      d.pair = p;
      if (ta.elem != tb.elem)
        d.changes.push_back({"dtype", std::string(ir::elemTypeName(ta.elem)), std::string(ir::elemTypeName(tb.elem))});
      if (ta.dims != tb.dims)
        d.changes.push_back({"shape", ir::shapeToString(ir::Shape::ofKnown(ta.dims)),
                             ir::shapeToString(ir::Shape::ofKnown(tb.dims))});
      if (d.changes.empty()) {
        uint64_t ha = tensorContentHash(a_, ta, opt_.match.hash_budget_bytes);
        uint64_t hb = tensorContentHash(b_, tb, opt_.match.hash_budget_bytes);
        bool no_data = ta.storage == ir::Tensor::Storage::None && tb.storage == ir::Tensor::Storage::None;
        if (!no_data && (ha == 0 || hb == 0)) d.changes.push_back({"values", "unreadable", ""});
        else if (ha != hb) d.changes.push_back({"values", "", ""});
      }
      if (!d.changes.empty() && ta.dims == tb.dims) {
        d.values = compareTensorValues(a_, ta, b_, tb, opt_.max_value_elements);
      }
      init_changed_a_[p.a] = !d.changes.empty();
      r_.initializers.push_back(std::move(d));
  }

  void unpairedInitializers() {
    for (size_t i = 0; i < m().init_a_to_b.size(); ++i)
      if (m().init_a_to_b[i] < 0) r_.initializers_removed.push_back(static_cast<int32_t>(i));
    for (size_t i = 0; i < m().init_b_to_a.size(); ++i)
      if (m().init_b_to_a[i] < 0) r_.initializers_added.push_back(static_cast<int32_t>(i));
  }

  void node(const NodePair& p) {
      const ir::Node& na = ga_.nodes[p.a.index];
      const ir::Node& nb = gb_.nodes[p.b.index];
      NodeDiff d;
      d.pair = p;
      if (na.op_type != nb.op_type || na.domain != nb.domain)
        d.changes.push_back({"op_type", na.domain.empty() ? na.op_type : na.domain + "::" + na.op_type,
                             nb.domain.empty() ? nb.op_type : nb.domain + "::" + nb.op_type});
      std::map<std::string, std::pair<std::string, std::string>> attrs;
      for (const auto& x : na.attributes) attrs[x.name].first = attrText(a_, x);
      for (const auto& x : nb.attributes) attrs[x.name].second = attrText(b_, x);
      for (const auto& [name, ab] : attrs)
        if (ab.first != ab.second) d.changes.push_back({"attribute " + name, ab.first, ab.second});
      size_t ni = std::max(na.inputs.size(), nb.inputs.size());
      for (size_t k = 0; k < ni; ++k) {
        ir::ValueId va = k < na.inputs.size() ? na.inputs[k] : ir::ValueId{};
        ir::ValueId vb = k < nb.inputs.size() ? nb.inputs[k] : ir::ValueId{};
        std::string slot = "input " + std::to_string(k);
        if (va.valid() != vb.valid()) {
          d.changes.push_back({slot, sourceText(ga_, va), sourceText(gb_, vb)});
          continue;
        }
        if (!va.valid()) continue;
        std::string ta = valueText(ga_, inf_a_, va), tb = valueText(gb_, inf_b_, vb);
        if (ta != tb) d.changes.push_back({slot + " type", ta, tb});
        if (!sameSource(va, vb)) {
          d.changes.push_back({slot + " source", sourceText(ga_, va), sourceText(gb_, vb)});
        } else if (int32_t ia = ga_.value(va).initializer; ia >= 0 && init_changed_a_[ia]) {
          d.changes.push_back({slot + " weights", ga_.value(va).name, gb_.value(vb).name});
        }
      }
      size_t no = std::max(na.outputs.size(), nb.outputs.size());
      for (size_t k = 0; k < no; ++k) {
        ir::ValueId va = k < na.outputs.size() ? na.outputs[k] : ir::ValueId{};
        ir::ValueId vb = k < nb.outputs.size() ? nb.outputs[k] : ir::ValueId{};
        std::string ta = valueText(ga_, inf_a_, va), tb = valueText(gb_, inf_b_, vb);
        if (ta != tb) d.changes.push_back({"output " + std::to_string(k) + " type", ta, tb});
      }
      r_.nodes.push_back(std::move(d));
  }

  void unpairedNodes() {
    for (uint32_t k = 0; k < ga_.nodes.size(); ++k) if (m().a_to_b[k] == kNoIndex) r_.removed.push_back(k);
    for (uint32_t k = 0; k < gb_.nodes.size(); ++k) if (m().b_to_a[k] == kNoIndex) r_.added.push_back(k);
  }

  // Whether input tensors are the same one: produced by paired nodes at the same output
  // slot, else (initializers, graph inputs) paired themselves.
  bool sameSource(ir::ValueId va, ir::ValueId vb) const {
    const ir::Value& xa = ga_.value(va);
    const ir::Value& xb = gb_.value(vb);
    if (xa.producer.valid() || xb.producer.valid()) {
      if (!xa.producer.valid() || !xb.producer.valid()) return false;
      if (m().a_to_b[xa.producer.index] != xb.producer.index) return false;
      const auto& oa = ga_.node(xa.producer).outputs;
      const auto& ob = gb_.node(xb.producer).outputs;
      return std::find(oa.begin(), oa.end(), va) - oa.begin() == std::find(ob.begin(), ob.end(), vb) - ob.begin();
    }
    return m().value_a_to_b[va.index] == vb.index;
  }

  void graph() {
    auto io = [&](const char* what, const std::vector<ir::ValueId>& xa, const std::vector<ir::ValueId>& xb,
                  const shapes::InferenceResult& ia, const shapes::InferenceResult& ib) {
      std::set<uint32_t> in_a, in_b;  // a set: a hostile file may list 100k outputs
      for (ir::ValueId v : xa) in_a.insert(v.index);
      for (ir::ValueId v : xb) in_b.insert(v.index);
      for (ir::ValueId v : xa) {
        uint32_t w = m().value_a_to_b[v.index];
        std::string ta = ga_.value(v).name + ": " + valueText(ga_, ia, v);
        bool listed = w != kNoIndex && in_b.count(w) != 0;
        if (!listed) { r_.graph.push_back({what, ta, ""}); continue; }
        std::string tb = gb_.value(ir::ValueId{w}).name + ": " + valueText(gb_, ib, ir::ValueId{w});
        if (valueText(ga_, ia, v) != valueText(gb_, ib, ir::ValueId{w})) r_.graph.push_back({what, ta, tb});
      }
      for (ir::ValueId v : xb) {
        uint32_t w = m().value_b_to_a[v.index];
        bool listed = w != kNoIndex && in_a.count(w) != 0;
        if (!listed) r_.graph.push_back({what, "", gb_.value(v).name + ": " + valueText(gb_, ib, v)});
      }
    };
    io("graph input", ga_.realInputs(), gb_.realInputs(), inf_a_, inf_b_);
    io("graph output", ga_.outputs, gb_.outputs, inf_a_, inf_b_);
    std::map<std::string, std::pair<std::string, std::string>> opsets;
    auto dom = [](const std::string& d) { return d == "ai.onnx" ? std::string() : d; };
    for (const auto& o : a_.opsets) opsets[dom(o.domain)].first = std::to_string(o.version);
    for (const auto& o : b_.opsets) opsets[dom(o.domain)].second = std::to_string(o.version);
    for (const auto& [d, v] : opsets)
      if (v.first != v.second) r_.graph.push_back({"opset " + (d.empty() ? std::string("ai.onnx") : d), v.first, v.second});
    if (a_.ir_version != b_.ir_version)
      r_.graph.push_back({"ir_version", std::to_string(a_.ir_version), std::to_string(b_.ir_version)});
    auto producer = [](const ir::Model& x) { return x.producer_name + (x.producer_version.empty() ? "" : " " + x.producer_version); };
    if (producer(a_) != producer(b_)) r_.graph.push_back({"producer", producer(a_), producer(b_)});
    std::map<std::string, std::pair<std::string, std::string>> meta;
    for (const auto& [k, v] : a_.metadata) meta[k].first = v;
    for (const auto& [k, v] : b_.metadata) meta[k].second = v;
    for (const auto& [k, v] : meta)
      if (v.first != v.second) r_.graph.push_back({"metadata " + k, v.first, v.second});
  }

  // Unpaired regions: connected unpaired nodes on each side, joined across sides through
  // the pairs around them; each joined region is one candidate rewrite.
  void rewrites() {
    const Matching& mm = m();
    std::vector<uint32_t> parent(ga_.nodes.size() + gb_.nodes.size());
    for (uint32_t k = 0; k < parent.size(); ++k) parent[k] = k;
    auto find = [&](uint32_t x) {
      while (parent[x] != x) x = parent[x] = parent[parent[x]];
      return x;
    };
    auto unite = [&](uint32_t x, uint32_t y) {
      x = find(x);
      y = find(y);
      if (x != y) parent[std::max(x, y)] = std::min(x, y);
    };
    const uint32_t off = static_cast<uint32_t>(ga_.nodes.size());
    std::map<uint32_t, uint32_t> boundary_owner;  // A-side index of a paired neighbour -> a region node
    auto walk = [&](const ir::Graph& g, const std::vector<uint32_t>& to_other, bool is_a, uint32_t base) {
      for (uint32_t k = 0; k < g.nodes.size(); ++k) {
        if (to_other[k] != kNoIndex) continue;
        const ir::Node& n = g.nodes[k];
        auto touch = [&](uint32_t nb) {
          if (to_other[nb] == kNoIndex) { unite(base + k, base + nb); return; }
          uint32_t key = is_a ? nb : to_other[nb];
          auto [it, fresh] = boundary_owner.emplace(key, base + k);
          if (!fresh) unite(it->second, base + k);
        };
        for (ir::ValueId v : n.inputs) if (v.valid() && g.value(v).producer.valid()) touch(g.value(v).producer.index);
        for (ir::ValueId v : n.outputs) if (v.valid()) for (ir::NodeId c : g.value(v).consumers) touch(c.index);
      }
    };
    walk(ga_, mm.a_to_b, true, 0);
    walk(gb_, mm.b_to_a, false, off);
    std::map<uint32_t, Rewrite> regions;
    for (uint32_t k : r_.removed) regions[find(k)].a_nodes.push_back(k);
    for (uint32_t k : r_.added) regions[find(off + k)].b_nodes.push_back(k);
    Rewrite qdq_added{"qdq_added", "", {}, {}}, qdq_removed{"qdq_removed", "", {}, {}};
    auto ops = [](const ir::Graph& g, const std::vector<uint32_t>& xs) {
      std::multiset<std::string> s;
      for (uint32_t k : xs) s.insert(g.nodes[k].op_type);
      return s;
    };
    auto only = [](const std::multiset<std::string>& s, std::initializer_list<const char*> allowed) {
      for (const auto& o : s) {
        bool ok = false;
        for (const char* x : allowed) ok |= o == x;
        if (!ok) return false;
      }
      return !s.empty();
    };
    auto isLayerNormDecomposition = [&](const std::multiset<std::string>& s) {
      return only(s, {"ReduceMean", "Sub", "Pow", "Sqrt", "Div", "Mul", "Add", "Cast", "Constant", "Reciprocal"}) &&
             s.count("ReduceMean") >= 2 && s.count("Sqrt") >= 1;
    };
    for (auto& [root, rw] : regions) {
      auto oa = ops(ga_, rw.a_nodes), ob = ops(gb_, rw.b_nodes);
      if (ob.empty() && only(oa, {"QuantizeLinear", "DequantizeLinear"})) {
        qdq_removed.a_nodes.insert(qdq_removed.a_nodes.end(), rw.a_nodes.begin(), rw.a_nodes.end());
      } else if (oa.empty() && only(ob, {"QuantizeLinear", "DequantizeLinear"})) {
        qdq_added.b_nodes.insert(qdq_added.b_nodes.end(), rw.b_nodes.begin(), rw.b_nodes.end());
      } else if ((ob.empty() && only(oa, {"BatchNormalization"}) && convBatchNorm(rw, /*bn_in_a=*/true)) ||
                 (oa.empty() && only(ob, {"BatchNormalization"}) && convBatchNorm(rw, /*bn_in_a=*/false))) {
        r_.rewrites.push_back(rw);
      } else if (isLayerNormDecomposition(oa) && only(ob, {"LayerNormalization", "Constant"})) {
        rw.kind = "layernorm_fused";
        rw.description = std::to_string(rw.a_nodes.size()) + " ops of a decomposed LayerNorm fused into LayerNormalization";
        r_.rewrites.push_back(rw);
      } else if (isLayerNormDecomposition(ob) && only(oa, {"LayerNormalization", "Constant"})) {
        rw.kind = "layernorm_decomposed";
        rw.description = "LayerNormalization decomposed into " + std::to_string(rw.b_nodes.size()) + " ops";
        r_.rewrites.push_back(rw);
      } else if (!oa.empty() && !ob.empty()) {
        rw.kind = "replaced";
        rw.description = opList(ga_, rw.a_nodes) + " replaced by " + opList(gb_, rw.b_nodes);
        r_.rewrites.push_back(rw);
      }
    }
    if (!qdq_added.b_nodes.empty()) {
      qdq_added.description = "QDQ wrappers added: " + std::to_string(qdq_added.b_nodes.size()) + " Quantize/DequantizeLinear nodes";
      r_.rewrites.push_back(qdq_added);
    }
    if (!qdq_removed.a_nodes.empty()) {
      qdq_removed.description = "QDQ wrappers removed: " + std::to_string(qdq_removed.a_nodes.size()) + " Quantize/DequantizeLinear nodes";
      r_.rewrites.push_back(qdq_removed);
    }
  }

  // A lone BatchNormalization on one side whose Conv is paired across: that Conv and
  // BatchNorm are the other side's one Conv (fused in B when bn_in_a, else split).
  // Fills rw with both Convs; false (rw untouched) when it is not that.
  bool convBatchNorm(Rewrite& rw, bool bn_in_a) const {
    std::vector<uint32_t>& bn_side = bn_in_a ? rw.a_nodes : rw.b_nodes;
    std::vector<uint32_t>& conv_side = bn_in_a ? rw.b_nodes : rw.a_nodes;
    const ir::Graph& g = bn_in_a ? ga_ : gb_;
    const std::vector<uint32_t>& to_other = bn_in_a ? m().a_to_b : m().b_to_a;
    if (bn_side.size() != 1 || !fedByPairedConv(g, bn_side[0], to_other, bn_in_a ? gb_ : ga_)) return false;
    const uint32_t conv = producerOf(g, bn_side[0]);
    rw.kind = bn_in_a ? "conv_bn_fused" : "conv_bn_unfused";
    rw.description = bn_in_a ? "Conv+BatchNormalization fused into Conv" : "Conv split into Conv+BatchNormalization";
    conv_side.push_back(to_other[conv]);
    bn_side.insert(bn_side.begin(), conv);
    return true;
  }

  // "Upsample", "Constant + Resize", "MatMul + Add + 7 more".
  static std::string opList(const ir::Graph& g, const std::vector<uint32_t>& nodes) {
    std::string s;
    for (size_t k = 0; k < nodes.size() && k < 4; ++k) s += (k ? " + " : "") + g.nodes[nodes[k]].op_type;
    if (nodes.size() > 4) s += " + " + std::to_string(nodes.size() - 4) + " more";
    return s;
  }

  static uint32_t producerOf(const ir::Graph& g, uint32_t node) {
    const ir::Node& n = g.nodes[node];
    if (n.inputs.empty() || !n.inputs[0].valid()) return kNoIndex;
    ir::NodeId p = g.value(n.inputs[0]).producer;
    return p.valid() ? p.index : kNoIndex;
  }
  static bool fedByPairedConv(const ir::Graph& g, uint32_t bn, const std::vector<uint32_t>& to_other, const ir::Graph& other) {
    uint32_t p = producerOf(g, bn);
    return p != kNoIndex && g.nodes[p].op_type == "Conv" && to_other[p] != kNoIndex && other.nodes[to_other[p]].op_type == "Conv";
  }

  // One side's top-level group totals into group_rows_.
  void groupRows(const ir::Model& model, const shapes::Metrics& metrics, bool is_a) {
    for (const auto& g : shapes::groupTotals(model, metrics, 1)) {
      GroupDelta& d = group_rows_[g.scope];
      d.scope = g.scope;
      (is_a ? d.nodes_a : d.nodes_b) = g.totals.nodes;
      (is_a ? d.params_a : d.params_b) = g.totals.params;
      (is_a ? d.macs_a : d.macs_b) = g.totals.macs;
    }
  }
  void groups() {
    for (auto& [scope, d] : group_rows_) {
      if (d.nodes_a != d.nodes_b || d.params_a != d.params_b || d.macs_a != d.macs_b) r_.groups.push_back(d);
    }
  }

  const ir::Model& a_;
  const ir::Model& b_;
  const ir::Graph& ga_;
  const ir::Graph& gb_;
  CompareOptions opt_;
  Report r_;
  shapes::InferenceResult inf_a_, inf_b_;
  std::vector<bool> init_changed_a_;
  MatchJob match_;
  shapes::Metrics metrics_a_, metrics_b_;
  std::map<std::string, GroupDelta> group_rows_;  // by scope, both sides
  std::unique_ptr<shapes::InferenceJob> infer_;  // the side being inferred
  std::unique_ptr<shapes::MetricsJob> metrics_;  // the side being counted
  Phase phase_ = Phase::Match;
  size_t cursor_ = 0;  // the next pair of the batched phases
  double longest_unit_ms_ = 0;
};

}  // namespace

std::string nodeLabel(const ir::Graph& g, uint32_t index) {
  if (index < g.nodes.size() && !g.nodes[index].name.empty()) return g.nodes[index].name;
  return "#" + std::to_string(index);
}

bool Report::equal() const {
  if (!removed.empty() || !added.empty() || !initializers_removed.empty() || !initializers_added.empty() ||
      !graph.empty())
    return false;
  for (const auto& n : nodes) if (!n.same()) return false;
  for (const auto& i : initializers) if (!i.same()) return false;
  return true;
}

int Report::changedNodes() const {
  int c = 0;
  for (const auto& n : nodes) c += !n.same();
  return c;
}

struct CompareJob::Impl {
  Impl(const ir::Model& a, const ir::Model& b, const CompareOptions& o) : differ(a, b, o) {}
  Differ differ;
};

CompareJob::CompareJob(const ir::Model& a, const ir::Model& b, const CompareOptions& options) {
  if (!a.graphs.empty() && !b.graphs.empty()) impl_ = std::make_unique<Impl>(a, b, options);
}
CompareJob::~CompareJob() = default;
bool CompareJob::step(double budget_ms) { return !impl_ || impl_->differ.step(budget_ms); }
bool CompareJob::done() const { return !impl_ || impl_->differ.done(); }
const char* CompareJob::label() const { return impl_ ? impl_->differ.label() : "done"; }
float CompareJob::progress() const { return impl_ ? impl_->differ.progress() : 1.0f; }
double CompareJob::longestUnitMs() const { return impl_ ? impl_->differ.longestUnitMs() : 0.0; }
Report CompareJob::take() { return impl_ ? impl_->differ.take() : Report{}; }

Report compareModels(const ir::Model& a, const ir::Model& b, const CompareOptions& options) {
  CompareJob job(a, b, options);
  job.step(0);
  return job.take();
}

}  // namespace nf::diff
