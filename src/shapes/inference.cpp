// The inference engine: seeds graphs, orders nodes, runs op rules, checks
// declared types, and recurses into bodies (If/Loop/Scan) and model functions.
//
// Index of this file
//   [SECTION] Rule lookup
//   [SECTION] Declared-vs-inferred merging
//   [SECTION] Engine (graph seeding, node order, node processing)
//   [SECTION] Ctx (what rules call)
//   [SECTION] Public entry points
#include <algorithm>
#include <exception>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "base/timing.h"
#include "shapes/graph_order.h"
#include "shapes/inference.h"
#include "shapes/rule_context.h"
#include "shapes/rule_helpers.h"
#include "shapes/symbolic.h"

namespace nf::shapes {

namespace detail {

// [SECTION] Rule lookup -----------------------------------------------------------

namespace {

bool isDefaultDomain(std::string_view d) { return d.empty() || d == "ai.onnx"; }

std::string ruleKey(std::string_view domain, std::string_view op) {
  if (isDefaultDomain(domain)) return std::string(op);
  return std::string(domain) + "::" + std::string(op);
}

RuleFn ruleFor(std::string_view domain, std::string_view op) {
  const OpSpec* spec = findOp(domain, op);
  return spec ? spec->rule : nullptr;
}

// [SECTION] Declared-vs-inferred merging -------------------------------------------

std::string dimText(const ir::Dim& d) {
  if (d.isKnown()) return std::to_string(d.value);
  if (d.isSymbolic()) return d.symbol;
  return "?";
}

// Combines an inferred type with the declared one. Returns false (and a message)
// when they contradict; otherwise *out is the inferred type, with unknown parts
// filled from the declaration when `fill` is set.
bool mergeTypes(const ir::Type& inf, const ir::Type& decl, bool fill, ir::Type* out, std::string* msg) {
  *out = inf;
  if (inf.kind != decl.kind) {
    *msg = "declared " + ir::typeToString(decl) + ", inferred " + ir::typeToString(inf);
    return false;
  }
  switch (inf.kind) {
    case ir::Type::Kind::Tensor:
    case ir::Type::Kind::SparseTensor: {
      if (inf.elem == ir::ElemType::Undefined) {
        if (fill) out->elem = decl.elem;
      } else if (decl.elem != ir::ElemType::Undefined && decl.elem != inf.elem) {
        *msg = "element type: declared " + std::string(ir::elemTypeName(decl.elem)) + ", inferred " +
               std::string(ir::elemTypeName(inf.elem));
        return false;
      }
      if (!decl.shape.rank_known) return true;
      if (!inf.shape.rank_known) {
        if (fill) out->shape = decl.shape;
        return true;
      }
      if (inf.shape.rank() != decl.shape.rank()) {
        *msg = "rank: declared " + ir::shapeToString(decl.shape) + ", inferred " + ir::shapeToString(inf.shape);
        return false;
      }
      for (size_t k = 0; k < inf.shape.rank(); ++k) {
        const ir::Dim& d = inf.shape.dims[k];
        const ir::Dim& e = decl.shape.dims[k];
        if (e.kind == ir::Dim::Kind::Unknown) continue;
        if (d.isKnown() && e.isKnown() && d.value != e.value) {
          *msg = "dim " + std::to_string(k) + ": declared " + dimText(e) + ", inferred " + dimText(d);
          return false;
        }
        if (d.isSymbolic() && e.isSymbolic() && dimEquals(d, e) == Tri::No) {
          *msg = "dim " + std::to_string(k) + ": declared " + dimText(e) + ", inferred " + dimText(d);
          return false;
        }
        // Fill an unknown dim, or pin a symbol to the size the file declares.
        if (fill && (d.kind == ir::Dim::Kind::Unknown || (d.isSymbolic() && e.isKnown())))
          out->shape.dims[k] = e;
      }
      return true;
    }
    case ir::Type::Kind::Sequence:
    case ir::Type::Kind::Optional: {
      if (!decl.inner) return true;
      if (!inf.inner || !inf.inner->known()) {
        if (fill) out->inner = decl.inner;
        return true;
      }
      ir::Type inner;
      if (!mergeTypes(*inf.inner, *decl.inner, fill, &inner, msg)) return false;
      out->inner = std::make_shared<ir::Type>(std::move(inner));
      return true;
    }
    default:
      return true;
  }
}

// Negative sizes in a file (a malformed dim_value or initializer dims) are
// treated as unknown rather than trusted.
void dropNegativeDims(ir::Type* t) {
  if (t->kind == ir::Type::Kind::Tensor || t->kind == ir::Type::Kind::SparseTensor) {
    for (ir::Dim& d : t->shape.dims)
      if (d.isKnown() && d.value < 0) d = ir::Dim::unknown();
  } else if (t->inner) {
    ir::Type inner = *t->inner;
    dropNegativeDims(&inner);
    t->inner = std::make_shared<ir::Type>(std::move(inner));
  }
}

}  // namespace

// [SECTION] Engine ----------------------------------------------------------------

class Engine {
 public:
  Engine(const ir::Model& m, const InferenceOptions& o, InferenceResult& r) : model(m), opts(o), res(r) {
    res.graphs.resize(m.graphs.size());
    for (size_t i = 0; i < m.graphs.size(); ++i) res.graphs[i].values.resize(m.graphs[i].values.size());
    for (size_t i = 0; i < m.functions.size(); ++i)
      functions_[{m.functions[i].domain, m.functions[i].name}] = i;
  }

