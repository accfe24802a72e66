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
    l.op_type = input ? "Input" : scene::cleanText(n.type, 64);
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

}  // namespace nf::views
