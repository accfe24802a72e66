// hierarchy/module_summary.cpp - module rows from the hierarchy (see module_summary.h).
#include "hierarchy/module_summary.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <string>

#include "base/checked.h"

namespace nf::hierarchy {

namespace {

struct Sums {
  int64_t params = 0, macs = 0, flops = 0;
  uint64_t output_bytes = 0;
  uint32_t nodes = 0;
  bool macs_known = true;
};

class Builder {
 public:
  Builder(const ir::Model& model, const Hierarchy& h, const shapes::Metrics& met, const ModuleSummaryOptions& opt)
      : model_(model), h_(h), met_(met), opt_(opt), sums_(h.groups.size()) {
    // Per group, its own nodes; then bottom-up (children have larger pre-order ids).
    for (size_t g = 0; g < h.groups.size(); ++g)
      for (ir::NodeId n : h.groups[g].nodes) add(sums_[g], n);
    for (size_t g = h.groups.size(); g-- > 1;) {
      const GroupId p = h.groups[g].parent;
      if (!p.valid()) continue;
      Sums& a = sums_[p.index];
      const Sums& b = sums_[g];
      a.params = satAdd(a.params, b.params);
      a.macs = satAdd(a.macs, b.macs);
      a.flops = satAdd(a.flops, b.flops);
      a.output_bytes = satAdd(a.output_bytes, b.output_bytes);
      a.nodes += b.nodes;
      a.macs_known = a.macs_known && b.macs_known;
    }
    total_macs_ = static_cast<double>(met.totals.macs);
  }

  void run(shapes::SummaryTable* t) {
    t_ = t;
    entries(h_.root(), 0, /*with_ops=*/true);
  }

 private:
  void add(Sums& s, ir::NodeId n) {
    const shapes::NodeMetrics& m = met_.node(n);
    s.params = satAdd(s.params, m.params);
    s.macs = satAdd(s.macs, m.macs);
    s.flops = satAdd(s.flops, m.flops);
    s.output_bytes = satAdd(s.output_bytes, m.output_bytes);
    s.nodes += 1;
    s.macs_known = s.macs_known && m.macs_known;
  }

  bool expanded(GroupId g) const {
    return std::find(opt_.expanded.begin(), opt_.expanded.end(), g) != opt_.expanded.end();
  }

  // "MatMul 4, Add 3, Softmax 1": the op types a module holds most (constants left out).
  std::string composition(GroupId g) const {
    std::map<std::string, uint32_t> count;
    const Group& grp = h_.group(g);
    for (uint32_t i = g.index; i < grp.subtree_end; ++i)
      for (ir::NodeId n : h_.groups[i].nodes)
        if (!met_.node(n).constant) ++count[model_.main().node(n).op_type];
    std::vector<std::pair<std::string, uint32_t>> v(count.begin(), count.end());
    std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    std::string out;
    for (size_t k = 0; k < v.size() && k < 3; ++k) out += (k ? ", " : "") + v[k].first + " " + std::to_string(v[k].second);
    if (v.size() > 3) out += ", ...";
    return out;
  }

  void fill(shapes::SummaryRow& r, const Sums& s) const {
    r.params = s.params;
    r.macs = s.macs;
    r.flops = s.flops;
    r.output_bytes = s.output_bytes;
    r.nodes = static_cast<int>(s.nodes);
    r.macs_known = s.macs_known;
    r.macs_percent = total_macs_ > 0 ? 100.0 * static_cast<double>(s.macs) / total_macs_ : 0.0;
  }

  // A series whose instances all belong to one repeat class folds into one row.
  bool folds(const Group& series) const {
    if (series.kind != GroupKind::Series || series.children.size() < 2) return false;
    const int32_t cls = h_.group(series.children[0]).repeat_class;
    if (cls < 0) return false;
    for (GroupId c : series.children)
      if (h_.group(c).repeat_class != cls) return false;
    return true;
  }

  // "layers.0-23" from the first and last instance names ("layers.0", "layers.23").
  std::string seriesName(const Group& series) const {
    const std::string& a = h_.group(series.children.front()).name;
    const std::string& b = h_.group(series.children.back()).name;
    size_t pa = a.size(), pb = b.size();
    while (pa > 0 && std::isdigit(static_cast<unsigned char>(a[pa - 1]))) --pa;
    while (pb > 0 && std::isdigit(static_cast<unsigned char>(b[pb - 1]))) --pb;
    if (pa < a.size() && pb < b.size() && a.compare(0, pa, b, 0, pb) == 0) return a + "-" + b.substr(pb);
    return series.name;
  }