  void runMain() {
    if (!enterMain()) return;
    for (uint32_t n : order(ir::GraphId{0})) processNode(ir::GraphId{0}, ir::NodeId{n}, nullptr);
    leaveGraph(ir::GraphId{0}, nullptr);
  }

  // The main graph in three parts, for InferenceJob: seed it, its nodes in execution
  // order (processNode), finish it. False when there is no main graph.
  bool enterMain() {
    if (model.graphs.empty()) return false;
    return enterGraph(ir::GraphId{0}, mainInputs(), nullptr);
  }
  // The types the main graph's inputs start from (overrides applied).
  std::vector<ir::Type> mainInputs() const {
    const ir::Graph& G = model.main();
    std::vector<ir::Type> inputs;
    for (ir::ValueId id : G.inputs) {
      const ir::Value& v = G.value(id);
      ir::Type t = v.initializer >= 0 ? ir::Type{} : v.type;  // an initializer keeps its value
      auto it = opts.input_overrides.find(v.name);
      if (it != opts.input_overrides.end()) {
        t = v.type;
        if (t.kind != ir::Type::Kind::Tensor) t = ir::Type::tensor(ir::ElemType::Undefined, {});
        t.shape = it->second;
      }
      inputs.push_back(std::move(t));
    }
    return inputs;
  }

  // Infers graph g with `inputs` for G.inputs (positional; a type of kind None
  // keeps the declared type or the initializer). Returns the output types.
  std::vector<ir::Type> inferGraph(ir::GraphId g, const std::vector<ir::Type>& inputs, const Ctx* caller,
                                   std::vector<std::shared_ptr<const ConstValue>>* out_consts,
                                   const std::vector<std::shared_ptr<const ConstValue>>* input_consts = nullptr) {
    if (!enterGraph(g, inputs, input_consts)) return {};
    for (uint32_t n : order(g)) processNode(g, ir::NodeId{n}, caller);
    return leaveGraph(g, out_consts);
  }

  // Seeds graph g (initializers, inputs, outer-scope values); false when it is not
  // inferred (no such graph, or nested too deep).
  bool enterGraph(ir::GraphId g, const std::vector<ir::Type>& inputs,
                  const std::vector<std::shared_ptr<const ConstValue>>* input_consts) {
    if (!openGraph(g)) return false;
    seedInitializers(g, 0, model.graph(g).initializers.size());
    seedRest(g, inputs, input_consts);
    return true;
  }

