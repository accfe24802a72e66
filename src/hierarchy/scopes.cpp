// Scope tree from node names or exporter metadata, then numbered series.
//
// Index of this file
//   [SECTION] Reading one node's scope path
//   [SECTION] The trie of scopes
//   [SECTION] Dissolving one-node scopes, merging single-child chains
//   [SECTION] Numbered series, orphan constants
#include <algorithm>
#include <map>
#include <string_view>
#include <unordered_map>

#include "hierarchy/draft.h"

namespace nf::hierarchy::detail {

namespace {

constexpr size_t kMaxScopeDepth = 64;  // deeper paths are cut (hostile names)

// [SECTION] Reading one node's scope path ----------------------------------------

// Parses a Python list-of-strings repr: ['', 'encoder', "it's"]. False if malformed.
bool parsePyStringList(std::string_view s, std::vector<std::string>* out) {
  size_t i = 0;
  auto skip = [&] {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')) ++i;
  };
  skip();
  if (i >= s.size() || s[i] != '[') return false;
  ++i;
  skip();
  if (i < s.size() && s[i] == ']') return true;
  while (i < s.size()) {
    skip();
    if (i >= s.size() || (s[i] != '\'' && s[i] != '"')) return false;
    char q = s[i++];
    std::string item;
    while (i < s.size() && s[i] != q) {
      if (s[i] == '\\' && i + 1 < s.size()) ++i;
      item += s[i++];
    }
    if (i >= s.size()) return false;
    ++i;  // closing quote
    out->push_back(std::move(item));
    skip();
    if (i < s.size() && s[i] == ',') {
      ++i;
      continue;
    }
    if (i < s.size() && s[i] == ']') return true;
    return false;
  }
  return false;
}

// Scope components from pkg.torch.onnx.name_scopes (cumulative module paths, first
// entry "" for the root, last entry the node itself): ['', 'encoder',
// 'encoder.layers.0', 'mm_3'] -> {"encoder", "layers.0"}. The components are stored
// in `storage` and viewed by `comps`.
bool scopesFromMetadata(const ir::Node& n, std::vector<std::string>* storage, std::vector<std::string_view>* comps) {
  for (const auto& [key, value] : n.metadata) {
    if (key != "pkg.torch.onnx.name_scopes") continue;
    std::vector<std::string> entries;
    if (!parsePyStringList(value, &entries)) return false;
    storage->clear();
    std::string prev;
    for (size_t i = 0; i + 1 < entries.size(); ++i) {
      std::string rel = entries[i];
      if (!prev.empty() && rel.size() > prev.size() + 1 && rel.compare(0, prev.size(), prev) == 0 &&
          rel[prev.size()] == '.')
        rel = rel.substr(prev.size() + 1);
      prev = entries[i];
      if (!rel.empty() && storage->size() < kMaxScopeDepth) storage->push_back(std::move(rel));
    }
    comps->assign(storage->begin(), storage->end());
    return true;
  }
  return false;
}

// Scope components of a node name, as views into it:
// "/encoder/layers.3/self_attn/MatMul" and "encoder/layers.3/self_attn/MatMul"
// -> {"encoder", "layers.3", "self_attn"}.
void scopesFromName(std::string_view name, std::vector<std::string_view>* comps) {
  comps->clear();
  size_t last = name.rfind('/');
  if (last == std::string_view::npos) return;
  size_t i = 0;
  while (i < last && comps->size() < kMaxScopeDepth) {
    size_t j = name.find('/', i);
    if (j == std::string_view::npos || j > last) j = last;
    if (j > i) comps->push_back(name.substr(i, j - i));
    i = j + 1;
  }
}

// [SECTION] The trie of scopes ----------------------------------------------------

void buildTrie(const ir::Graph& g, bool use_names, Draft* d) {
  d->groups.clear();
  DraftGroup root;
  root.kind = GroupKind::Root;
  d->add(std::move(root));
  bool any_metadata = false, any_name_scope = false;
  // Lookups only (never iterated): key = parent index + '\x1f' + component.
  std::unordered_map<std::string, uint32_t> child_of;
  // Components of this node and the previous one (views into node names, or into the
  // storage of parsed metadata, kept alive for one more node).
  std::vector<std::string_view> comps, prev_comps;
  std::vector<std::string> storage, prev_storage;
  std::vector<uint32_t> prev_ids;  // prev_ids[k] = group of prev_comps[0..k]
  std::string key;
  for (uint32_t i = 0; i < g.nodes.size(); ++i) {
    comps.clear();
    if (use_names) {
      if (!g.nodes[i].metadata.empty() && scopesFromMetadata(g.nodes[i], &storage, &comps))
        any_metadata = any_metadata || !comps.empty();
      else scopesFromName(g.nodes[i].name, &comps);
      any_name_scope = any_name_scope || !comps.empty();
    }
    size_t common = 0;
    while (common < comps.size() && common < prev_comps.size() && comps[common] == prev_comps[common]) ++common;
    prev_ids.resize(common);
    uint32_t cur = common == 0 ? 0 : prev_ids[common - 1];
    for (size_t k = common; k < comps.size(); ++k) {
      key = std::to_string(cur);
      key += '\x1f';
      key += comps[k];
      auto it = child_of.find(key);
      if (it == child_of.end()) {
        DraftGroup s;
        s.kind = GroupKind::Scope;
        s.name = std::string(comps[k]);
        s.key = s.name;
        s.parent = cur;
        uint32_t id = d->add(std::move(s));
        d->groups[cur].children.push_back(id);
        it = child_of.emplace(key, id).first;
      }
      cur = it->second;
      prev_ids.push_back(cur);
    }
    d->groups[cur].nodes.push_back(i);
    prev_comps.swap(comps);
    prev_storage.swap(storage);
  }
  d->source = any_metadata ? NameSource::Metadata : any_name_scope ? NameSource::Names : NameSource::None;
}

// [SECTION] Dissolving one-node scopes, merging single-child chains ---------------

// A box around one node says nothing; its node moves to the nearest ancestor that
// holds at least two nodes. Trie groups are created parent-first, so index order is
// a valid top-down order.
void dissolveSingletons(Draft* d) {
  auto& gs = d->groups;
  std::vector<uint32_t> count(gs.size(), 0);
  for (size_t i = gs.size(); i-- > 0;) {
    count[i] += static_cast<uint32_t>(gs[i].nodes.size());
    if (gs[i].parent != kNoIndex) count[gs[i].parent] += count[i];
  }
  std::vector<uint32_t> target(gs.size(), 0);
  for (uint32_t i = 1; i < gs.size(); ++i)
    target[i] = count[i] >= 2 ? i : target[gs[i].parent];
  for (uint32_t i = 1; i < gs.size(); ++i) {
    if (target[i] == i) continue;
    gs[i].alive = false;
    auto& dst = gs[target[i]].nodes;
    dst.insert(dst.end(), gs[i].nodes.begin(), gs[i].nodes.end());
    gs[i].nodes.clear();
  }
  for (auto& grp : gs) {
    if (!grp.alive) continue;
    std::sort(grp.nodes.begin(), grp.nodes.end());
    std::erase_if(grp.children, [&](uint32_t c) { return !gs[c].alive; });
  }
}

// Puts `prefix/` in front of g's path component; through transparent boxes (whose
// children's paths skip them) down to the first groups that carry a path of their own.
void prefixKey(Draft* d, uint32_t g, const std::string& prefix) {
  DraftGroup& grp = d->groups[g];
  grp.key = prefix + "/" + grp.key;
  if (grp.transparent)
    for (uint32_t c : grp.children) prefixKey(d, c, prefix);
}

// "a" holding nothing but scope "b" becomes one box "a/b". A root holding nothing but
// one scope hands that scope's contents to the root (a wrapper scope around the whole
// graph, such as TensorFlow's StatefulPartitionedCall, is not worth a box).
void mergeChains(Draft* d) {
  auto& gs = d->groups;
  auto soleScopeChild = [&](uint32_t i) -> uint32_t {
    const DraftGroup& grp = gs[i];
    if (!grp.nodes.empty() || grp.children.size() != 1) return kNoIndex;
    uint32_t c = grp.children[0];
    return gs[c].kind == GroupKind::Scope ? c : kNoIndex;
  };
  for (uint32_t c = soleScopeChild(0); c != kNoIndex; c = soleScopeChild(0)) {
    DraftGroup& child = gs[c];
    child.alive = false;
    gs[0].nodes = std::move(child.nodes);
    gs[0].children = std::move(child.children);
    for (uint32_t cc : gs[0].children) {
      gs[cc].parent = 0;
      prefixKey(d, cc, child.key);
    }
  }
  for (uint32_t i = 1; i < gs.size(); ++i) {
    if (!gs[i].alive || gs[i].kind != GroupKind::Scope) continue;
    for (uint32_t c = soleScopeChild(i); c != kNoIndex; c = soleScopeChild(i)) {
      DraftGroup& child = gs[c];
      child.alive = false;
      gs[i].name += "/" + child.name;
      gs[i].key += "/" + child.key;
      gs[i].nodes = std::move(child.nodes);
      gs[i].children = std::move(child.children);
      for (uint32_t cc : gs[i].children) gs[cc].parent = i;
    }
  }
}

// [SECTION] Numbered series, orphan constants ----------------------------------------

struct Numbered {
  std::string stem_part;  // name without the number ("layers.", "denselayer")
  std::string stem;       // without the separator ("layers")
  char sep = 0;           // '.', '_', '-' or 0
  int64_t number = -1;
};

bool parseNumbered(const std::string& name, Numbered* out) {
  size_t end = name.size(), i = end;
  while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9') --i;
  if (i == end || end - i > 9) return false;
  out->number = std::stoll(name.substr(i));
  out->stem_part = name.substr(0, i);
  out->stem = out->stem_part;
  out->sep = 0;
  if (!out->stem.empty()) {
    char c = out->stem.back();
    if (c == '.' || c == '_' || c == '-') {
      out->sep = c;
      out->stem.pop_back();
    }
  }
  return true;
}

// Sorted labels of every node in the subtree: equal for members that do the same ops.
std::vector<uint32_t> labelHistogram(const Draft& d, const Topology& t, uint32_t g) {
  std::vector<uint32_t> out;
  std::vector<uint32_t> stack = {g};
  while (!stack.empty()) {
    uint32_t x = stack.back();
    stack.pop_back();
    for (uint32_t n : d.groups[x].nodes) out.push_back(t.label[n]);
    for (uint32_t c : d.groups[x].children) stack.push_back(c);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Numbered siblings with one stem gather under a Series group, if they follow one
// another in the flow: ordered by first node, no other sibling or direct node of the
// parent may come between them (else a box around them would have edges leaving and
// re-entering it: ln_1 and ln_2 of a ViT layer, the transitions of a DenseNet). With
// '.' (PyTorch's ModuleList/Sequential indexing: layers.0, layers.1) numbering decides;
// for other spellings (denselayer1, encoder_layer_0, dense/dense_1) the members must
// also do the same ops, so a ResNet's layer1..layer4, which differ, stay apart.
// A parent holding nothing but the series becomes the series itself (no box that
// only contains another box).
void findSeries(const Topology& t, Draft* d) {
  const std::vector<uint32_t> first = firstNodes(*d);
  const size_t original = d->groups.size();
  for (uint32_t p = 0; p < original; ++p) {
    if (!d->groups[p].alive || d->groups[p].children.size() < 2) continue;
    // Entries of p in flow order: (first node, child or kNoIndex for a direct node).
    std::vector<std::pair<uint32_t, uint32_t>> entries;
    for (uint32_t v : d->groups[p].nodes) entries.push_back({v, kNoIndex});
    for (uint32_t c : d->groups[p].children) entries.push_back({first[c], c});
    std::sort(entries.begin(), entries.end());
    std::map<uint32_t, size_t> place;  // child -> position in entries
    for (size_t i = 0; i < entries.size(); ++i)
      if (entries[i].second != kNoIndex) place[entries[i].second] = i;

    std::map<std::string, std::vector<std::pair<int64_t, uint32_t>>> by_stem;  // ordered: deterministic
    std::map<std::string, uint32_t> by_name;
    for (uint32_t c : d->groups[p].children) {
      const DraftGroup& cg = d->groups[c];
      if (cg.kind != GroupKind::Scope) continue;
      by_name[cg.name] = c;
      Numbered nb;
      if (parseNumbered(cg.name, &nb)) by_stem[nb.stem_part].push_back({nb.number, c});
    }
    for (auto& [stem_part, members] : by_stem) {
      Numbered nb;
      parseNumbered(stem_part + "0", &nb);
      // Keras/TF spelling: "dense", "dense_1", "dense_2": the bare name is number 0.
      if (nb.sep == '_' && !nb.stem.empty()) {
        auto bare = by_name.find(nb.stem);
        bool has_zero = std::any_of(members.begin(), members.end(), [](const auto& m) { return m.first == 0; });
        if (bare != by_name.end() && !has_zero) members.push_back({0, bare->second});
      }
      if (members.size() < 2) continue;
      // A member may already sit in another series (a bare "dense" matched as 0).
      if (std::any_of(members.begin(), members.end(),
                      [&](const auto& m) { return d->groups[m.second].parent != p; }))
        continue;
      size_t lo = entries.size(), hi = 0;
      for (const auto& m : members) {
        lo = std::min(lo, place[m.second]);
        hi = std::max(hi, place[m.second]);
      }
      if (hi - lo + 1 != members.size()) continue;  // something else runs between them
      if (nb.sep != '.') {
        std::vector<uint32_t> hist = labelHistogram(*d, t, members[0].second);
        bool same = std::all_of(members.begin() + 1, members.end(),
                                [&](const auto& m) { return labelHistogram(*d, t, m.second) == hist; });
        if (!same) continue;
      }
      std::sort(members.begin(), members.end(), [&](const auto& a, const auto& b) {
        if (a.first != b.first) return a.first < b.first;
        return d->groups[a.second].name < d->groups[b.second].name;
      });
      const std::string count = "\xC3\x97" + std::to_string(members.size());
      DraftGroup& pg = d->groups[p];
      if (p != 0 && pg.kind == GroupKind::Scope && pg.nodes.empty() && pg.children.size() == members.size()) {
        // The parent is the series: "layer1" holding layer1.0..layer1.2 -> "layer1 ×3";
        // "encoder" holding layers.0..layers.47 -> "encoder: layers ×48".
        pg.kind = GroupKind::Series;
        std::string stem = nb.stem.empty() ? pg.name : nb.stem;
        pg.name = (stem == pg.name ? stem : pg.name + ": " + stem) + " " + count;
        pg.children.clear();
        for (const auto& [number, c] : members) {
          d->groups[c].series_number = number;
          pg.children.push_back(c);
        }
        break;  // p has no other children left
      }
      DraftGroup s;
      s.kind = GroupKind::Series;
      std::string label = nb.stem.empty() ? (p == 0 ? std::string() : pg.name) : nb.stem;
      s.name = (label.empty() ? std::string() : label + " ") + count;
      s.key = stem_part + "*";
      s.transparent = true;
      s.parent = p;
      uint32_t sid = d->add(std::move(s));
      for (const auto& [number, c] : members) {
        d->groups[c].parent = sid;
        d->groups[c].series_number = number;
        d->groups[sid].children.push_back(c);
      }
      auto& siblings = d->groups[p].children;
      std::erase_if(siblings, [&](uint32_t c) { return d->groups[c].parent == sid; });
      siblings.push_back(sid);
    }
  }
}

// Constants without a scope (swin_t names 346 of them just "Constant_44") belong
// with what they feed: each moves from the root into the deepest group that holds all
// its consumers. Consumers first (descending index), so chains of constants follow.
void adoptOrphanConstants(const Topology& t, const std::vector<uint8_t>& categories, Draft* d) {
  auto& gs = d->groups;
  if (gs[0].nodes.empty()) return;
  std::vector<uint32_t> depth(gs.size(), 0);
  for (uint32_t i = 1; i < gs.size(); ++i)
    if (gs[i].alive) depth[i] = depth[gs[i].parent] + 1;  // trie: parents come first
  std::vector<uint32_t> where(t.node_count, 0);
  for (uint32_t i = 0; i < gs.size(); ++i)
    if (gs[i].alive)
      for (uint32_t v : gs[i].nodes) where[v] = i;
  auto lca = [&](uint32_t a, uint32_t b) {
    while (a != b) {
      if (depth[a] >= depth[b]) a = gs[a].parent;
      else b = gs[b].parent;
    }
    return a;
  };
  bool moved = false;
  const std::vector<uint32_t> orphans = gs[0].nodes;
  for (size_t i = orphans.size(); i-- > 0;) {
    const uint32_t v = orphans[i];
    if (!(categories[v] & kCategoryConstant)) continue;
    uint32_t target = kNoIndex;
    for (uint32_t k = t.out_begin[v]; k < t.out_begin[v + 1]; ++k) {
      uint32_t g = where[t.edges[t.out_index[k]].dst];
      target = target == kNoIndex ? g : lca(target, g);
    }
    if (target == kNoIndex || target == 0) continue;
    where[v] = target;
    gs[target].nodes.push_back(v);
    moved = true;
  }
  if (!moved) return;
  std::erase_if(gs[0].nodes, [&](uint32_t v) { return where[v] != 0; });
  for (auto& grp : gs)
    if (grp.alive) std::sort(grp.nodes.begin(), grp.nodes.end());
}

}  // namespace

void buildScopes(const ir::Graph& g, const Topology& t, const std::vector<uint8_t>& categories,
                 const BuildOptions& options, Draft* d) {
  buildTrie(g, options.use_names, d);
  dissolveSingletons(d);
  adoptOrphanConstants(t, categories, d);
  if (options.detect_series) findSeries(t, d);
  mergeChains(d);
  // Names that only made one-node scopes grouped nothing.
  bool any = false;
  for (size_t i = 1; i < d->groups.size() && !any; ++i) any = d->groups[i].alive;
  if (!any) d->source = NameSource::None;
}

}  // namespace nf::hierarchy::detail
