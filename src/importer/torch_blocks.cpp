// importer/torch_blocks.cpp - finds, translates and groups repeated blocks (see torch_blocks.h).
#include "importer/torch_blocks.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include "hierarchy/hierarchy.h"

namespace nf::importer::detail {
namespace {

constexpr int32_t kNone = -1;

// A line with its numeric literals cut out ('\x01' marks each), so lines differing only
// in channel counts or strides compare equal; each literal is named after the argument
// it sits in ("conv1_in_channels").
struct Abstracted {
  std::string shape;
  std::vector<std::string> numbers;
  std::vector<std::string> slot_names;
};

const std::vector<std::string>* positionalNames(const std::string& callee) {
  static const std::map<std::string, std::vector<std::string>> table = [] {
    std::map<std::string, std::vector<std::string>> t;
    for (const char* d : {"1d", "2d", "3d"}) {
      for (const char* conv : {"nn.Conv", "nn.ConvTranspose"})
        t[std::string(conv) + d] = {"in_channels", "out_channels", "kernel_size"};
      t[std::string("nn.BatchNorm") + d] = {"num_features"};
      t[std::string("nn.MaxPool") + d] = {"kernel_size"};
      t[std::string("nn.AvgPool") + d] = {"kernel_size"};
    }
    t["nn.Linear"] = {"in_features", "out_features"};
    t["nn.LayerNorm"] = {"normalized_shape"};
    t["nn.Embedding"] = {"num_embeddings", "embedding_dim"};
    t["nn.Parameter"] = {"shape"};
    t["self.register_buffer"] = {"name", "shape"};
    return t;
  }();
  auto it = table.find(callee);
  return it == table.end() ? nullptr : &it->second;
}

// The index of the quote closing the string literal that opens at `open` (line.size()
// or past it when the line ends first).
size_t closingQuote(const std::string& line, size_t open) {
  size_t j = open + 1;
  while (j < line.size() && line[j] != '"') j += line[j] == '\\' ? 2 : 1;
  return j;
}

Abstracted abstractLine(const std::string& line) {
  Abstracted a;
  // "self.conv1 = nn.Conv2d(...)" or "self.register_buffer("name", ...)".
  std::string attr, callee;
  size_t open = line.find('(');
  if (line.rfind("self.register_buffer(\"", 0) == 0) {
    size_t q = line.find('"', 22);
    attr = line.substr(22, q == std::string::npos ? 0 : q - 22);
    callee = "self.register_buffer";
  } else if (line.rfind("self.", 0) == 0) {
    size_t eq = line.find(" = ");
    if (eq != std::string::npos) {
      attr = line.substr(5, eq - 5);
      if (open != std::string::npos && open > eq) callee = line.substr(eq + 3, open - eq - 3);
    }
  }
  int depth = 0;
  size_t arg = 0;
  std::string kw;
  for (size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (ch == '"') {  // strings are copied as they are
      const size_t j = closingQuote(line, i);
      a.shape += line.substr(i, j + 1 - i);
      i = j;
      continue;
    }
    const char prev = i ? line[i - 1] : ' ';
    const bool starts_number = std::isdigit(static_cast<unsigned char>(ch)) &&
                               !(std::isalnum(static_cast<unsigned char>(prev)) || prev == '_' || prev == '.');
    if (!starts_number) {
      if (ch == '(' || ch == '[') {
        if (++depth == 1) arg = 0, kw.clear();
      } else if (ch == ')' || ch == ']') {
        --depth;
      } else if (ch == ',' && depth == 1) {
        ++arg, kw.clear();
      } else if (ch == '=' && depth == 1 && i + 1 < line.size() && line[i + 1] != '=') {
        size_t k = i;
        while (k > 0 && (std::isalnum(static_cast<unsigned char>(line[k - 1])) || line[k - 1] == '_')) --k;
        kw = line.substr(k, i - k);
      }
      a.shape += ch;
      continue;
    }
    size_t j = i;
    while (j < line.size() && (std::isdigit(static_cast<unsigned char>(line[j])) || line[j] == '.')) ++j;
    if (j < line.size() && (line[j] == 'e' || line[j] == 'E')) {
      size_t k = j + 1;
      if (k < line.size() && (line[k] == '+' || line[k] == '-')) ++k;
      if (k < line.size() && std::isdigit(static_cast<unsigned char>(line[k]))) {
        j = k;
        while (j < line.size() && std::isdigit(static_cast<unsigned char>(line[j]))) ++j;
      }
    }
    a.numbers.push_back(line.substr(i, j - i));
    std::string name = kw;
    if (name.empty()) {
      const std::vector<std::string>* names = positionalNames(callee);
      name = names && arg < names->size() ? (*names)[arg] : "arg" + std::to_string(arg);
    }
    a.slot_names.push_back(attr.empty() ? name : attr + "_" + name);
    a.shape += '\x01';
    i = j - 1;
  }
  return a;
}

std::string camel(const std::string& s) {
  std::string out;
  bool up = true;
  for (char ch : s) {
    if (ch == '_') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(ch))) : ch;
    up = false;
  }
  return out;
}

