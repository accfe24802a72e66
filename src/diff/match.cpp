// diff/match.cpp - the staged matching of two graphs (stages described in match.h).
#include "diff/match.h"

#include <algorithm>
#include <deque>
#include <map>
#include <unordered_map>

#include "base/timing.h"
#include "hierarchy/hash.h"
#include "shapes/graph_order.h"

namespace nf::diff {

using hierarchy::combine;
using hierarchy::Hasher;

const char* stageName(Stage s) {
  switch (s) {
    case Stage::Io: return "io";
    case Stage::Weights: return "weights";
    case Stage::Names: return "names";
    case Stage::Structure: return "structure";
    case Stage::Neighbours: return "neighbours";
    case Stage::Alignment: return "alignment";
  }
  return "?";
}

uint64_t tensorContentHash(const ir::Model& model, const ir::Tensor& t, uint64_t budget_bytes) {
  Hasher h;
  h.add(static_cast<uint64_t>(t.elem));
  h.add(static_cast<uint64_t>(t.dims.size()));
  for (int64_t d : t.dims) h.add(static_cast<uint64_t>(d));
  if (t.elem == ir::ElemType::String) {
    for (const auto& s : t.strings) h.add(s);
    return h.value() | 1;
  }
  // The bytes, from wherever they live; whole when small, else windows spread evenly.
  const uint8_t* direct = nullptr;
  const ByteSource* source = nullptr;
  uint64_t base = 0, size = 0;
  if (t.storage == ir::Tensor::Storage::Inline) {
    direct = t.bytes.data();
    size = t.bytes.size();
  } else if (t.storage == ir::Tensor::Storage::Source && t.ref.source < model.sources.size() &&
             model.sources[t.ref.source].bytes) {
    source = model.sources[t.ref.source].bytes.get();
    base = t.ref.offset;
    size = t.ref.length;
    if (const uint8_t* d = source->data(); d && base <= source->size() && size <= source->size() - base) {
      direct = d + base;
    }
  } else {
    return 0;
  }
  constexpr uint64_t kWindow = 4096;
  std::vector<uint8_t> buf;
  auto addRange = [&](uint64_t off, uint64_t len) -> bool {
    const uint8_t* p = nullptr;
    if (direct) {
      p = direct + off;
    } else {
      buf.resize(len);
      if (!source->read(base + off, buf.data(), len)) return false;
      p = buf.data();
    }
    uint64_t f = 0xCBF29CE484222325ull;
    for (uint64_t i = 0; i < len; ++i) f = (f ^ p[i]) * 0x100000001B3ull;
    h.add(f);
    return true;
  };
  h.add(size);
  if (size <= budget_bytes) {
    for (uint64_t off = 0; off < size; off += kWindow) {
      if (!addRange(off, std::min(kWindow, size - off))) return 0;
    }
  } else {
    uint64_t windows = std::max<uint64_t>(1, budget_bytes / kWindow);
    uint64_t stride = (size - kWindow) / windows;
    for (uint64_t w = 0; w <= windows; ++w) {
      uint64_t off = std::min(w * stride, size - kWindow);
      if (!addRange(off, kWindow)) return 0;
    }
  }
  return h.value() | 1;  // 0 is "unreadable"
}

namespace {

// The (a, b) items whose key occurs exactly once on each side, from two lists sorted
// by key: a key shared by several items pairs nothing (it would be a guess).
template <typename Item>
std::vector<std::pair<Item, Item>> pairUniqueKeys(const std::vector<std::pair<uint64_t, Item>>& a,
                                                  const std::vector<std::pair<uint64_t, Item>>& b) {
  std::vector<std::pair<Item, Item>> found;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i].first < b[j].first) { ++i; continue; }
    if (b[j].first < a[i].first) { ++j; continue; }
    size_t ie = i, je = j;
    while (ie < a.size() && a[ie].first == a[i].first) ++ie;
    while (je < b.size() && b[je].first == b[j].first) ++je;
    if (ie - i == 1 && je - j == 1) found.push_back({a[i].second, b[j].second});
    i = ie;
    j = je;
  }
  return found;
}

// One graph's adjacency, from values to nodes and back.
struct Side {
  const ir::Model* model = nullptr;
  const ir::Graph* g = nullptr;
  uint32_t n = 0;
  std::vector<uint32_t> out_slot;  // per value: which output of its producer it is
  std::vector<uint64_t> op_label;  // op type + domain
  std::vector<uint64_t> fine_label;  // + non-tensor attributes + arity
  std::vector<uint32_t> order;     // execution order
  std::vector<uint32_t> position;  // node -> index in order