  // enterGraph in three parts (InferenceJob seeds a big main graph's initializers in
  // batches): clear g's results, seed initializers [begin, end), seed the rest.
  bool openGraph(ir::GraphId g) {
    if (g.index >= model.graphs.size() || depth_ > 48) return false;
    ++depth_;
    const ir::Graph& G = model.graph(g);
    GraphResult& R = res.graphs[g.index];
    R.values.assign(G.values.size(), ValueResult{});
    R.visited = true;
    decode_tried_[g.index].assign(G.values.size(), 0);
    return true;
  }
  void seedInitializers(ir::GraphId g, size_t begin, size_t end) {
    const ir::Graph& G = model.graph(g);
    GraphResult& R = res.graphs[g.index];
    for (size_t i = begin; i < end && i < G.initializers.size(); ++i) {
      const ir::Tensor& t = G.initializers[i];
      ir::ValueId id = G.find(t.name);
      if (!id.valid()) continue;
      ValueResult& vr = R.values[id.index];
      vr.type = ir::Type::tensor(t.elem, ir::Shape::ofKnown(t.dims));
      dropNegativeDims(&vr.type);
      vr.constant = nullptr;  // decoded on demand (Engine::decodeInitializer)
      vr.origin = ValueResult::Origin::Initializer;
    }
  }
  void seedRest(ir::GraphId g, const std::vector<ir::Type>& inputs,
                const std::vector<std::shared_ptr<const ConstValue>>* input_consts) {
    const ir::Graph& G = model.graph(g);
    GraphResult& R = res.graphs[g.index];
    for (const auto& st : G.sparse_initializers) {
      ir::ValueId id = G.find(st.values.name);
      if (!id.valid()) continue;
      ValueResult& vr = R.values[id.index];
      vr.type = ir::Type::tensor(st.values.elem, ir::Shape::ofKnown(st.dims));
      vr.origin = ValueResult::Origin::Initializer;
    }
    for (size_t i = 0; i < G.inputs.size(); ++i) {
      ir::ValueId id = G.inputs[i];
      const ir::Value& v = G.value(id);
      ValueResult& vr = R.values[id.index];
      const ir::Type* given = i < inputs.size() && inputs[i].known() ? &inputs[i] : nullptr;
      if (!given) {
        if (v.initializer >= 0 || !v.type.known()) continue;
        vr.type = v.type;
      } else if (v.type.known() && g.index != 0) {
        // A body's declared input type fills what the op could not pass in.
        std::string msg;
        if (!mergeTypes(*given, v.type, true, &vr.type, &msg)) vr.type = *given;
      } else {
        vr.type = *given;
      }
      dropNegativeDims(&vr.type);
      vr.constant = input_consts && i < input_consts->size() ? (*input_consts)[i] : nullptr;
      vr.origin = ValueResult::Origin::Input;
      if (g.index == 0) {
        auto iv = opts.input_values.find(v.name);
        if (iv != opts.input_values.end() && iv->second.count() >= 0 && iv->second.count() <= opts.max_fold_elements) {
          ConstValue cv = iv->second;
          // Values are taken in the input's element type (and dropped if they do not fit).
          if (vr.type.kind == ir::Type::Kind::Tensor && vr.type.elem != ir::ElemType::Undefined &&
              vr.type.elem != cv.elem)
            cv = castConst(cv, vr.type.elem);
          size_t have = cv.isReal() ? cv.reals.size() : cv.ints.size();
          if (cv.elem == ir::ElemType::Undefined || have != static_cast<size_t>(cv.count())) continue;
          vr.constant = std::make_shared<const ConstValue>(std::move(cv));
          if (vr.type.kind != ir::Type::Kind::Tensor) vr.type = ir::Type::tensor(iv->second.elem, {});
          vr.type.shape = ir::Shape::ofKnown(iv->second.dims);
        }
      }
    }
    for (size_t i = 0; i < G.values.size(); ++i)
      if (G.values[i].outer_scope) {
        if (const ValueResult* o = resolveOuter(G, G.values[i].name)) R.values[i] = *o;
      }

  }

  // The output types (and values) of graph g, once its nodes are processed.
  std::vector<ir::Type> leaveGraph(ir::GraphId g, std::vector<std::shared_ptr<const ConstValue>>* out_consts) {
    std::vector<ir::Type> outs;
    const ir::Graph& G = model.graph(g);
    const GraphResult& R = res.graphs[g.index];
    for (ir::ValueId o : G.outputs) {
      outs.push_back(R.values[o.index].type);
      if (out_consts) out_consts->push_back(R.values[o.index].constant);
    }
    --depth_;
    return outs;
  }