// "layer1_0" -> "layer1"; "layers_12" -> "layers"; "" stays "".
std::string withoutNumber(const std::string& ident) {
  size_t k = ident.size();
  while (k > 0 && std::isdigit(static_cast<unsigned char>(ident[k - 1]))) --k;
  if (k < ident.size() && k > 0 && ident[k - 1] == '_') return ident.substr(0, k - 1);
  return ident;
}

// The class name a group suggests: "layer1_0" / "layers_3" -> "Layer".
std::string classBase(const std::string& ident) {
  std::string s = withoutNumber(ident);
  while (!s.empty() && std::isdigit(static_cast<unsigned char>(s.back()))) s.pop_back();
  if (size_t u = s.rfind('_'); u != std::string::npos) s = s.substr(u + 1);
  if (s.size() > 3 && s.back() == 's') s.pop_back();
  s = camel(s);
  return s.empty() || !std::isalpha(static_cast<unsigned char>(s[0])) ? "Block" : s;
}

std::vector<std::string> initAttrs(const std::vector<std::string>& init) {
  std::vector<std::string> out;
  for (std::string l : init) {
    l.erase(0, l.find_first_not_of(' '));  // a line of an optional branch is indented
    if (l.rfind("self.", 0) != 0) continue;
    size_t eq = l.find(" = ");
    if (eq != std::string::npos) out.push_back(l.substr(5, eq - 5));
  }
  return out;
}

// Removes the options translateInstance wrote only so classes compare (", stride=1").
std::string dropDefaults(std::string line) {
  if (line.find("nn.Conv") == std::string::npos) return line;
  for (const char* d : {", stride=1", ", padding=0", ", dilation=1", ", groups=1"}) {
    const std::string def = d;
    for (size_t at = line.find(def); at != std::string::npos; at = line.find(def, at)) {
      const size_t end = at + def.size();
      if (end < line.size() && (line[end] == ',' || line[end] == ')')) line.erase(at, def.size());
      else at = end;
    }
  }
  return line;
}

bool isConstantNode(const ir::Node& n) { return n.op_type == "Constant" && n.domain.empty() && n.inputs.empty(); }

// Translates one instance on its own. False when it cannot stand alone (a pattern
// reaches outside it, an output has no expression, an op fails).
bool translateInstance(const Ctx& base, const std::vector<int32_t>& node_inst, int32_t self, BlockInstance& inst) {
  const ir::Graph& g = base.g;
  Ctx s(base.model);
  s.opset = base.opset;
  s.has_half = base.has_half;
  s.claimReserved();
  s.scope_prefix = inst.ident;
  s.explicit_defaults = true;
  for (size_t i = 0; i < inst.inputs.size(); ++i)
    // "x" is reserved (the builder's code uses it), so no layer or variable can take it here.
    s.expr[inst.inputs[i].index] = i == 0 ? std::string("x") : s.locals.claim("x_" + std::to_string(i));
  // Constants first, as in the main translation (patterns look at them); constants
  // from outside the group are copied in.
  std::set<uint32_t> constants;
  for (uint32_t n : inst.nodes) {
    if (isConstantNode(g.nodes[n])) constants.insert(n);
    for (ir::ValueId v : g.nodes[n].inputs) {
      if (!v.valid()) continue;
      ir::NodeId p = g.value(v).producer;
      if (p.valid() && node_inst[p.index] != self && isConstantNode(g.node(p))) constants.insert(p.index);
    }
  }
  for (uint32_t n : constants)
    if (!emitNode(s, n)) return false;
  for (uint32_t n : inst.nodes) {
    if (constants.count(n) || s.skipped_nodes.count(n)) continue;
    if (!emitNode(s, n)) return false;
  }
  for (uint32_t n : s.skipped_nodes)
    if (node_inst[n] != self) return false;
  std::string ret;
  for (size_t i = 0; i < inst.outputs.size(); ++i) {
    auto e = s.value(inst.outputs[i]);
    if (!e) return false;
    ret += (i ? ", " : "") + *e;
  }
  s.forward.push_back("return " + ret);
  inst.init = std::move(s.init_lines);
  inst.forward = std::move(s.forward);
  inst.weights = std::move(s.weight_map);
  inst.helpers = s.helpers;
  inst.counts = std::move(s.result);
  return true;
}