  void attach(const ir::Model& m) {
    model = &m;
    g = &m.main();
    n = static_cast<uint32_t>(g->nodes.size());
    out_slot.assign(g->values.size(), 0);
    op_label.resize(n);
    fine_label.resize(n);
  }
  // Labels of nodes [begin, end).
  void label(uint32_t begin, uint32_t end) {
    for (uint32_t i = begin; i < end; ++i) {
      const ir::Node& node = g->nodes[i];
      for (size_t j = 0; j < node.outputs.size(); ++j) {
        if (node.outputs[j].valid()) out_slot[node.outputs[j].index] = static_cast<uint32_t>(j);
      }
      Hasher h;
      h.add(node.domain == "ai.onnx" ? std::string_view() : std::string_view(node.domain));
      h.add(node.op_type);
      op_label[i] = h.value();
      h.add(static_cast<uint64_t>(node.inputs.size()));
      h.add(static_cast<uint64_t>(node.outputs.size()));
      // Attributes in name order so file order does not matter.
      std::vector<const ir::Attribute*> attrs;
      for (const auto& a : node.attributes) attrs.push_back(&a);
      std::sort(attrs.begin(), attrs.end(), [](auto* x, auto* y) { return x->name < y->name; });
      for (const ir::Attribute* a : attrs) {
        h.add(a->name);
        h.add(static_cast<uint64_t>(a->type));
        h.add(static_cast<uint64_t>(a->i));
        h.addFloat(a->f);
        h.add(a->s);
        for (int64_t v : a->ints) h.add(static_cast<uint64_t>(v));
        for (float v : a->floats) h.addFloat(v);
        for (const auto& s : a->strings) h.add(s);
      }
      fine_label[i] = h.value();
    }
  }
  void buildOrder() {
    order = shapes::executionOrder(*model, ir::GraphId{0});
    position.assign(n, 0);
    for (uint32_t k = 0; k < order.size(); ++k) position[order[k]] = k;
  }
  uint32_t producer(ir::ValueId v) const {
    if (!v.valid() || v.index >= g->values.size()) return kNoIndex;
    ir::NodeId p = g->values[v.index].producer;
    return p.valid() ? p.index : kNoIndex;
  }
};

class Matcher {
 public:
  Matcher(const ir::Model& a, const ir::Model& b, const MatchOptions& o) : opt_(o) {
    A_.attach(a);
    B_.attach(b);
    m_.a_to_b.assign(A_.n, kNoIndex);
    m_.b_to_a.assign(B_.n, kNoIndex);
    m_.value_a_to_b.assign(A_.g->values.size(), kNoIndex);
    m_.value_b_to_a.assign(B_.g->values.size(), kNoIndex);
    m_.init_a_to_b.assign(A_.g->initializers.size(), -1);
    m_.init_b_to_a.assign(B_.g->initializers.size(), -1);
    init_stage_a_.assign(A_.g->initializers.size(), Stage::Names);
  }

  // The stages in order, one per call, so a caller can spread them over frames
  // (MatchJob). The structure/neighbours rounds repeat until nothing new pairs (at
  // most three times).
  enum class Step : uint8_t { Prepare, Io, Weights, Names, Spread, Fine, FineSpread, Coarse, CoarseSpread, Align, AlignSpread,
                              InitNames, Finish, Done };
  bool done() const { return next_ == Step::Done; }
  Step next() const { return next_; }
  float progress() const { return static_cast<float>(next_) / static_cast<float>(Step::Done); }
  // budget_ms > 0: a step stops when it is spent (checked every batch of nodes,
  // initializers or table rows) and goes on at the next call; the stages keep their
  // state in members (part_, cursor_), so a sliced run does exactly what one call does.
  void step(double budget_ms = 0) {
    t0_ = SteadyClock::now();
    budget_ms_ = budget_ms;
    switch (next_) {
      case Step::Prepare: if (prepare()) advance(Step::Io); break;
      case Step::Io: matchIo(); advance(Step::Weights); break;
      case Step::Weights: if (matchWeights()) advance(Step::Names); break;
      case Step::Names: if (matchNames()) advance(Step::Spread); break;  // before spreading: a walk from the outputs must not outrun the names
      case Step::Spread: if (propagate()) advance(Step::Fine); break;
      case Step::Fine:
        if (part_ == 0 && cursor_ == 0) pairs_before_round_ = m_.nodes.size();
        if (structure(true)) advance(Step::FineSpread);
        break;
      case Step::FineSpread: if (propagate()) advance(Step::Coarse); break;
      case Step::Coarse: if (structure(false)) advance(Step::CoarseSpread); break;
      case Step::CoarseSpread:
        if (!propagate()) break;
        advance(m_.nodes.size() != pairs_before_round_ && ++rounds_ < 3 ? Step::Fine : Step::Align);
        break;
      case Step::Align: if (align()) advance(Step::AlignSpread); break;
      case Step::AlignSpread: if (propagate()) advance(Step::InitNames); break;
      case Step::InitNames: matchInitializerNames(); advance(Step::Finish); break;
      case Step::Finish: finish(); advance(Step::Done); break;
      case Step::Done: break;
    }
  }
  Matching take() { return std::move(m_); }

  Matching run() {
    while (!done()) step(0);
    return take();
  }

 private:
  void advance(Step next) {
    next_ = next;
    part_ = 0;
    cursor_ = 0;
  }
  // True when this call's budget is spent (never without a budget).
  bool spent() const { return budget_ms_ > 0 && msSince(t0_) >= budget_ms_; }
  // Runs body(k) for cursor_ up to end, checking the budget every `batch` items;
  // false when it stopped early (cursor_ keeps the place).
  template <typename Body>
  bool batched(size_t end, size_t batch, Body&& body) {
    while (cursor_ < end) {
      body(cursor_++);
      if (cursor_ % batch == 0 && spent()) return cursor_ >= end;
    }
    return true;
  }
  // Moves to the next part of a stage.
  void nextPart() {
    ++part_;
    cursor_ = 0;
  }

