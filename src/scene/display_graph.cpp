#include "scene/display_graph.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>

#include "scene/op_summary.h"

namespace nf::scene {

namespace {

const char* kOpenAngle = "\xE2\x9F\xA8";   // ⟨
const char* kCloseAngle = "\xE2\x9F\xA9";  // ⟩

std::string angled(const std::string& s) { return kOpenAngle + s + kCloseAngle; }

// One graph being added to the display graph, with where its build stands. `parent`
// is the enclosing graph's scope when a body is expanded inline (outer-scope names
// resolve through it); scopes live in a deque, so the pointer stays valid.
struct Scope {
  enum class Stage : uint8_t { Inputs, Initializers, Ops, Rows, Outputs, Bodies, Done };
  ir::GraphId graph;
  uint32_t owner = kNoIndex;
  uint16_t depth = 0;
  const Scope* parent = nullptr;
  std::vector<uint32_t> source;  // [value] display node that provides it, or kNoIndex
  Stage stage = Stage::Inputs;
  uint32_t cursor = 0;
  uint32_t first_op = 0;
};

// Reads the clock every few units of work; each unit is one value, node or slot.
class Deadline {
 public:
  explicit Deadline(double budget_ms) : unlimited_(!(budget_ms > 0)) {
    if (!unlimited_)
      end_ = std::chrono::steady_clock::now() +
             std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                 std::chrono::duration<double, std::milli>(budget_ms));
  }
  bool expired() {
    if (unlimited_ || ++count_ < 256) return false;
    count_ = 0;
    return std::chrono::steady_clock::now() >= end_;
  }

 private:
  bool unlimited_;
  uint32_t count_ = 0;
  std::chrono::steady_clock::time_point end_;
};

class Builder {
 public:
  Builder(const ir::Model& model, const BuildOptions& options, DisplayGraph& out)
      : model_(model), opts_(options), metrics_(options.metrics ? *options.metrics : defaultMetrics()), out_(out) {}

  // Advances `scope` until it is Done or the deadline passes; returns true when Done.
  bool run(Scope& scope, std::deque<Scope>& queue, Deadline& deadline);
  const TextMetrics& metrics() const { return metrics_; }

 private:
  const ir::Type* typeOf(ir::GraphId gid, ir::ValueId v) const {
    if (opts_.value_type) {
      if (const ir::Type* t = opts_.value_type(gid, v)) return t;
    }
    const ir::Value& value = model_.graph(gid).value(v);
    return value.type.known() ? &value.type : nullptr;
  }
  std::string edgeLabel(ir::GraphId gid, ir::ValueId v) const {
    const ir::Graph& g = model_.graph(gid);
    const ir::Value& value = g.value(v);
    if (const ir::Type* t = typeOf(gid, v); t && t->isTensor()) return shapeLabel(t->shape);
    if (value.initializer >= 0)
      return shapeLabel(ir::Shape::ofKnown(g.initializers[static_cast<size_t>(value.initializer)].dims));
    return {};
  }
  uint32_t addNode(DisplayNode node) {
    out_.nodes.push_back(std::move(node));
    return static_cast<uint32_t>(out_.nodes.size() - 1);
  }
  void addEdge(uint32_t from, uint32_t to, ir::GraphId gid, ir::ValueId v, uint32_t slot) {
    DisplayEdge e;
    e.from = from;
    e.to = to;
    e.graph = gid;
    e.value = v;
    e.slot = slot;
    e.label = cleanText(edgeLabel(gid, v), 128);
    out_.edges.push_back(std::move(e));
  }
  DisplayNode makeNode(const Scope& scope, NodeKind kind, OpCategory cat, const std::string& raw_title) const {
    const BoxStyle& st = boxStyle();
    DisplayNode n;
    n.kind = kind;
    n.category = cat;
    n.graph = scope.graph;
    n.owner = scope.owner;
    n.depth = scope.depth;
    n.title = fitText(metrics_, cleanText(raw_title, 512), st.header_font, FontStyle::Bold, st.max_text_width);
    return n;
  }
  uint32_t initializerNode(const Scope& scope, ir::ValueId v);
  uint32_t resolveOuter(const Scope* parent, const std::string& name) const;
  void opRows(Scope& scope, uint32_t i);
  void addTensorRow(DisplayNode& node, const ir::Graph& g, ir::GraphId gid, const ir::Node& op, uint32_t slot,
                    ir::ValueId v);
  void addRow(DisplayNode& node, RowKind kind, const std::string& text, const std::string& detail,
              ir::ValueId value = {}, ir::GraphId body = {});

