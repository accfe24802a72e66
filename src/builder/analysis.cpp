// builder/analysis.cpp - shape propagation (see analysis.h).
//
//   analyze()
//     checkNode()        per node: type, framework, parameters, ports (no shapes yet)
//     countNames()       duplicate names (kept up to date by the changed layers)
//     topologicalOrder() Kahn's algorithm, smallest id first
//     markCycles()       Tarjan SCCs over the nodes Kahn could not order
//     propagate()        in order: dtypes, shape rule, storage, parameter count
#include "builder/analysis.h"

#include <algorithm>
#include <functional>
#include <iterator>
#include <queue>
#include <span>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "builder/rules.h"

namespace nf::builder {

bool NodeReport::hasError() const {
  return std::any_of(issues.begin(), issues.end(), [](const Issue& i) { return i.level == Issue::Level::Error; });
}

const TensorInfo* NodeReport::outputAt(int k) const {
  if (!output || k < 0) return nullptr;
  if (k == 0) return &*output;
  const size_t more = static_cast<size_t>(k - 1);
  return more < more_outputs.size() && more_outputs[more] ? &*more_outputs[more] : nullptr;
}

const NodeReport* Analysis::find(NodeId id) const {
  auto it = std::lower_bound(nodes.begin(), nodes.end(), id, [](const NodeReport& r, NodeId v) { return r.id < v; });
  return it != nodes.end() && it->id == id ? &*it : nullptr;
}

// The state of one analyze() call; a friend of AnalysisCache (its entries are the
// per-layer results this call reuses or refreshes).
struct AnalysisWork {
  using Entry = AnalysisCache::Entry;
  const Document& doc;
  Framework fw;
  Analysis& out;
  AnalysisCache& cache;
  std::vector<Entry*> entry;  // per node index: its cache entry (stable: unordered_map)
  std::vector<int> from, to;  // per edge: its producer's and consumer's node index
  // Per node index i, [begin[i], begin[i + 1]) in the list: its input edges (edge
  // indices, by port: edges are sorted by (to, port)) and its consumers (node indices).
  std::vector<int> in_begin, in_list, out_begin, out_list;
  std::optional<std::vector<NodeId>> only_changed;  // AnalysisCache::onlyChanged's promise
  // Per node index: an input edge reads an output its producer lacks (checked on every
  // call: it depends on the producer's parameters, not only on this layer's).
  std::vector<bool> reads_missing_output;
  std::vector<const TensorInfo*> input_scratch;  // propagate's inputs, reused

