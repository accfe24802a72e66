// diff/merged.cpp - A and B as one graph through the matching (merged.h).
#include "diff/merged.h"

#include <algorithm>
#include <string>

#include "base/timing.h"

namespace nf::diff {

const char* nodeStatusName(NodeStatus s) {
  switch (s) {
    case NodeStatus::Same: return "same";
    case NodeStatus::Changed: return "changed";
    case NodeStatus::Removed: return "removed";
    case NodeStatus::Added: return "added";
  }
  return "";
}

namespace {

enum class Side : uint8_t { A, B };

}  // namespace

// The merge in resumable phases; each walks its items from `cursor_` and reads the
// clock every 256 of them, so a step overruns its budget by at most that many items.
struct MergeJob::Impl {
 public:
  Impl(const ir::Model& a, const ir::Model& b, const Report& r)
      : a_(a), b_(b), ga_(a.main()), gb_(b.main()), r_(r), m_(r.matching), a_sources_(static_cast<uint32_t>(b.sources.size())) {}

  bool done() const { return phase_ == Phase::Done; }

  bool step(double budget_ms) {
    const auto t0 = SteadyClock::now();
    auto spent = [&] { return budget_ms > 0 && msSince(t0) >= budget_ms; };
    while (phase_ != Phase::Done) {
      bool finished = true;
      switch (phase_) {
        case Phase::Start: start(); break;
        case Phase::ValuesB:
          finished = walk(gb_.values.size(), spent, [&](uint32_t w) { val_b_[w] = copyValue(gb_, w, Side::B); });
          break;
        case Phase::ValuePairs: finished = walk(ga_.values.size(), spent, [&](uint32_t v) { pairValue(v); }); break;
        case Phase::OutputPairs: finished = walk(m_.nodes.size(), spent, [&](uint32_t k) { pairOutputs(m_.nodes[k]); }); break;
        case Phase::ValuesA:
          finished = walk(ga_.values.size(), spent, [&](uint32_t v) {
            if (val_a_[v] == kNoIndex) val_a_[v] = copyValue(ga_, v, Side::A);
          });
          break;
        case Phase::Order:
          order_ = mergedOrder();
          out_.from_a.assign(ga_.nodes.size(), kNoIndex);
          out_.from_b.assign(gb_.nodes.size(), kNoIndex);
          break;
        case Phase::Nodes:
          finished = walk(order_.size(), spent,
                          [&](uint32_t k) { addNode(order_[k] & kSideBit ? Side::A : Side::B, order_[k] & ~kSideBit); });
          break;
        case Phase::Wire: finished = walk(g_->nodes.size(), spent, [&](uint32_t n) { wireNode(n); }); break;
        case Phase::Io: finish(); break;
        case Phase::Done: break;
      }
      if (finished) phase_ = static_cast<Phase>(static_cast<int>(phase_) + 1), cursor_ = 0;
      if (spent()) break;
    }
    return done();
  }

  MergedModel take() { return std::move(out_); }

 private:
  enum class Phase : uint8_t { Start, ValuesB, ValuePairs, OutputPairs, ValuesA, Order, Nodes, Wire, Io, Done };

  template <class Spent, class Fn>
  bool walk(size_t count, const Spent& spent, const Fn& fn) {
    while (cursor_ < count) {
      fn(static_cast<uint32_t>(cursor_++));
      if ((cursor_ & 255) == 0 && spent()) return cursor_ >= count;
    }
    return true;
  }

  void start() {
    copyHeader();
    out_.model.graphs.emplace_back();
    g_ = &out_.model.graphs[0];
    g_->name = gb_.name;
    g_->doc = gb_.doc;
    g_->sparse_initializers = gb_.sparse_initializers;
    changed_.assign(ga_.nodes.size(), 0);
    for (const NodeDiff& d : r_.nodes) changed_[d.pair.a.index] = !d.same();
    val_b_.assign(gb_.values.size(), kNoIndex);
    val_a_.assign(ga_.values.size(), kNoIndex);
  }

  void finish() {
    addGraphIo();
    out_.value_from_a = std::move(val_a_);
    out_.value_from_b = std::move(val_b_);
    if (dropped_bodies_)
      out_.model.warnings.push_back("merged graph: If/Loop/Scan bodies are left out (the comparison pairs main graphs only)");
  }

 private:
  static constexpr uint32_t kSideBit = 0x80000000u;  // in mergedOrder: an A node

  void copyHeader() {
    ir::Model& m = out_.model;
    m.format = b_.format;
    m.ir_version = b_.ir_version;
    m.producer_name = b_.producer_name;
    m.producer_version = b_.producer_version;
    m.domain = b_.domain;
    m.model_version = b_.model_version;
    m.doc = b_.doc;
    m.opsets = b_.opsets;
    for (const ir::OpsetImport& o : a_.opsets) {  // an op of A may need A's opset to be known
      const bool have = std::any_of(m.opsets.begin(), m.opsets.end(), [&](const ir::OpsetImport& x) { return x.domain == o.domain; });
      if (!have) m.opsets.push_back(o);
    }
    m.metadata = b_.metadata;
    m.sources = b_.sources;
    m.sources.insert(m.sources.end(), a_.sources.begin(), a_.sources.end());
  }