  const ir::Model& model_;
  const BuildOptions& opts_;
  const TextMetrics& metrics_;
  DisplayGraph& out_;
};

void Builder::addRow(DisplayNode& node, RowKind kind, const std::string& text, const std::string& detail,
                     ir::ValueId value, ir::GraphId body) {
  const BoxStyle& st = boxStyle();
  BoxRow row;
  row.kind = kind;
  row.value = value;
  row.body = body;
  // The detail (a shape, a value) is the informative part: cut the text first.
  const std::string clean_detail = cleanText(detail, 256);
  const float space = metrics_.width(" ", st.body_font, FontStyle::Regular);
  const float detail_w = clean_detail.empty() ? 0.0f : metrics_.width(clean_detail, st.body_font, FontStyle::Regular);
  if (detail_w > st.max_text_width * 0.6f) {
    row.detail = fitText(metrics_, clean_detail, st.body_font, FontStyle::Regular, st.max_text_width * 0.6f);
  } else {
    row.detail = clean_detail;
  }
  const float detail_used = row.detail.empty() ? 0.0f : metrics_.width(row.detail, st.body_font, FontStyle::Regular) + space;
  row.text = fitText(metrics_, cleanText(text, 512), st.body_font, FontStyle::Regular, st.max_text_width - detail_used);
  node.rows.push_back(std::move(row));
}

uint32_t Builder::initializerNode(const Scope& scope, ir::ValueId v) {
  const ir::Graph& g = model_.graph(scope.graph);
  const ir::Value& value = g.value(v);
  const ir::Tensor& t = g.initializers[static_cast<size_t>(value.initializer)];
  DisplayNode node = makeNode(scope, NodeKind::Initializer, OpCategory::Constant, value.name);
  node.value = v;
  node.name = cleanText(value.name);
  std::string detail = tensorValueText(model_, t);
  if (detail.empty()) detail = angled(shapeLabel(ir::Shape::ofKnown(t.dims)));
  addRow(node, RowKind::Attributes, std::string(ir::elemTypeName(t.elem)), detail, v);
  return addNode(std::move(node));
}

uint32_t Builder::resolveOuter(const Scope* scope, const std::string& name) const {
  for (; scope; scope = scope->parent) {
    ir::ValueId v = model_.graph(scope->graph).find(name);
    if (v.valid()) return scope->source[v.index];  // kNoIndex when folded there
  }
  return kNoIndex;
}

void Builder::addTensorRow(DisplayNode& node, const ir::Graph& g, ir::GraphId gid, const ir::Node& op, uint32_t slot,
                           ir::ValueId v) {
  const ir::Value& value = g.value(v);
  std::string label(inputLabel(op.op_type, slot));
  if (label.empty()) label = value.name;
  std::string detail;
  if (value.initializer >= 0) {
    const ir::Tensor& t = g.initializers[static_cast<size_t>(value.initializer)];
    detail = tensorValueText(model_, t);
    if (detail.empty()) detail = angled(shapeLabel(ir::Shape::ofKnown(t.dims)));
  } else if (const ir::Type* t = typeOf(gid, v); t && t->isTensor() && t->shape.rank_known) {
    detail = angled(shapeLabel(t->shape));
  } else {
    detail = value.outer_scope ? angled("outer") : angled("?");
  }
  addRow(node, RowKind::Tensor, label, detail, v);
  ++out_.folded_tensors;
}

// Rows and incoming edges of op i of the scope's graph, slot by slot.
void Builder::opRows(Scope& scope, uint32_t i) {
  const ir::Graph& g = model_.graph(scope.graph);
  const ir::Node& op = g.nodes[i];
  const uint32_t id = scope.first_op + i;
  if (std::string attrs = attributeSummary(model_, g, op); !attrs.empty())
    addRow(out_.nodes[id], RowKind::Attributes, attrs, "");
  for (uint32_t slot = 0; slot < op.inputs.size(); ++slot) {
    const ir::ValueId v = op.inputs[slot];
    if (!v.valid()) continue;
    uint32_t from = scope.source[v.index];
    if (from == kNoIndex && g.value(v).initializer < 0 && scope.parent)
      from = resolveOuter(scope.parent, g.value(v).name);
    if (from != kNoIndex) {
      addEdge(from, id, scope.graph, v, slot);
    } else {
      addTensorRow(out_.nodes[id], g, scope.graph, op, slot, v);
    }
  }
  if (!opts_.expand_bodies) {
    for (const ir::Attribute& a : op.attributes) {
      for (ir::GraphId body : a.graphs) {
        if (!body.valid() || body.index >= model_.graphs.size()) continue;
        const size_t count = model_.graph(body).nodes.size();
        addRow(out_.nodes[id], RowKind::Body, a.name, angled(std::to_string(count) + (count == 1 ? " node" : " nodes")),
               {}, body);
      }
    }
  }
  if (opts_.show_names && !out_.nodes[id].name.empty())
    addRow(out_.nodes[id], RowKind::Name, out_.nodes[id].name, "");
}

bool Builder::run(Scope& scope, std::deque<Scope>& queue, Deadline& deadline) {
  using Stage = Scope::Stage;
  const ir::Graph& g = model_.graph(scope.graph);
  const bool root = scope.owner == kNoIndex;
  if (scope.stage == Stage::Inputs) {
    scope.source.assign(g.values.size(), kNoIndex);
    if (root) out_.node_of_op.assign(g.nodes.size(), kNoIndex);
    // Graph inputs (initializers listed as inputs by old exporters are initializers).
    for (ir::ValueId v : g.inputs) {
      const ir::Value& value = g.value(v);
      if (value.initializer >= 0 || scope.source[v.index] != kNoIndex) continue;
      DisplayNode n = makeNode(scope, NodeKind::Input, OpCategory::InputOutput, value.name);
      n.value = v;
      n.name = cleanText(value.name);
      const uint32_t id = addNode(std::move(n));
      scope.source[v.index] = id;
      // A body's inputs are fed by its owner (the Loop/Scan/If node).
      if (!root) addEdge(scope.owner, id, scope.graph, v, kNoIndex);
    }
    scope.stage = Stage::Initializers;
    scope.cursor = 0;
  }
  if (scope.stage == Stage::Initializers) {
    if (opts_.initializers_as_nodes) {
      for (; scope.cursor < g.values.size(); ++scope.cursor) {
        if (deadline.expired()) return false;
        const ir::Value& value = g.values[scope.cursor];
        if (value.initializer < 0 || (value.consumers.empty() && !value.graph_output)) continue;
        scope.source[scope.cursor] = initializerNode(scope, ir::ValueId{scope.cursor});
      }
    }
    scope.stage = Stage::Ops;
    scope.cursor = 0;
    scope.first_op = static_cast<uint32_t>(out_.nodes.size());
  }
  // Op boxes first, so that every producer has its box before any edge is made.
  if (scope.stage == Stage::Ops) {
    for (; scope.cursor < g.nodes.size(); ++scope.cursor) {
      if (deadline.expired()) return false;
      const uint32_t i = scope.cursor;
      const ir::Node& op = g.nodes[i];
      DisplayNode n = makeNode(scope, NodeKind::Op, categoryOf(op.domain, op.op_type), op.op_type);
      n.op = ir::NodeId{i};
      n.name = cleanText(op.name);
      const uint32_t id = addNode(std::move(n));
      if (root) out_.node_of_op[i] = id;
      for (ir::ValueId v : op.outputs)
        if (v.valid() && scope.source[v.index] == kNoIndex) scope.source[v.index] = id;
    }
    scope.stage = Stage::Rows;
    scope.cursor = 0;
  }
  if (scope.stage == Stage::Rows) {
    for (; scope.cursor < g.nodes.size(); ++scope.cursor) {
      if (deadline.expired()) return false;
      opRows(scope, scope.cursor);
    }
    scope.stage = Stage::Outputs;
  }
  if (scope.stage == Stage::Outputs) {
    for (ir::ValueId v : g.outputs) {
      const ir::Value& value = g.value(v);
      uint32_t from = scope.source[v.index];
      if (from == kNoIndex && value.initializer >= 0) {
        scope.source[v.index] = initializerNode(scope, v);
        from = scope.source[v.index];
      }
      if (from == kNoIndex && scope.parent) from = resolveOuter(scope.parent, value.name);
      DisplayNode n = makeNode(scope, NodeKind::Output, OpCategory::InputOutput, value.name);
      n.value = v;
      n.name = cleanText(value.name);
      const uint32_t id = addNode(std::move(n));
      if (from != kNoIndex) addEdge(from, id, scope.graph, v, kNoIndex);
    }
    scope.stage = Stage::Bodies;
  }
  if (scope.stage == Stage::Bodies) {
    // Bodies inline, once this graph's sources are all known: queued, built after it.
    if (opts_.expand_bodies && scope.depth < 64) {
      for (uint32_t i = 0; i < g.nodes.size(); ++i)
        for (ir::GraphId body : g.nodes[i].subgraphs())
          if (body.valid() && body.index < model_.graphs.size()) {
            Scope child;
            child.graph = body;
            child.owner = scope.first_op + i;
            child.depth = static_cast<uint16_t>(scope.depth + 1);
            child.parent = &scope;
            queue.push_back(std::move(child));
          }
    }
    scope.stage = Stage::Done;
  }
  return true;
}

}  // namespace

