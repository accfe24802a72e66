// Repeat classes: groups whose contents are identical.
//
// A group's contents are encoded as its subtree's nodes in graph order, each as its
// label followed by its internal inputs (input slot, position of the producer in the
// list, producer's output slot). Two groups with equal encodings are isomorphic by
// that order, so equality of the encodings (compared in full, not just hashed) is the
// verification. Exporters emit the nodes of repeated modules in the same order, which
// is what makes this exact test practical; Block groups from the structural search
// bring their own verified classes.
#include <algorithm>

#include "hierarchy/hash.h"
#include "hierarchy/repeats.h"

namespace nf::hierarchy::detail {

void computeRepeatClasses(const std::vector<int32_t>& block_class, Hierarchy* h) {
  const Topology& t = h->topology;
  const size_t gcount = h->groups.size();

  // Subtree node lists in graph order: each node is appended to all its ancestors.
  std::vector<std::vector<uint32_t>> members(gcount);
  for (uint32_t n = 0; n < t.node_count; ++n)
    for (uint32_t g = h->node_group[n].index; g != 0 && g != kNoIndex; g = h->groups[g].parent.index)
      members[g].push_back(n);

  auto encodes = [&](uint32_t g) {
    const Group& grp = h->groups[g];
    return grp.kind == GroupKind::Scope || grp.kind == GroupKind::Series;
  };

  std::vector<uint32_t> local(t.node_count, kNoIndex);
  std::vector<std::vector<uint32_t>> code(gcount);
  std::vector<uint64_t> hash(gcount, 0);
  for (uint32_t g = 1; g < gcount; ++g) {
    if (!encodes(g) || members[g].size() < 2) continue;
    const auto& ms = members[g];
    for (uint32_t i = 0; i < ms.size(); ++i) local[ms[i]] = i;
    auto& c = code[g];
    for (uint32_t n : ms) {
      c.push_back(t.label[n]);
      for (uint32_t k = t.in_begin[n]; k < t.in_begin[n + 1]; ++k) {
        const TensorEdge& e = t.edges[t.in_index[k]];
        if (!h->contains(GroupId{g}, h->node_group[e.src])) continue;
        c.push_back(e.dst_slot);
        c.push_back(local[e.src]);
        c.push_back(e.src_slot);
      }
      c.push_back(kNoIndex);
    }
    Hasher hs;
    for (uint32_t x : c) hs.add(static_cast<uint64_t>(x));
    hash[g] = hs.value();
  }

  // Candidate classes: equal (node count, hash), split further by exact encoding.
  std::vector<uint32_t> order;
  for (uint32_t g = 1; g < gcount; ++g)
    if (!code[g].empty()) order.push_back(g);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (members[a].size() != members[b].size()) return members[a].size() < members[b].size();
    if (hash[a] != hash[b]) return hash[a] < hash[b];
    return a < b;
  });
  std::vector<std::vector<uint32_t>> classes;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j < order.size() && members[order[j]].size() == members[order[i]].size() &&
           hash[order[j]] == hash[order[i]])
      ++j;
    std::vector<std::vector<uint32_t>> buckets;
    for (size_t k = i; k < j; ++k) {
      uint32_t g = order[k];
      auto it = std::find_if(buckets.begin(), buckets.end(),
                             [&](const std::vector<uint32_t>& b) { return code[b[0]] == code[g]; });
      if (it == buckets.end()) buckets.push_back({g});
      else it->push_back(g);
    }
    for (auto& b : buckets) classes.push_back(std::move(b));
    i = j;
  }

  // Block classes from the structural search.
  int32_t max_block = -1;
  for (int32_t c : block_class) max_block = std::max(max_block, c);
  std::vector<std::vector<uint32_t>> blocks(static_cast<size_t>(max_block + 1));
  for (uint32_t g = 0; g < gcount; ++g)
    if (block_class[g] >= 0) blocks[static_cast<size_t>(block_class[g])].push_back(g);
  for (auto& b : blocks) classes.push_back(std::move(b));

  // Members never nest (a group and its only child can hold the same nodes).
  std::vector<RepeatClass> out;
  for (auto& cls : classes) {
    std::sort(cls.begin(), cls.end());
    RepeatClass rc;
    for (uint32_t g : cls) {
      if (!rc.members.empty() && h->contains(rc.members.back(), GroupId{g})) continue;
      rc.members.push_back(GroupId{g});
    }
    if (rc.members.size() < 2) continue;
    rc.nodes_per_instance = h->groups[rc.members[0].index].node_count;
    out.push_back(std::move(rc));
  }
  std::sort(out.begin(), out.end(), [](const RepeatClass& a, const RepeatClass& b) {
    uint64_t ca = static_cast<uint64_t>(a.nodes_per_instance) * a.members.size();
    uint64_t cb = static_cast<uint64_t>(b.nodes_per_instance) * b.members.size();
    if (ca != cb) return ca > cb;
    if (a.nodes_per_instance != b.nodes_per_instance) return a.nodes_per_instance > b.nodes_per_instance;
    return a.members[0] < b.members[0];
  });
  for (auto& g : h->groups) g.repeat_class = -1;
  for (size_t c = 0; c < out.size(); ++c)
    for (GroupId m : out[c].members) h->groups[m.index].repeat_class = static_cast<int32_t>(c);
  h->repeats = std::move(out);
}

}  // namespace nf::hierarchy::detail
