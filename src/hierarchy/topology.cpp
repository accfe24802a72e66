#include "hierarchy/topology.h"

#include <algorithm>
#include <cstring>

#include "hierarchy/hash.h"

namespace nf::hierarchy {

namespace {

// Hash of what makes two nodes "the same operation": domain, op type and every
// attribute except tensor payloads and subgraph bodies (a Constant's dims and
// element type count, its values do not; an If's branches count by number only).
uint64_t labelKey(const ir::Node& n) {
  Hasher h;
  h.add(n.domain);
  h.add(n.op_type);
  h.add(n.overload);
  h.add(static_cast<uint64_t>(n.attributes.size()));
  for (const ir::Attribute& a : n.attributes) {
    h.add(a.name);
    h.add(static_cast<uint64_t>(a.type));
    h.add(a.ref_attr_name);
    switch (a.type) {
      case ir::AttrType::Int: h.add(static_cast<uint64_t>(a.i)); break;
      case ir::AttrType::Float: h.addFloat(a.f); break;
      case ir::AttrType::String: h.add(a.s); break;
      case ir::AttrType::Ints:
        h.add(static_cast<uint64_t>(a.ints.size()));
        for (int64_t v : a.ints) h.add(static_cast<uint64_t>(v));
        break;
      case ir::AttrType::Floats:
        h.add(static_cast<uint64_t>(a.floats.size()));
        for (float v : a.floats) h.addFloat(v);
        break;
      case ir::AttrType::Strings:
        h.add(static_cast<uint64_t>(a.strings.size()));
        for (const auto& s : a.strings) h.add(s);
        break;
      case ir::AttrType::Tensor:
      case ir::AttrType::Tensors:
        h.add(static_cast<uint64_t>(a.tensors.size()));
        for (const ir::Tensor& t : a.tensors) {
          h.add(static_cast<uint64_t>(t.elem));
          h.add(static_cast<uint64_t>(t.dims.size()));
          for (int64_t d : t.dims) h.add(static_cast<uint64_t>(d));
        }
        break;
      default: h.add(static_cast<uint64_t>(a.graphs.size() + a.sparse_tensors.size() + a.types.size())); break;
    }
  }
  return h.value();
}

}  // namespace

TopologyBuilder::TopologyBuilder(const ir::Graph& g) : g_(g) {}

bool TopologyBuilder::step() {
  const ir::Graph& g = g_;
  Topology& t = t_;
  const uint32_t n = static_cast<uint32_t>(g.nodes.size());
  switch (part_++) {
    case 0: {
      t.node_count = n;
      t.inputs = g.realInputs();
      t.outputs = g.outputs;
      // Who produces each value, and through which output slot. A value produced by
      // several nodes (an invalid file the reader warns about) keeps its first producer.
      std::vector<uint32_t>& producer = producer_;
      std::vector<uint16_t>& producer_slot = producer_slot_;
      producer.assign(g.values.size(), kNoIndex);
      producer_slot.assign(g.values.size(), 0);
      for (uint32_t i = 0; i < n; ++i) {
        const auto& outs = g.nodes[i].outputs;
        for (size_t s = 0; s < outs.size(); ++s) {
          if (!outs[s].valid() || outs[s].index >= g.values.size()) continue;
          if (producer[outs[s].index] != kNoIndex) continue;
          producer[outs[s].index] = i;
          producer_slot[outs[s].index] = static_cast<uint16_t>(std::min<size_t>(s, 0xFFFF));
        }
      }
      for (size_t i = 0; i < t.inputs.size(); ++i) {
        uint32_t v = t.inputs[i].index;
        if (v < g.values.size() && producer[v] == kNoIndex) producer[v] = t.inputTerminal(i);
      }
      return false;
    }
    case 1: {
      // Node inputs, then graph outputs.
      const std::vector<uint32_t>& producer = producer_;
      const std::vector<uint16_t>& producer_slot = producer_slot_;
      t.first_input_src.assign(n, kNoIndex);
      for (uint32_t i = 0; i < n; ++i) {
        const auto& ins = g.nodes[i].inputs;
        if (!ins.empty() && ins[0].valid() && ins[0].index < g.values.size()) t.first_input_src[i] = producer[ins[0].index];
        for (size_t s = 0; s < ins.size(); ++s) {
          if (!ins[s].valid() || ins[s].index >= g.values.size()) continue;
          uint32_t p = producer[ins[s].index];
          if (p == kNoIndex) continue;
          TensorEdge e;
          e.src = p;
          e.dst = i;
          e.value = ins[s];
          e.src_slot = p < n ? producer_slot[ins[s].index] : 0;
          e.dst_slot = static_cast<uint16_t>(std::min<size_t>(s, 0xFFFF));
          t.edges.push_back(e);
        }
      }
      for (size_t i = 0; i < t.outputs.size(); ++i) {
        uint32_t v = t.outputs[i].index;
        if (!t.outputs[i].valid() || v >= g.values.size() || producer[v] == kNoIndex) continue;
        TensorEdge e;
        e.src = producer[v];
        e.dst = t.outputTerminal(i);
        e.value = t.outputs[i];
        e.src_slot = e.src < n ? producer_slot[v] : 0;
        t.edges.push_back(e);
      }
      producer_ = {};
      producer_slot_ = {};
      return false;
    }
    case 2:
      std::sort(t.edges.begin(), t.edges.end(), [](const TensorEdge& a, const TensorEdge& b) {
        if (a.value.index != b.value.index) return a.value.index < b.value.index;
        if (a.dst != b.dst) return a.dst < b.dst;
        return a.dst_slot < b.dst_slot;
      });
      return false;
    case 3: {
      // CSR adjacency between nodes.
      t.in_begin.assign(n + 1, 0);
      t.out_begin.assign(n + 1, 0);
      for (const TensorEdge& e : t.edges) {
        if (e.src >= n || e.dst >= n) continue;
        ++t.in_begin[e.dst + 1];
        ++t.out_begin[e.src + 1];
      }
      for (uint32_t i = 0; i < n; ++i) {
        t.in_begin[i + 1] += t.in_begin[i];
        t.out_begin[i + 1] += t.out_begin[i];
      }
      t.in_index.resize(t.in_begin[n]);
      t.out_index.resize(t.out_begin[n]);
      std::vector<uint32_t> in_fill(t.in_begin.begin(), t.in_begin.end() - 1);
      std::vector<uint32_t> out_fill(t.out_begin.begin(), t.out_begin.end() - 1);
      for (uint32_t k = 0; k < t.edges.size(); ++k) {
        const TensorEdge& e = t.edges[k];
        if (e.src >= n || e.dst >= n) continue;
        t.in_index[in_fill[e.dst]++] = k;
        t.out_index[out_fill[e.src]++] = k;
      }
      return false;
    }
    case 4:
      for (uint32_t i = 0; i < n; ++i) {
        std::sort(t.in_index.begin() + t.in_begin[i], t.in_index.begin() + t.in_begin[i + 1],
                  [&](uint32_t a, uint32_t b) { return t.edges[a].dst_slot < t.edges[b].dst_slot; });
        std::sort(t.out_index.begin() + t.out_begin[i], t.out_index.begin() + t.out_begin[i + 1],
                  [&](uint32_t a, uint32_t b) {
                    const TensorEdge& x = t.edges[a];
                    const TensorEdge& y = t.edges[b];
                    if (x.src_slot != y.src_slot) return x.src_slot < y.src_slot;
                    if (x.dst != y.dst) return x.dst < y.dst;
                    return x.dst_slot < y.dst_slot;
                  });
      }
      return false;
    case 5: {
      // Labels: dense ids in order of the sorted keys.
      std::vector<uint64_t> keys(n);
      for (uint32_t i = 0; i < n; ++i) keys[i] = labelKey(g.nodes[i]);
      std::vector<uint64_t> sorted = keys;
      std::sort(sorted.begin(), sorted.end());
      sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
      t.label.resize(n);
      for (uint32_t i = 0; i < n; ++i)
        t.label[i] = static_cast<uint32_t>(std::lower_bound(sorted.begin(), sorted.end(), keys[i]) - sorted.begin());
      t.label_count = static_cast<uint32_t>(sorted.size());
      return true;
    }
    default: return true;
  }
}

Topology TopologyBuilder::take() { return std::move(t_); }

Topology buildTopology(const ir::Graph& g) {
  TopologyBuilder b(g);
  while (!b.step()) {
  }
  return b.take();
}

}  // namespace nf::hierarchy