  // [prepare] Each side's labels (in batches) and execution order.
  bool prepare() {
    for (;;) {
      switch (part_) {
        case 0:
          if (!batched(A_.n, 256, [&](size_t k) { A_.label(static_cast<uint32_t>(k), static_cast<uint32_t>(k + 1)); })) return false;
          nextPart();
          break;
        case 1: A_.buildOrder(); nextPart(); break;
        case 2:
          if (!batched(B_.n, 256, [&](size_t k) { B_.label(static_cast<uint32_t>(k), static_cast<uint32_t>(k + 1)); })) return false;
          nextPart();
          break;
        case 3: B_.buildOrder(); return true;
      }
      if (spent()) return false;
    }
  }

  // [pairing primitives]
  bool pairNodes(uint32_t a, uint32_t b, Stage stage, double confidence) {
    if (m_.a_to_b[a] != kNoIndex || m_.b_to_a[b] != kNoIndex) return false;
    m_.a_to_b[a] = b;
    m_.b_to_a[b] = a;
    m_.nodes.push_back({ir::NodeId{a}, ir::NodeId{b}, stage, confidence});
    const ir::Node& na = A_.g->nodes[a];
    const ir::Node& nb = B_.g->nodes[b];
    for (size_t j = 0; j < std::min(na.outputs.size(), nb.outputs.size()); ++j) {
      pairValues(na.outputs[j], nb.outputs[j], stage);
    }
    // Inputs at the same slot are the same tensor unless one side already says otherwise.
    for (size_t j = 0; j < std::min(na.inputs.size(), nb.inputs.size()); ++j) {
      ir::ValueId va = na.inputs[j], vb = nb.inputs[j];
      if (!va.valid() || !vb.valid()) continue;
      const ir::Value& xa = A_.g->value(va);
      const ir::Value& xb = B_.g->value(vb);
      bool same_kind = (xa.initializer >= 0) == (xb.initializer >= 0) && xa.producer.valid() == xb.producer.valid();
      // A produced tensor only when its producers could be one node (rewired inputs stay apart).
      if (same_kind && xa.producer.valid()) {
        uint32_t pa = xa.producer.index, pb = xb.producer.index;
        same_kind = A_.op_label[pa] == B_.op_label[pb] && A_.out_slot[va.index] == B_.out_slot[vb.index] &&
                    (m_.a_to_b[pa] == kNoIndex ? m_.b_to_a[pb] == kNoIndex : m_.a_to_b[pa] == pb);
      }
      if (same_kind) pairValues(va, vb, Stage::Neighbours);
    }
    return true;
  }
  void pairValues(ir::ValueId va, ir::ValueId vb, Stage stage) {
    if (!va.valid() || !vb.valid()) return;
    if (m_.value_a_to_b[va.index] != kNoIndex || m_.value_b_to_a[vb.index] != kNoIndex) return;
    m_.value_a_to_b[va.index] = vb.index;
    m_.value_b_to_a[vb.index] = va.index;
    queue_.push_back(va.index);
    int32_t ia = A_.g->value(va).initializer, ib = B_.g->value(vb).initializer;
    if (ia >= 0 && ib >= 0 && m_.init_a_to_b[ia] < 0 && m_.init_b_to_a[ib] < 0) {
      m_.init_a_to_b[ia] = ib;
      m_.init_b_to_a[ib] = ia;
      init_stage_a_[ia] = stage;
    }
  }

  // [io] Graph inputs and outputs: by name, then by position among the rest.
  void matchIo() {
    auto byName = [&](const std::vector<ir::ValueId>& xa, const std::vector<ir::ValueId>& xb) {
      std::map<std::string_view, ir::ValueId> names;
      for (ir::ValueId v : xb) names.emplace(B_.g->value(v).name, v);
      for (ir::ValueId v : xa) {
        auto it = names.find(A_.g->value(v).name);
        if (it != names.end()) pairValues(v, it->second, Stage::Io);
      }
      std::vector<ir::ValueId> ra, rb;
      for (ir::ValueId v : xa) if (m_.value_a_to_b[v.index] == kNoIndex) ra.push_back(v);
      for (ir::ValueId v : xb) if (m_.value_b_to_a[v.index] == kNoIndex) rb.push_back(v);
      for (size_t i = 0; i < std::min(ra.size(), rb.size()); ++i) pairValues(ra[i], rb[i], Stage::Io);
    };
    byName(A_.g->realInputs(), B_.g->realInputs());
    // Outputs: pair their producers too (the output tensors are the same result).
    byName(A_.g->outputs, B_.g->outputs);
  }