  // The rows below group g (whose own row, if any, is at depth - 1).
  void entries(GroupId g, int depth, bool with_ops) {
    // Children and own ops in graph order (by first node); sections are see-through.
    struct Entry {
      uint32_t first;
      GroupId group;
      ir::NodeId node;
    };
    std::vector<Entry> list;
    std::vector<GroupId> stack{g};
    while (!stack.empty()) {
      const Group& grp = h_.group(stack.back());
      stack.pop_back();
      for (GroupId c : grp.children) {
        if (h_.group(c).kind == GroupKind::Section) stack.push_back(c);
        else list.push_back({h_.group(c).first_node, c, {}});
      }
      if (with_ops)
        for (ir::NodeId n : grp.nodes) list.push_back({n.index, {}, n});
    }
    std::stable_sort(list.begin(), list.end(), [](const Entry& a, const Entry& b) { return a.first < b.first; });
    for (const Entry& e : list) {
      if (e.group.valid()) module(e.group, depth);
      else op(e.node, depth);
    }
  }

  void op(ir::NodeId n, int depth) {
    const shapes::NodeMetrics& m = met_.node(n);
    if (m.constant) {
      ++t_->hidden_constant_nodes;
      return;
    }
    const ir::Node& node = model_.main().node(n);
    shapes::SummaryRow r;
    r.node = n;
    r.name = node.name.empty() ? node.op_type + "#" + std::to_string(n.index) : node.name;
    r.op_type = node.domain.empty() || node.domain == "ai.onnx" ? node.op_type : node.domain + "::" + node.op_type;
    Sums s;
    add(s, n);
    fill(r, s);
    r.depth = depth;
    t_->rows.push_back(std::move(r));
  }

  void module(GroupId g, int depth) {
    const Group& grp = h_.group(g);
    shapes::SummaryRow r;
    r.group = g.index;
    r.depth = depth;
    fill(r, sums_[g.index]);
    const bool fold = folds(grp);
    // Below a folded series: the first instance's contents, per instance.
    GroupId inner = g;
    if (fold) {
      inner = grp.children.front();
      r.instances = static_cast<uint32_t>(grp.children.size());
      r.name = seriesName(grp);
      r.op_type = "\xC3\x97" + std::to_string(r.instances) + " (" + composition(inner) + ")";
    } else {
      r.name = grp.name;
      r.op_type = composition(g);
    }
    // Submodules show within the depth; ops only when asked for (--ops, a click).
    const bool with_ops = opt_.ops || expanded(g);
    const bool open = with_ops || depth + 1 < opt_.depth;
    const Group& in = h_.group(inner);
    bool has_ops = false;
    for (uint32_t i = inner.index; i < in.subtree_end && !has_ops; ++i)
      has_ops = !h_.groups[i].nodes.empty();
    r.expandable = !with_ops && (!in.children.empty() || has_ops);
    t_->rows.push_back(std::move(r));
    if (!open) return;
    if (fold && expanded(g) && !opt_.ops) {
      // An opened folded series lists its instances.
      for (GroupId c : grp.children) module(c, depth + 1);
    } else {
      entries(inner, depth + 1, with_ops);
    }
  }

  const ir::Model& model_;
  const Hierarchy& h_;
  const shapes::Metrics& met_;
  const ModuleSummaryOptions& opt_;
  std::vector<Sums> sums_;
  double total_macs_ = 0;
  shapes::SummaryTable* t_ = nullptr;
};

}  // namespace

bool hasModules(const Hierarchy& h) {
  if (h.source == NameSource::None) return false;
  for (GroupId c : h.group(h.root()).children)
    if (h.group(c).kind == GroupKind::Scope || h.group(c).kind == GroupKind::Series) return true;
  return false;
}

shapes::SummaryTable buildModuleSummary(const ir::Model& model, const Hierarchy& h, const shapes::Metrics& metrics,
                                        const ModuleSummaryOptions& options) {
  shapes::SummaryTable t;
  t.modules = true;
  t.totals = metrics.totals;
  t.params_by_dtype = metrics.params_by_dtype;
  if (model.graphs.empty() || h.groups.empty() || metrics.graphs.empty()) return t;
  Builder b(model, h, metrics, options);
  b.run(&t);
  return t;
}

}  // namespace nf::hierarchy