  // Tensors of A read from A's sources, which follow B's.
  void shiftToA(ir::Tensor& t) const {
    if (t.storage == ir::Tensor::Storage::Source) t.ref.source += a_sources_;
  }

  std::string freeName(const std::string& name, const char* tag) const {
    if (!name.empty() && !g_->find(name).valid()) return name;
    const std::string stem = (name.empty() ? std::string("(unnamed)") : name) + " (" + tag + ")";
    std::string n = stem;
    for (int k = 2; g_->find(n).valid(); ++k) n = stem + " " + std::to_string(k);
    return n;
  }

  uint32_t copyValue(const ir::Graph& from, uint32_t index, Side side) {
    const ir::Value& v = from.values[index];
    const ir::ValueId id = g_->intern(freeName(v.name, side == Side::A ? "A" : "B"));
    ir::Value& nv = g_->value(id);
    nv.type = v.type;
    nv.has_value_info = v.has_value_info;
    nv.outer_scope = v.outer_scope;
    if (v.initializer >= 0) {
      ir::Tensor t = from.initializers[static_cast<size_t>(v.initializer)];
      if (side == Side::A) shiftToA(t);
      t.name = nv.name;
      nv.initializer = static_cast<int32_t>(g_->initializers.size());
      g_->initializers.push_back(std::move(t));
    }
    return id.index;
  }

  // A value of A is its partner's where both come from the same place (both weights
  // or graph inputs, or outputs of one node pair): a removed node's output paired with
  // another node's would hide the edge from the removed node.
  void pairValue(uint32_t v) {
    const uint32_t w = v < m_.value_a_to_b.size() ? m_.value_a_to_b[v] : kNoIndex;
    if (w == kNoIndex) return;
    const ir::NodeId pa = ga_.values[v].producer, pb = gb_.values[w].producer;
    if (pa.valid() ? pb.valid() && m_.a_to_b[pa.index] == pb.index : !pb.valid()) val_a_[v] = val_b_[w];
  }

  // A paired node's outputs are one value per slot.
  void pairOutputs(const NodePair& p) {
    const ir::Node& na = ga_.node(p.a);
    const ir::Node& nb = gb_.node(p.b);
    for (size_t k = 0; k < na.outputs.size() && k < nb.outputs.size(); ++k)
      if (na.outputs[k].valid() && nb.outputs[k].valid() && val_a_[na.outputs[k].index] == kNoIndex)
        val_a_[na.outputs[k].index] = val_b_[nb.outputs[k].index];
  }

  // B's nodes in order; each removed node of A after the node its nearest paired
  // predecessor in A became (before everything when it has none).
  std::vector<uint32_t> mergedOrder() const {
    std::vector<std::vector<uint32_t>> after_b(gb_.nodes.size());
    std::vector<uint32_t> order;
    uint32_t last_paired = kNoIndex;
    for (uint32_t i = 0; i < ga_.nodes.size(); ++i) {
      const uint32_t p = m_.a_to_b[i];
      if (p != kNoIndex) last_paired = p;
      else if (last_paired == kNoIndex) order.push_back(i | kSideBit);
      else after_b[last_paired].push_back(i | kSideBit);
    }
    for (uint32_t j = 0; j < gb_.nodes.size(); ++j) {
      order.push_back(j);
      order.insert(order.end(), after_b[j].begin(), after_b[j].end());
    }
    return order;
  }

  ir::Node copyNode(const ir::Node& n, Side side) {
    ir::Node c;
    c.name = n.name;
    c.op_type = n.op_type;
    c.domain = n.domain;
    c.overload = n.overload;
    c.doc = n.doc;
    c.metadata = n.metadata;
    const std::vector<uint32_t>& val = side == Side::A ? val_a_ : val_b_;
    for (ir::ValueId v : n.inputs) c.inputs.push_back(v.valid() ? ir::ValueId{val[v.index]} : ir::ValueId{});
    for (ir::ValueId v : n.outputs) c.outputs.push_back(v.valid() ? ir::ValueId{val[v.index]} : ir::ValueId{});
    for (const ir::Attribute& at : n.attributes) {
      if (at.type == ir::AttrType::Graph || at.type == ir::AttrType::Graphs) {
        dropped_bodies_ = true;
        continue;
      }
      ir::Attribute x = at;
      if (side == Side::A) {
        for (ir::Tensor& t : x.tensors) shiftToA(t);
        for (ir::SparseTensor& s : x.sparse_tensors) shiftToA(s.values), shiftToA(s.indices);
      }
      c.attributes.push_back(std::move(x));
    }
    return c;
  }