  // [weights] Identical contents, unique on both sides. Parts: hash A's initializers,
  // B's, find the hashes unique on both sides, pair them and their readers.
  bool matchWeights() {
    const auto& ia = A_.g->initializers;
    const auto& ib = B_.g->initializers;
    for (;;) {
      switch (part_) {
        case 0:
        case 1: {
          const bool is_a = part_ == 0;
          const auto& inits = is_a ? ia : ib;
          const ir::Model& model = is_a ? *A_.model : *B_.model;
          auto& hashes = is_a ? hash_a_ : hash_b_;
          if (!batched(inits.size(), 16, [&](size_t i) {
                if (uint64_t h = tensorContentHash(model, inits[i], opt_.hash_budget_bytes))
                  hashes.push_back({h, static_cast<int32_t>(i)});
              }))
            return false;
          nextPart();
          break;
        }
        case 2: {
          std::sort(hash_a_.begin(), hash_a_.end());
          std::sort(hash_b_.begin(), hash_b_.end());
          for (const auto& pair : pairUniqueKeys(hash_a_, hash_b_)) weight_pairs_.push_back(pair);
          std::sort(weight_pairs_.begin(), weight_pairs_.end());
          hash_a_ = {};
          hash_b_ = {};
          nextPart();
          break;
        }
        case 3: {
          const bool finished = batched(weight_pairs_.size(), 64, [&](size_t k) {
            auto [x, y] = weight_pairs_[k];
            ir::ValueId va = A_.g->find(ia[x].name), vb = B_.g->find(ib[y].name);
            pairValues(va, vb, Stage::Weights);
            // A tensor of a few elements (a scalar 2.0, an axes list) says little about its reader.
            if (ia[x].elementCount() >= 16 && va.valid() && vb.valid()) pairConsumers(va, vb, Stage::Weights, 1.0);
          });
          if (!finished) return false;
          weight_pairs_ = {};
          return true;
        }
      }
      if (spent()) return false;
    }
  }

  // Initializers nobody's pair reached, by name (contents changed: fine-tuning, fp16, folding).
  // Last: after an insertion, the same name can mean another layer's tensor.
  void matchInitializerNames() {
    const auto& ia = A_.g->initializers;
    const auto& ib = B_.g->initializers;
    std::map<std::string_view, int32_t> names;
    for (size_t k = 0; k < ib.size(); ++k) if (m_.init_b_to_a[k] < 0) names.emplace(ib[k].name, static_cast<int32_t>(k));
    for (size_t k = 0; k < ia.size(); ++k) {
      if (m_.init_a_to_b[k] >= 0) continue;
      auto it = names.find(ia[k].name);
      if (it != names.end()) pairValues(A_.g->find(ia[k].name), B_.g->find(it->first), Stage::Names);
    }
  }

  // Unpaired consumers of a paired value: per (op, slot), pair them in order when both
  // sides have the same number.
  size_t pairConsumers(ir::ValueId va, ir::ValueId vb, Stage stage, double confidence) {
    struct C { uint64_t op; uint32_t slot; uint32_t node; };
    auto collect = [](const Side& s, ir::ValueId v, const std::vector<uint32_t>& paired) {
      std::vector<C> out;
      for (ir::NodeId c : s.g->value(v).consumers) {
        if (paired[c.index] != kNoIndex) continue;
        const ir::Node& n = s.g->nodes[c.index];
        for (size_t k = 0; k < n.inputs.size(); ++k) {
          if (n.inputs[k] == v) {
            out.push_back({s.op_label[c.index], static_cast<uint32_t>(k), c.index});
            break;
          }
        }
      }
      std::sort(out.begin(), out.end(), [](const C& x, const C& y) {
        return std::tie(x.op, x.slot, x.node) < std::tie(y.op, y.slot, y.node);
      });
      out.erase(std::unique(out.begin(), out.end(), [](const C& x, const C& y) { return x.node == y.node; }), out.end());
      return out;
    };
    std::vector<C> ca = collect(A_, va, m_.a_to_b), cb = collect(B_, vb, m_.b_to_a);
    size_t made = 0, i = 0, j = 0;
    while (i < ca.size() && j < cb.size()) {
      auto ka = std::tie(ca[i].op, ca[i].slot), kb = std::tie(cb[j].op, cb[j].slot);
      if (ka < kb) { ++i; continue; }
      if (kb < ka) { ++j; continue; }
      size_t ie = i, je = j;
      while (ie < ca.size() && ca[ie].op == ca[i].op && ca[ie].slot == ca[i].slot) ++ie;
      while (je < cb.size() && cb[je].op == cb[j].op && cb[je].slot == cb[j].slot) ++je;
      if (ie - i == je - j) {
        // Several readers of one tensor (shared weights, fan-out): in execution order.
        std::vector<uint32_t> xa, xb;
        for (size_t k = i; k < ie; ++k) xa.push_back(ca[k].node);
        for (size_t k = j; k < je; ++k) xb.push_back(cb[k].node);
        std::sort(xa.begin(), xa.end(), [&](uint32_t p, uint32_t q) { return A_.position[p] < A_.position[q]; });
        std::sort(xb.begin(), xb.end(), [&](uint32_t p, uint32_t q) { return B_.position[p] < B_.position[q]; });
        double c = xa.size() == 1 ? confidence : confidence * 0.8;
        for (size_t k = 0; k < xa.size(); ++k) made += pairNodes(xa[k], xb[k], stage, c);
      }
      i = ie;
      j = je;
    }
    return made;
  }

