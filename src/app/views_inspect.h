// app/views_inspect.h - views that inspect the open model's contents: the
// searchable node list, the details of the selected node, and the tensor view
// with weight statistics.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/view.h"
#include "hierarchy/hierarchy.h"
#include "hierarchy/module_summary.h"
#include "base/result.h"
#include "ir/model.h"
#include "shapes/summary.h"
#include "weights/stats.h"

namespace nf::document {
class ModelDocument;
}

namespace nf::app {

// Every node of the graph on screen, filtered by a search over names, op types and
// tensor names; a click selects the node (and the graph view focuses it).
class NodeListView final : public View {
 public:
  NodeListView() : View("Nodes", false) {}
  const char* shortcutText() const override { return "Ctrl+Shift+F"; }

 protected:
  void drawContent(AppContext& ctx) override;
  void placeWindow(const WorkArea& area) override;

 private:
  void refilter(const ir::Graph& g, uint64_t generation, uint32_t graph);
  std::string filter_;
  std::string applied_filter_ = "\x01";  // forces the first filtering
  // The graph the list was built for: document generation and graph index (an address
  // could be reused by the next model).
  uint64_t filtered_generation_ = 0;
  uint32_t filtered_graph_ = UINT32_MAX;
  std::vector<uint32_t> rows_;           // node indices passing the filter
};

// The selected node: op type, domain, attributes with their types, inputs and
// outputs with their types, doc string. Initializer inputs open the tensor view.
class NodeDetailsView final : public View {
 public:
  NodeDetailsView() : View("Node", true) {}
  Dock dock() const override { return Dock::Right; }
  float dockWidth() const override { return 340.0f; }
  // Takes room only while a node is selected.
  bool dockShown(const AppContext& ctx) const override;  // the merged view's selection while it shows

 protected:
  void drawContent(AppContext& ctx) override;
  void placeWindow(const WorkArea& area) override;
};

// The selected tensor: dtype, shape, bytes, where its data lives; statistics,
// a histogram and the first values, computed in C++ on request.
// Statistics are computed a slice at a time between frames (weights::StatsJob): a
// tensor of hundreds of MB in an external data file read on request never blocks the
// page. netforgeStatus.tensor publishes the state and the result.
class TensorView final : public View {
 public:
  TensorView() : View("Tensor", false) {}
  void update(AppContext& ctx) override;
  bool wantsFrames() const override;

 protected:
  void drawContent(AppContext& ctx) override;
  void placeWindow(const WorkArea& area) override;

 private:
  void start(const ir::Model& model, const ir::Tensor& t);
  void publish() const;

  uint64_t seen_selection_ = 0;
  // The tensor the statistics belong to, within the model of this document (A's, or the
  // merged graph's while a comparison shows it) and generation.
  const document::ModelDocument* stats_document_ = nullptr;
  uint64_t stats_generation_ = 0;
  const ir::Tensor* stats_for_ = nullptr;
  std::unique_ptr<weights::StatsJob> job_;  // running, or done (its result)
  double started_ms_ = 0;
  double stats_ms_ = 0;
};

// The per-layer table (Keras summary / torchinfo). For a model with name scopes it
// starts as one row per module to a depth (3, as torchinfo), identical repeated
// modules folded ("layers.0-23 ×24"), a click on a module opens it down to its ops
// (hierarchy/module_summary.h); otherwise, or when sorted or filtered, one row per
// op with its output shape. Totals, copy as Markdown or CSV; a click on an op row
// selects the node in the graph.
class SummaryView final : public View {
 public:
  SummaryView() : View("Summary", false) {}
  const char* shortcutText() const override { return "Ctrl+Shift+S"; }

 protected:
  void drawContent(AppContext& ctx) override;
  void placeWindow(const WorkArea& area) override;

 private:
  void rebuild(const ir::Model& m, const shapes::InferenceResult& inf, const shapes::Metrics& met);

  shapes::SummaryOptions options_;
  shapes::SummaryTable table_;
  uint64_t built_for_ = 0;  // the document generation the table was built for
  bool modules_ = true;     // module rows when the model has scopes
  hierarchy::ModuleSummaryOptions module_options_;
  std::unique_ptr<hierarchy::Hierarchy> hierarchy_;  // of the main graph, for this generation
};

}  // namespace nf::app