// The interface of an instance: values read from outside (weights and constants are
// not inputs: the block declares its own) and values used outside.
bool findInterface(const Ctx& base, const std::vector<int32_t>& node_inst, int32_t self, BlockInstance& inst) {
  const ir::Graph& g = base.g;
  std::set<uint32_t> seen;
  for (uint32_t n : inst.nodes) {
    const ir::Node& node = g.nodes[n];
    for (ir::ValueId v : node.inputs) {
      if (!v.valid() || seen.count(v.index)) continue;
      ir::NodeId p = g.value(v).producer;
      if (p.valid() && node_inst[p.index] == self) continue;
      if (base.initializer(v) || (p.valid() && isConstantNode(g.node(p)))) continue;
      seen.insert(v.index);
      inst.inputs.push_back(v);
    }
    if (isConstantNode(node)) continue;  // a shared constant is copied, not returned
    for (ir::ValueId v : node.outputs) {
      if (!v.valid()) continue;
      const ir::Value& val = g.value(v);
      bool outside = val.graph_output;
      for (ir::NodeId c : val.consumers) outside = outside || node_inst[c.index] != self;
      if (outside) inst.outputs.push_back(v);
    }
  }
  return !inst.inputs.empty() && !inst.outputs.empty() && inst.inputs.size() <= 16;
}

// Consumers of the unit's outputs outside it come after the place of its call.
bool callFits(const ir::Graph& g, const std::vector<int32_t>& node_inst, const BlockPlan& plan, const BlockUnit& u) {
  std::set<int32_t> members(u.instances.begin(), u.instances.end());
  for (size_t i : u.instances)
    for (ir::ValueId v : plan.instances[i].outputs)
      for (ir::NodeId c : g.value(v).consumers)
        if (!members.count(node_inst[c.index]) && c.index <= u.last_node) return false;
  return true;
}

// b continues a chain whose first instance is `first` and whose last is a.
bool continuesChain(const ir::Graph& g, const std::vector<int32_t>& node_inst, const BlockInstance& first,
                    const BlockInstance& a, const BlockInstance& b, int32_t b_index, bool has_pos, size_t& pos) {
  if (a.outputs.size() != 1 || b.outputs.size() != 1 || a.inputs.size() != b.inputs.size()) return false;
  if (a.cls < 0 || b.cls < 0) return false;
  const ir::Value& link = g.value(a.outputs[0]);
  if (link.graph_output) return false;
  for (ir::NodeId c : link.consumers)
    if (node_inst[c.index] != b_index) return false;
  size_t p = b.inputs.size();
  for (size_t q = 0; q < b.inputs.size(); ++q) {
    if (b.inputs[q] == a.outputs[0]) {
      p = q;
    } else if (b.inputs[q] != first.inputs[q]) {
      return false;
    }
  }
  if (p == b.inputs.size() || (has_pos && p != pos)) return false;
  pos = p;
  return true;
}


// Calls fn(position, length) for each name a generated line reads or writes as a variable:
// identifiers outside strings and not after a '.' (attributes).
template <class Fn>
void forEachName(const std::string& line, Fn&& fn) {
  auto word = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; };
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"') {
      i = closingQuote(line, i);
      continue;
    }
    if (!word(line[i]) || std::isdigit(static_cast<unsigned char>(line[i]))) continue;
    size_t j = i;
    while (j < line.size() && word(line[j])) ++j;
    if (i == 0 || line[i - 1] != '.') fn(i, j - i);
    i = j - 1;
  }
}

std::set<std::string> namesIn(const std::string& line) {
  std::set<std::string> out;
  forEachName(line, [&](size_t at, size_t n) { out.insert(line.substr(at, n)); });
  return out;
}