  // [neighbours] Every value pair made so far spreads to producers and consumers.
  // False when the step's budget ran out first (the queue keeps the rest).
  bool propagate() {
    for (uint32_t n = 0; !queue_.empty(); ++n) {
      if ((n & 255) == 255 && budget_ms_ > 0 && msSince(t0_) >= budget_ms_) return false;
      uint32_t va = queue_.front();
      queue_.pop_front();
      uint32_t vb = m_.value_a_to_b[va];
      if (vb == kNoIndex) continue;
      uint32_t pa = A_.producer(ir::ValueId{va}), pb = B_.producer(ir::ValueId{vb});
      if (pa != kNoIndex && pb != kNoIndex && m_.a_to_b[pa] == kNoIndex && m_.b_to_a[pb] == kNoIndex &&
          A_.op_label[pa] == B_.op_label[pb] && A_.out_slot[va] == B_.out_slot[vb]) {
        pairNodes(pa, pb, Stage::Neighbours, A_.fine_label[pa] == B_.fine_label[pb] ? 0.9 : 0.8);
      }
      pairConsumers(ir::ValueId{va}, ir::ValueId{vb}, Stage::Neighbours, 0.85);
    }
    return true;
  }

  // [names] Identical names after moving the scopes the weight pairs show moved.
  static std::vector<std::string_view> segments(std::string_view name) {
    std::vector<std::string_view> out;
    size_t start = 0;
    for (size_t k = 0; k <= name.size(); ++k) {
      if (k == name.size() || name[k] == '/') {
        if (k > start) out.push_back(name.substr(start, k - start));
        start = k + 1;
      }
    }
    return out;
  }
  static std::string join(const std::vector<std::string_view>& s, size_t count) {
    std::string out;
    for (size_t k = 0; k < count; ++k) out.append("/").append(s[k]);
    return out;
  }

  // Parts: scope votes from the weight pairs, B's keys, A's keys, pairs by name, then
  // the same name with another op.
  bool matchNames() {
    for (;;) {
      switch (part_) {
        case 0: {
          // Votes: scope prefix in A -> scope prefix in B, from pairs made by content.
          const bool finished = batched(m_.nodes.size(), 256, [&](size_t k) {
            const NodePair& p = m_.nodes[k];
            if (p.stage != Stage::Weights) return;
            auto sa = segments(A_.g->nodes[p.a.index].name), sb = segments(B_.g->nodes[p.b.index].name);
            if (sa.size() != sb.size() || sa.size() < 2) return;
            for (size_t d = 1; d < sa.size(); ++d) scope_votes_[join(sa, d)][join(sb, d)]++;
          });
          if (!finished) return false;
          for (const auto& [from, to] : scope_votes_) {  // only prefixes that move
            const std::string* best = nullptr;
            int best_votes = 0;
            for (const auto& [target, count] : to) {
              if (count > best_votes) { best = &target; best_votes = count; }
            }
            if (best && *best != from) moved_scopes_[from] = *best;
          }
          scope_votes_ = {};
          b_keys_.assign(B_.n, {});
          a_keys_.assign(A_.n, {});
          a_moved_.assign(A_.n, false);
          nextPart();
          break;
        }
        case 1: {  // B's unique names
          const bool finished = batched(B_.n, 256, [&](size_t k) {
            if (B_.g->nodes[k].name.empty()) return;
            b_keys_[k] = moved_scopes_.empty() ? B_.g->nodes[k].name : normalName(B_.g->nodes[k].name);
            auto [it, fresh] = b_names_.emplace(b_keys_[k], static_cast<uint32_t>(k));
            if (!fresh) it->second = kNoIndex;
          });
          if (!finished) return false;
          nextPart();
          break;
        }
        case 2: {
          // A moved name outranks an unmoved one that reads the same: "/layers.3/x" moved to
          // "/layers.2/x" is backed by weights, the old "/layers.2/x" (a layer inserted in A) is not.
          const bool finished = batched(A_.n, 256, [&](size_t k) {
            if (A_.g->nodes[k].name.empty()) return;
            if (moved_scopes_.empty()) {
              a_keys_[k] = A_.g->nodes[k].name;
            } else {
              std::string plain = normalName(A_.g->nodes[k].name);
              a_keys_[k] = normalName(translateScope(A_.g->nodes[k].name));
              a_moved_[k] = a_keys_[k] != plain;
            }
            (a_moved_[k] ? moved_count_ : kept_count_)[a_keys_[k]]++;
          });
          if (!finished) return false;
          nextPart();
          break;
        }
        case 3: {
          const bool finished = batched(A_.n, 256, [&](size_t k) {
            if (a_keys_[k].empty() || m_.a_to_b[k] != kNoIndex) return;
            bool unique = a_moved_[k] ? moved_count_[a_keys_[k]] == 1
                                      : kept_count_[a_keys_[k]] == 1 && moved_count_.count(a_keys_[k]) == 0;
            if (!unique) return;
            auto it = b_names_.find(a_keys_[k]);
            if (it == b_names_.end() || it->second == kNoIndex) return;
            if (A_.op_label[k] != B_.op_label[it->second]) {
              different_op_.push_back({static_cast<uint32_t>(k), it->second});
              return;
            }
            pairNodes(static_cast<uint32_t>(k), it->second, Stage::Names, 0.95);
          });
          if (!finished) return false;
          nextPart();
          break;
        }
        case 4: {
          // The same unique name with another op ("act3" Relu -> Sigmoid): an op replaced in place.
          // Exported names usually end in the op type, so this only fires for names a person chose.
          // Only where names are shared at all: most named nodes paired by name already (a stray
          // collision between unrelated generic names such as "n0" must not pair).
          size_t named = 0, by_name = 0;
          for (uint32_t k = 0; k < A_.n; ++k) {
            if (a_keys_[k].empty()) continue;
            ++named;
            by_name += m_.a_to_b[k] != kNoIndex;
          }
          if (by_name * 2 >= named) {
            for (auto [x, y] : different_op_) pairNodes(x, y, Stage::Names, 0.7);
          }
          moved_scopes_ = {};
          b_names_ = {};
          moved_count_ = {};
          kept_count_ = {};
          b_keys_ = {};
          a_keys_ = {};
          a_moved_ = {};
          different_op_ = {};
          return true;
        }
      }
      if (spent()) return false;
    }
  }
  // A name with the scopes the weights show moved renamed ("/layers.3/x" -> "/layers.4/x").
  std::string translateScope(std::string_view name) const {
    if (moved_scopes_.empty()) return std::string(name);
    auto s = segments(name);
    for (size_t d = s.size() > 0 ? s.size() - 1 : 0; d >= 1; --d) {
      auto it = moved_scopes_.find(join(s, d));
      if (it != moved_scopes_.end()) {
        std::string out = it->second;
        for (size_t k = d; k < s.size(); ++k) out.append("/").append(s[k]);
        return out;
      }
    }
    return std::string(name);
  }
  static std::string normalName(std::string_view name) {  // "/a/b" and "a/b" name the same scope
    auto s = segments(name);
    return join(s, s.size());
  }