const BoxStyle& boxStyle() {
  static const BoxStyle style{};
  return style;
}

uint32_t headerColor(const DisplayNode& node) {
  return node.kind == NodeKind::Group ? repeatClassColor(node.repeat_class) : categoryStyle(node.category).header;
}

uint32_t headerTextColor(const DisplayNode& node) {
  return node.kind == NodeKind::Group ? 0x1E2228 : categoryStyle(node.category).header_text;
}

const char* nodeKindName(NodeKind k) {
  switch (k) {
    case NodeKind::Op: return "op";
    case NodeKind::Input: return "input";
    case NodeKind::Output: return "output";
    case NodeKind::Initializer: return "initializer";
    case NodeKind::Group: return "group";
  }
  return "op";
}

std::string shapeLabel(const ir::Shape& shape) {
  if (!shape.rank_known) return {};
  if (shape.dims.empty()) return "scalar";
  std::string out;
  for (size_t i = 0; i < shape.dims.size(); ++i) {
    if (i) out += "\xC3\x97";
    const ir::Dim& d = shape.dims[i];
    if (d.isKnown()) out += std::to_string(d.value);
    else if (d.isSymbolic()) out += d.symbol;
    else out += '?';
  }
  return out;
}

void measureNode(DisplayNode& node, const TextMetrics& m) {
  const BoxStyle& st = boxStyle();
  float w = m.width(node.title, st.header_font, FontStyle::Bold);
  const float space = m.width(" ", st.body_font, FontStyle::Regular);
  for (const BoxRow& r : node.rows) {
    float rw = m.width(r.text, st.body_font, FontStyle::Regular);
    if (!r.detail.empty()) rw += space + m.width(r.detail, st.body_font, FontStyle::Regular);
    w = std::max(w, rw);
  }
  node.width = std::max(st.min_width, std::ceil(w + 2 * st.pad_x));
  node.height = st.header_height;
  if (!node.rows.empty()) node.height += st.row_height * static_cast<float>(node.rows.size()) + st.pad_bottom;
}