  void addNode(Side side, uint32_t index) {
    const uint32_t id = static_cast<uint32_t>(g_->nodes.size());
    const uint32_t partner = side == Side::A ? kNoIndex : m_.b_to_a[index];
    ir::Node n = copyNode(side == Side::A ? ga_.nodes[index] : gb_.nodes[index], side);
    std::vector<EdgeSide> sides(n.inputs.size(), side == Side::A ? EdgeSide::OnlyA : EdgeSide::OnlyB);
    NodeStatus status = side == Side::A ? NodeStatus::Removed : NodeStatus::Added;
    if (partner != kNoIndex) {
      status = changed_[partner] ? NodeStatus::Changed : NodeStatus::Same;
      std::fill(sides.begin(), sides.end(), EdgeSide::Both);
      // A slot fed differently keeps both edges: B's in place, A's appended.
      const ir::Node& na = ga_.nodes[partner];
      const size_t b_inputs = n.inputs.size();
      for (size_t s = 0; s < std::max(b_inputs, na.inputs.size()); ++s) {
        const ir::ValueId from_a = s < na.inputs.size() && na.inputs[s].valid() ? ir::ValueId{val_a_[na.inputs[s].index]} : ir::ValueId{};
        const ir::ValueId from_b = s < b_inputs ? n.inputs[s] : ir::ValueId{};
        if (from_a == from_b) continue;
        ++out_.rewired_inputs;
        if (s < b_inputs) sides[s] = EdgeSide::OnlyB;
        if (from_a.valid()) {
          n.inputs.push_back(from_a);
          sides.push_back(EdgeSide::OnlyA);
        }
      }
      for (size_t k = n.outputs.size(); k < na.outputs.size(); ++k)  // outputs only A has
        n.outputs.push_back(na.outputs[k].valid() ? ir::ValueId{val_a_[na.outputs[k].index]} : ir::ValueId{});
      out_.from_a[partner] = id;
    }
    (side == Side::A ? out_.from_a : out_.from_b)[index] = id;
    out_.node_a.push_back(side == Side::A ? index : partner);
    out_.node_b.push_back(side == Side::B ? index : kNoIndex);
    out_.status.push_back(status);
    out_.input_side.push_back(std::move(sides));
    g_->nodes.push_back(std::move(n));
  }

  // Producers and consumers (in node order, once per slot).
  void wireNode(uint32_t n) {
    for (ir::ValueId v : g_->nodes[n].outputs)
      if (v.valid() && !g_->value(v).producer.valid()) g_->value(v).producer = ir::NodeId{n};
    for (ir::ValueId v : g_->nodes[n].inputs)
      if (v.valid()) g_->value(v).consumers.push_back(ir::NodeId{n});
  }

  // Graph inputs and outputs: B's, then A's that B lacks.
  void addGraphIo() {
    auto addAll = [&](const std::vector<ir::ValueId>& from, const std::vector<uint32_t>& val, std::vector<ir::ValueId>& to,
                      bool output) {
      for (ir::ValueId v : from) {
        const ir::ValueId m{val[v.index]};
        if (std::find(to.begin(), to.end(), m) != to.end()) continue;
        to.push_back(m);
        (output ? g_->value(m).graph_output : g_->value(m).graph_input) = true;
      }
    };
    addAll(gb_.inputs, val_b_, g_->inputs, false);
    addAll(ga_.inputs, val_a_, g_->inputs, false);
    addAll(gb_.outputs, val_b_, g_->outputs, true);
    addAll(ga_.outputs, val_a_, g_->outputs, true);
  }

  const ir::Model& a_;
  const ir::Model& b_;
  const ir::Graph& ga_;
  const ir::Graph& gb_;
  const Report& r_;
  const Matching& m_;
  const uint32_t a_sources_;  // A's sources start here in the merged model
  MergedModel out_;
  ir::Graph* g_ = nullptr;
  std::vector<uint32_t> val_a_, val_b_;  // value of A / B -> merged value
  std::vector<uint8_t> changed_;         // per A node: its pair has changes
  bool dropped_bodies_ = false;
  Phase phase_ = Phase::Start;
  size_t cursor_ = 0;            // the next item of the phase
  std::vector<uint32_t> order_;  // mergedOrder()
};

MergeJob::MergeJob(const ir::Model& a, const ir::Model& b, const Report& report)
    : impl_(a.graphs.empty() || b.graphs.empty() ? nullptr : std::make_unique<Impl>(a, b, report)) {}
MergeJob::~MergeJob() = default;
bool MergeJob::step(double budget_ms) { return !impl_ || impl_->step(budget_ms); }
bool MergeJob::done() const { return !impl_ || impl_->done(); }
MergedModel MergeJob::take() { return impl_ ? impl_->take() : MergedModel{}; }

MergedModel mergeModels(const ir::Model& a, const ir::Model& b, const Report& report) {
  MergeJob job(a, b, report);
  job.step(0);
  return job.take();
}

}  // namespace nf::diff
