// hierarchy/declutter.h - which nodes are bookkeeping rather than the main data flow.
//
// After the TensorBoard graph paper's "non-critical node extraction": constants,
// shape computations and Identity/Cast hops clutter a big graph without telling the
// reader anything about the model. Each node gets at most one of the exclusive
// categories below (checked in this order) plus, independently, kHighFanOut. The
// visible graph (hierarchy/visible.h) folds the categories a user has toggled on.
#pragma once
#include <cstdint>
#include <vector>

#include "hierarchy/topology.h"
#include "ir/model.h"

namespace nf::hierarchy {

enum Category : uint8_t {
  kCategoryNone = 0,
  kCategoryConstant = 1 << 0,     // value fixed at export time: Constant, or computed only from
                                  // initializers/constants (folds into its consumers)
  kCategoryShape = 1 << 1,        // depends on data only through its shape: Shape/Size and what
                                  // they feed until a data op (Shape->Gather->Unsqueeze->Concat)
  kCategoryPassThrough = 1 << 2,  // Identity or Cast on a data tensor (edges bypass it)
  kCategoryHighFanOut = 1 << 3,   // feeds at least DeclutterOptions::high_fan_out distinct nodes
};
constexpr uint8_t kFoldableCategories = kCategoryConstant | kCategoryShape | kCategoryPassThrough;

struct DeclutterOptions {
  uint32_t high_fan_out = 16;  // distinct consumer nodes that make a node kCategoryHighFanOut
};

struct Declutter {
  std::vector<uint8_t> node_categories;  // per node: Category bits
  uint32_t constant_count = 0;
  uint32_t shape_count = 0;
  uint32_t pass_through_count = 0;
  uint32_t high_fan_out_count = 0;
};

// Classifies every node of `g`; `topo` must have been built from `g`.
// Deterministic, O(nodes + edges); tolerates files whose nodes are not in
// topological order (categories then follow the dependency order, not file order).
Declutter classifyNodes(const ir::Graph& g, const Topology& topo, const DeclutterOptions& options = {});

// classifyNodes in parts, each one call of step(): the dependency order, the nodes
// kChunk at a time in that order, the fan-out (a 200k-node graph takes tens of ms in
// one piece: HierarchyJob gives each part a call). classifyNodes runs every part;
// g and topo must outlive the builder.
class DeclutterBuilder {
 public:
  static constexpr uint32_t kChunk = 16384;
  DeclutterBuilder(const ir::Graph& g, const Topology& topo, const DeclutterOptions& options = {});
  bool step();       // does the next part; true once all are done
  Declutter take();  // once step() returned true (moves the result out)

 private:
  const ir::Graph& g_;
  const Topology& t_;
  DeclutterOptions options_;
  bool started_ = false, classified_ = false;
  uint32_t cursor_ = 0;             // next position in order_ to classify
  std::vector<uint32_t> producer_;  // per value: its producing node
  std::vector<uint32_t> order_;     // dependency order of the nodes
  Declutter d_;
};

// "constant", "shape", "pass-through", "high fan-out" for one category bit.
const char* categoryName(Category c);

}  // namespace nf::hierarchy