struct DisplayGraphJob::State {
  const ir::Model& model;
  BuildOptions options;
  DisplayGraph out;
  std::deque<Scope> scopes;  // work queue; a body's scope is appended when its owner's graph is done
  size_t current = 0;
  uint32_t measured = 0;
  size_t total_ops = 0;  // for progress: ops of the root graph (bodies add to it when expanded)
  bool done = false;
  bool taken = false;
  Status error;

  State(const ir::Model& m, BuildOptions o) : model(m), options(std::move(o)) {}
};

DisplayGraphJob::DisplayGraphJob(const ir::Model& model, ir::GraphId graph, BuildOptions options)
    : s_(std::make_unique<State>(model, std::move(options))) {
  s_->out.graph = graph;
  if (!graph.valid() || graph.index >= model.graphs.size()) {
    s_->error = Error{"graph " + std::to_string(graph.index) + " does not exist in this model"};
    s_->done = true;
    return;
  }
  Scope root;
  root.graph = graph;
  s_->scopes.push_back(std::move(root));
  s_->total_ops = model.graph(graph).nodes.size();
}

DisplayGraphJob::~DisplayGraphJob() = default;

bool DisplayGraphJob::finished() const { return s_->done; }

float DisplayGraphJob::progress() const {
  if (s_->done) return 1.0f;
  // Two passes over the ops (boxes + rows), then measuring every box.
  const double total = 3.0 * static_cast<double>(std::max<size_t>(1, s_->total_ops));
  const double made = static_cast<double>(s_->out.nodes.size()) * 2.0 + s_->measured;
  return static_cast<float>(std::min(0.99, made / total));
}

bool DisplayGraphJob::step(double budget_ms) {
  State& s = *s_;
  if (s.done) return true;
  Deadline deadline(budget_ms);
  Builder builder(s.model, s.options, s.out);
  while (s.current < s.scopes.size()) {
    if (!builder.run(s.scopes[s.current], s.scopes, deadline)) return false;
    ++s.current;
    if (s.current < s.scopes.size()) s.total_ops += s.model.graph(s.scopes[s.current].graph).nodes.size();
  }
  for (; s.measured < s.out.nodes.size(); ++s.measured) {
    if (deadline.expired()) return false;
    measureNode(s.out.nodes[s.measured], builder.metrics());
  }
  s.done = true;
  return true;
}

Result<DisplayGraph> DisplayGraphJob::take() {
  if (!s_->error.ok()) return Error{s_->error.message()};
  if (!s_->done || s_->taken) return Error{"the display graph is not ready"};
  s_->taken = true;
  return std::move(s_->out);
}

Result<DisplayGraph> buildDisplayGraph(const ir::Model& model, ir::GraphId graph, const BuildOptions& options) {
  DisplayGraphJob job(model, graph, options);
  job.step(0);
  return job.take();
}

}  // namespace nf::scene