  // Initializer values are decoded only when a rule asks for them (most are
  // weights no rule reads), and only up to kMaxInitializerFold elements.
  void decodeInitializer(ir::GraphId g, ir::ValueId v) {
    static constexpr int64_t kMaxInitializerFold = 4096;
    const ir::Graph& G = model.graph(g);
    const ir::Value& val = G.value(v);
    if (val.outer_scope) {
      // An enclosing graph's initializer read by a body: decode it there, share it here.
      for (ir::GraphId p = G.parent; p.valid() && p.index < model.graphs.size(); p = model.graph(p).parent) {
        ir::ValueId pv = model.graph(p).find(val.name);
        if (!pv.valid()) continue;
        if (res.graphs[p.index].values[pv.index].origin == ValueResult::Origin::Initializer) {
          decodeInitializer(p, pv);
          res.graphs[g.index].values[v.index].constant = res.graphs[p.index].values[pv.index].constant;
        }
        return;
      }
      return;
    }
    if (val.initializer < 0 || static_cast<size_t>(val.initializer) >= G.initializers.size()) return;
    auto& tried = decode_tried_[g.index];
    if (tried.size() < G.values.size()) tried.resize(G.values.size(), 0);
    if (tried[v.index]) return;
    tried[v.index] = 1;
    res.graphs[g.index].values[v.index].constant =
        decodeTensor(model, G.initializers[val.initializer], std::min(opts.max_fold_elements, kMaxInitializerFold));
  }

  const ir::Model& model;
  const InferenceOptions& opts;
  InferenceResult& res;
  int quiet = 0;
  std::vector<const std::vector<ir::OpsetImport>*> opset_stack;

 private:
  const ValueResult* resolveOuter(const ir::Graph& G, const std::string& name) const {
    ir::GraphId p = G.parent;
    int guard = 0;
    while (p.valid() && p.index < model.graphs.size() && guard++ < 64) {
      const ir::Graph& P = model.graph(p);
      ir::ValueId id = P.find(name);
      if (id.valid() && id.index < res.graphs[p.index].values.size()) return &res.graphs[p.index].values[id.index];
      p = P.parent;
    }
    return nullptr;
  }

 public:  // InferenceJob walks the main graph with these two
  const std::vector<uint32_t>& order(ir::GraphId g) {
    auto it = orders_.find(g.index);
    if (it != orders_.end()) return it->second;
    return orders_.emplace(g.index, executionOrder(model, g)).first->second;
  }

  int64_t opsetFor(const std::string& domain) const {
    if (!opset_stack.empty() && opset_stack.back()) {
      bool want_default = isDefaultDomain(domain);
      for (const auto& o : *opset_stack.back())
        if ((want_default && isDefaultDomain(o.domain)) || (!want_default && o.domain == domain)) return o.version;
    }
    return model.opsetVersion(domain);
  }

  void processNode(ir::GraphId g, ir::NodeId id, const Ctx* caller) {
    const ir::Graph& G = model.graph(g);
    const ir::Node& n = G.node(id);
    Ctx ctx(*this, g, n, opsetFor(n.domain), caller);
    bool ran = false;
    if (!isDefaultDomain(n.domain)) {
      auto f = functions_.find({n.domain, n.op_type});
      if (f != functions_.end()) {
        inferFunction(ctx, model.functions[f->second]);
        ran = true;
      }
    }
    if (!ran) {
      if (RuleFn rule = ruleFor(n.domain, n.op_type)) {
        try {
          rule(ctx);
        } catch (const std::exception& e) {
          // A rule bug must not take the whole analysis down; say so and go on.
          ctx.issues().push_back(std::string("internal error in the ") + n.op_type + " rule: " + e.what());
        }
        ran = true;
      } else if (!quiet) {
        std::string key = ruleKey(n.domain, n.op_type);
        auto m = missing_index_.find(key);
        if (m != missing_index_.end()) {
          ++res.missing[m->second].count;
        } else {
          missing_index_[key] = res.missing.size();
          res.missing.push_back(MissingRule{n.domain, n.op_type, 1, g, id});
        }
      }
    }
    if (!quiet)
      for (auto& msg : ctx.issues()) res.issues.push_back(NodeIssue{g, id, std::move(msg)});
    for (size_t i = 0; i < n.outputs.size(); ++i)
      if (n.outputs[i].valid()) commit(g, n.outputs[i], ctx.outTypes()[i], ctx.outConsts()[i], ctx.outSeqs()[i]);
  }