  // [structure] WL labels; a paired node's label is its pair, so unpaired nodes near
  // paired ones are told apart by them.
  // Parts: first labels, then each round's labels of A and of B (in node batches),
  // then the pairs of labels unique on both sides.
  bool structure(bool fine) {
    for (;;) {
      switch (part_) {
        case 0: {
          auto init = [&](const Side& s, const std::vector<uint32_t>& paired, bool is_a, std::vector<uint64_t>* l) {
            l->resize(s.n);
            for (uint32_t k = 0; k < s.n; ++k) {
              uint32_t key = paired[k] == kNoIndex ? kNoIndex : (is_a ? k : paired[k]);
              (*l)[k] = key != kNoIndex ? combine(0x5041495245ull, key) : (fine ? s.fine_label[k] : s.op_label[k]);
            }
          };
          init(A_, m_.a_to_b, true, &wl_a_);
          init(B_, m_.b_to_a, false, &wl_b_);
          wl_round_ = 1;
          part_ = opt_.wl_rounds >= 1 ? 1 : 3;
          cursor_ = 0;
          break;
        }
        case 1:
        case 2: {  // one round of one side: wl_next_ from wl_a_ (part 1) or wl_b_ (part 2)
          const bool is_a = part_ == 1;
          const Side& side = is_a ? A_ : B_;
          std::vector<uint64_t>& prev = is_a ? wl_a_ : wl_b_;
          if (cursor_ == 0) wl_next_.resize(side.n);
          const bool finished = batched(side.n, 256, [&](size_t k) {
            wl_next_[k] = is_a ? refined(A_, m_.a_to_b, m_.value_a_to_b, true, prev, static_cast<uint32_t>(k))
                               : refined(B_, m_.b_to_a, m_.value_b_to_a, false, prev, static_cast<uint32_t>(k));
          });
          if (!finished) return false;
          prev.swap(wl_next_);
          cursor_ = 0;
          if (is_a) part_ = 2;
          else part_ = ++wl_round_ <= opt_.wl_rounds ? 1 : 3;
          break;
        }
        case 3: {
          // Labels unique on both sides pair (after k rounds a label holds k hops of context).
          std::vector<std::pair<uint64_t, uint32_t>> ua, ub;
          for (uint32_t k = 0; k < A_.n; ++k) if (m_.a_to_b[k] == kNoIndex) ua.push_back({wl_a_[k], k});
          for (uint32_t k = 0; k < B_.n; ++k) if (m_.b_to_a[k] == kNoIndex) ub.push_back({wl_b_[k], k});
          std::sort(ua.begin(), ua.end());
          std::sort(ub.begin(), ub.end());
          std::vector<std::pair<uint32_t, uint32_t>> found = pairUniqueKeys(ua, ub);
          std::sort(found.begin(), found.end());
          for (auto [x, y] : found) {
            if (A_.op_label[x] == B_.op_label[y]) pairNodes(x, y, Stage::Structure, fine ? 0.9 : 0.75);
          }
          return true;
        }
      }
      if (spent()) return false;
    }
  }