  int indexOf(NodeId id) const {
    const Node* n = doc.node(id);
    return n ? static_cast<int>(n - doc.nodes().data()) : -1;
  }
  std::span<const int> inEdges(int i) const {
    return {in_list.data() + in_begin[i], static_cast<size_t>(in_begin[i + 1] - in_begin[i])};
  }
  std::span<const int> consumers(int i) const {
    return {out_list.data() + out_begin[i], static_cast<size_t>(out_begin[i + 1] - out_begin[i])};
  }
  bool untouched(NodeId id) const {
    return only_changed && !std::binary_search(only_changed->begin(), only_changed->end(), id);
  }
  void error(int i, std::string m) { out.nodes[i].issues.push_back({Issue::Level::Error, std::move(m)}); }
  void warn(int i, std::string m) { out.nodes[i].issues.push_back({Issue::Level::Warning, std::move(m)}); }
  size_t& checkedCount() { return cache.checked_; }
  size_t& propagatedCount() { return cache.propagated_; }
  std::unordered_map<uint32_t, Entry>& entries() { return cache.entries_; }
  uint64_t& lastStamp() { return cache.last_stamp_; }
  // Takes onlyChanged's promise (it holds for one analysis).
  void takePromise() { only_changed = std::exchange(cache.only_changed_, std::nullopt); }
  void countNames();
  Framework& cacheFramework() { return cache.framework_; }
};

// The duplicate-name warnings. The cache counts the names; after onlyChanged() only the
// changed layers' names are recounted.
void AnalysisWork::countNames() {
  AnalysisCache& c = cache;
  AnalysisWork& w = *this;
  auto add = [&](uint32_t id, const std::string& name) {
    c.counted_name_[id] = name;
    if (++c.name_count_[name] == 2) ++c.duplicated_names_;
  };
  if (!w.only_changed || !c.names_counted_) {
    c.counted_name_.clear();
    c.name_count_.clear();
    c.duplicated_names_ = 0;
    c.counted_name_.reserve(w.doc.nodes().size());
    for (const Node& node : w.doc.nodes()) add(node.id.index, node.name);
    c.names_counted_ = true;
  } else {
    for (NodeId id : *w.only_changed) {
      if (auto old = c.counted_name_.find(id.index); old != c.counted_name_.end()) {
        auto count = c.name_count_.find(old->second);
        if (count->second-- == 2) --c.duplicated_names_;
        if (count->second == 0) c.name_count_.erase(count);
        c.counted_name_.erase(old);
      }
      if (const Node* node = w.doc.node(id)) add(id.index, node->name);
    }
  }
  if (c.duplicated_names_ == 0) return;
  for (size_t i = 0; i < w.doc.nodes().size(); ++i) {
    if (c.name_count_[w.doc.nodes()[i].name] > 1)
      w.warn(static_cast<int>(i), "another layer has the same name (the code will number them)");
  }
}

namespace {

using Work = AnalysisWork;
using Entry = AnalysisCache::Entry;

// The checks that need no shapes, into the node's cache entry `e` (its issues go to
// the report as well).
void checkNodeFresh(Work& w, int i, Entry& e) {
  const Node& node = w.doc.nodes()[i];
  const LayerSpec* spec = e.spec;
  if (!spec) {
    w.error(i, "unknown layer type '" + node.type + "' (made with a newer NetForge?)");
    e.shapeable = false;
    return;
  }
  if (!spec->has(w.fw) && spec->family == Family::OnnxOp) {
    w.error(i, "ONNX op " + typeLabel(node) + " is not available in " + std::string(frameworkName(w.fw)) +
                   " (no builder layer matches it, and " + spec->type + " layers are PyTorch only)");
  } else if (!spec->has(w.fw)) {
    const Framework other = w.fw == Framework::PyTorch ? Framework::Keras : Framework::PyTorch;
    w.error(i, spec->type + " is not available in " + frameworkName(w.fw) + " (" + frameworkName(other) +
                   " only): replace it or generate " + frameworkName(other) + " code");
  }
  ResolvedParams rp = resolveParams(*spec, node.params);
  for (const std::string& message : rp.errors) {
    w.error(i, message);
    e.shapeable = false;
  }
  for (const std::string& u : rp.unknown)
    w.warn(i, "parameter '" + u + "' is not known to this NetForge version and is ignored");
  for (const auto& [name, raw] : node.extra_params)
    w.warn(i, "parameter '" + name + "' is not known to this NetForge version and is ignored");
  if (spec->has(w.fw)) {
    for (const ParamSpec& p : spec->params) {
      if (p.in(w.fw).how != Mapping::Unsupported) continue;
      const ParamValue& v = rp.values[p.name];
      if (!sameValue(v, p.default_value)) {
        w.error(i, std::string(frameworkName(w.fw)) + " has no equivalent of " + p.name + " = " +
                       formatParamValue(v) + " (only " + formatParamValue(p.default_value) + ")");
      }
    }
  }
  e.resolved = std::move(rp.values);

  // Ports: known ones only, no gaps below the highest connected port, minimum met.
  const int highest = e.ports.empty() ? -1 : e.ports.back();
  const int max_ports = spec->max_inputs;
  for (int port : e.ports) {
    if (max_ports >= 0 && port >= max_ports) {
      w.error(i, "input port " + std::to_string(port + 1) + " does not exist (" + spec->type + " takes " +
                     (max_ports == 0 ? std::string("no inputs") : "at most " + std::to_string(max_ports)) + ")");
      e.shapeable = false;
    }
  }
  const int needed = std::max(spec->min_inputs, max_ports >= 0 ? std::min(highest + 1, max_ports) : highest + 1);
  for (int port = 0; port < needed; ++port) {
    if (!std::binary_search(e.ports.begin(), e.ports.end(), port)) {
      w.error(i, spec->portName(port) + " is not connected");
      e.shapeable = false;
    }
  }
  e.input_count = needed;
}

// checkNodeFresh, or its results from the cache when the node's type, parameters and
// connected ports are what they were (taken on trust for a layer onlyChanged left out).
void checkNode(Work& w, int i) {
  const Node& node = w.doc.nodes()[i];
  NodeReport& r = w.out.nodes[i];
  auto [it, fresh] = w.entries().try_emplace(node.id.index);
  Entry& e = it->second;
  w.entry[i] = &e;
  auto reuse = [&] {
    r.spec = e.spec;
    r.output_count = e.output_count;
    r.issues = e.check_issues;
  };
  if (!fresh && w.untouched(node.id)) return reuse();
  std::vector<int> ports;
  ports.reserve(w.inEdges(i).size());
  for (int k : w.inEdges(i)) ports.push_back(w.doc.edges()[k].port);
  if (!fresh && e.type == node.type && e.ports == ports && e.params == node.params &&
      e.extra_params == node.extra_params)
    return reuse();
  ++w.checkedCount();
  e = Entry{};
  e.type = node.type;
  e.params = node.params;
  e.extra_params = node.extra_params;
  e.ports = std::move(ports);
  e.stamp = ++w.lastStamp();
  e.spec = catalog().find(node.type);
  e.output_count = outputCount(node);
  r.spec = e.spec;
  r.output_count = e.output_count;
  checkNodeFresh(w, i, e);
  e.check_issues = r.issues;
}

// An edge reading output k of a producer with fewer outputs: an error on the consumer.
void checkOutputsRead(Work& w, int i) {
  const LayerSpec* spec = w.out.nodes[i].spec;
  for (int e : w.inEdges(i)) {
    const Edge& edge = w.doc.edges()[e];
    const int outputs = w.out.nodes[w.from[e]].output_count;
    if (edge.out < outputs) continue;
    w.error(i, (spec ? spec->portName(edge.port) : "input " + std::to_string(edge.port + 1)) + " reads output " +
                   std::to_string(edge.out + 1) + " of " + w.doc.node(edge.from)->name + ", which has " +
                   (outputs == 1 ? std::string("one output") : std::to_string(outputs) + " outputs"));
    w.reads_missing_output[i] = true;
  }
}

void topologicalOrder(Work& w) {
  const size_t n = w.doc.nodes().size();
  std::vector<int> indegree(n, 0);
  for (int to : w.to) indegree[to]++;
  // The smallest ready node index first (index order == id order).
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (size_t i = 0; i < n; ++i)
    if (indegree[i] == 0) ready.push(static_cast<int>(i));
  while (!ready.empty()) {
    const int i = ready.top();
    ready.pop();
    w.out.order.push_back(w.doc.nodes()[i].id);
    for (int j : w.consumers(i))
      if (--indegree[j] == 0) ready.push(j);
  }
}

// Tarjan's strongly connected components, iterative, over the nodes Kahn left out.
void markCycles(Work& w) {
  const int n = static_cast<int>(w.doc.nodes().size());
  std::vector<bool> ordered(n, false);
  for (NodeId id : w.out.order) ordered[w.indexOf(id)] = true;
  std::vector<int> index(n, -1), low(n, 0);
  std::vector<bool> onStack(n, false);
  std::vector<int> stack;
  int counter = 0;
  for (int root = 0; root < n; ++root) {
    if (ordered[root] || index[root] >= 0) continue;
    std::vector<std::pair<int, size_t>> call = {{root, 0}};
    index[root] = low[root] = counter++;
    stack.push_back(root);
    onStack[root] = true;
    while (!call.empty()) {
      auto& [v, next] = call.back();
      if (next < w.consumers(v).size()) {
        const int u = w.consumers(v)[next++];
        if (ordered[u]) continue;
        if (index[u] < 0) {
          index[u] = low[u] = counter++;
          stack.push_back(u);
          onStack[u] = true;
          call.push_back({u, 0});
        } else if (onStack[u]) {
          low[v] = std::min(low[v], index[u]);
        }
        continue;
      }
      if (low[v] == index[v]) {
        std::vector<int> comp;
        int u;
        do {
          u = stack.back();
          stack.pop_back();
          onStack[u] = false;
          comp.push_back(u);
        } while (u != v);
        const bool self_loop = std::find(w.consumers(v).begin(), w.consumers(v).end(), v) != w.consumers(v).end();
        if (comp.size() > 1 || self_loop) {
          std::sort(comp.begin(), comp.end());
          std::string names;
          for (size_t k = 0; k < comp.size() && k < 6; ++k)
            names += (k ? ", " : "") + w.doc.nodes()[comp[k]].name;
          if (comp.size() > 6) names += ", ...";
          for (int c : comp) {
            w.out.nodes[c].on_cycle = true;
            w.error(c, comp.size() == 1 ? "is connected to itself (a cycle)" : "is part of a cycle (" + names + ")");
          }
        }
      }
      const int finished = v;
      call.pop_back();
      if (!call.empty()) low[call.back().first] = std::min(low[call.back().first], low[finished]);
    }
  }
  for (int i = 0; i < n; ++i)
    if (!ordered[i] && !w.out.nodes[i].on_cycle) w.out.nodes[i].blocked = true;
}

bool channelsFirstFor(const LayerSpec& spec, const ParamMap& params, const std::vector<TensorInfo>& inputs,
                      const IntList& out) {
  if (out.size() < 2) return false;
  if (spec.family == Family::Input) {
    const std::string& layout = std::get<std::string>(params.at("layout"));
    return layout == "channels_last" || (layout == "auto" && out.size() >= 3);
  }
  if (spec.family == Family::PReLU && std::get<bool>(params.at("per_channel"))) return true;
  switch (spec.layout) {
    case TorchLayout::ChannelsFirst: return true;
    case TorchLayout::ChannelsLast: return false;
    case TorchLayout::Keep: return !inputs.empty() && inputs[0].channels_first;
    case TorchLayout::Flatten: return false;
    case TorchLayout::AsStored: return rules::onnxOpChannelsFirst(params, inputs, out.size());
  }
  return false;
}

// The shape rule over `inputs`: the output, the count and the errors go to the report.
void shapeNode(Work& w, int i, const ParamMap& params, const std::vector<TensorInfo>& inputs) {
  NodeReport& r = w.out.nodes[i];
  const LayerSpec& spec = *r.spec;
  for (size_t p = 0; p < inputs.size(); ++p) {
    const std::string port = spec.portName(static_cast<int>(p));
    if (spec.input_kind == InputKind::Float && inputs[p].dtype != DType::Float32) {
      w.error(i, port + " holds integer ids: " + spec.type + " needs float values (add an Embedding first)");
      return;
    }
    if (spec.input_kind == InputKind::Int && inputs[p].dtype != DType::Int64) {
      w.error(i, spec.type + " needs integer ids: set the input's dtype to int64");
      return;
    }
  }
  RuleContext ctx{spec, params, inputs, w.fw};
  Result<IntList> dims = spec.shape ? spec.shape(ctx) : Result<IntList>(Error{"no shape rule"});
  if (!dims) {
    w.error(i, dims.error().message);
    return;
  }
  double volume = 1;
  for (int64_t d : *dims) {
    if (d < 1) {
      w.error(i, "the output " + formatDims(*dims) + " would be empty");
      return;
    }
    volume *= static_cast<double>(d);
  }
  if (volume > 1e12) {
    w.error(i, "the output " + formatDims(*dims) + " is too large (over 10^12 values per sample)");
    return;
  }
  TensorInfo out;
  out.dims = *dims;
  if (spec.family == Family::Input) {
    out.dtype = std::get<std::string>(params.at("dtype")) == "int64" ? DType::Int64 : DType::Float32;
  } else if (spec.input_kind == InputKind::Any && !inputs.empty()) {
    out.dtype = inputs[0].dtype;
  }
  if (spec.family == Family::OnnxOp) {
    const std::string& dtype = std::get<std::string>(params.at("output_dtype"));
    if (dtype != "as_input") out.dtype = dtype == "int64" ? DType::Int64 : DType::Float32;
  }
  out.channels_first = channelsFirstFor(spec, params, inputs, out.dims);
  if (spec.family == Family::OnnxOp) {
    auto more = rules::onnxOpMoreOutputs(params);
    if (!more) {
      w.error(i, more.error().message);
      return;
    }
    r.more_outputs = std::move(*more);
  }
  r.output = std::move(out);
  if (spec.count) r.params = spec.count(ctx, *dims);
  if (r.params.overflow()) w.error(i, "the parameter count of this layer does not fit in 64 bits");
}

// The node's shape from its inputs' (shapeNode), or from the cache when its checks were
// reused and its inputs carry the same tensors as then.
void propagate(Work& w, int i) {
  const Node& node = w.doc.nodes()[i];
  NodeReport& r = w.out.nodes[i];
  Entry& e = *w.entry[i];
  if (!e.shapeable || w.reads_missing_output[i]) return;
  // Input p is in-edge p (a shapeable layer has ports 0..input_count-1 connected, once each).
  std::vector<const TensorInfo*>& in = w.input_scratch;
  in.clear();
  const std::span<const int> edges = w.inEdges(i);
  for (int port = 0; port < e.input_count; ++port) {
    const int k = port < static_cast<int>(edges.size()) && w.doc.edges()[edges[port]].port == port
                      ? edges[port]
                      : static_cast<int>(w.doc.edgeInto(node.id, port) - w.doc.edges().data());
    const Edge& edge = w.doc.edges()[k];
    const NodeReport& src = w.out.nodes[w.from[k]];
    if (!src.output) {
      r.blocked = true;
      return;
    }
    const TensorInfo* t = src.outputAt(edge.out);
    if (!t) {
      w.error(i, r.spec->portName(port) + " reads output " + std::to_string(edge.out + 1) + " of " +
                     w.doc.node(edge.from)->name + ", which has no shape (unused in the ONNX model)");
      return;
    }
    in.push_back(t);
  }
  if (e.shaped && e.inputs.size() == in.size() &&
      std::equal(in.begin(), in.end(), e.inputs.begin(), [](const TensorInfo* a, const TensorInfo& b) { return *a == b; })) {
    r.output = e.output;
    r.more_outputs = e.more_outputs;
    r.params = e.count;
    r.issues.insert(r.issues.end(), e.shape_issues.begin(), e.shape_issues.end());
    return;
  }
  std::vector<TensorInfo> inputs;
  inputs.reserve(in.size());
  for (const TensorInfo* t : in) inputs.push_back(*t);
  ++w.propagatedCount();
  const size_t before = r.issues.size();
  shapeNode(w, i, e.resolved, inputs);
  e.shaped = true;
  e.inputs = std::move(inputs);
  e.output = r.output;
  e.more_outputs = r.more_outputs;
  e.count = r.params;
  e.shape_issues.assign(r.issues.begin() + static_cast<std::ptrdiff_t>(before), r.issues.end());
}

}  // namespace

Analysis analyze(const Document& doc, Framework f, AnalysisCache* cache) {
  AnalysisCache local;  // without a cache: every layer is analysed afresh, by the same code
  AnalysisCache& c = cache ? *cache : local;
  Analysis a;
  a.framework = f;
  const size_t n = doc.nodes().size();
  a.nodes.resize(n);
  Work w{doc, f, a, c};
  w.entry.assign(n, nullptr);
  w.reads_missing_output.assign(n, false);
  w.takePromise();
  if (w.cacheFramework() != f) {
    c.clear();
    w.only_changed.reset();
    w.cacheFramework() = f;
  }
  w.checkedCount() = w.propagatedCount() = 0;
  for (size_t i = 0; i < n; ++i) a.nodes[i].id = doc.nodes()[i].id;
  // The edges as node indices, and each node's input edges and consumers (counting sort).
  const size_t m = doc.edges().size();
  w.from.resize(m);
  w.to.resize(m);
  w.in_begin.assign(n + 1, 0);
  w.out_begin.assign(n + 1, 0);
  for (size_t e = 0; e < m; ++e) {
    w.from[e] = w.indexOf(doc.edges()[e].from);
    w.to[e] = w.indexOf(doc.edges()[e].to);
    ++w.in_begin[w.to[e] + 1];
    ++w.out_begin[w.from[e] + 1];
  }
  for (size_t i = 0; i < n; ++i) {
    w.in_begin[i + 1] += w.in_begin[i];
    w.out_begin[i + 1] += w.out_begin[i];
  }
  w.in_list.resize(m);
  w.out_list.resize(m);
  {
    std::vector<int> in_at(w.in_begin.begin(), w.in_begin.end() - 1), out_at(w.out_begin.begin(), w.out_begin.end() - 1);
    for (size_t e = 0; e < m; ++e) {
      w.in_list[in_at[w.to[e]]++] = static_cast<int>(e);
      w.out_list[out_at[w.from[e]]++] = w.to[e];
    }
  }
  for (size_t i = 0; i < n; ++i) checkNode(w, static_cast<int>(i));
  for (size_t i = 0; i < n; ++i) checkOutputsRead(w, static_cast<int>(i));
  w.countNames();
  topologicalOrder(w);
  if (a.order.size() < n) markCycles(w);
  for (NodeId id : a.order) propagate(w, w.indexOf(id));

  for (size_t i = 0; i < n; ++i) {
    const Node& node = doc.nodes()[i];
    const bool isInput = a.nodes[i].spec && a.nodes[i].spec->family == Family::Input;
    if (isInput) {
      a.inputs.push_back(node.id);
      if (w.consumers(static_cast<int>(i)).empty())
        w.warn(static_cast<int>(i), "this input is not connected to any layer");
    } else if (w.consumers(static_cast<int>(i)).empty()) {
      a.outputs.push_back(node.id);
    }
  }
  a.edges.reserve(m);
  for (size_t e = 0; e < m; ++e) {
    const TensorInfo* t = a.nodes[w.from[e]].outputAt(doc.edges()[e].out);
    a.edges.push_back({doc.edges()[e], t ? std::optional<TensorInfo>(*t) : std::nullopt});
  }
  for (size_t i = 0; i < n; ++i) {
    if (!a.nodes[i].output) continue;
    const bool before = a.total.overflow();
    a.total += a.nodes[i].params;  // saturating
    // Name the layer where the model's total stops fitting, once.
    if (a.total.overflow() && !before && !a.nodes[i].params.overflow())
      w.error(static_cast<int>(i), "the model's parameter total does not fit in 64 bits from this layer on");
  }
  for (const NodeReport& r : a.nodes)
    for (const Issue& is : r.issues) (is.level == Issue::Level::Error ? a.errors : a.warnings)++;
  // Entries of layers no longer in the document go, so the cache stays the document's size.
  auto& entries = w.entries();
  if (w.only_changed) {
    for (NodeId id : *w.only_changed)
      if (!doc.contains(id)) entries.erase(id.index);
  }
  if (entries.size() > n) {
    for (auto it = entries.begin(); it != entries.end();)
      it = doc.contains(NodeId{it->first}) ? std::next(it) : entries.erase(it);
  }
  return a;
}

void AnalysisCache::clear() {
  entries_.clear();
  only_changed_.reset();
  names_counted_ = false;
  counted_name_.clear();
  name_count_.clear();
  duplicated_names_ = 0;
}

uint64_t AnalysisCache::stamp(NodeId id) const {
  auto it = entries_.find(id.index);
  return it != entries_.end() ? it->second.stamp : 0;
}

void AnalysisCache::onlyChanged(std::vector<NodeId> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  only_changed_ = std::move(ids);
}

std::vector<std::string> errorLines(const Document& doc, const Analysis& a) {
  std::vector<std::string> lines;
  for (size_t i = 0; i < a.nodes.size(); ++i)
    for (const Issue& is : a.nodes[i].issues)
      if (is.level == Issue::Level::Error) lines.push_back(doc.nodes()[i].name + ": " + is.message);
  return lines;
}

}  // namespace nf::builder