 private:
  void inferFunction(Ctx& ctx, const ir::Function& f) {
    std::vector<ir::Type> ins;
    for (size_t i = 0; i < ctx.numInputs(); ++i) ins.push_back(ctx.has(i) ? ctx.type(i) : ir::Type{});
    std::vector<std::shared_ptr<const ConstValue>> consts;
    opset_stack.push_back(&f.opsets);
    auto outs = inferGraph(f.body, ins, &ctx, &consts);
    opset_stack.pop_back();
    for (size_t i = 0; i < outs.size() && i < ctx.numOutputs(); ++i) {
      if (consts[i]) ctx.outConst(i, *consts[i]);
      if (outs[i].known()) ctx.out(i, outs[i]);
    }
  }

  void commit(ir::GraphId g, ir::ValueId vid, const ir::Type& inferred, std::shared_ptr<const ConstValue> cst,
              std::shared_ptr<const std::vector<ir::Type>> elems) {
    const ir::Value& V = model.graph(g).value(vid);
    ValueResult& vr = res.graphs[g.index].values[vid.index];
    vr = ValueResult{};
    const ir::Type& decl = V.type;
    if (inferred.known()) {
      vr.origin = ValueResult::Origin::Inferred;
      vr.type = inferred;
      vr.constant = std::move(cst);
      vr.elements = std::move(elems);
      if (decl.known()) {
        std::string msg;
        ir::Type merged;
        if (mergeTypes(inferred, decl, opts.use_declared, &merged, &msg)) {
          vr.type = std::move(merged);
        } else if (!quiet) {
          vr.conflict = static_cast<int32_t>(res.conflicts.size());
          res.conflicts.push_back(Conflict{g, vid, decl, inferred, msg});
        }
      }
    } else if (decl.known() && opts.use_declared) {
      vr.origin = ValueResult::Origin::Declared;
      vr.type = decl;
    }
  }

