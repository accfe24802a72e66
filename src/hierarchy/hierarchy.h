// hierarchy/hierarchy.h - groups of nodes, so a big graph can be drawn as boxes.
//
// Call flow of buildHierarchy(model)
//   buildTopology         tensor edges as flat arrays, structural node labels   (topology.h)
//   classifyNodes         constants, shape chains, Identity/Cast, fan-out        (declutter.h)
//   scopes                name scopes from node names ("/encoder/layers.3/MatMul",
//                         "a/b/c") or pkg.torch.onnx.name_scopes metadata; one-node
//                         scopes dissolve into their parent; unscoped constants join
//                         their consumers' group; numbered siblings that follow one
//                         another (layers.0..47) gather under a Series group (or make
//                         their parent one: "encoder: layers ×48"); single-child
//                         chains merge ("a/b"), a root-wrapping scope is dropped
//   blocks                on groups with many ungrouped nodes (no usable names):
//                         repeated structure found by structural hashing and lockstep
//                         growth, verified, glue between instances absorbed, becomes
//                         Series "Block ×48" of Block groups: one Series per run of
//                         instances that chain (one after another, no cycle with the
//                         series' siblings), a lone instance stays a Block; all runs of
//                         one class share its colour (details in blocks.cpp)
//   sections              a group still holding more than max_direct_items entries is
//                         cut into Sections of consecutive entries, so no box ever
//                         opens onto thousands of items (series excepted: they fold,
//                         see visible.h)
//   finalize              ids in pre-order, counts, depths, paths
//   repeat classes        groups with identical contents (op types + internal wiring)
//
// Then, on every expand/collapse, hierarchy/visible.h turns (hierarchy, expanded set)
// into the display graph.
//
// Guarantees
//   - Every node of the graph belongs to exactly one deepest group (node_group).
//   - Group ids are pre-order: a parent's id is smaller than its children's, and a
//     group's subtree is the id range [id, subtree_end). Root is id 0.
//   - Deterministic: the same graph gives the same groups, ids, names, paths and
//     classes, whatever the platform (no unordered iteration reaches the output).
//   - `path` is a stable key for a group across runs (e.g. to remember which groups a
//     user had expanded); it does not depend on the Series/Section boxes above it.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "hierarchy/declutter.h"
#include "hierarchy/topology.h"
#include "ir/model.h"

namespace nf::hierarchy {

using GroupId = ir::Id<struct GroupTag>;

enum class GroupKind : uint8_t {
  Root,     // the whole graph: id 0, always open
  Scope,    // a name scope ("encoder", "layers.3"), from node names or scope metadata
  Series,   // numbered siblings (layers.0 .. layers.47) under one box "layers ×48"
  Block,    // one instance of a repeated structure found without names
  Section,  // consecutive entries of an overfull group (readability fallback)
};
const char* groupKindName(GroupKind k);  // "root", "scope", "series", "block", "section"

struct Group {
  GroupKind kind = GroupKind::Scope;
  std::string name;   // display name: "layers.3", "layers ×48", "block 3", "nodes 120..239"
  std::string path;   // stable unique key ("" for the root, "encoder/layers.3", ...)
  GroupId parent;     // invalid for the root
  uint32_t depth = 0; // root 0
  uint32_t subtree_end = 0;          // one past the last id of the subtree
  std::vector<GroupId> children;     // display order (series: by number; else by first node)
  std::vector<ir::NodeId> nodes;     // nodes directly in this group (not in a child), graph order
  uint32_t node_count = 0;           // nodes in the whole subtree
  uint32_t first_node = 0;           // smallest node index in the subtree
  GroupId series;                    // the Series this group is an instance of, else invalid
  int64_t series_number = -1;        // instance number ("layers.7" -> 7; blocks 0..n-1), else -1
  int32_t repeat_class = -1;         // index into Hierarchy::repeats, -1 if no identical group
};

// Groups whose contents are identical: same op types (and attributes) wired the same
// way inside the group. Drawn in one colour; nodes_per_instance is exact.
struct RepeatClass {
  uint32_t nodes_per_instance = 0;
  std::vector<GroupId> members;  // ascending ids, never nested in one another
};

// How the scope groups were found.
enum class NameSource : uint8_t {
  None,      // no usable scopes: only structure (blocks, sections) groups the graph
  Names,     // node names
  Metadata,  // pkg.torch.onnx.name_scopes node metadata (preferred when present)
};

struct BuildOptions {
  bool use_names = true;          // read scopes from node names / metadata
  bool detect_series = true;      // gather numbered siblings
  bool detect_blocks = true;      // search repeated structure among ungrouped nodes
  uint32_t block_min_nodes = 3;   // smallest block worth a box
  uint32_t block_search_min = 64; // search a group only if this many of its direct nodes show
                                  // (not in a foldable category): no usable names there
  uint32_t max_direct_items = 200;  // more entries than this in one group (not a series) -> Sections
  DeclutterOptions declutter;
};

struct Hierarchy {
  ir::GraphId graph;
  NameSource source = NameSource::None;
  std::vector<Group> groups;           // groups[0] is the root
  std::vector<GroupId> node_group;     // per node: its deepest group
  std::vector<RepeatClass> repeats;    // by coverage (instances x nodes) descending
  Topology topology;                   // edges of the graph (used by visible.h)
  Declutter declutter;                 // node categories (used by visible.h)

  GroupId root() const { return GroupId{0}; }
  const Group& group(GroupId id) const { return groups[id.index]; }
  size_t groupCount() const { return groups.size(); }
  // True if `a` is `b` or one of its ancestors.
  bool contains(GroupId a, GroupId b) const {
    return a.index <= b.index && b.index < groups[a.index].subtree_end;
  }
  // The group with this path, or an invalid id. O(log groups).
  GroupId findPath(std::string_view path) const;

  std::vector<uint32_t> path_order;  // internal: group indices sorted by path, for findPath
};

// Builds the hierarchy of `graph` (default: the main graph) of `model`. Fails only
// when the graph id does not exist.
Result<Hierarchy> buildHierarchy(const ir::Model& model, ir::GraphId graph = ir::GraphId{0},
                                 const BuildOptions& options = {});

// buildHierarchy in its passes (topology, node classes, scopes, blocks, groups), so
// that a caller with a frame budget (scene::SceneJob) can run them over several
// frames: on a 100k-node graph the whole build is about 0.2 s native, 1 s in wasm.
// step() runs passes while budget_ms lasts (<= 0: all); the block search (pass 4,
// 73 ms native on a 100k-node group) stops when the budget is spent and resumes on
// the next call, the topology and the node classes one part at a time
// (TopologyBuilder, DeclutterBuilder), the others run whole. Every call does some work (the first pass or
// slice always runs), and the result is the one-call build's. The model must outlive
// the job.
class HierarchyJob {
 public:
  HierarchyJob(const ir::Model& model, ir::GraphId graph = ir::GraphId{0}, BuildOptions options = {});
  ~HierarchyJob();
  HierarchyJob(const HierarchyJob&) = delete;
  HierarchyJob& operator=(const HierarchyJob&) = delete;

  bool step(double budget_ms);  // true once finished
  uint32_t passesDone() const;
  uint64_t workDone() const;    // passes and slices of the block search: grows every call (a caller's watchdog)
  Result<Hierarchy> take();     // once finished (moves the result out; call once)

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace nf::hierarchy
