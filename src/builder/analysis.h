// builder/analysis.h - live shape propagation over a builder document.
//
// analyze() walks the document in topological order and gives every node its output
// shape, its parameter count and its problems, and every edge the shape it carries;
// the editor shows these on the canvas and re-runs it after each edit (it is linear
// in nodes + edges; 500 nodes take well under a millisecond). With an AnalysisCache the
// per-layer work (parameter checks, shape rule, count) is redone only for layers an
// edit touched, so an 11k-layer imported model re-analyses in milliseconds.
//
// A node gets an error when: its type is unknown or missing from the framework; a
// parameter is invalid, unknown, or has no equivalent in the framework; an input port
// is unconnected or does not exist, or reads an output its producer lacks; it lies on a cycle; the input dtype is wrong; or
// its shape rule fails (mismatched channels, sizes that go negative, merges of
// incompatible shapes...). A node whose input has no shape is `blocked` - shown as
// waiting, not as its own error - so one mistake is reported once.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "builder/document.h"

namespace nf::builder {

struct Issue {
  enum class Level : uint8_t {
    Error,    // the model cannot be generated as drawn
    Warning,  // generated, but probably not what was meant (unknown extra params, unused inputs)
  };
  Level level = Level::Error;
  std::string message;  // one sentence without the node name (the UI shows it on the node)

  bool operator==(const Issue&) const = default;
};

struct NodeReport {
  NodeId id;
  const LayerSpec* spec = nullptr;   // nullptr for unknown types
  std::optional<TensorInfo> output;  // absent when this node or an upstream node failed
  int output_count = 1;              // outputs the layer has (outputCount in document.h)
  // Outputs 2, 3... of a multi-output layer (an ONNX op layer), each absent when it has no
  // shape (unused in the ONNX model); empty while `output` is absent.
  std::vector<std::optional<TensorInfo>> more_outputs;
  ParamCount params;
  std::vector<Issue> issues;
  bool blocked = false;  // no shape because an input has none (the cause is upstream)
  bool on_cycle = false;

  bool hasError() const;
  // Output k's tensor; nullptr when the layer failed, has no output k, or it has no shape.
  const TensorInfo* outputAt(int k) const;
};

struct EdgeReport {
  Edge edge;
  std::optional<TensorInfo> tensor;  // the producer's output edge.out
};

struct Analysis {
  Framework framework = Framework::PyTorch;
  std::vector<NodeReport> nodes;  // same order as Document::nodes()
  std::vector<EdgeReport> edges;  // same order as Document::edges()
  std::vector<NodeId> order;      // topological order (ties by id); nodes on or after cycles excluded
  std::vector<NodeId> inputs;     // Input nodes, by id
  std::vector<NodeId> outputs;    // non-Input nodes nothing consumes, by id: the model's outputs
  ParamCount total;               // over nodes with a shape
  int errors = 0;
  int warnings = 0;

  const NodeReport* find(NodeId id) const;
  bool ok() const { return errors == 0; }
};

// Per-layer results of earlier analyze() calls, by node id: a layer whose type,
// parameters and connected input ports are unchanged keeps its checks, and one whose
// inputs also carry the same tensors keeps its shape, count and shape errors. Only
// the whole-graph passes (order, cycles, names, totals) run again. The result is
// always what analyze() without a cache gives (tests/builder/analysis_cache_test.cpp).
// One cache per framework (a call for another framework starts it afresh).
class AnalysisCache {
 public:
  void clear();
  size_t size() const { return entries_.size(); }
  // A promise that since the last analyze() with this cache only the layers `ids` (any
  // order) were added, removed, changed or connected differently (Editor::changedSince):
  // the next analyze() compares only those with what the cache holds and trusts the
  // rest, so an edit of one layer costs no per-layer comparison. Used once.
  void onlyChanged(std::vector<NodeId> ids);
  // A number that changes whenever layer `id`'s type, parameters or connected ports do
  // (0: not analysed through this cache): what depends on those alone is cached by it.
  uint64_t stamp(NodeId id) const;
  // How many layers the last analyze() with this cache checked / ran the shape rule of.
  size_t checked() const { return checked_; }
  size_t propagated() const { return propagated_; }

 private:
  friend struct AnalysisWork;

 public:  // (its type only: analysis.cpp's helpers name it)
  struct Entry {
    // What the results depend on.
    std::string type;
    ParamMap params;
    std::map<std::string, std::string> extra_params;
    std::vector<int> ports;  // connected input ports, ascending
    // checkNode's results.
    uint64_t stamp = 0;  // new with every fresh check (stamp())
    const LayerSpec* spec = nullptr;
    int output_count = 1;
    std::vector<Issue> check_issues;
    ParamMap resolved;
    bool shapeable = true;
    int input_count = 0;
    // The shape rule's results, for these inputs (valid when `shaped`).
    bool shaped = false;
    std::vector<TensorInfo> inputs;
    std::optional<TensorInfo> output;
    std::vector<std::optional<TensorInfo>> more_outputs;  // a multi-output layer's outputs 2, 3...
    ParamCount count;
    std::vector<Issue> shape_issues;
  };

 private:
  Framework framework_ = Framework::PyTorch;
  std::unordered_map<uint32_t, Entry> entries_;
  std::optional<std::vector<NodeId>> only_changed_;  // sorted; set by onlyChanged()
  // Layer names as counted for the duplicate-name warning, kept up to date by the
  // changed layers when onlyChanged() said which.
  bool names_counted_ = false;
  std::unordered_map<uint32_t, std::string> counted_name_;  // by node id
  std::unordered_map<std::string, int> name_count_;
  size_t duplicated_names_ = 0;  // names counted more than once
  size_t checked_ = 0, propagated_ = 0;
  uint64_t last_stamp_ = 0;  // never reset: a stamp is never given twice
};

// Propagates shapes for the code of framework `f` (the frameworks differ only in the
// errors reported and in parameter counts; shapes are the same by construction).
// `cache` (optional) makes a repeated analysis of an edited document cheap.
Analysis analyze(const Document& doc, Framework f, AnalysisCache* cache = nullptr);

// Every error of an analysis as "name: message" lines, in node order.
std::vector<std::string> errorLines(const Document& doc, const Analysis& a);

}  // namespace nf::builder
