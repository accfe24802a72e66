// diff/merged.h - two compared models as ONE graph: the union of A and B through the
// matching, for the app's Merged view and `netforge diff A B --merged-svg OUT`.
//
// B is the base (the newer model, read as "what it is now"): every node of B in its
// order, each paired node once (with B's op, attributes and name; the report keeps
// A's side of a change), and each removed node of A placed right after the merged node
// of the nearest paired node before it in A, so it appears where it was. Values paired
// by the matching are one value where their producers are one node (or both have
// none); a paired node's outputs are one value per slot; any
// other value stays on its side (renamed "NAME (A)" when B has the name already).
// An input of a paired node that the two sides feed differently (rewired) keeps both
// edges: B's in its slot, A's appended after B's inputs, and `input_side` says which
// side each one belongs to. So every edge of A and of B is in the merged graph.
//
// Tensor data stays where it was: the merged model's sources are B's then A's, and
// tensors of A point into A's (offset). Subgraph bodies (If/Loop/Scan) are not merged:
// the matching pairs main graphs only; their GRAPH attributes are left out, with a
// warning in the model.
// Pure and deterministic (no hash-map iteration); linear in the two graphs' sizes.
// MergeJob gives the same result in slices.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "diff/differences.h"
#include "ir/model.h"

namespace nf::diff {

enum class NodeStatus : uint8_t { Same, Changed, Removed, Added };
const char* nodeStatusName(NodeStatus s);  // "same", "changed", "removed", "added"

// Which model an input edge of a merged node comes from.
enum class EdgeSide : uint8_t { Both, OnlyA, OnlyB };

struct MergedModel {
  ir::Model model;                       // graphs[0] is the union; header (opsets, metadata) from B
  std::vector<NodeStatus> status;        // per merged node
  std::vector<uint32_t> node_a, node_b;  // per merged node: its node in A / B, or kNoIndex
  std::vector<uint32_t> from_a, from_b;  // per node of A / B: its merged node
  std::vector<uint32_t> value_from_a, value_from_b;  // per value of A / B: its merged value
  std::vector<std::vector<EdgeSide>> input_side;  // per merged node, per input slot
  uint32_t rewired_inputs = 0;           // paired nodes' input slots fed differently (counted once per slot)
};

// `report` is compareModels(a, b) (or CompareJob's); a and b are the models it compared.
MergedModel mergeModels(const ir::Model& a, const ir::Model& b, const Report& report);

// mergeModels in slices, for the app (30k + 30k nodes take longer than a frame may
// block): step(budget_ms) works for about that long (<= 0: to the end) and resumes
// where it stopped. The models and the report must outlive the job.
class MergeJob {
 public:
  MergeJob(const ir::Model& a, const ir::Model& b, const Report& report);
  ~MergeJob();
  MergeJob(const MergeJob&) = delete;
  MergeJob& operator=(const MergeJob&) = delete;
  bool step(double budget_ms);  // true once done
  bool done() const;
  MergedModel take();           // once done()

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nf::diff