  int depth_ = 0;
  std::map<std::pair<std::string, std::string>, size_t> functions_;
  std::unordered_map<uint32_t, std::vector<uint32_t>> orders_;
  std::map<std::string, size_t> missing_index_;
  std::unordered_map<uint32_t, std::vector<char>> decode_tried_;  // [graph][value]
};

// [SECTION] Ctx ---------------------------------------------------------------------

namespace {
const ir::Type kNoType{};
const ir::Shape kNoShape{};
}  // namespace

int64_t Ctx::maxFold() const { return engine_.opts.max_fold_elements; }
const ir::Model& Ctx::model() const { return engine_.model; }

const ir::Type& Ctx::type(size_t i) const {
  if (!has(i)) return kNoType;
  const auto& vals = engine_.res.graphs[graph_.index].values;
  uint32_t v = node_.inputs[i].index;
  return v < vals.size() ? vals[v].type : kNoType;
}

const ir::Shape& Ctx::shape(size_t i) const {
  const ir::Type& t = type(i);
  return t.kind == ir::Type::Kind::Tensor ? t.shape : kNoShape;
}

ir::ElemType Ctx::elem(size_t i) const {
  const ir::Type& t = type(i);
  return t.kind == ir::Type::Kind::Tensor || t.kind == ir::Type::Kind::SparseTensor ? t.elem
                                                                                     : ir::ElemType::Undefined;
}

const ConstValue* Ctx::cval(size_t i) const {
  if (!has(i)) return nullptr;
  auto& vals = engine_.res.graphs[graph_.index].values;
  uint32_t v = node_.inputs[i].index;
  if (v >= vals.size()) return nullptr;
  if (!vals[v].constant && vals[v].origin == ValueResult::Origin::Initializer)
    engine_.decodeInitializer(graph_, node_.inputs[i]);
  return vals[v].constant.get();
}

bool Ctx::constInts(size_t i, std::vector<int64_t>* out) const {
  const ConstValue* c = cval(i);
  return c && c->toInts(out);
}

const std::vector<ir::Type>* Ctx::seqElems(size_t i) const {
  if (!has(i)) return nullptr;
  const auto& vals = engine_.res.graphs[graph_.index].values;
  uint32_t v = node_.inputs[i].index;
  return v < vals.size() ? vals[v].elements.get() : nullptr;
}

void Ctx::outSeq(size_t i, std::vector<ir::Type> elems) {
  if (i >= out_types_.size()) return;
  ir::Type inner;
  for (size_t k = 0; k < elems.size(); ++k) inner = k == 0 ? elems[0] : generalizeTypes(inner, elems[k]);
  ir::Type s;
  s.kind = ir::Type::Kind::Sequence;
  s.inner = std::make_shared<ir::Type>(std::move(inner));
  out_types_[i] = std::move(s);
  out_seqs_[i] = std::make_shared<const std::vector<ir::Type>>(std::move(elems));
}

const ir::Type* Ctx::typeOfName(const std::string& name) const {
  const ir::Graph& G = engine_.model.graph(graph_);
  ir::ValueId v = G.find(name);
  if (!v.valid()) return nullptr;
  return &engine_.res.graphs[graph_.index].values[v.index].type;
}

void Ctx::out(size_t i, ir::Type t) {
  if (i >= out_types_.size()) return;
  // A negative size can only come from contradictory values (a negative entry in
  // a shape tensor, pads that crop more than there is): say so, keep it unknown.
  if (t.kind == ir::Type::Kind::Tensor)
    for (ir::Dim& d : t.shape.dims)
      if (d.isKnown() && d.value < 0) {
        issue("negative dimension " + std::to_string(d.value) + " in output " + std::to_string(i));
        d = ir::Dim::unknown();
      }
  out_types_[i] = std::move(t);
}

void Ctx::outConst(size_t i, ConstValue v) {
  if (i >= out_types_.size()) return;
  out_types_[i] = ir::Type::tensor(v.elem, ir::Shape::ofKnown(v.dims));
  // Only a self-consistent value is kept (its data matches its element type and
  // dims); anything else would mislead every rule downstream.
  int64_t n = v.count();
  size_t have = v.isReal() ? v.reals.size() : v.ints.size();
  size_t other = v.isReal() ? v.ints.size() : v.reals.size();
  bool consistent = n >= 0 && static_cast<uint64_t>(n) == have && other == 0;
  for (int64_t d : v.dims) consistent = consistent && d >= 0;
  if (consistent && n <= maxFold()) out_consts_[i] = std::make_shared<const ConstValue>(std::move(v));
}

const ir::Attribute* Ctx::attr(std::string_view name) const {
  for (const auto& a : node_.attributes) {
    if (a.name != name) continue;
    if (a.ref_attr_name.empty()) return &a;
    return caller_ ? caller_->attr(a.ref_attr_name) : nullptr;
  }
  return nullptr;
}

int64_t Ctx::attrInt(std::string_view name, int64_t def) const {
  const ir::Attribute* a = attr(name);
  return a && a->type == ir::AttrType::Int ? a->i : def;
}

float Ctx::attrFloat(std::string_view name, float def) const {
  const ir::Attribute* a = attr(name);
  return a && a->type == ir::AttrType::Float ? a->f : def;
}

std::string Ctx::attrStr(std::string_view name, std::string_view def) const {
  const ir::Attribute* a = attr(name);
  return a && a->type == ir::AttrType::String ? a->s : std::string(def);
}

bool Ctx::attrInts(std::string_view name, std::vector<int64_t>* out) const {
  const ir::Attribute* a = attr(name);
  if (!a || a->type != ir::AttrType::Ints) return false;
  *out = a->ints;
  return true;
}

void Ctx::issue(std::string message) { issues_.push_back(std::move(message)); }

ir::GraphId Ctx::body(std::string_view name) const {
  const ir::Attribute* a = attr(name);
  if (!a || a->type != ir::AttrType::Graph || a->graphs.empty()) return ir::GraphId{};
  return a->graphs[0];
}

std::vector<ir::Type> Ctx::inferBody(ir::GraphId b, const std::vector<ir::Type>& inputs,
                                     std::vector<std::shared_ptr<const ConstValue>>* out_consts,
                                     const std::vector<std::shared_ptr<const ConstValue>>* input_consts) {
  return engine_.inferGraph(b, inputs, caller_, out_consts, input_consts);
}

void Ctx::setQuiet(bool on) { engine_.quiet += on ? 1 : -1; }

}  // namespace detail

// [SECTION] Public entry points ------------------------------------------------------

const ValueResult& InferenceResult::value(ir::GraphId g, ir::ValueId v) const {
  static const ValueResult kEmpty{};
  if (g.index >= graphs.size() || v.index >= graphs[g.index].values.size()) return kEmpty;
  return graphs[g.index].values[v.index];
}

InferenceResult inferShapes(const ir::Model& model, const InferenceOptions& options) {
  InferenceResult r;
  detail::Engine e(model, options, r);
  e.runMain();
  return r;
}

struct InferenceJob::Impl {
  Impl(const ir::Model& m, InferenceOptions o) : model(m), options(std::move(o)), engine(m, options, result) {}
  const ir::Model& model;
  InferenceOptions options;  // before engine, which keeps references to both
  InferenceResult result;
  detail::Engine engine;
  enum class Part : uint8_t { Order, Open, Initializers, Seed, Nodes, Leave, Done } part = Part::Order;
  size_t cursor = 0;  // the next initializer, then the next node in execution order
  size_t nodes = 0;
};

InferenceJob::InferenceJob(const ir::Model& model, InferenceOptions options)
    : impl_(std::make_unique<Impl>(model, std::move(options))) {}
InferenceJob::~InferenceJob() = default;
bool InferenceJob::done() const { return impl_->part == Impl::Part::Done; }

bool InferenceJob::step(double budget_ms) {
  Impl& j = *impl_;
  const auto t0 = SteadyClock::now();
  auto spent = [&] { return budget_ms > 0 && msSince(t0) >= budget_ms; };
  while (j.part != Impl::Part::Done) {
    switch (j.part) {
      case Impl::Part::Order:  // a unit of its own: on 30k nodes it costs as much as seeding
        if (j.model.graphs.empty()) {
          j.part = Impl::Part::Done;
          break;
        }
        j.nodes = j.engine.order(ir::GraphId{0}).size();
        j.part = Impl::Part::Open;
        break;
      case Impl::Part::Open:
        j.part = j.engine.openGraph(ir::GraphId{0}) ? Impl::Part::Initializers : Impl::Part::Done;
        break;
      case Impl::Part::Initializers: {
        const size_t count = j.model.main().initializers.size();
        while (j.cursor < count) {
          const size_t end = std::min(count, j.cursor + 512);
          j.engine.seedInitializers(ir::GraphId{0}, j.cursor, end);
          j.cursor = end;
          if (spent()) return false;
        }
        j.cursor = 0;
        j.part = Impl::Part::Seed;
        break;
      }
      case Impl::Part::Seed:
        j.engine.seedRest(ir::GraphId{0}, j.engine.mainInputs(), nullptr);
        j.part = Impl::Part::Nodes;
        break;
      case Impl::Part::Nodes: {
        const std::vector<uint32_t>& order = j.engine.order(ir::GraphId{0});
        while (j.cursor < order.size()) {
          j.engine.processNode(ir::GraphId{0}, ir::NodeId{order[j.cursor++]}, nullptr);
          if ((j.cursor & 127) == 0 && spent()) return false;
        }
        j.part = Impl::Part::Leave;
        break;
      }
      case Impl::Part::Leave:
        j.engine.leaveGraph(ir::GraphId{0}, nullptr);
        j.part = Impl::Part::Done;
        break;
      case Impl::Part::Done: break;
    }
    if (j.part != Impl::Part::Done && spent()) return false;
  }
  return true;
}

float InferenceJob::progress() const {
  const Impl& j = *impl_;
  if (j.part == Impl::Part::Done) return 1.0f;
  if (j.part != Impl::Part::Nodes || j.nodes == 0) return j.part > Impl::Part::Nodes ? 0.98f : 0.0f;
  return 0.98f * static_cast<float>(j.cursor) / static_cast<float>(j.nodes);
}

InferenceResult InferenceJob::take() { return std::move(impl_->result); }

bool hasRule(std::string_view domain, std::string_view op_type) {
  return detail::ruleFor(domain, op_type) != nullptr;
}

std::vector<std::string> supportedOps() {
  std::vector<std::string> out;
  for (const OpSpec& op : opRegistry().ops())
    if (op.hasRule()) out.push_back(opKey(op));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace nf::shapes
