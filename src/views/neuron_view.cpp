#include "views/neuron_view.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "base/checked.h"
#include "base/strings.h"
#include "scene/categories.h"
#include "scene/display_graph.h"
#include "weights/decode.h"

namespace nf::views {

namespace {


// A dense layer: y = x W with W [in, out], stored as `weight` ([out, in] when transposed).
struct Dense {
  int64_t in = 0, out = 0;
  const ir::Tensor* weight = nullptr;
  bool transposed = false;
};

const ir::Tensor* constantTensor(const ir::Graph& g, ir::ValueId v) {
  if (!v.valid()) return nullptr;
  const ir::Value& val = g.value(v);
  if (val.initializer >= 0) return &g.initializers[static_cast<size_t>(val.initializer)];
  if (val.producer.valid()) {
    const ir::Node& p = g.node(val.producer);
    if (p.op_type == "Constant")
      if (const ir::Attribute* a = p.attr("value"); a && !a->tensors.empty()) return &a->tensors[0];
  }
  return nullptr;
}

bool denseOf(const ir::Model& model, const shapes::InferenceResult* inferred, const Layer& l, Dense* d) {
  if (l.kind != LayerKind::Op || (l.op_type != "Gemm" && l.op_type != "MatMul")) return false;
  const ir::Graph& g = model.main();
  const ir::Node& n = g.node(l.node);
  if (n.inputs.size() < 2 || !n.inputs[1].valid()) return false;
  std::vector<int64_t> dims;
  const ir::Tensor* w = constantTensor(g, n.inputs[1]);
  if (w) {
    dims = w->dims;
  } else {
    // A weight made by ConstantOfShape (files with their weights stripped): a dense
    // layer whose values are not in the file; its dims from shape inference.
    const ir::Value& v = g.value(n.inputs[1]);
    if (!inferred || !v.producer.valid() || g.node(v.producer).op_type != "ConstantOfShape") return false;
    const ir::Type& t = inferred->type(ir::GraphId{0}, n.inputs[1]);
    if (t.kind != ir::Type::Kind::Tensor || !t.shape.fullyKnown()) return false;
    for (const ir::Dim& dim : t.shape.dims) dims.push_back(dim.value);
  }
  if (dims.size() != 2 || dims[0] <= 0 || dims[1] <= 0) return false;
  bool trans = false;
  if (l.op_type == "Gemm")
    if (const ir::Attribute* a = n.attr("transB")) trans = a->i != 0;
  d->weight = w;
  d->transposed = trans;
  d->in = trans ? dims[1] : dims[0];
  d->out = trans ? dims[0] : dims[1];
  return true;
}

// Layers that may sit between dense layers without breaking the chain.
bool joins(const Layer& l) {
  using C = scene::OpCategory;
  if (l.kind != LayerKind::Op) return false;
  if (l.category == C::Activation || l.category == C::Normalization) return true;
  static const char* kOps[] = {"Flatten", "Reshape", "Squeeze", "Unsqueeze", "Add", "Sub", "Mul", "Div", "Identity", "Dropout"};
  return std::find(std::begin(kOps), std::end(kOps), l.op_type) != std::end(kOps);
}

std::string titleOf(const Layer& l, const ir::Model& model) {
  std::string t = l.op_type;
  for (ir::NodeId f : l.folded) t += " · " + scene::cleanText(model.main().node(f).op_type, 40);
  return t;
}

// Weights between the drawn neurons of two columns; false when they cannot be read.
bool readWeights(const ir::Model& model, const Dense& d, const NeuronColumn& prev, NeuronColumn& col) {
  int64_t total = 0;
  if (!d.weight) return false;
  if (!checkedSizeMul(d.in, d.out, &total) || d.weight->elementCount() != total || prev.units != d.in) return false;
  col.weights.assign(col.shown.size(), std::vector<float>(prev.shown.size(), 0.0f));
  // One contiguous row per drawn neuron: [out, in] rows are outputs, [in, out] rows inputs.
  const std::vector<int64_t>& rows = d.transposed ? col.shown : prev.shown;
  const int64_t row_len = d.transposed ? d.in : d.out;
  for (size_t r = 0; r < rows.size(); ++r) {
    auto vals = weights::readElements(model, *d.weight, rows[r] * row_len, row_len);
    if (!vals) {
      col.weights.clear();
      return false;
    }
    const std::vector<int64_t>& across = d.transposed ? prev.shown : col.shown;
    for (size_t c = 0; c < across.size(); ++c) {
      const float v = static_cast<float>((*vals)[static_cast<size_t>(across[c])]);
      if (d.transposed) col.weights[r][c] = v;
      else col.weights[c][r] = v;
    }
  }
  return true;
}

}  // namespace

std::vector<int64_t> shownUnits(int64_t units, uint32_t max_neurons, uint32_t* gap_after) {
  const int64_t cap = std::max<int64_t>(3, max_neurons);
  std::vector<int64_t> shown;
  *gap_after = 0;
  if (units <= cap) {
    for (int64_t i = 0; i < std::max<int64_t>(units, 0); ++i) shown.push_back(i);
    return shown;
  }
  const int64_t drawn = cap - 1, first = (drawn + 1) / 2, last = drawn - first;
  for (int64_t i = 0; i < first; ++i) shown.push_back(i);
  for (int64_t i = units - last; i < units; ++i) shown.push_back(i);
  *gap_after = static_cast<uint32_t>(first);
  return shown;
}

DensePart densePartOf(const LayerGraph& g, const std::vector<DenseLayer>& dense, const std::vector<std::string>& titles,
                      const NeuronOptions& options, const WeightReader& read) {
  DensePart part;
  const size_t n = g.layers.size();
  std::vector<uint8_t> is_dense(n, 0), ok(n, 0);
  for (size_t i = 0; i < n; ++i) {
    is_dense[i] = i < dense.size() && dense[i].dense;
    ok[i] = is_dense[i] || joins(g.layers[i]);
  }
  auto title = [&](size_t i) { return i < titles.size() ? titles[i] : g.layers[i].op_type; };
  std::vector<std::vector<uint32_t>> preds(n), succs(n);
  for (const LayerEdge& e : g.edges) preds[e.to].push_back(e.from), succs[e.from].push_back(e.to);
  // Longest chain by dense layers: each link is a layer's only input from its only output.
  std::vector<uint32_t> best(n, 0), from(n, kNoIndex);
  for (size_t i = 0; i < n; ++i) {
    if (!ok[i]) continue;
    best[i] = is_dense[i];
    if (preds[i].size() == 1) {
      const uint32_t p = preds[i][0];
      if (p < i && ok[p] && succs[p].size() == 1 && best[p] > 0) best[i] += best[p], from[i] = p;
    }
  }
  uint32_t end = kNoIndex;
  for (size_t i = 0; i < n; ++i)
    if (is_dense[i] && (end == kNoIndex || best[i] >= best[end])) end = static_cast<uint32_t>(i);
  if (end == kNoIndex) {
    part.caption = "No dense layers (Gemm, or MatMul with a constant 2-D weight): nothing to draw as neurons.";
    return part;
  }
  std::vector<uint32_t> chain;
  for (uint32_t v = end; v != kNoIndex; v = from[v]) chain.push_back(v);
  std::reverse(chain.begin(), chain.end());
  // Trailing layers after the last dense one (a Softmax left separate) join its title.
  for (uint32_t v = end; succs[v].size() == 1 && ok[succs[v][0]] && !is_dense[succs[v][0]] && preds[succs[v][0]].size() == 1;)
    chain.push_back(v = succs[v][0]);

  std::vector<uint8_t> shown_layer(n, 0);
  // Boxes: the chain's leading non-dense layers and up to 6 layers before the chain.
  std::vector<uint32_t> before;
  size_t first_dense = 0;
  while (!is_dense[chain[first_dense]]) ++first_dense;
  for (uint32_t v = chain[0], k = 0; preds[v].size() == 1 && k < 6; ++k) {
    v = preds[v][0];
    if (g.layers[v].kind == LayerKind::Input) break;
    before.push_back(v);
  }
  std::reverse(before.begin(), before.end());
  for (size_t k = 0; k < first_dense; ++k) before.push_back(chain[k]);
  for (uint32_t v : before) {
    const Layer& l = g.layers[v];
    part.boxes.push_back(NeuronBox{title(v), l.shape.rank_known ? scene::shapeLabel(l.shape) : std::string(), l.category,
                                   static_cast<int32_t>(v)});
    shown_layer[v] = 1;
  }

  // Columns: the input of the first dense layer, then every dense layer.
  const DenseLayer& d0 = dense[chain[first_dense]];
  NeuronColumn input;
  input.role = NeuronRole::Input;
  input.title = before.empty() ? "Input" : "Input features";
  input.units = d0.in;
  input.shown = shownUnits(input.units, options.max_neurons, &input.gap_after);
  if (const uint32_t head = chain[first_dense]; preds[head].size() == 1) input.layer = static_cast<int32_t>(preds[head][0]);
  part.columns.push_back(std::move(input));
  for (size_t k = first_dense; k < chain.size(); ++k) {
    const uint32_t v = chain[k];
    shown_layer[v] = 1;
    if (!is_dense[v]) {
      if (g.layers[v].category == scene::OpCategory::Activation || k + 1 == chain.size())
        part.columns.back().title += " · " + title(v);
      continue;
    }
    NeuronColumn col;
    col.role = NeuronRole::Hidden;
    col.title = title(v);
    col.units = dense[v].out;
    col.shown = shownUnits(col.units, options.max_neurons, &col.gap_after);
    col.layer = static_cast<int32_t>(v);
    if (options.weights && read && read(v, part.columns.back(), col)) part.weights_read = true;
    part.columns.push_back(std::move(col));
    ++part.dense_layers;
  }
  part.columns.back().role = NeuronRole::Output;

  // Caption: what the picture leaves out.
  std::map<std::string, uint32_t> left;
  uint32_t left_count = 0;
  for (size_t i = 0; i < n; ++i)
    if (!shown_layer[i] && g.layers[i].kind == LayerKind::Op) ++left[g.layers[i].op_type], ++left_count;
  int64_t params = 0;
  for (size_t i = 0; i < n; ++i)
    if (is_dense[i] && shown_layer[i]) params += g.layers[i].params;
  part.caption = std::to_string(part.dense_layers) + " dense layer" + (part.dense_layers == 1 ? "" : "s") + ", " +
                 humanCount(static_cast<double>(params)) + " parameters";
  if (left_count == 0) {
    part.caption += ": the whole model.";
  } else {
    std::vector<std::pair<uint32_t, std::string>> by_count;
    for (const auto& [op, c] : left) by_count.push_back({c, op});
    std::sort(by_count.begin(), by_count.end(), [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    std::string list;
    for (size_t k = 0; k < by_count.size() && k < 6; ++k)
      list += (k ? ", " : "") + std::to_string(by_count[k].first) + " " + by_count[k].second;
    if (by_count.size() > 6) list += ", ...";
    part.caption += ". Left out: " + std::to_string(left_count) + " layer" + (left_count == 1 ? "" : "s") + " (" +
                    list + ").";
  }
  return part;
}

DensePart findDensePart(const ir::Model& model, const LayerGraph& g, const NeuronOptions& options,
                        const shapes::InferenceResult* inferred) {
  const size_t n = g.layers.size();
  std::vector<Dense> weights(n);
  std::vector<DenseLayer> dense(n);
  std::vector<std::string> titles(n);
  for (size_t i = 0; i < n; ++i) {
    if (denseOf(model, inferred, g.layers[i], &weights[i])) dense[i] = DenseLayer{true, weights[i].in, weights[i].out};
    titles[i] = titleOf(g.layers[i], model);
  }
  return densePartOf(g, dense, titles, options, [&](uint32_t layer, const NeuronColumn& prev, NeuronColumn& col) {
    return readWeights(model, weights[layer], prev, col);
  });
}

Drawing drawNeurons(const DensePart& part, bool dark) {
  Drawing d;
  d.view = "neurons";
  const scene::NeuronLook& look = scene::neuronLook();
  const PictureLook& paper = pictureLook(dark);
  d.background = paper.background;
  // Text inside the boxes stays dark (on their light category fills); the rest follows the paper.
  const uint32_t box_text = 0x303030, box_dim = 0x606060, text_c = paper.text, dim_c = paper.dim_text;
  constexpr float kR = 9.0f, kPitch = 26.0f, kColumnGap = 170.0f, kBoxW = 104.0f, kBoxH = 52.0f, kBoxGap = 40.0f;
  float x = 0.0f;
  // Boxes for the layers before the dense part, with arrows between them.
  for (size_t b = 0; b < part.boxes.size(); ++b) {
    const NeuronBox& box = part.boxes[b];
    std::vector<std::pair<std::string, std::string>> data{{"index", std::to_string(b)}, {"op", box.title}};
    if (box.layer >= 0) data.push_back({"layer", std::to_string(box.layer)});
    d.beginGroup("box", std::move(data));
    const uint32_t fill = scene::categoryFill(box.category);
    const float bw = std::max({kBoxW, textWidth(box.title, 10.5f, true) + 16.0f, textWidth(box.detail, 9.0f) + 16.0f});
    d.rect(Rect{x, -kBoxH * 0.5f, bw, kBoxH}, fill, scene::solidShades(fill).edge, 0.8f);
    d.text(Point{x + bw * 0.5f, -3.0f}, box.title, 10.5f, box_text, TextAnchor::Middle, true);
    d.text(Point{x + bw * 0.5f, 12.0f}, box.detail, 9.0f, box_dim, TextAnchor::Middle);
    d.endGroup();
    x += bw;
    const float gap = b + 1 < part.boxes.size() ? kBoxGap : kBoxGap * 1.5f;
    if (b + 1 < part.boxes.size() || !part.columns.empty()) {
      d.line({x + 4, 0}, {x + gap - 6, 0}, paper.connector, 1.2f);
      d.polygon({{x + gap - 2, 0}, {x + gap - 9, -4}, {x + gap - 9, 4}}, paper.connector);
    }
    x += gap;
  }
  // Neuron centres per column.
  std::vector<std::vector<Point>> centers;
  std::vector<float> gap_y;
  for (size_t c = 0; c < part.columns.size(); ++c) {
    const NeuronColumn& col = part.columns[c];
    const size_t slots = col.shown.size() + (col.gap_after ? 1 : 0);
    const float top = -(static_cast<float>(slots) - 1.0f) * kPitch * 0.5f;
    std::vector<Point> pts;
    size_t slot = 0;
    for (size_t k = 0; k < col.shown.size(); ++k, ++slot) {
      if (col.gap_after && k == col.gap_after) ++slot;
      pts.push_back(Point{x + kR, top + static_cast<float>(slot) * kPitch});
    }
    gap_y.push_back(top + static_cast<float>(col.gap_after) * kPitch);
    centers.push_back(std::move(pts));
    x += kColumnGap;
  }
  // Connections (under the neurons), one group per pair of columns.
  for (size_t c = 1; c < part.columns.size(); ++c) {
    const NeuronColumn& col = part.columns[c];
    float max_abs = 0.0f;
    for (const auto& row : col.weights)
      for (float w : row) max_abs = std::max(max_abs, std::abs(w));
    d.beginGroup("connections", {{"from", std::to_string(c - 1)}, {"to", std::to_string(c)}});
    for (size_t k = 0; k < centers[c].size(); ++k)
      for (size_t i = 0; i < centers[c - 1].size(); ++i) {
        const Point a{centers[c - 1][i].x + kR, centers[c - 1][i].y}, b{centers[c][k].x - kR, centers[c][k].y};
        if (col.weights.empty() || max_abs <= 0.0f) {
          d.line(a, b, look.unknown, 0.5f, 0.55f);
          continue;
        }
        const float w = col.weights[k][i], m = std::abs(w) / max_abs;
        // Strong weights stand out: opacity grows with the square of the magnitude.
        d.line(a, b, w >= 0 ? look.positive : look.negative, 0.25f + 1.8f * m, 0.08f + 0.8f * m * m);
      }
    d.endGroup();
  }
  // Neurons and their labels, one group per column.
  for (size_t c = 0; c < part.columns.size(); ++c) {
    const NeuronColumn& col = part.columns[c];
    const uint32_t fill = col.role == NeuronRole::Input ? look.input : col.role == NeuronRole::Output ? look.output : look.hidden;
    std::vector<std::pair<std::string, std::string>> data{
        {"index", std::to_string(c)},
        {"role", col.role == NeuronRole::Input ? "input" : col.role == NeuronRole::Output ? "output" : "hidden"},
        {"units", std::to_string(col.units)},
        {"shown", std::to_string(col.shown.size())}};
    if (col.layer >= 0) data.push_back({"layer", std::to_string(col.layer)});
    d.beginGroup("neuron-layer", std::move(data));
    for (const Point& p : centers[c]) d.circle(p, kR, fill, look.outline, 0.9f);
    const float cx = centers[c].empty() ? 0.0f : centers[c][0].x;
    if (col.gap_after) {
      const float gy = gap_y[c];
      // "+M" on a light pill over the connections, in the slot the hidden units would take.
      const std::string more = "+" + withThousands(col.hidden());
      const float tw = textWidth(more, 10.0f, true);
      d.rect(Rect{cx - tw * 0.5f - 5.0f, gy - 8.0f, tw + 10.0f, 16.0f}, paper.pill, paper.pill_border, 0.6f, 0.92f);
      d.text(Point{cx, gy + 3.5f}, more, 10.0f, text_c, TextAnchor::Middle, true);
    }
    const float top = centers[c].empty() ? 0.0f : centers[c].front().y - kR;
    const float bottom = centers[c].empty() ? 0.0f : centers[c].back().y + kR;
    d.text(Point{cx, top - 10.0f}, col.title, 10.5f, text_c, TextAnchor::Middle, true);
    d.text(Point{cx, bottom + 16.0f}, withThousands(col.units) + (col.units == 1 ? " unit" : " units"), 9.5f, dim_c,
           TextAnchor::Middle);
    d.endGroup();
  }
  d.finish();
  // Caption and weight key under everything.
  const float y = d.bounds.y + d.bounds.height + 22.0f, x0 = d.bounds.x;
  d.beginGroup("caption");
  d.text(Point{x0, y}, part.caption, 10.0f, text_c);
  if (part.weights_read) {
    d.line({x0, y + 16}, {x0 + 22, y + 16}, look.positive, 2.0f);
    d.text(Point{x0 + 28, y + 19.5f}, "weight > 0", 9.5f, dim_c);
    d.line({x0 + 100, y + 16}, {x0 + 122, y + 16}, look.negative, 2.0f);
    d.text(Point{x0 + 128, y + 19.5f}, "weight < 0 · width and opacity by |weight|", 9.5f, dim_c);
  } else if (!part.columns.empty()) {
    d.text(Point{x0, y + 19.5f}, part.weights_note, 9.5f, dim_c);
  }
  d.endGroup();
  d.finish();
  return d;
}

}  // namespace nf::views
