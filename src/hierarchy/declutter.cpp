#include "hierarchy/declutter.h"

#include <algorithm>
#include <string_view>

#include "shapes/op_registry.h"

namespace nf::hierarchy {

namespace {

// The fold class of the node's own op (an op named Constant, Shape or Identity in
// another domain is not the ONNX one).
shapes::FoldClass foldClass(const ir::Node& n) {
  const shapes::OpSpec* op = shapes::findOp(n.domain, n.op_type);
  return op ? op->fold : shapes::FoldClass::Data;
}

// Ops whose output is not fixed even when every input is: they never count as constant.
// Matched by op type whatever the domain; an unknown op named Random* counts too.
bool isNondeterministic(const ir::Node& n) {
  const shapes::OpSpec* op = shapes::findOpByType(n.domain, n.op_type);
  if (!op) return std::string_view(n.op_type).substr(0, 6) == "Random";
  return op->fold == shapes::FoldClass::Random || op->fold == shapes::FoldClass::RandomInTraining;
}

bool hasSubgraph(const ir::Node& n) {
  for (const ir::Attribute& a : n.attributes)
    if (a.type == ir::AttrType::Graph || a.type == ir::AttrType::Graphs) return true;
  return false;
}

// Dependency order of the nodes (Kahn over node-to-node edges, smallest index first
// among the ready ones is not needed: any valid order gives the same categories).
// Nodes on a cycle (invalid files) come last, in index order.
std::vector<uint32_t> dependencyOrder(const Topology& t) {
  const uint32_t n = t.node_count;
  std::vector<uint32_t> pending(n, 0);
  for (uint32_t i = 0; i < n; ++i) pending[i] = t.in_begin[i + 1] - t.in_begin[i];
  std::vector<uint32_t> order;
  order.reserve(n);
  for (uint32_t i = 0; i < n; ++i)
    if (pending[i] == 0) order.push_back(i);
  for (size_t k = 0; k < order.size(); ++k) {
    uint32_t u = order[k];
    for (uint32_t j = t.out_begin[u]; j < t.out_begin[u + 1]; ++j) {
      uint32_t v = t.edges[t.out_index[j]].dst;
      if (--pending[v] == 0) order.push_back(v);
    }
  }
  if (order.size() < n) {
    std::vector<uint8_t> placed(n, 0);
    for (uint32_t u : order) placed[u] = 1;
    for (uint32_t i = 0; i < n; ++i)
      if (!placed[i]) order.push_back(i);
  }
  return order;
}

}  // namespace

const char* categoryName(Category c) {
  switch (c) {
    case kCategoryConstant: return "constant";
    case kCategoryShape: return "shape";
    case kCategoryPassThrough: return "pass-through";
    case kCategoryHighFanOut: return "high fan-out";
    default: return "none";
  }
}

DeclutterBuilder::DeclutterBuilder(const ir::Graph& g, const Topology& topo, const DeclutterOptions& options)
    : g_(g), t_(topo), options_(options) {}

bool DeclutterBuilder::step() {
  const ir::Graph& g = g_;
  const Topology& t = t_;
  const uint32_t n = t.node_count;
  Declutter& d = d_;
  if (!started_) {
    started_ = true;
    d.node_categories.assign(n, kCategoryNone);
    producer_.assign(g.values.size(), kNoIndex);
    for (uint32_t i = 0; i < n; ++i)
      for (ir::ValueId v : g.nodes[i].outputs)
        if (v.valid() && v.index < producer_.size() && producer_[v.index] == kNoIndex) producer_[v.index] = i;
    order_ = dependencyOrder(t);
    return false;
  }
  if (!classified_) {
    const std::vector<uint32_t>& producer = producer_;
    const size_t end = std::min<size_t>(order_.size(), size_t{cursor_} + kChunk);
    for (; cursor_ < end; ++cursor_) {
      const uint32_t u = order_[cursor_];
      const ir::Node& node = g.nodes[u];
      if (hasSubgraph(node) || isNondeterministic(node)) continue;
      const shapes::FoldClass fold = foldClass(node);
      if (fold == shapes::FoldClass::Constant) {
        d.node_categories[u] = kCategoryConstant;
        continue;
      }
      // Where do the inputs come from?
      bool any_input = false, all_fixed = true, any_shape = false, all_fixed_or_shape = true;
      for (ir::ValueId v : node.inputs) {
        if (!v.valid() || v.index >= g.values.size()) continue;  // omitted optional input
        any_input = true;
        const ir::Value& val = g.values[v.index];
        uint32_t p = producer[v.index];
        uint8_t pc = p == kNoIndex ? uint8_t{0} : d.node_categories[p];
        bool fixed = (p == kNoIndex && val.initializer >= 0 && !val.outer_scope) || (pc & kCategoryConstant);
        bool shape = (pc & kCategoryShape) != 0;
        all_fixed = all_fixed && fixed;
        any_shape = any_shape || shape;
        all_fixed_or_shape = all_fixed_or_shape && (fixed || shape);
      }
      if (any_input && all_fixed) {
        d.node_categories[u] = kCategoryConstant;
      } else if (fold == shapes::FoldClass::ShapeOf) {
        d.node_categories[u] = kCategoryShape;
      } else if (any_shape && all_fixed_or_shape) {
        d.node_categories[u] = kCategoryShape;
      } else if (fold == shapes::FoldClass::PassThrough) {
        d.node_categories[u] = kCategoryPassThrough;
      }
    }
    if (cursor_ < order_.size()) return false;
    classified_ = true;
    producer_ = {};
    order_ = {};
    return false;
  }

  // Fan-out: distinct consumer nodes (out edges are sorted by slot then consumer,
  // so count with a last-seen stamp per node).
  std::vector<uint32_t> seen(n, kNoIndex);
  for (uint32_t u = 0; u < n; ++u) {
    uint32_t distinct = 0;
    for (uint32_t j = t.out_begin[u]; j < t.out_begin[u + 1]; ++j) {
      uint32_t v = t.edges[t.out_index[j]].dst;
      if (seen[v] != u) {
        seen[v] = u;
        ++distinct;
      }
    }
    if (options_.high_fan_out > 0 && distinct >= options_.high_fan_out) d.node_categories[u] |= kCategoryHighFanOut;
  }
  for (uint8_t c : d.node_categories) {
    d.constant_count += (c & kCategoryConstant) != 0;
    d.shape_count += (c & kCategoryShape) != 0;
    d.pass_through_count += (c & kCategoryPassThrough) != 0;
    d.high_fan_out_count += (c & kCategoryHighFanOut) != 0;
  }
  return true;
}

Declutter DeclutterBuilder::take() { return std::move(d_); }

Declutter classifyNodes(const ir::Graph& g, const Topology& t, const DeclutterOptions& options) {
  DeclutterBuilder b(g, t, options);
  while (!b.step()) {
  }
  return b.take();
}

}  // namespace nf::hierarchy
