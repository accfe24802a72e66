// tests/layout/graph_families.h - seeded generators of layout input graphs, shared by
// the layout tests and tests/layout/bench/layout_bench.cpp.
//
// Families: chains, trees, diamond series, wide fan-out/fan-in, random DAGs, random
// graphs with cycles, self-loops and parallel edges, and two shapes taken from real
// ONNX exports: transformer stacks (attention with its Shape/Gather/Concat side
// chains, constants, residual adds, decoder layers reading the encoder output) and
// DenseNet (every layer concatenates all earlier feature maps of its block).
// Node sizes vary like Netron's boxes. Randomness is a local SplitMix64, so every
// platform and standard library generates the same graph from the same seed.
#pragma once
#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <utility>
#include <vector>

#include "layout/types.h"

namespace nf::layout::families {

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint32_t below(uint32_t n) { return n ? static_cast<uint32_t>(next() % n) : 0; }
  float range(float lo, float hi) { return lo + (hi - lo) * static_cast<float>(next() % 10000) / 10000.0f; }

 private:
  uint64_t s_;
};

// Builds graphs op by op, the way a model converter would.
class Builder {
 public:
  explicit Builder(uint64_t seed, bool ports = true) : rng_(seed), ports_(ports) {}
  // A node with `in` input and `out` output ports (sizes vary a little).
  uint32_t node(uint32_t in, uint32_t out, float width = 0.0f, float height = 0.0f) {
    NodeSpec s;
    s.width = width > 0 ? width : rng_.range(60.0f, 140.0f);
    s.height = height > 0 ? height : (rng_.below(3) == 0 ? rng_.range(40.0f, 70.0f) : 28.0f);
    s.in_ports = ports_ ? in : 0;
    s.out_ports = ports_ ? out : 0;
    g_.nodes.push_back(s);
    return static_cast<uint32_t>(g_.nodes.size() - 1);
  }
  void edge(uint32_t from, uint32_t from_port, uint32_t to, uint32_t to_port) {
    g_.edges.push_back({from, to, ports_ ? from_port : kFreePort, ports_ ? to_port : kFreePort});
  }
  // An op whose first inputs come from `inputs` (output port 0 of each); `extra`
  // more input ports stay unconnected (weights that are initializers, not nodes).
  uint32_t op(std::initializer_list<uint32_t> inputs, uint32_t extra = 0) {
    return op(std::vector<uint32_t>(inputs), extra);
  }
  uint32_t op(const std::vector<uint32_t>& inputs, uint32_t extra = 0) {
    uint32_t v = node(static_cast<uint32_t>(inputs.size()) + extra, 1);
    for (uint32_t i = 0; i < inputs.size(); ++i) edge(inputs[i], 0, v, i);
    return v;
  }
  uint32_t constant() { return node(0, 1, 70.0f, 28.0f); }
  Rng& rng() { return rng_; }
  Graph take() { return std::move(g_); }
  uint32_t size() const { return static_cast<uint32_t>(g_.nodes.size()); }

 private:
  Graph g_;
  Rng rng_;
  bool ports_;
};

inline Graph chain(uint32_t n, uint64_t seed = 1) {
  Builder b(seed);
  uint32_t prev = b.node(0, 1);
  for (uint32_t i = 1; i < n; ++i) prev = b.op({prev});
  return b.take();
}

// Out-tree: node i's parent is (i - 1) / fanout.
inline Graph tree(uint32_t n, uint32_t fanout, uint64_t seed = 2) {
  Builder b(seed, false);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t v = b.node(1, 1);
    if (i > 0) b.edge((i - 1) / fanout, kFreePort, v, kFreePort);
  }
  return b.take();
}

// k diamonds in series: a -> (b, c) -> d -> ...
inline Graph diamonds(uint32_t k, uint64_t seed = 3) {
  Builder b(seed);
  uint32_t top = b.node(0, 1);
  for (uint32_t i = 0; i < k; ++i) {
    uint32_t l = b.op({top}), r = b.op({top});
    top = b.op({l, r});
  }
  return b.take();
}

