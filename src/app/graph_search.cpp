// The graph view's search (graph_search.h).
#include "app/graph_search.h"

#include <cctype>
#include <string_view>

#include "scene/exports.h"

namespace nf::app {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

void GraphSearch::reset() {
  dropMatches();
  applied_.clear();
  cursor_ = -1;
}

void GraphSearch::dropMatches() {
  matches_.clear();
  haystack_.clear();
}

void GraphSearch::buildHaystack(const GraphPipeline& pipeline) {
  const ir::Model* model = pipeline.model();
  if (pipeline.grouped() && model) {
    // Per node of the graph: op type, name, the tensors it reads and writes.
    const ir::Graph& graph = model->graph(pipeline.graphId());
    haystack_.resize(graph.nodes.size());
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
      const ir::Node& n = graph.nodes[i];
      haystack_[i] = lower(n.op_type) + "\n" + lower(n.name);
      for (ir::ValueId v : n.inputs)
        if (v.valid()) haystack_[i] += "\n" + lower(graph.value(v).name);
      for (ir::ValueId v : n.outputs)
        if (v.valid()) haystack_[i] += "\n" + lower(graph.value(v).name);
    }
    return;
  }
  // Per box: op type, name, and the tensors on its edges and rows.
  const scene::DisplayGraph& g = pipeline.graph();
  haystack_.resize(g.nodes.size());
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const scene::DisplayNode& n = g.nodes[i];
    haystack_[i] = lower(n.title) + "\n" + lower(n.name);
    for (const scene::BoxRow& r : n.rows)
      if (r.kind == scene::RowKind::Tensor && model && r.value.valid())
        haystack_[i] += "\n" + lower(model->graph(n.graph).value(r.value).name);
  }
  if (model)
    for (const scene::DisplayEdge& e : g.edges) {
      const std::string t = "\n" + lower(scene::edgeTensorName(*model, e));
      haystack_[e.from] += t;
      haystack_[e.to] += t;
    }
}

bool GraphSearch::run(const GraphPipeline& pipeline) {
  const std::string query = lower(text_);
  if (query == applied_) return false;
  applied_ = query;
  matches_.clear();
  cursor_ = -1;
  if (!query.empty() && haystack_.empty()) buildHaystack(pipeline);
  if (!query.empty())
    for (uint32_t i = 0; i < haystack_.size(); ++i)
      if (haystack_[i].find(query) != std::string::npos) matches_.push_back(i);
  return true;
}

bool GraphSearch::advance(int delta) {
  if (matches_.empty()) return false;
  const int n = static_cast<int>(matches_.size());
  cursor_ = cursor_ < 0 ? (delta > 0 ? 0 : n - 1) : ((cursor_ + delta) % n + n) % n;
  return true;
}

}  // namespace nf::app
