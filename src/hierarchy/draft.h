// hierarchy/draft.h - the mutable group tree the build steps pass along (internal).
//
// Steps (build.cpp calls them in this order, each documents pre/postconditions):
//   buildScopes   empty draft            -> scope tree (+ series) from names/metadata
//   BlockSearch   scope tree             -> Block series carved out of crowded groups
//   cutSections   any tree               -> no group with more than max_direct_items entries
// Ids here are draft indices, not final GroupIds: finalize() in build.cpp renumbers
// the live groups in pre-order.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hierarchy/hierarchy.h"
#include "hierarchy/topology.h"
#include "ir/model.h"

namespace nf::hierarchy::detail {

struct DraftGroup {
  GroupKind kind = GroupKind::Scope;
  std::string name;  // display name
  std::string key;   // path component (see `transparent`)
  uint32_t parent = kNoIndex;
  std::vector<uint32_t> children;  // draft indices
  std::vector<uint32_t> nodes;     // direct nodes, ascending
  int64_t series_number = -1;
  int32_t block_class = -1;  // Block groups: equal values = verified isomorphic instances
  bool transparent = false;  // an added box (inserted series, section): children's paths skip its key
  bool alive = true;
};

struct Draft {
  std::vector<DraftGroup> groups;  // [0] is the root
  NameSource source = NameSource::None;
  int32_t block_classes = 0;  // number of block_class values handed out

  uint32_t add(DraftGroup g) {
    groups.push_back(std::move(g));
    return static_cast<uint32_t>(groups.size() - 1);
  }
};

// Pre: draft empty. Post: root + Scope/Series groups; every node in exactly one live
// group's `nodes`; no live Scope holds fewer than 2 nodes in its subtree.
// Unscoped constants (swin_t's 346 bare "Constant_44") join the deepest group
// holding all their consumers. `categories` is Declutter::node_categories.
void buildScopes(const ir::Graph& g, const Topology& t, const std::vector<uint8_t>& categories,
                 const BuildOptions& options, Draft* draft);

// Pre: a tree from buildScopes. Post: in every group with at least
// options.block_search_min direct nodes, each set of >= 2 disjoint isomorphic
// connected subgraphs found became Block groups (nodes moved into them), one
// block_class per set: each run of instances that feed one another and stay convex
// (no path out of the run and back in) under one Series, a lone instance directly
// under the group. Blocks need at least options.block_min_nodes nodes outside the
// foldable categories.
// In slices, so that a 100k-node group's search does not block a frame: step() works
// until out_of_time() (asked between units of a few ms at most; the first unit of a
// call always runs) and resumes there; the draft ends up the same however the work
// was sliced. Topology, categories, options and draft must outlive it.
using OutOfTime = std::function<bool()>;  // true once the caller's time is spent
class BlockSearch {
 public:
  BlockSearch(const Topology& t, const std::vector<uint8_t>& categories, const BuildOptions& options, Draft* draft);
  ~BlockSearch();
  bool step(const OutOfTime& out_of_time);  // true once finished

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// Post: every live group but a Series shows at most options.max_direct_items entries
// (children and direct nodes not in a foldable category), by moving runs of
// consecutive entries into Section groups. `categories` is Declutter::node_categories.
void cutSections(const BuildOptions& options, const std::vector<uint8_t>& categories, Draft* draft);

// Smallest node index in the subtree of each draft group (kNoIndex for empty ones).
std::vector<uint32_t> firstNodes(const Draft& draft);

}  // namespace nf::hierarchy::detail