// One source, `width` middle nodes, one sink with `width` input ports.
inline Graph fanOutIn(uint32_t width, uint64_t seed = 4) {
  Builder b(seed);
  uint32_t src = b.node(0, 1);
  std::vector<uint32_t> mid;
  for (uint32_t i = 0; i < width; ++i) mid.push_back(b.op({src}));
  b.op(mid);
  return b.take();
}

// Random DAG: edges go from lower to higher index in a random permutation.
inline Graph randomDag(uint32_t n, uint32_t m, uint64_t seed, bool ports = false) {
  Builder b(seed, ports);
  Rng& rng = b.rng();
  std::vector<uint32_t> perm(n);
  for (uint32_t i = 0; i < n; ++i) perm[i] = i;
  for (uint32_t i = n; i > 1; --i) std::swap(perm[i - 1], perm[rng.below(i)]);
  for (uint32_t i = 0; i < n; ++i) {
    // Separate statements: argument evaluation order differs between compilers, and
    // the same seed must give the same graph natively and in WebAssembly.
    const uint32_t in = 1 + rng.below(3);
    const uint32_t out = 1 + rng.below(2);
    b.node(in, out);
  }
  Graph g = b.take();
  for (uint32_t k = 0; k < m && n > 1; ++k) {
    uint32_t a = rng.below(n), c = rng.below(n);
    if (a == c) continue;
    if (a > c) std::swap(a, c);
    const uint32_t from = perm[a], to = perm[c];
    EdgeSpec e{from, to, kFreePort, kFreePort};
    if (ports) {
      e.from_port = rng.below(g.nodes[from].out_ports);
      e.to_port = rng.below(g.nodes[to].in_ports);
    }
    g.edges.push_back(e);
  }
  return g;
}

// Random directed graph with cycles, some self-loops and parallel edges.
inline Graph randomCyclic(uint32_t n, uint32_t m, uint64_t seed) {
  Builder b(seed, false);
  Rng& rng = b.rng();
  for (uint32_t i = 0; i < n; ++i) b.node(0, 0);
  for (uint32_t k = 0; k < m; ++k) {
    uint32_t from = rng.below(n), to = rng.below(n);
    if (from == to && rng.below(4) != 0) continue;  // keep a few self-loops
    b.edge(from, kFreePort, to, kFreePort);
    if (rng.below(10) == 0) b.edge(from, kFreePort, to, kFreePort);  // parallel edge
  }
  return b.take();
}

// [SECTION] Model-like families ---------------------------------------------------

namespace detail {
// Shape(x) -> Gather(const) -> Unsqueeze -> Concat(.., consts): the shape arithmetic
// that ONNX exports put next to every Reshape.
inline uint32_t shapeChain(Builder& b, uint32_t x, uint32_t extra_consts) {
  uint32_t shape = b.op({x});
  uint32_t gather = b.op({shape, b.constant()});
  uint32_t unsq = b.op({gather});
  std::vector<uint32_t> parts = {unsq};
  for (uint32_t i = 0; i < extra_consts; ++i) parts.push_back(b.constant());
  return b.op(parts);
}
inline uint32_t layerNorm(Builder& b, uint32_t x) {
  uint32_t mean = b.op({x});
  uint32_t sub = b.op({x, mean});
  uint32_t pow = b.op({sub, b.constant()});
  uint32_t var = b.op({pow});
  uint32_t add = b.op({var, b.constant()});
  uint32_t sqrt = b.op({add});
  uint32_t div = b.op({sub, sqrt});
  uint32_t mul = b.op({div}, 1);
  return b.op({mul}, 1);
}
// Multi-head attention; queries from q_in, keys/values from kv_in.
inline uint32_t attention(Builder& b, uint32_t q_in, uint32_t kv_in) {
  auto project = [&](uint32_t in) {
    uint32_t mm = b.op({in}, 1);
    uint32_t add = b.op({mm}, 1);
    uint32_t reshape = b.op({add, shapeChain(b, in, 2)});
    return b.op({reshape});
  };
  uint32_t q = project(q_in), k = project(kv_in), v = project(kv_in);
  uint32_t kt = b.op({k});
  uint32_t scores = b.op({q, kt});
  uint32_t scaled = b.op({scores, b.constant()});
  uint32_t soft = b.op({scaled});
  uint32_t ctx = b.op({soft, v});
  uint32_t tr = b.op({ctx});
  uint32_t merged = b.op({tr, shapeChain(b, q_in, 1)});
  uint32_t out = b.op({merged}, 1);
  return b.op({out}, 1);
}
inline uint32_t feedForward(Builder& b, uint32_t x) {
  uint32_t h = b.op({b.op({x}, 1)}, 1);
  uint32_t act = b.op({h});
  return b.op({b.op({act}, 1)}, 1);
}
}  // namespace detail

