#include "views/builder_layers.h"

#include <algorithm>
#include <map>

#include "scene/text_metrics.h"
#include "views/builder_look.h"

namespace nf::views {

LayerGraph layersFromBuilder(const builder::Document& doc, const builder::Analysis& a, bool fold_activations) {
  LayerGraph out;
  out.groups.push_back(LayerGroup{"", 0, 0});
  const auto& nodes = doc.nodes();
  std::map<uint32_t, uint32_t> index;  // builder node id -> layer
  std::vector<uint8_t> alive(nodes.size(), 1);
  for (size_t i = 0; i < nodes.size(); ++i) {
    const builder::Node& n = nodes[i];
    const builder::NodeReport* r = i < a.nodes.size() ? &a.nodes[i] : nullptr;
    Layer l;
    const bool input = r && r->spec && r->spec->family == builder::Family::Input;
    l.kind = input ? LayerKind::Input : LayerKind::Op;
    l.op_type = input ? "Input" : scene::cleanText(builder::typeLabel(n), 64);
    l.name = scene::cleanText(n.name, 200);
    l.category = r && r->spec ? sceneCategory(r->spec->diagram) : scene::OpCategory::Other;
    if (r && r->output) {
      // Batch first, then the dims as the PyTorch code stores them.
      std::vector<int64_t> dims{1};
      for (int64_t d : r->output->dimsFor(builder::Framework::PyTorch)) dims.push_back(d);
      l.shape = ir::Shape::ofKnown(dims);
      l.channels_first = r->output->channels_first ? 1 : 0;
      if (!r->params.overflow()) l.params = r->params.total();
    }
    l.sources = {static_cast<uint32_t>(i)};
    index[n.id.index] = static_cast<uint32_t>(i);
    out.layers.push_back(std::move(l));
  }
  std::vector<std::vector<uint32_t>> in(nodes.size()), outs(nodes.size());
  for (const builder::Edge& e : doc.edges()) {
    auto f = index.find(e.from.index), t = index.find(e.to.index);
    if (f == index.end() || t == index.end() || f->second == t->second) continue;
    if (std::find(outs[f->second].begin(), outs[f->second].end(), t->second) != outs[f->second].end()) continue;
    outs[f->second].push_back(t->second);
    in[t->second].push_back(f->second);
  }
  if (fold_activations) {
    for (uint32_t i = 0; i < nodes.size(); ++i) {
      Layer& v = out.layers[i];
      if (v.category != scene::OpCategory::Activation || in[i].size() != 1) continue;
      const uint32_t p = in[i][0];
      if (!alive[p] || out.layers[p].kind != LayerKind::Op || outs[p].size() != 1) continue;
      out.layers[p].params += v.params;
      out.layers[p].sources.insert(out.layers[p].sources.end(), v.sources.begin(), v.sources.end());
      outs[p] = outs[i];
      for (uint32_t s : outs[i]) std::replace(in[s].begin(), in[s].end(), i, p);
      alive[i] = 0;
      ++out.folded_activations;
    }
  }
  std::vector<uint32_t> remap(nodes.size(), 0xFFFFFFFFu);
  std::vector<Layer> kept;
  for (uint32_t i = 0; i < nodes.size(); ++i)
    if (alive[i]) remap[i] = static_cast<uint32_t>(kept.size()), kept.push_back(std::move(out.layers[i]));
  for (uint32_t i = 0; i < nodes.size(); ++i)
    if (alive[i])
      for (uint32_t s : outs[i])
        if (alive[s]) out.edges.push_back({remap[i], remap[s]});
  std::sort(out.edges.begin(), out.edges.end(),
            [](const LayerEdge& x, const LayerEdge& y) { return x.from != y.from ? x.from < y.from : x.to < y.to; });
  out.layers = std::move(kept);
  return out;
}

DensePart builderDensePart(const builder::Document& doc, const builder::Analysis& a, const LayerGraph& g,
                           const NeuronOptions& options) {
  const auto& nodes = doc.nodes();
  const size_t n = g.layers.size();
  std::vector<DenseLayer> dense(n);
  std::vector<std::string> titles(n);
  std::vector<std::vector<uint32_t>> preds(n);
  for (const LayerEdge& e : g.edges) preds[e.to].push_back(e.from);
  auto features = [](const Layer& l) -> int64_t {
    return l.shape.rank_known && !l.shape.dims.empty() && l.shape.dims.back().isKnown() ? l.shape.dims.back().value : 0;
  };
  for (size_t i = 0; i < n; ++i) {
    const Layer& l = g.layers[i];
    for (uint32_t s : l.sources)
      if (s < nodes.size()) titles[i] += (titles[i].empty() ? "" : " · ") + scene::cleanText(builder::typeLabel(nodes[s]), 40);
    if (titles[i].empty()) titles[i] = l.op_type;
    const uint32_t own = l.sources.empty() ? 0xFFFFFFFFu : l.sources[0];
    const builder::LayerSpec* spec = own < a.nodes.size() ? a.nodes[own].spec : nullptr;
    if (!spec || spec->family != builder::Family::Linear || preds[i].size() != 1) continue;
    const int64_t in = features(g.layers[preds[i][0]]), out = features(l);
    if (in > 0 && out > 0) dense[i] = DenseLayer{true, in, out};
  }
  DensePart part = densePartOf(g, dense, titles, options, {});
  part.weights_note = "a builder document has no trained weights: connections in grey";
  if (part.columns.empty())
    part.caption = "No Linear (Dense) layers with known features: nothing to draw as neurons.";
  return part;
}

}  // namespace nf::views