std::string renamed(const std::string& line, const std::string& from, const std::string& to) {
  std::string out;
  size_t copied = 0;
  forEachName(line, [&](size_t at, size_t n) {
    if (line.compare(at, n, from) != 0) return;
    out += line.substr(copied, at - copied) + to;
    copied = at + n;
  });
  return out + line.substr(copied);
}

// "a = f(x)" -> "a"; "" for anything else ("a, b = ...", "return a").
std::string assignedName(const std::string& line) {
  const size_t eq = line.find(" = ");
  if (eq == std::string::npos) return "";
  const std::string lhs = line.substr(0, eq);
  const std::set<std::string> names = namesIn(lhs);
  return names.size() == 1 && *names.begin() == lhs ? lhs : "";
}

// Two clusters of instances that are one class with an optional branch: ResNet's first
// block of a stage has a downsample convolution on its shortcut where the others add
// their input as it is. The fuller instance's code must read like the other's once the
// branch's lines are removed and the branch's result is renamed to its input, so the
// class runs the branch under a constructor flag and is the same code either way.
struct OptionalBranch {
  std::vector<int32_t> line_in_other;  // per __init__ line of the fuller instance: the other's, -1 if in the branch
  std::string flag;                    // the constructor flag ("downsample")
  std::vector<std::string> forward;    // the class's forward, the branch under `if self.<flag>:`
};

std::optional<OptionalBranch> optionalBranch(const BlockInstance& full, const std::vector<Abstracted>& full_lines,
                                             const BlockInstance& other, const std::vector<Abstracted>& other_lines) {
  if (full.inputs.size() != other.inputs.size() || full.outputs.size() != other.outputs.size() ||
      full_lines.size() <= other_lines.size())
    return std::nullopt;
  OptionalBranch b;
  std::vector<std::string> branch_attrs;
  size_t j = 0;
  for (size_t l = 0; l < full_lines.size(); ++l) {
    if (j < other_lines.size() && full_lines[l].shape == other_lines[j].shape) {
      b.line_in_other.push_back(static_cast<int32_t>(j++));
      continue;
    }
    b.line_in_other.push_back(-1);
    const std::vector<std::string> attrs = initAttrs({full.init[l]});
    if (attrs.empty()) return std::nullopt;
    branch_attrs.push_back(attrs[0]);
  }
  if (j != other_lines.size()) return std::nullopt;
  // One module or a numbered run of them ("downsample_0", "downsample_1") names the flag.
  const std::string base = withoutNumber(branch_attrs[0]);
  for (const std::string& a : branch_attrs)
    if (withoutNumber(a) != base) return std::nullopt;
  const std::vector<std::string> all_attrs = initAttrs(full.init);
  b.flag = std::find(all_attrs.begin(), all_attrs.end(), base) == all_attrs.end() ? base : "use_" + base;

  // The branch's lines in forward(): those that call its modules, one run of them.
  const std::vector<std::string>& fwd = full.forward;
  std::vector<size_t> in_branch;
  for (size_t l = 0; l < fwd.size(); ++l)
    for (const std::string& a : branch_attrs)
      if (fwd[l].find("self." + a + "(") != std::string::npos) {
        in_branch.push_back(l);
        break;
      }
  if (in_branch.empty() || in_branch.back() - in_branch.front() + 1 != in_branch.size()) return std::nullopt;
  const size_t first = in_branch.front(), last = in_branch.back();
  std::set<std::string> locals;
  for (size_t i = 0; i < full.inputs.size(); ++i) locals.insert(i == 0 ? "x" : "x_" + std::to_string(i));
  for (const std::string& l : fwd) locals.insert(assignedName(l));
  std::set<std::string> written, read;
  for (size_t l = first; l <= last; ++l) {
    const std::string out = assignedName(fwd[l]);
    if (out.empty()) return std::nullopt;
    for (const std::string& n : namesIn(fwd[l].substr(out.size() + 3)))
      if (locals.count(n) && !written.count(n)) read.insert(n);
    written.insert(out);
  }
  if (read.size() != 1) return std::nullopt;
  const std::string input = *read.begin(), result = assignedName(fwd[last]);
  // Without the branch: its result is its input, and nothing else it wrote is read.
  std::vector<std::string> without;
  for (size_t l = 0; l < fwd.size(); ++l) {
    if (l >= first && l <= last) continue;
    for (const std::string& n : namesIn(fwd[l]))
      if (written.count(n) && n != result) return std::nullopt;
    without.push_back(renamed(fwd[l], result, input));
  }
  if (without != other.forward) return std::nullopt;
  b.forward.assign(fwd.begin(), fwd.begin() + static_cast<std::ptrdiff_t>(first));
  b.forward.push_back(result + " = " + input);
  b.forward.push_back("if self." + b.flag + ":");
  for (size_t l = first; l <= last; ++l) b.forward.push_back("    " + fwd[l]);
  b.forward.insert(b.forward.end(), fwd.begin() + static_cast<std::ptrdiff_t>(last) + 1, fwd.end());
  return b;
}

}  // namespace