// Post-norm transformer: `encoders` encoder layers, then `decoders` decoder layers
// whose cross-attention reads the encoder's output (long fan-out edges).
inline Graph transformerLike(uint32_t encoders, uint32_t decoders, uint64_t seed = 5, bool ports = true) {
  using namespace detail;
  Builder b(seed, ports);
  uint32_t x = b.op({b.node(0, 1)}, 1);  // input -> embedding
  for (uint32_t i = 0; i < encoders; ++i) {
    x = layerNorm(b, b.op({x, attention(b, x, x)}));
    x = layerNorm(b, b.op({x, feedForward(b, x)}));
  }
  const uint32_t memory = x;
  uint32_t y = b.op({b.node(0, 1)}, 1);  // target tokens -> embedding
  for (uint32_t i = 0; i < decoders; ++i) {
    y = layerNorm(b, b.op({y, attention(b, y, y)}));
    y = layerNorm(b, b.op({y, attention(b, y, memory)}));
    y = layerNorm(b, b.op({y, feedForward(b, y)}));
  }
  b.op({decoders ? y : x}, 1);  // output projection
  return b.take();
}

// DenseNet: blocks of `layers[i]` dense layers; layer j of a block concatenates the
// block input and the j earlier layers' outputs, then BN-ReLU-Conv-BN-ReLU-Conv.
inline Graph denseNetLike(const std::vector<uint32_t>& blocks, uint64_t seed = 6, bool ports = true) {
  Builder b(seed, ports);
  uint32_t x = b.op({b.op({b.op({b.op({b.node(0, 1)}, 1)}, 1)})});  // conv, bn, relu, pool
  for (size_t bi = 0; bi < blocks.size(); ++bi) {
    std::vector<uint32_t> features = {x};
    for (uint32_t j = 0; j < blocks[bi]; ++j) {
      uint32_t in = features.size() == 1 ? features[0] : b.op(features);
      uint32_t h = b.op({b.op({b.op({in}, 4)})}, 1);
      h = b.op({b.op({b.op({h}, 4)})}, 1);
      features.push_back(h);
    }
    x = b.op(features);
    if (bi + 1 < blocks.size()) x = b.op({b.op({b.op({b.op({x}, 4)})}, 1)});  // transition
  }
  b.op({b.op({b.op({x}, 4)})}, 2);
  return b.take();
}

// Sized variants for the benchmark: about `nodes` nodes.
inline Graph transformerOfSize(uint32_t nodes, uint64_t seed = 5, bool ports = true) {
  // ~74 nodes per encoder layer, ~114 per decoder layer; half the layers each.
  uint32_t layers = std::max<uint32_t>(1, nodes / (74 + 114));
  return transformerLike(layers, layers, seed, ports);
}
// Encoder-only stack (BERT/ViT-like): no long encoder-to-decoder edges.
inline Graph encoderOfSize(uint32_t nodes, uint64_t seed = 5, bool ports = true) {
  return transformerLike(std::max<uint32_t>(1, nodes / 74), 0, seed, ports);
}
inline Graph denseNetOfSize(uint32_t nodes, uint64_t seed = 6, bool ports = true) {
  // DenseNet-201's blocks (6, 12, 48, 32) are ~700 nodes; repeat the pattern.
  static const uint32_t pattern[] = {6, 12, 48, 32};
  std::vector<uint32_t> blocks;
  uint32_t estimate = 0;
  for (size_t i = 0; estimate < nodes; ++i) {
    uint32_t l = pattern[i % 4];
    blocks.push_back(l);
    estimate += 7 * l + 4;
  }
  return denseNetLike(blocks, seed, ports);
}

}  // namespace nf::layout::families