  // Node k's label after one more round: its label, its inputs' producers' labels (or
  // the pair of a paired value), its consumers' labels, sorted.
  uint64_t refined(const Side& s, const std::vector<uint32_t>& paired, const std::vector<uint32_t>& vpaired,
                   bool is_a, const std::vector<uint64_t>& prev, uint32_t k) {
    if (paired[k] != kNoIndex) return prev[k];
    const ir::Node& node = s.g->nodes[k];
    Hasher h;
    h.add(prev[k]);
    for (size_t slot = 0; slot < node.inputs.size(); ++slot) {
      ir::ValueId v = node.inputs[slot];
      uint64_t x = 0x11;
      if (v.valid()) {
        uint32_t p = s.producer(v);
        uint32_t vkey = vpaired[v.index] == kNoIndex ? kNoIndex : (is_a ? v.index : vpaired[v.index]);
        if (p != kNoIndex) x = combine(prev[p], s.out_slot[v.index]);
        else if (vkey != kNoIndex) x = combine(0x56414cull, vkey);
        else x = s.g->value(v).initializer >= 0 ? 0x22 : 0x33;
      }
      h.add(x);
    }
    std::vector<uint64_t>& succ = wl_succ_;
    succ.clear();
    for (size_t j = 0; j < node.outputs.size(); ++j) {
      ir::ValueId v = node.outputs[j];
      if (!v.valid()) continue;
      for (ir::NodeId c : s.g->value(v).consumers) succ.push_back(combine(prev[c.index], j));
      if (s.g->value(v).graph_output) succ.push_back(combine(0x4f5554ull, j));
    }
    std::sort(succ.begin(), succ.end());
    for (uint64_t x : succ) h.add(x);
    return h.value();
  }

  // [alignment] Gaps between paired nodes, aligned by op type along execution order.
  // Parts: A's gaps, B's gaps (in batches of the order), then one gap at a time; a big
  // gap's table is filled a batch of rows per call.
  bool align() {
    for (;;) {
      switch (part_) {
        case 0:
        case 1: {
          // Gap key of an unpaired node: the pair of the last paired node before it.
          const bool is_a = part_ == 0;
          const Side& side = is_a ? A_ : B_;
          if (cursor_ == 0) gap_last_ = kNoIndex;
          const bool finished = batched(side.order.size(), 256, [&](size_t i) {
            uint32_t k = side.order[i];
            uint32_t other = is_a ? m_.a_to_b[k] : m_.b_to_a[k];
            if (other != kNoIndex) gap_last_ = is_a ? k : other;
            else (is_a ? gaps_[gap_last_].first : gaps_[gap_last_].second).push_back(k);
          });
          if (!finished) return false;
          nextPart();
          if (!is_a) gap_it_ = gaps_.begin();
          break;
        }
        case 2: {
          while (gap_it_ != gaps_.end()) {
            if (!alignGap(gap_it_->second.first, gap_it_->second.second)) return false;
            ++gap_it_;
            lcs_table_ = {};
            lcs_row_ = kNoIndex;
            if (spent()) return false;
          }
          gaps_ = {};
          return true;
        }
      }
      if (spent()) return false;
    }
  }

  // One gap; false when the budget ran out while filling its table (lcs_row_ keeps the place).
  bool alignGap(const std::vector<uint32_t>& xa, const std::vector<uint32_t>& xb) {
    if (xa.empty() || xb.empty()) return true;
    if (xa.size() == xb.size()) {
      // Same length: position by position; an op change pairs only with a shared neighbour.
      for (size_t k = 0; k < xa.size(); ++k) {
        if (A_.op_label[xa[k]] == B_.op_label[xb[k]] || shareNeighbour(xa[k], xb[k])) {
          pairNodes(xa[k], xb[k], Stage::Alignment, A_.op_label[xa[k]] == B_.op_label[xb[k]] ? 0.6 : 0.4);
        }
      }
      return true;
    }
    // Longest common subsequence of op types (greedy when the table would be too big).
    uint64_t cells = static_cast<uint64_t>(xa.size() + 1) * (xb.size() + 1);
    std::vector<std::pair<uint32_t, uint32_t>> common;
    if (cells <= opt_.max_alignment_cells) {
      size_t n = xa.size(), m = xb.size();
      std::vector<uint32_t>& t = lcs_table_;
      if (lcs_row_ == kNoIndex) {
        t.assign(cells, 0);
        lcs_row_ = static_cast<uint32_t>(n);
      }
      auto at = [&](size_t i, size_t j) -> uint32_t& { return t[i * (m + 1) + j]; };
      while (lcs_row_ > 0) {  // rows from the last up; the budget is checked after each
        size_t i = --lcs_row_;
        for (size_t j = m; j-- > 0;) {
          at(i, j) = A_.op_label[xa[i]] == B_.op_label[xb[j]] ? at(i + 1, j + 1) + 1
                                                              : std::max(at(i + 1, j), at(i, j + 1));
        }
        if (lcs_row_ > 0 && spent()) return false;
      }
      size_t i = 0, j = 0;
      while (i < n && j < m) {
        if (A_.op_label[xa[i]] == B_.op_label[xb[j]]) common.push_back({xa[i++], xb[j++]});
        else if (at(i + 1, j) >= at(i, j + 1)) ++i;
        else ++j;
      }
    } else {
      size_t j = 0;
      for (size_t i = 0; i < xa.size() && j < xb.size(); ++i) {
        size_t k = j;
        while (k < xb.size() && k < j + 64 && A_.op_label[xa[i]] != B_.op_label[xb[k]]) ++k;
        if (k < xb.size() && A_.op_label[xa[i]] == B_.op_label[xb[k]]) {
          common.push_back({xa[i], xb[k]});
          j = k + 1;
        }
      }
    }
    for (auto [x, y] : common) pairNodes(x, y, Stage::Alignment, 0.5);
    return true;
  }

