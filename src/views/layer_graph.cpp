#include "views/layer_graph.h"

#include <algorithm>

#include "hierarchy/hierarchy.h"
#include "hierarchy/visible.h"
#include "scene/text_metrics.h"

namespace nf::views {

namespace {

// Mutable adjacency while layers are folded and removed.
struct Work {
  std::vector<Layer> layers;
  std::vector<uint8_t> alive;
  std::vector<std::vector<uint32_t>> in, out;

  static void drop(std::vector<uint32_t>& v, uint32_t x) { v.erase(std::remove(v.begin(), v.end(), x), v.end()); }
  void link(uint32_t a, uint32_t b) {
    if (a == b || std::find(out[a].begin(), out[a].end(), b) != out[a].end()) return;
    out[a].push_back(b);
    in[b].push_back(a);
  }
  // Removes x; with bypass its predecessors are wired to its successors.
  void remove(uint32_t x, bool bypass) {
    const std::vector<uint32_t> ps = in[x], ss = out[x];
    for (uint32_t p : ps) drop(out[p], x);
    for (uint32_t s : ss) drop(in[s], x);
    if (bypass)
      for (uint32_t p : ps)
        for (uint32_t s : ss) link(p, s);
    in[x].clear();
    out[x].clear();
    alive[x] = 0;
  }
};

// Ops that only rearrange a layer's output: drawn inside the layer before them.
bool isReshape(const std::string& op) {
  static const char* kOps[] = {"Reshape", "Transpose", "Squeeze", "Unsqueeze", "Identity", "Dropout"};
  return std::find(std::begin(kOps), std::end(kOps), op) != std::end(kOps);
}

ir::Shape outputShape(const ir::Model& model, const shapes::InferenceResult& inf, ir::ValueId v) {
  if (!v.valid()) return {};
  const ir::Type& t = inf.type(ir::GraphId{0}, v);
  if (t.kind == ir::Type::Kind::Tensor) return t.shape;
  const ir::Type& declared = model.main().value(v).type;
  return declared.kind == ir::Type::Kind::Tensor ? declared.shape : ir::Shape{};
}

// Folds runs of consecutive identical sibling groups (see the header).
void foldRepeats(const hierarchy::Hierarchy& h, Work& w, std::vector<Region>* regions, uint32_t* hidden) {
  // Layers directly in each group (by their node's deepest group).
  std::vector<std::vector<uint32_t>> direct(h.groupCount());
  for (uint32_t i = 0; i < w.layers.size(); ++i)
    if (w.layers[i].kind == LayerKind::Op && w.layers[i].node.index < h.node_group.size())
      direct[h.node_group[w.layers[i].node.index].index].push_back(i);
  auto subtreeLayers = [&](hierarchy::GroupId g) {
    std::vector<uint32_t> r;
    for (uint32_t k = g.index; k < h.groups[g.index].subtree_end; ++k)
      for (uint32_t l : direct[k])
        if (w.alive[l]) r.push_back(l);
    return r;
  };
  std::vector<uint8_t> in_set(w.layers.size(), 0);
  for (const hierarchy::Group& parent : h.groups) {
    // Siblings in flow order (their first layer), whatever order the hierarchy lists them in.
    std::vector<std::pair<uint32_t, hierarchy::GroupId>> order;
    for (hierarchy::GroupId c : parent.children) {
      const std::vector<uint32_t> ls = subtreeLayers(c);
      if (!ls.empty()) order.push_back({*std::min_element(ls.begin(), ls.end()), c});
    }
    std::sort(order.begin(), order.end());
    std::vector<hierarchy::GroupId> ch;
    for (const auto& o : order) ch.push_back(o.second);
    for (size_t i = 0; i < ch.size();) {
      const int32_t cls = h.group(ch[i]).repeat_class;
      if (cls < 0) { ++i; continue; }
      // Extend the run while the next sibling is of the same class and fed by this one.
      std::vector<std::vector<uint32_t>> inst{subtreeLayers(ch[i])};
      size_t j = i + 1;
      while (j < ch.size() && h.group(ch[j]).repeat_class == cls) {
        std::vector<uint32_t> next = subtreeLayers(ch[j]);
        for (uint32_t l : inst.back()) in_set[l] = 1;
        bool fed = false;
        for (uint32_t l : next)
          for (uint32_t p : w.in[l]) fed = fed || in_set[p];
        for (uint32_t l : inst.back()) in_set[l] = 0;
        if (!fed || next.empty()) break;
        inst.push_back(std::move(next));
        ++j;
      }
      // Blocks of fewer than 3 ops (an MLP's two Linear modules, MatMul + Add) stay
      // drawn: a frame marked ×N says a block repeats, not that two layers look alike.
      uint32_t ops = 0;
      for (uint32_t l : inst[0]) {
        auto inside = [&](ir::NodeId n) { return n.index < h.node_group.size() && h.contains(ch[i], h.node_group[n.index]); };
        ops += inside(w.layers[l].node);
        for (ir::NodeId f : w.layers[l].folded) ops += inside(f);
      }
      if (inst.size() < 2 || ops < 3) { i = j > i + 1 ? j : i + 1; continue; }
      // Exits of the first instance: its layers that fed the second; entries: its
      // layers fed from outside it.
      const std::vector<uint32_t>& first = inst[0];
      for (uint32_t l : first) in_set[l] = 1;
      std::vector<uint8_t> in_second(w.layers.size(), 0), in_rest(w.layers.size(), 0);
      for (uint32_t l : inst[1]) in_second[l] = 1;
      for (size_t k = 1; k < inst.size(); ++k)
        for (uint32_t l : inst[k]) in_rest[l] = 1;
      std::vector<uint32_t> exits, entries;
      for (uint32_t l : first) {
        bool exit = false, entry = false;
        for (uint32_t s : w.out[l]) exit = exit || in_second[s];
        for (uint32_t p : w.in[l]) entry = entry || !in_set[p];
        if (exit) exits.push_back(l);
        if (entry) entries.push_back(l);
      }
      // Rewire what the later instances exchanged with the outside, then drop them.
      std::vector<std::pair<uint32_t, uint32_t>> add;
      for (size_t k = 1; k < inst.size(); ++k)
        for (uint32_t l : inst[k]) {
          for (uint32_t s : w.out[l])
            if (!in_rest[s] && !in_set[s])
              for (uint32_t x : exits) add.push_back({x, s});
          for (uint32_t p : w.in[l])
            if (!in_rest[p] && !in_set[p])
              for (uint32_t x : entries) add.push_back({p, x});
        }
      for (size_t k = 1; k < inst.size(); ++k)
        for (uint32_t l : inst[k]) {
          w.remove(l, false);
          ++*hidden;
        }
      for (auto [a, b] : add)
        if (w.alive[a] && w.alive[b]) w.link(a, b);
      for (uint32_t l : first) in_set[l] = 0;
      Region r;
      r.name = scene::cleanText(h.group(ch[i]).name, 80);
      r.repeat = static_cast<uint32_t>(inst.size());
      r.layers = first;
      regions->push_back(std::move(r));
      i = j;
    }
  }
}

// Which op names a merged module box: the most telling one it holds.
int opRank(scene::OpCategory c) {
  using C = scene::OpCategory;
  switch (c) {
    case C::Conv: return 0;
    case C::MatMul: return 1;
    case C::Normalization: return 2;
    case C::Pooling: return 3;
    case C::Control: return 4;
    case C::Quantization: return 5;
    case C::Math: return 6;
    case C::Activation: return 7;
    case C::Tensor: return 8;
    default: return 9;
  }
}

// One layer per deepest name scope holding several layers (a PyTorch module, a Keras
// layer): the layers of a leaf group contract into its first one.
void mergeModules(const hierarchy::Hierarchy& h, const ir::Graph& g, Work& w) {
  const size_t n = w.layers.size();
  std::vector<uint32_t> rep(n);
  std::vector<uint32_t> first_of(h.groupCount(), kNoIndex), count(h.groupCount(), 0);
  for (uint32_t i = 0; i < n; ++i) {
    rep[i] = i;
    const Layer& l = w.layers[i];
    if (!w.alive[i] || l.kind != LayerKind::Op || l.node.index >= h.node_group.size()) continue;
    const uint32_t grp = h.node_group[l.node.index].index;
    if (grp == 0 || !h.groups[grp].children.empty()) continue;
    ++count[grp];
    if (first_of[grp] == kNoIndex) first_of[grp] = i;
    rep[i] = first_of[grp];
  }
  for (uint32_t i = 0; i < n; ++i) {
    const Layer& l = w.layers[i];
    if (!w.alive[i] || l.kind != LayerKind::Op || l.node.index >= h.node_group.size()) continue;
    const uint32_t grp = h.node_group[l.node.index].index;
    if (grp == 0 || count[grp] < 2) rep[i] = i;
  }
  for (uint32_t i = 0; i < n; ++i) {
    if (rep[i] == i || !w.alive[i]) continue;
    Layer& host = w.layers[rep[i]];
    Layer& v = w.layers[i];
    if (host.folded.empty() && !host.name.empty()) {
      // First merge: the box now stands for its scope.
      const uint32_t grp = h.node_group[host.node.index].index;
      host.name = scene::cleanText(h.groups[grp].path.empty() ? h.groups[grp].name : h.groups[grp].path, 200);
    }
    host.folded.push_back(v.node);
    host.folded.insert(host.folded.end(), v.folded.begin(), v.folded.end());
    host.shape = v.shape;  // graph order: the module's last layer gives its output
    host.params += v.params;
    if (opRank(v.category) < opRank(host.category)) {
      // The box is named and coloured by its most telling op; keep the old one folded.
      host.op_type.swap(v.op_type);
      host.category = v.category;
      std::swap(host.node, v.node);
      host.folded.back() = v.node;
    }
    const std::vector<uint32_t> ps = w.in[i], ss = w.out[i];
    w.remove(i, false);
    for (uint32_t p : ps) w.link(rep[p] == rep[i] ? rep[i] : p, rep[i]);
    for (uint32_t s2 : ss) w.link(rep[i], s2);
  }
  // A LayerNorm exported as ops (opset < 17: ReduceMean, Sub, Pow, Sqrt, Div, Mul, Add)
  // is a normalisation and an Erf-based GELU an activation, whatever op came first.
  for (uint32_t i = 0; i < n; ++i) {
    Layer& l = w.layers[i];
    if (!w.alive[i] || l.folded.empty() || l.category == scene::OpCategory::Conv ||
        l.category == scene::OpCategory::MatMul)
      continue;
    bool mean = false, root = false, div = false, erf = false;
    auto see = [&](ir::NodeId id) {
      const std::string& op = g.node(id).op_type;
      mean = mean || op == "ReduceMean";
      root = root || op == "Sqrt";
      div = div || op == "Div" || op == "Reciprocal";
      erf = erf || op == "Erf";
    };
    see(l.node);
    for (ir::NodeId f : l.folded) see(f);
    if (mean && root && div) {
      l.op_type = "LayerNormalization";
      l.category = scene::OpCategory::Normalization;
    } else if (erf) {  // GELU as x * 0.5 * (1 + erf(x / sqrt 2)): an activation, folded like one
      l.op_type = "Gelu";
      l.category = scene::OpCategory::Activation;
    }
  }
}

}  // namespace

std::vector<uint32_t> LayerGraph::preds(uint32_t layer) const {
  std::vector<uint32_t> r;
  for (const LayerEdge& e : edges)
    if (e.to == layer) r.push_back(e.from);
  return r;
}

uint32_t LayerGraph::groupAtDepth(uint32_t layer, uint32_t depth) const {
  uint32_t g = layers[layer].group;
  if (g >= groups.size() || groups[g].depth < depth) return 0;
  while (groups[g].depth > depth) g = groups[g].parent;
  return g;
}

std::vector<uint32_t> LayerGraph::succs(uint32_t layer) const {
  std::vector<uint32_t> r;
  for (const LayerEdge& e : edges)
    if (e.from == layer) r.push_back(e.to);
  return r;
}

Result<LayerGraph> buildLayerGraph(const ir::Model& model, const shapes::InferenceResult& inference,
                                   const shapes::Metrics& metrics, const LayerGraphOptions& options) {
  auto h = hierarchy::buildHierarchy(model);
  if (!h) return h.error();
  hierarchy::VisibleOptions vo;
  vo.fold = hierarchy::kFoldableCategories;
  vo.stub_fan_out = 0;
  const hierarchy::VisibleGraph vg = hierarchy::visibleGraph(*h, hierarchy::expandAll(*h), vo);
  const ir::Graph& g = model.main();
  auto ignored = [&](const std::string& op) {
    return std::find(options.type_ignore.begin(), options.type_ignore.end(), op) != options.type_ignore.end();
  };

  LayerGraph out;
  out.bookkeeping_nodes = vg.folded_nodes;
  for (const hierarchy::Group& grp : h->groups)
    out.groups.push_back(LayerGroup{scene::cleanText(grp.name, 120), grp.parent.valid() ? grp.parent.index : 0u, grp.depth});
  Work w;
  std::vector<uint32_t> layer_of_item(vg.items.size(), kNoIndex);
  for (size_t i = 0; i < vg.items.size(); ++i) {
    const hierarchy::VisibleItem& it = vg.items[i];
    Layer l;
    if (it.kind == hierarchy::ItemKind::Node) {
      const ir::Node& n = g.nodes[it.index];
      l.kind = LayerKind::Op;
      l.node = ir::NodeId{it.index};
      l.op_type = scene::cleanText(n.op_type, 64);
      l.name = scene::cleanText(n.name.empty() ? n.op_type : n.name, 200);
      l.category = scene::categoryOf(n.domain, n.op_type);
      l.shape = outputShape(model, inference, n.outputs.empty() ? ir::ValueId{} : n.outputs[0]);
      l.params = metrics.node(l.node).params;
      if (it.index < h->node_group.size()) l.group = h->node_group[it.index].index;
    } else if (it.kind == hierarchy::ItemKind::Input && options.show_inputs) {
      const ir::ValueId v = h->topology.inputs[it.index];
      l.kind = LayerKind::Input;
      l.value = v;
      l.op_type = "Input";
      l.name = scene::cleanText(g.value(v).name, 200);
      l.category = scene::OpCategory::InputOutput;
      l.shape = outputShape(model, inference, v);
    } else {
      continue;
    }
    layer_of_item[i] = static_cast<uint32_t>(w.layers.size());
    w.layers.push_back(std::move(l));
  }
  const size_t n = w.layers.size();
  w.alive.assign(n, 1);
  w.in.resize(n);
  w.out.resize(n);
  for (const hierarchy::VisibleEdge& e : vg.edges) {
    const uint32_t a = layer_of_item[e.from], b = layer_of_item[e.to];
    if (a != kNoIndex && b != kNoIndex) w.link(a, b);
  }

  for (uint32_t i = 0; i < n; ++i)
    if (ignored(w.layers[i].op_type)) {
      w.remove(i, true);
      ++out.ignored_layers;
    }

  if (options.modules) mergeModules(*h, g, w);

  if (options.fold_activations) {
    for (uint32_t i = 0; i < n; ++i) {
      Layer& v = w.layers[i];
      const bool activation = v.category == scene::OpCategory::Activation;
      if (!w.alive[i] || v.kind != LayerKind::Op || (!activation && !isReshape(v.op_type))) continue;
      if (w.in[i].size() != 1) continue;
      const uint32_t p = w.in[i][0];
      if (w.layers[p].kind != LayerKind::Op || w.out[p].size() != 1) continue;
      Layer& host = w.layers[p];
      host.folded.push_back(v.node);
      host.folded.insert(host.folded.end(), v.folded.begin(), v.folded.end());
      if (activation) host.shape = v.shape;  // a reshape keeps the box of the layer that computed the data
      host.params += v.params;
      w.remove(i, true);
      ++out.folded_activations;
    }
  }

  if (options.fold_repeats) foldRepeats(*h, w, &out.regions, &out.repeat_hidden);

  // Compact: alive layers keep their order.
  std::vector<uint32_t> index(n, kNoIndex);
  for (uint32_t i = 0; i < n; ++i)
    if (w.alive[i]) {
      index[i] = static_cast<uint32_t>(out.layers.size());
      out.layers.push_back(std::move(w.layers[i]));
    }
  for (uint32_t i = 0; i < n; ++i)
    if (w.alive[i])
      for (uint32_t s : w.out[i]) out.edges.push_back({index[i], index[s]});
  std::sort(out.edges.begin(), out.edges.end(),
            [](const LayerEdge& a, const LayerEdge& b) { return a.from != b.from ? a.from < b.from : a.to < b.to; });
  for (size_t r = 0; r < out.regions.size(); ++r) {
    std::vector<uint32_t> kept;
    for (uint32_t l : out.regions[r].layers)
      if (index[l] != kNoIndex) kept.push_back(index[l]);
    out.regions[r].layers = std::move(kept);
  }
  // Regions that lost all their layers (an enclosing run dropped them) go; the
  // others mark their layers (inner regions win: they come later).
  out.regions.erase(std::remove_if(out.regions.begin(), out.regions.end(),
                                   [](const Region& r) { return r.layers.empty(); }),
                    out.regions.end());
  for (size_t r = 0; r < out.regions.size(); ++r)
    for (uint32_t l : out.regions[r].layers) out.layers[l].region = static_cast<int32_t>(r);
  out.modules = options.modules;
  if (!options.modules && options.modules_above > 0 && out.layers.size() > options.modules_above &&
      h->source != hierarchy::NameSource::None) {
    LayerGraphOptions again = options;
    again.modules = true;
    return buildLayerGraph(model, inference, metrics, again);
  }
  return out;
}

BoxDims boxDims(const ir::Shape& shape, std::string_view op_type, int8_t forced) {
  BoxDims d;
  if (!shape.rank_known) return d;
  auto at = [&](size_t i) { return shape.dims[i].isKnown() && shape.dims[i].value > 0 ? shape.dims[i].value : -1; };
  const size_t r = shape.rank();
  if (r >= 4) {
    d.c = at(1), d.h = at(r - 2), d.w = at(r - 1);
  } else if (r == 3) {
    const scene::OpCategory c = scene::categoryOf("", op_type);
    const bool channels_first = forced >= 0 ? forced == 1
                                            : c == scene::OpCategory::Conv || c == scene::OpCategory::Pooling ||
                                                  op_type == "BatchNormalization" || op_type == "InstanceNormalization";
    if (channels_first) d.c = at(1), d.h = at(2);
    else d.h = at(1), d.c = at(2);
  } else if (r == 2) {
    d.h = at(1);
  } else if (r == 1) {
    d.h = at(0);
  }
  return d;
}

}  // namespace nf::views
