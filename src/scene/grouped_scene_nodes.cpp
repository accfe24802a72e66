// The boxes and edge labels of a grouped scene's items (see grouped_scene.h):
// op, input and output boxes are copied from the whole graph's display graph (built
// once), closed groups and series rests get a Group box made on first use.
#include <algorithm>
#include <map>
#include <string_view>

#include "scene/grouped_scene_internal.h"

namespace nf::scene::grouped {

namespace {

const char* kTimes = "\xC3\x97";  // ×

// Edge labels longer than this are cut with an ellipsis.
constexpr float kMaxLabelWidth = 200.0f;

std::string countText(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "MatMul ×4  Add ×3  Softmax ×1": the most common op types of the nodes of the
// group id range [begin, end), folded categories left out (they are not drawn).
std::string topOpTypes(const ir::Model& model, const hierarchy::Hierarchy& h, uint32_t begin, uint32_t end,
                       uint8_t fold) {
  const ir::Graph& g = model.graph(h.graph);
  std::map<std::string_view, uint32_t> counts;
  for (uint32_t gi = begin; gi < end && gi < h.groups.size(); ++gi)
    for (ir::NodeId n : h.groups[gi].nodes) {
      if (h.declutter.node_categories[n.index] & fold) continue;
      ++counts[g.nodes[n.index].op_type];
    }
  std::vector<std::pair<std::string_view, uint32_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (size_t i = 0; i < sorted.size() && i < 3; ++i) {
    if (i) out += "  ";
    out += std::string(sorted[i].first) + " " + kTimes + std::to_string(sorted[i].second);
  }
  return out;
}

void addRow(DisplayNode& node, RowKind kind, const std::string& text, const TextMetrics& m) {
  const BoxStyle& st = boxStyle();
  BoxRow row;
  row.kind = kind;
  row.text = fitText(m, cleanText(text, 512), st.body_font, FontStyle::Regular, st.max_text_width);
  node.rows.push_back(std::move(row));
}

std::unique_ptr<DisplayNode> groupBox(const ir::Model& model, const hierarchy::Hierarchy& h,
                                      const GroupedOptions& options, const std::string& title, uint32_t group,
                                      int32_t repeat_class, uint64_t node_count, uint32_t begin, uint32_t end) {
  const BoxStyle& st = boxStyle();
  const TextMetrics& m = options.build.metrics ? *options.build.metrics : defaultMetrics();
  auto n = std::make_unique<DisplayNode>();
  n->kind = NodeKind::Group;
  n->category = OpCategory::Other;
  n->graph = h.graph;
  n->group = group;
  n->repeat_class = repeat_class;
  n->title = fitText(m, cleanText(title, 512), st.header_font, FontStyle::Bold, st.max_text_width);
  n->name = cleanText(title, 1024);
  addRow(*n, RowKind::Attributes, countText(node_count, "node", "nodes"), m);
  const std::string types = topOpTypes(model, h, begin, end, options.visible.fold & hierarchy::kFoldableCategories);
  if (!types.empty()) addRow(*n, RowKind::Attributes, types, m);
  measureNode(*n, m);
  return n;
}

const DisplayNode& closedGroupBox(NodeSource& src, const ir::Model& model, const hierarchy::Hierarchy& h,
                                  const GroupedOptions& options, uint32_t g) {
  if (src.group_box.size() < h.groups.size()) src.group_box.resize(h.groups.size());
  if (!src.group_box[g]) {
    const hierarchy::Group& grp = h.groups[g];
    src.group_box[g] = groupBox(model, h, options, grp.name, g, grp.repeat_class, grp.node_count, g, grp.subtree_end);
  }
  return *src.group_box[g];
}

const DisplayNode& seriesRestBox(NodeSource& src, const ir::Model& model, const hierarchy::Hierarchy& h,
                                 const GroupedOptions& options, uint32_t s) {
  if (src.rest_box.size() < h.groups.size()) src.rest_box.resize(h.groups.size());
  if (!src.rest_box[s]) {
    const hierarchy::Group& series = h.groups[s];
    uint64_t count = 0;
    int32_t cls = -1;
    uint32_t begin = series.subtree_end;
    if (series.children.size() >= 2) {
      begin = series.children[1].index;
      cls = h.group(series.children[1]).repeat_class;
      for (size_t i = 1; i < series.children.size(); ++i) count += h.group(series.children[i]).node_count;
    }
    src.rest_box[s] = groupBox(model, h, options, hierarchy::seriesRestName(h, hierarchy::GroupId{s}), s, cls, count,
                               begin, series.subtree_end);
  }
  return *src.rest_box[s];
}

DisplayNode fallbackBox(NodeKind kind, const std::string& title, const TextMetrics& m) {
  const BoxStyle& st = boxStyle();
  DisplayNode n;
  n.kind = kind;
  n.category = OpCategory::InputOutput;
  n.title = fitText(m, cleanText(title, 512), st.header_font, FontStyle::Bold, st.max_text_width);
  n.name = cleanText(title);
  measureNode(n, m);
  return n;
}

}  // namespace

void initNodeSource(NodeSource& src, const ir::Model& model, const hierarchy::Hierarchy& h,
                    Result<DisplayGraph> base) {
  if (!base) {
    src.base_error = base.error().message;
    return;
  }
  src.base = std::move(base.value());
  src.base_ok = true;
  const ir::Graph& g = model.graph(h.graph);
  std::vector<uint32_t> input_of_value(g.values.size(), kNoIndex);
  std::vector<uint32_t> outputs;
  for (uint32_t i = 0; i < src.base.nodes.size(); ++i) {
    const DisplayNode& n = src.base.nodes[i];
    if (n.graph != h.graph || n.owner != kNoIndex) continue;
    if (n.kind == NodeKind::Input && n.value.valid() && n.value.index < input_of_value.size())
      input_of_value[n.value.index] = i;
    if (n.kind == NodeKind::Output) outputs.push_back(i);
  }
  const hierarchy::Topology& t = h.topology;
  src.input_node.assign(t.inputs.size(), kNoIndex);
  for (size_t i = 0; i < t.inputs.size(); ++i)
    if (t.inputs[i].index < input_of_value.size()) src.input_node[i] = input_of_value[t.inputs[i].index];
  src.output_node.assign(t.outputs.size(), kNoIndex);
  for (size_t i = 0; i < t.outputs.size() && i < outputs.size(); ++i) src.output_node[i] = outputs[i];
  src.value_edge.assign(g.values.size(), kNoIndex);
  for (uint32_t e = 0; e < src.base.edges.size(); ++e) {
    const DisplayEdge& de = src.base.edges[e];
    if (de.graph == h.graph && de.value.index < src.value_edge.size() && src.value_edge[de.value.index] == kNoIndex)
      src.value_edge[de.value.index] = e;
  }
}

void makeItemNodes(NodeSource& src, const ir::Model& model, const hierarchy::Hierarchy& h,
                   const GroupedOptions& options, const hierarchy::VisibleGraph& vg, DisplayGraph& out) {
  using hierarchy::ItemKind;
  const TextMetrics& m = options.build.metrics ? *options.build.metrics : defaultMetrics();
  const ir::Graph& g = model.graph(h.graph);
  out.graph = h.graph;
  out.nodes.clear();
  out.nodes.reserve(vg.items.size());
  out.node_of_op.assign(g.nodes.size(), kNoIndex);
  size_t a = 0;  // annotations are sorted by host
  for (uint32_t i = 0; i < vg.items.size(); ++i) {
    const hierarchy::VisibleItem& it = vg.items[i];
    switch (it.kind) {
      case ItemKind::Node: {
        const uint32_t d = it.index < src.base.node_of_op.size() ? src.base.node_of_op[it.index] : kNoIndex;
        if (d != kNoIndex) out.nodes.push_back(src.base.nodes[d]);
        else out.nodes.push_back(fallbackBox(NodeKind::Op, g.nodes[it.index].op_type, m));
        out.node_of_op[it.index] = i;
        break;
      }
      case ItemKind::Input: {
        const uint32_t d = it.index < src.input_node.size() ? src.input_node[it.index] : kNoIndex;
        if (d != kNoIndex) out.nodes.push_back(src.base.nodes[d]);
        else out.nodes.push_back(fallbackBox(NodeKind::Input, g.value(h.topology.inputs[it.index]).name, m));
        break;
      }
      case ItemKind::Output: {
        const uint32_t d = it.index < src.output_node.size() ? src.output_node[it.index] : kNoIndex;
        if (d != kNoIndex) out.nodes.push_back(src.base.nodes[d]);
        else out.nodes.push_back(fallbackBox(NodeKind::Output, g.value(h.topology.outputs[it.index]).name, m));
        break;
      }
      case ItemKind::Group: out.nodes.push_back(closedGroupBox(src, model, h, options, it.index)); break;
      case ItemKind::SeriesRest: out.nodes.push_back(seriesRestBox(src, model, h, options, it.index)); break;
    }
    // Folded nodes feeding a Node item: one dim row per category.
    while (a < vg.annotations.size() && vg.annotations[a].host < i) ++a;
    if (a < vg.annotations.size() && vg.annotations[a].host == i) {
      uint32_t constants = 0, shapes = 0, pass = 0;
      for (; a < vg.annotations.size() && vg.annotations[a].host == i; ++a) {
        const uint8_t c = vg.annotations[a].category;
        if (c & hierarchy::kCategoryConstant) ++constants;
        else if (c & hierarchy::kCategoryShape) ++shapes;
        else if (c & hierarchy::kCategoryPassThrough) ++pass;
      }
      DisplayNode& n = out.nodes.back();
      if (constants) addRow(n, RowKind::Name, "+" + countText(constants, "constant", "constants"), m);
      if (shapes) addRow(n, RowKind::Name, "+" + countText(shapes, "shape op", "shape ops"), m);
      if (pass) addRow(n, RowKind::Name, "+" + countText(pass, "pass-through", "pass-throughs"), m);
      measureNode(n, m);
    }
  }
  out.folded_tensors = 0;
  for (const DisplayNode& n : out.nodes)
    for (const BoxRow& r : n.rows) out.folded_tensors += r.kind == RowKind::Tensor;
}

void makeItemEdges(const NodeSource& src, const ir::Model& model, const hierarchy::Hierarchy& h,
                   const GroupedOptions& options, const hierarchy::VisibleGraph& vg, DisplayGraph& out) {
  const BoxStyle& st = boxStyle();
  const TextMetrics& m = options.build.metrics ? *options.build.metrics : defaultMetrics();
  (void)model;
  out.edges.clear();
  out.edges.resize(vg.edges.size());
  auto shapeOf = [&](ir::ValueId v) -> std::string {
    const uint32_t e = v.index < src.value_edge.size() ? src.value_edge[v.index] : kNoIndex;
    return e == kNoIndex ? std::string() : src.base.edges[e].label;
  };
  for (size_t j = 0; j < vg.edges.size(); ++j) {
    const hierarchy::VisibleEdge& ve = vg.edges[j];
    DisplayEdge& de = out.edges[j];
    de.from = ve.from;
    de.to = ve.to;
    de.graph = h.graph;
    const auto values = vg.values(ve);
    if (!values.empty()) de.value = values[0];
    if (ve.stub) {
      de.label = fitText(m, out.nodes[ve.from].title, st.label_font, FontStyle::Regular, kMaxLabelWidth * 0.6f);
      continue;
    }
    if (values.size() == 1) {
      de.label = shapeOf(values[0]);
      continue;
    }
    std::vector<std::string> shapes;
    for (ir::ValueId v : values) {
      std::string s = shapeOf(v);
      if (s.empty() || std::find(shapes.begin(), shapes.end(), s) != shapes.end()) continue;
      shapes.push_back(std::move(s));
      if (shapes.size() > 6) break;
    }
    std::string label = countText(values.size(), "tensor", "tensors");
    for (size_t k = 0; k < shapes.size(); ++k) label += (k ? ", " : " ") + shapes[k];
    de.label = fitText(m, label, st.label_font, FontStyle::Regular, kMaxLabelWidth);
  }
}

}  // namespace nf::scene::grouped