  bool shareNeighbour(uint32_t a, uint32_t b) const {
    const ir::Node& na = A_.g->nodes[a];
    const ir::Node& nb = B_.g->nodes[b];
    for (size_t k = 0; k < std::min(na.inputs.size(), nb.inputs.size()); ++k) {
      if (na.inputs[k].valid() && nb.inputs[k].valid() && m_.value_a_to_b[na.inputs[k].index] == nb.inputs[k].index)
        return true;
    }
    for (size_t k = 0; k < std::min(na.outputs.size(), nb.outputs.size()); ++k) {
      ir::ValueId va = na.outputs[k], vb = nb.outputs[k];
      if (!va.valid() || !vb.valid()) continue;
      for (ir::NodeId c : A_.g->value(va).consumers) {
        uint32_t cb = m_.a_to_b[c.index];
        if (cb == kNoIndex) continue;
        for (ir::NodeId d : B_.g->value(vb).consumers) if (d.index == cb) return true;
      }
    }
    return false;
  }

  void finish() {
    std::sort(m_.nodes.begin(), m_.nodes.end(), [](const NodePair& x, const NodePair& y) { return x.a.index < y.a.index; });
    for (size_t i = 0; i < m_.init_a_to_b.size(); ++i) {
      if (m_.init_a_to_b[i] >= 0) m_.initializers.push_back({static_cast<int32_t>(i), m_.init_a_to_b[i], init_stage_a_[i]});
    }
  }

  MatchOptions opt_;
  Side A_, B_;
  Matching m_;
  std::vector<Stage> init_stage_a_;
  std::deque<uint32_t> queue_;  // A-side value indices whose pair is new
  Step next_ = Step::Prepare;
  SteadyClock::time_point t0_;
  double budget_ms_ = 0;
  size_t pairs_before_round_ = 0;
  int rounds_ = 0;
  // Where the current step is (a stage's part and the item within it).
  int part_ = 0;
  size_t cursor_ = 0;
  // [weights] content hashes, then the pairs unique on both sides
  std::vector<std::pair<uint64_t, int32_t>> hash_a_, hash_b_;
  std::vector<std::pair<int32_t, int32_t>> weight_pairs_;
  // [names] moved scopes and the keys names are compared by
  std::map<std::string, std::map<std::string, int>> scope_votes_;
  std::map<std::string, std::string> moved_scopes_;
  std::unordered_map<std::string, uint32_t> b_names_;  // unique names only
  std::unordered_map<std::string, uint32_t> moved_count_, kept_count_;
  std::vector<std::string> b_keys_, a_keys_;
  std::vector<bool> a_moved_;
  std::vector<std::pair<uint32_t, uint32_t>> different_op_;
  // [structure] this round's labels per side, the next round's, scratch
  std::vector<uint64_t> wl_a_, wl_b_, wl_next_, wl_succ_;
  int wl_round_ = 0;
  // [alignment] gaps by the pair before them, the gap being aligned, its table
  std::map<uint32_t, std::pair<std::vector<uint32_t>, std::vector<uint32_t>>> gaps_;
  decltype(gaps_)::iterator gap_it_;
  uint32_t gap_last_ = kNoIndex;
  std::vector<uint32_t> lcs_table_;
  uint32_t lcs_row_ = kNoIndex;
};

}  // namespace

struct MatchJob::Impl {
  Impl(const ir::Model& a, const ir::Model& b, const MatchOptions& o) : matcher(a, b, o) {}
  Matcher matcher;
};

MatchJob::MatchJob(const ir::Model& a, const ir::Model& b, const MatchOptions& options) {
  if (!a.graphs.empty() && !b.graphs.empty()) impl_ = std::make_unique<Impl>(a, b, options);
}
MatchJob::~MatchJob() = default;
bool MatchJob::done() const { return !impl_ || impl_->matcher.done(); }
void MatchJob::step(double budget_ms) {
  if (impl_) impl_->matcher.step(budget_ms);
}
float MatchJob::progress() const { return impl_ ? impl_->matcher.progress() : 1.0f; }
Matching MatchJob::take() { return impl_ ? impl_->matcher.take() : Matching{}; }

const char* MatchJob::label() const {
  using Step = Matcher::Step;
  switch (impl_ ? impl_->matcher.next() : Step::Done) {
    case Step::Prepare: return "indexing the graphs";
    case Step::Io: return "matching inputs and outputs";
    case Step::Weights: return "matching weights";
    case Step::Names: return "matching names";
    case Step::Fine: case Step::Coarse: return "matching structure";
    case Step::Align: return "aligning the rest";
    case Step::Spread: case Step::FineSpread: case Step::CoarseSpread: case Step::AlignSpread: return "following edges";
    case Step::InitNames: case Step::Finish: case Step::Done: return "matching initializers";
  }
  return "";
}

Matching matchModels(const ir::Model& a, const ir::Model& b, const MatchOptions& options) {
  if (a.graphs.empty() || b.graphs.empty()) return {};
  return Matcher(a, b, options).run();
}

}  // namespace nf::diff