void BlockPlan::dropUnit(size_t unit) {
  if (units[unit].dropped) return;
  units[unit].dropped = true;
  for (size_t k : units[unit].instances) classes[static_cast<size_t>(instances[k].cls)].uses -= 1;
  for (int32_t& u : node_unit)
    if (u == static_cast<int32_t>(unit)) u = kNone;
}

BlockPlan planBlocks(const Ctx& base) {
  BlockPlan plan;
  const ir::Graph& g = base.g;
  plan.node_unit.assign(g.nodes.size(), kNone);
  auto built = hierarchy::buildHierarchy(base.model);
  if (!built) return plan;
  const hierarchy::Hierarchy& h = *built;

  // Outermost groups that are instances of something repeated, unless a series inside
  // repeats more often (three stitched 32-layer encoders: the 96 layers are the blocks;
  // classes do not nest yet).
  auto repeatCount = [&](const hierarchy::Group& gr) -> size_t {
    if (gr.series.valid()) return h.group(gr.series).children.size();
    return gr.repeat_class >= 0 ? h.repeats[static_cast<size_t>(gr.repeat_class)].members.size() : 0;
  };
  std::vector<size_t> inner_series(h.groups.size(), 0);  // the largest series strictly inside
  for (size_t id = h.groups.size(); id-- > 1;) {
    const hierarchy::Group& gr = h.groups[id];
    const size_t own = gr.kind == hierarchy::GroupKind::Series ? gr.children.size() : 0;
    size_t& up = inner_series[gr.parent.index];
    up = std::max({up, inner_series[id], own});
  }
  std::vector<int32_t> group_inst(h.groups.size(), kNone);
  std::vector<uint32_t> stack = {0};
  while (!stack.empty()) {
    const uint32_t id = stack.back();
    stack.pop_back();
    const hierarchy::Group& gr = h.groups[id];
    const bool candidate = gr.kind != hierarchy::GroupKind::Root && gr.kind != hierarchy::GroupKind::Series &&
                           (gr.series.valid() || gr.repeat_class >= 0) && gr.node_count >= 2 &&
                           inner_series[id] <= repeatCount(gr);
    if (!candidate) {
      for (auto it = gr.children.rbegin(); it != gr.children.rend(); ++it) stack.push_back(it->index);
      continue;
    }
    const int32_t k = static_cast<int32_t>(plan.instances.size());
    for (uint32_t sub = id; sub < gr.subtree_end; ++sub) group_inst[sub] = k;
    BlockInstance inst;
    inst.ident = scopeIdentifierOfName("/" + gr.path, "");
    inst.series = gr.series.valid() ? static_cast<int64_t>(gr.series.index) : -1;
    inst.series_number = gr.series_number;
    plan.instances.push_back(std::move(inst));
  }
  if (plan.instances.size() < 2) return {};
  std::vector<int32_t> node_inst(g.nodes.size(), kNone);
  for (uint32_t n = 0; n < g.nodes.size(); ++n) {
    node_inst[n] = group_inst[h.node_group[n].index];
    if (node_inst[n] != kNone) plan.instances[static_cast<size_t>(node_inst[n])].nodes.push_back(n);
  }

  // Translate each instance; group them by their code with numbers cut out.
  std::map<std::string, std::vector<int32_t>> clusters;
  std::vector<std::vector<Abstracted>> abstracted(plan.instances.size());
  for (int32_t k = 0; k < static_cast<int32_t>(plan.instances.size()); ++k) {
    BlockInstance& inst = plan.instances[static_cast<size_t>(k)];
    if (!findInterface(base, node_inst, k, inst) || !translateInstance(base, node_inst, k, inst)) continue;
    std::string key = std::to_string(inst.inputs.size()) + "/" + std::to_string(inst.outputs.size()) + "\n";
    for (const std::string& l : inst.init) {
      abstracted[static_cast<size_t>(k)].push_back(abstractLine(l));
      key += abstracted[static_cast<size_t>(k)].back().shape + "\n";
    }
    key += "--\n";
    for (const std::string& l : inst.forward) key += l + "\n";
    clusters[key].push_back(k);
  }
  // Clusters that are one class with an optional branch merge (ResNet's downsample).
  struct Cluster {
    std::vector<int32_t> members;  // the first `full` have every __init__ line of members[0]
    size_t full = 0;
    std::optional<OptionalBranch> branch;
  };
  std::vector<Cluster> merged;
  for (auto& [key, members] : clusters) merged.push_back({members, members.size(), std::nullopt});
  auto lines = [&](const Cluster& c) { return &abstracted[static_cast<size_t>(c.members[0])]; };
  for (Cluster& a : merged) {
    for (Cluster& b : merged) {
      if (&a == &b || b.members.empty() || b.branch || a.branch) continue;
      const BlockInstance& full = plan.instances[static_cast<size_t>(a.members[0])];
      const BlockInstance& other = plan.instances[static_cast<size_t>(b.members[0])];
      if (auto branch = optionalBranch(full, *lines(a), other, *lines(b))) {
        a.branch = std::move(branch);
        a.members.insert(a.members.end(), b.members.begin(), b.members.end());
        b.members.clear();
      }
    }
  }
  // A class for each cluster of two or more, and for a lone instance of a series that
  // has folded siblings (the series then reads as one Sequential).
  std::set<int64_t> series_with_class;
  for (const Cluster& c : merged)
    if (c.members.size() >= 2)
      for (int32_t k : c.members) series_with_class.insert(plan.instances[static_cast<size_t>(k)].series);
  std::vector<Cluster> kept;
  for (Cluster& c : merged) {
    if (c.members.empty()) continue;
    const BlockInstance& first = plan.instances[static_cast<size_t>(c.members[0])];
    if (c.members.size() >= 2 || (first.series >= 0 && series_with_class.count(first.series)))
      kept.push_back(std::move(c));
  }
  if (kept.empty()) return {};
  // Most used first (it gets the plain name), then in graph order.
  std::sort(kept.begin(), kept.end(), [&](const Cluster& a, const Cluster& b) {
    if (a.members.size() != b.members.size()) return a.members.size() > b.members.size();
    return *std::min_element(a.members.begin(), a.members.end()) < *std::min_element(b.members.begin(), b.members.end());
  });

  builder::NameTable class_names;
  for (const std::string& helper : HelperSet::allNames()) class_names.claim(helper);
  for (const char* r : {"np", "math", "argparse", "torch", "nn", "F", "onnx", "numpy_helper", "main", "Model",
                        "ONNX_WEIGHTS", "INPUTS", "load_onnx_weights", "to_torch"})
    class_names.claim(r);
  for (const Cluster& cluster : kept) {
    const std::vector<int32_t>& members = cluster.members;
    BlockClass cls;
    const BlockInstance& first = plan.instances[static_cast<size_t>(members[0])];
    // Numbers that differ between instances become constructor parameters; numbers that
    // differ the same way share one parameter. A number of the optional branch is known
    // only for the instances that have it ("" for the others): it reuses a parameter
    // that agrees where it is known, or becomes a keyword parameter defaulting to None.
    std::vector<std::string> literal_of_slot;  // the literal, or "" for a parameter
    std::vector<size_t> param_of_slot;
    builder::NameTable param_names;
    param_names.claim("self");
    if (cluster.branch) param_names.claim(cluster.branch->flag);
    std::vector<std::string> param_names_in_order;
    std::vector<std::vector<std::string>> param_values;  // per param, per member
    const auto& first_lines = abstracted[static_cast<size_t>(members[0])];
    auto value = [&](size_t m, size_t l, size_t s) -> std::string {
      const auto& own = abstracted[static_cast<size_t>(members[m])];
      if (m < cluster.full) return own[l].numbers[s];
      const int32_t j = cluster.branch->line_in_other[l];
      return j < 0 ? "" : own[static_cast<size_t>(j)].numbers[s];
    };
    for (size_t l = 0; l < first_lines.size(); ++l) {
      for (size_t s = 0; s < first_lines[l].numbers.size(); ++s) {
        std::vector<std::string> values;
        for (size_t m = 0; m < members.size(); ++m) values.push_back(value(m, l, s));
        const bool same = std::all_of(values.begin(), values.end(),
                                      [&](const std::string& v) { return v.empty() || v == values[0]; });
        if (same) {
          literal_of_slot.push_back(values[0]);
          param_of_slot.push_back(0);
          continue;
        }
        size_t p = 0;
        auto agrees = [&](const std::vector<std::string>& known) {
          for (size_t m = 0; m < values.size(); ++m)
            if (!values[m].empty() && values[m] != known[m]) return false;
          return true;
        };
        while (p < param_values.size() && !agrees(param_values[p])) ++p;
        if (p == param_values.size()) {
          param_names_in_order.push_back(param_names.claim(first_lines[l].slot_names[s], "arg"));
          param_values.push_back(values);
        }
        literal_of_slot.push_back("");
        param_of_slot.push_back(p);
      }
    }
    auto optionalParam = [&](size_t p) {
      return std::any_of(param_values[p].begin(), param_values[p].end(), [](const std::string& v) { return v.empty(); });
    };
    for (size_t p = 0; p < param_values.size(); ++p)
      if (!optionalParam(p)) cls.params.push_back(param_names_in_order[p]);
    if (cluster.branch) {
      cls.params.push_back(cluster.branch->flag + "=False");
      for (size_t p = 0; p < param_values.size(); ++p)
        if (optionalParam(p)) cls.params.push_back(param_names_in_order[p] + "=None");
      cls.init.push_back("self." + cluster.branch->flag + " = " + cluster.branch->flag);
    }
    size_t slot = 0;
    bool in_branch = false;
    for (size_t l = 0; l < first_lines.size(); ++l) {
      std::string line;
      for (char ch : first_lines[l].shape) {
        if (ch != '\x01') {
          line += ch;
          continue;
        }
        line += literal_of_slot[slot].empty() ? param_names_in_order[param_of_slot[slot]] : literal_of_slot[slot];
        ++slot;
      }
      const bool optional = cluster.branch && cluster.branch->line_in_other[l] < 0;
      if (optional && !in_branch) cls.init.push_back("if " + cluster.branch->flag + ":");
      in_branch = optional;
      cls.init.push_back((optional ? "    " : "") + dropDefaults(std::move(line)));
    }
    cls.forward = cluster.branch ? cluster.branch->forward : first.forward;
    for (size_t i = 0; i < first.inputs.size(); ++i) cls.args.push_back(i == 0 ? "x" : "x_" + std::to_string(i));
    cls.uses = static_cast<int64_t>(members.size());
    // Name: from the group's scope; a second class of that name adds a layer only it has.
    std::string name = classBase(first.ident);
    if (class_names.taken(name)) {  // "dec_layers_3" -> "DecLayer" beside "enc_layers_3" -> "Layer"
      std::string outer = withoutNumber(first.ident);
      if (size_t u = outer.rfind('_'); u != std::string::npos) {
        outer = outer.substr(0, u);
        if (size_t v = outer.rfind('_'); v != std::string::npos) outer = outer.substr(v + 1);
        while (!outer.empty() && std::isdigit(static_cast<unsigned char>(outer.back()))) outer.pop_back();
        if (!outer.empty() && std::isalpha(static_cast<unsigned char>(outer[0]))) name = camel(outer) + name;
      }
    }
    if (class_names.taken(name)) {
      std::set<std::string> others;
      for (const BlockClass& o : plan.classes)
        for (const std::string& a : initAttrs(o.init)) others.insert(a);
      for (const std::string& a : initAttrs(cls.init))
        if (!others.count(a) && a.find('.') == std::string::npos && !class_names.taken(name + camel(withoutNumber(a)))) {
          name += camel(withoutNumber(a));
          break;
        }
    }
    cls.name = class_names.claim(name, "Block");
    const int32_t cls_index = static_cast<int32_t>(plan.classes.size());
    for (size_t m = 0; m < members.size(); ++m) {
      BlockInstance& inst = plan.instances[static_cast<size_t>(members[m])];
      inst.cls = cls_index;
      for (size_t p = 0; p < param_values.size(); ++p)
        if (!optionalParam(p)) inst.ctor_args.push_back(param_values[p][m]);
      if (m >= cluster.full) continue;  // without the branch: its defaults
      if (cluster.branch) inst.ctor_args.push_back(cluster.branch->flag + "=True");
      for (size_t p = 0; p < param_values.size(); ++p)
        if (optionalParam(p)) inst.ctor_args.push_back(param_names_in_order[p] + "=" + param_values[p][m]);
    }
    plan.classes.push_back(std::move(cls));
  }

  // Units: chains along each series, the rest one call each.
  std::map<int64_t, std::vector<int32_t>> by_series;
  std::vector<std::vector<int32_t>> singles;
  for (int32_t k = 0; k < static_cast<int32_t>(plan.instances.size()); ++k) {
    const BlockInstance& inst = plan.instances[static_cast<size_t>(k)];
    if (inst.cls < 0) continue;
    if (inst.series >= 0) by_series[inst.series].push_back(k);
    else singles.push_back({k});
  }
  std::vector<std::pair<std::vector<int32_t>, size_t>> candidates;  // members, chain input
  for (auto& [series, members] : by_series) {
    std::sort(members.begin(), members.end(), [&](int32_t a, int32_t b) {
      return plan.instances[static_cast<size_t>(a)].series_number < plan.instances[static_cast<size_t>(b)].series_number;
    });
    size_t i = 0;
    while (i < members.size()) {
      size_t j = i, pos = 0;
      const BlockInstance& first = plan.instances[static_cast<size_t>(members[i])];
      while (j + 1 < members.size() &&
             continuesChain(g, node_inst, first, plan.instances[static_cast<size_t>(members[j])],
                            plan.instances[static_cast<size_t>(members[j + 1])], members[j + 1], j > i, pos))
        ++j;
      if (j > i) {
        candidates.push_back({std::vector<int32_t>(members.begin() + i, members.begin() + j + 1), pos});
      } else {
        singles.push_back({members[i]});
      }
      i = j + 1;
    }
  }
  for (auto& s : singles) candidates.push_back({s, 0});
  for (auto& [members, pos] : candidates) {
    BlockUnit u;
    u.instances.assign(members.begin(), members.end());
    u.chain = members.size() > 1;
    u.chain_input = pos;
    const BlockInstance& first = plan.instances[static_cast<size_t>(members[0])];
    u.name = u.chain ? withoutNumber(first.ident) : first.ident;
    for (int32_t k : members) u.last_node = std::max(u.last_node, plan.instances[static_cast<size_t>(k)].nodes.back());
    if (!callFits(g, node_inst, plan, u)) {
      if (!u.chain) continue;
      for (int32_t k : members) {  // one call per instance instead
        BlockUnit one;
        one.instances = {static_cast<size_t>(k)};
        one.name = plan.instances[static_cast<size_t>(k)].ident;
        one.last_node = plan.instances[static_cast<size_t>(k)].nodes.back();
        if (callFits(g, node_inst, plan, one)) plan.units.push_back(std::move(one));
      }
      continue;
    }
    plan.units.push_back(std::move(u));
  }
  for (size_t u = 0; u < plan.units.size(); ++u)
    for (size_t k : plan.units[u].instances)
      for (uint32_t n : plan.instances[k].nodes) plan.node_unit[n] = static_cast<int32_t>(u);
  // Classes count only the instances that are called.
  for (BlockClass& c : plan.classes) c.uses = 0;
  for (const BlockUnit& u : plan.units)
    for (size_t k : u.instances) plan.classes[static_cast<size_t>(plan.instances[k].cls)].uses += 1;
  return plan;
}

std::string blockClassesCode(const BlockPlan& plan) {
  std::string code;
  for (const BlockClass& c : plan.classes) {
    if (c.uses == 0) continue;
    code += "\n\nclass " + c.name + "(nn.Module):\n    def __init__(self";
    for (const std::string& p : c.params) code += ", " + p;
    code += "):\n        super().__init__()\n";
    for (const std::string& l : c.init) code += "        " + l + "\n";
    code += "\n    def forward(self";
    for (const std::string& a : c.args) code += ", " + a;
    code += "):\n";
    for (const std::string& l : c.forward) code += "        " + l + "\n";
  }
  return code;
}

}  // namespace nf::importer::detail
