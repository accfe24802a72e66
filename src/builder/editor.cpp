// builder/editor.cpp - undoable edits (see editor.h).
//
// Every edit validates first, then builds its list of primitive changes and commits
// them; nothing is applied before validation succeeds, so a failed edit leaves the
// document and the history untouched.
#include "builder/editor.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "builder/limits.h"
#include "builder/serialize.h"

namespace nf::builder {

namespace {

Vec2 rounded(Vec2 p) { return {std::round(p.x), std::round(p.y)}; }

Change addNodeChange(Node n) {
  Change c;
  c.kind = Change::Kind::AddNode;
  c.after = std::move(n);
  return c;
}
Change removeNodeChange(Node n) {
  Change c;
  c.kind = Change::Kind::RemoveNode;
  c.before = std::move(n);
  return c;
}
Change updateNodeChange(Node before, Node after) {
  Change c;
  c.kind = Change::Kind::UpdateNode;
  c.before = std::move(before);
  c.after = std::move(after);
  return c;
}
Change edgeChange(Change::Kind kind, Edge e) {
  Change c;
  c.kind = kind;
  c.edge = e;
  return c;
}

uint64_t moveKey(const std::vector<NodeId>& ids) {
  uint64_t h = 1469598103934665603ull ^ 0x6d6f7665ull;  // FNV-1a over the ids, salted "move"
  for (NodeId id : ids) h = (h ^ id.index) * 1099511628211ull;
  return h | 1;
}

std::vector<NodeId> sortedUnique(std::vector<NodeId> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace

// [SECTION] History

void Editor::apply(const Change& c, bool forward) {
  using K = Change::Kind;
  switch (c.kind) {
    case K::AddNode:
      if (forward) (void)doc_.insertNode(c.after);
      else doc_.eraseNode(c.after.id);
      break;
    case K::RemoveNode:
      if (forward) doc_.eraseNode(c.before.id);
      else (void)doc_.insertNode(c.before);
      break;
    case K::UpdateNode: (void)doc_.replaceNode(forward ? c.after : c.before); break;
    case K::AddEdge:
      if (forward) (void)doc_.insertEdge(c.edge);
      else doc_.eraseEdge(c.edge);
      break;
    case K::RemoveEdge:
      if (forward) doc_.eraseEdge(c.edge);
      else (void)doc_.insertEdge(c.edge);
      break;
    case K::SetModelName: doc_.name = forward ? c.name_after : c.name_before; break;
  }
}

Status Editor::commit(EditStep step) {
  if (step.changes.empty()) return {};
  for (const Change& c : step.changes) apply(c, true);
  undo_.push_back(std::move(step));
  if (undo_.size() > history_limit) undo_.erase(undo_.begin());
  redo_.clear();
  ++revision_;
  return {};
}

bool Editor::undo() {
  if (undo_.empty()) return false;
  EditStep step = std::move(undo_.back());
  undo_.pop_back();
  for (auto it = step.changes.rbegin(); it != step.changes.rend(); ++it) apply(*it, false);
  step.merge_key = 0;  // a redone drag must not absorb the next drag
  redo_.push_back(std::move(step));
  ++revision_;
  return true;
}

bool Editor::redo() {
  if (redo_.empty()) return false;
  EditStep step = std::move(redo_.back());
  redo_.pop_back();
  for (const Change& c : step.changes) apply(c, true);
  undo_.push_back(std::move(step));
  ++revision_;
  return true;
}

void Editor::clearHistory() {
  undo_.clear();
  redo_.clear();
}

Status Editor::clear() { return replaceDocument(Document{}, "New document"); }

Status Editor::replaceDocument(const Document& doc, std::string label) {
  if (doc.nodes().size() > kMaxDocumentNodes) return Error{"the new model has more than the node limit"};
  EditStep step{std::move(label), {}, 0};
  for (const Edge& e : doc_.edges()) step.changes.push_back(edgeChange(Change::Kind::RemoveEdge, e));
  for (const Node& n : doc_.nodes()) step.changes.push_back(removeNodeChange(n));
  for (const Node& n : doc.nodes()) step.changes.push_back(addNodeChange(n));
  for (const Edge& e : doc.edges()) step.changes.push_back(edgeChange(Change::Kind::AddEdge, e));
  if (doc_.name != doc.name) {
    Change c;
    c.kind = Change::Kind::SetModelName;
    c.name_before = doc_.name;
    c.name_after = doc.name;
    step.changes.push_back(std::move(c));
  }
  return commit(std::move(step));
}

void Editor::load(Document doc) {
  doc_ = std::move(doc);
  clearHistory();
  ++revision_;
  saved_revision_ = revision_;
}

// [SECTION] Nodes

Status Editor::roomFor(size_t more) const {
  if (more > kMaxDocumentNodes || doc_.nodes().size() > kMaxDocumentNodes - more)
    return Error{"Not added: " + nodeLimitMessage() + " (this one has " + std::to_string(doc_.nodes().size()) + ")"};
  return {};
}

Result<NodeId> Editor::addNode(std::string_view type, Vec2 pos) {
  if (Status s = roomFor(1); !s) return Error{s.message()};
  auto n = makeNode(doc_, type, rounded(pos));
  if (!n) return n.error();
  const NodeId id = n->id;
  EditStep step{"Add " + n->type, {addNodeChange(std::move(*n))}, 0};
  (void)commit(std::move(step));
  return id;
}

Result<NodeId> Editor::appendAfter(NodeId after, std::string_view type) {
  const Node* prev = doc_.node(after);
  if (!prev) return Error{"no node to append after"};
  if (Status s = roomFor(1); !s) return Error{s.message()};
  auto n = makeNode(doc_, type, rounded({prev->pos.x, prev->pos.y + 100}));
  if (!n) return n.error();
  const NodeId id = n->id;
  const LayerSpec* spec = catalog().find(n->type);
  EditStep step{"Add " + n->type, {addNodeChange(std::move(*n))}, 0};
  if (spec->max_inputs != 0) step.changes.push_back(edgeChange(Change::Kind::AddEdge, Edge{after, id, 0}));
  (void)commit(std::move(step));
  return id;
}

Status Editor::removeNodes(const std::vector<NodeId>& idsIn) {
  const std::vector<NodeId> ids = sortedUnique(idsIn);
  for (NodeId id : ids)
    if (!doc_.contains(id)) return Error{"no node with id " + std::to_string(id.index)};
  if (ids.empty()) return {};
  EditStep step;
  step.label = ids.size() == 1 ? "Delete " + doc_.node(ids[0])->name : "Delete " + std::to_string(ids.size()) + " nodes";
  const std::set<NodeId> doomed(ids.begin(), ids.end());
  for (const Edge& e : doc_.edges())
    if (doomed.count(e.from) || doomed.count(e.to)) step.changes.push_back(edgeChange(Change::Kind::RemoveEdge, e));
  for (NodeId id : ids) step.changes.push_back(removeNodeChange(*doc_.node(id)));
  return commit(std::move(step));
}

Status Editor::setParam(NodeId id, std::string_view name, const ParamValue& value) {
  const Node* n = doc_.node(id);
  if (!n) return Error{"no node with id " + std::to_string(id.index)};
  const LayerSpec* spec = catalog().find(n->type);
  if (!spec) return Error{"unknown layer type '" + n->type + "'"};
  const ParamSpec* p = spec->param(name);
  if (!p) return Error{spec->type + " has no parameter '" + std::string(name) + "'"};
  auto v = p->coerce(value);
  if (!v) return Error{p->name + " must be " + (p->kind == ParamKind::Int ? "an " : "a ") + paramKindName(p->kind)};
  if (Status s = p->validate(*v); !s) return s;
  auto cur = n->params.find(p->name);
  if (cur != n->params.end() && sameValue(cur->second, *v)) return {};
  Node after = *n;
  after.params[p->name] = std::move(*v);
  return commit(EditStep{"Set " + p->name, {updateNodeChange(*n, std::move(after))}, 0});
}

Status Editor::resetParam(NodeId id, std::string_view name) {
  const Node* n = doc_.node(id);
  if (!n) return Error{"no node with id " + std::to_string(id.index)};
  const LayerSpec* spec = catalog().find(n->type);
  const ParamSpec* p = spec ? spec->param(name) : nullptr;
  if (!p) return Error{"no parameter '" + std::string(name) + "' to reset"};
  return setParam(id, p->name, p->default_value);
}

Status Editor::setType(NodeId id, std::string_view type) {
  const Node* n = doc_.node(id);
  if (!n) return Error{"no node with id " + std::to_string(id.index)};
  const LayerSpec* spec = catalog().find(type);
  if (!spec) return Error{"unknown layer type '" + std::string(type) + "'"};
  if (spec->type == n->type) return {};
  Node after = *n;
  after.type = spec->type;
  after.params = defaultParams(*spec);
  after.extra_params.clear();
  for (const ParamSpec& p : spec->params) {
    auto old = n->params.find(p.name);
    if (old == n->params.end()) continue;
    auto v = p.coerce(old->second);
    if (v && p.validate(*v)) after.params[p.name] = std::move(*v);
  }
  return commit(EditStep{"Change type to " + spec->type, {updateNodeChange(*n, std::move(after))}, 0});
}

Status Editor::rename(NodeId id, std::string name) {
  const Node* n = doc_.node(id);
  if (!n) return Error{"no node with id " + std::to_string(id.index)};
  if (name.empty()) return Error{"a layer needs a name"};
  if (name == n->name) return {};
  Node after = *n;
  after.name = std::move(name);
  return commit(EditStep{"Rename " + n->name, {updateNodeChange(*n, std::move(after))}, 0});
}

Status Editor::setModelName(std::string name) {
  if (name == doc_.name) return {};
  Change c;
  c.kind = Change::Kind::SetModelName;
  c.name_before = doc_.name;
  c.name_after = std::move(name);
  return commit(EditStep{"Rename model", {std::move(c)}, 0});
}

Status Editor::moveNodes(const std::vector<NodeId>& idsIn, Vec2 delta, bool continueDrag) {
  const std::vector<NodeId> ids = sortedUnique(idsIn);
  for (NodeId id : ids)
    if (!doc_.contains(id)) return Error{"no node with id " + std::to_string(id.index)};
  if (ids.empty()) return {};
  const uint64_t key = moveKey(ids);
  if (continueDrag && !undo_.empty() && undo_.back().merge_key == key && redo_.empty()) {
    // Same drag: move further and extend the existing step's end state.
    EditStep& top = undo_.back();
    for (Change& c : top.changes) {
      Node moved = *doc_.node(c.after.id);
      moved.pos = rounded({moved.pos.x + delta.x, moved.pos.y + delta.y});
      (void)doc_.replaceNode(moved);
      c.after = std::move(moved);
    }
    ++revision_;
    return {};
  }
  EditStep step;
  step.label = ids.size() == 1 ? "Move " + doc_.node(ids[0])->name : "Move " + std::to_string(ids.size()) + " nodes";
  step.merge_key = key;
  for (NodeId id : ids) {
    const Node& before = *doc_.node(id);
    Node after = before;
    after.pos = rounded({before.pos.x + delta.x, before.pos.y + delta.y});
    step.changes.push_back(updateNodeChange(before, std::move(after)));
  }
  return commit(std::move(step));
}

Status Editor::autoArrange(double columnGap, double rowGap) {
  const auto& nodes = doc_.nodes();
  const size_t n = nodes.size();
  std::map<NodeId, size_t> index;
  for (size_t i = 0; i < n; ++i) index[nodes[i].id] = i;
  std::vector<std::vector<size_t>> inputs(n), outputs(n);
  for (const Edge& e : doc_.edges()) {
    inputs[index[e.to]].push_back(index[e.from]);
    outputs[index[e.from]].push_back(index[e.to]);
  }
  // Longest-path rows in topological order; nodes on cycles go below everything else.
  std::vector<int> indegree(n), row(n, -1);
  std::set<size_t> ready;
  for (size_t i = 0; i < n; ++i)
    if ((indegree[i] = static_cast<int>(inputs[i].size())) == 0) ready.insert(i);
  std::vector<size_t> order;
  while (!ready.empty()) {
    const size_t i = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(i);
    row[i] = 0;
    for (size_t s : inputs[i]) row[i] = std::max(row[i], row[s] + 1);
    for (size_t o : outputs[i])
      if (--indegree[o] == 0) ready.insert(o);
  }
  int deepest = 0;
  for (size_t i : order) deepest = std::max(deepest, row[i]);
  for (size_t i = 0; i < n; ++i)
    if (row[i] < 0) row[i] = deepest + 1;
  // Within a row: by the mean column of the inputs (already placed rows), then id.
  std::vector<double> column(n, 0);
  std::map<int, std::vector<size_t>> rows;
  for (size_t i = 0; i < n; ++i) rows[row[i]].push_back(i);
  for (auto& [r, members] : rows) {
    std::vector<std::pair<double, size_t>> keyed;
    for (size_t i : members) {
      double sum = 0;
      int count = 0;
      for (size_t s : inputs[i])
        if (row[s] < r) {
          sum += column[s];
          ++count;
        }
      keyed.push_back({count ? sum / count : 0.0, i});
    }
    std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    const double mid = (static_cast<double>(keyed.size()) - 1) / 2;
    for (size_t k = 0; k < keyed.size(); ++k) column[keyed[k].second] = static_cast<double>(k) - mid;
  }
  EditStep step{"Arrange", {}, 0};
  for (size_t i = 0; i < n; ++i) {
    Node after = nodes[i];
    after.pos = rounded({column[i] * columnGap, row[i] * rowGap});
    if (!(after.pos == nodes[i].pos)) step.changes.push_back(updateNodeChange(nodes[i], std::move(after)));
  }
  return commit(std::move(step));
}

// [SECTION] Edges

Status Editor::connect(NodeId from, NodeId to, int port) {
  const Node* src = doc_.node(from);
  const Node* dst = doc_.node(to);
  if (!src || !dst) return Error{"both ends of a connection must be layers"};
  const std::string cycle = "connecting " + src->name + " to " + dst->name + " would create a cycle";
  if (from == to) return Error{cycle};
  const LayerSpec* spec = catalog().find(dst->type);
  const int max_inputs = spec ? spec->max_inputs : -1;
  if (port < 0) {
    port = doc_.firstFreePort(to);
    // A single-input layer that is already fed gets the new input instead (dropping
    // a connection on an occupied port replaces it).
    if (port < 0 && max_inputs == 1) port = 0;
    if (port < 0) {
      return Error{dst->name + " has no free input (" + (spec ? spec->type : dst->type) + " takes " +
                   (max_inputs == 0 ? std::string("no inputs") : "at most " + std::to_string(max_inputs)) + ")"};
    }
  } else if (max_inputs >= 0 && port >= max_inputs) {
    return Error{(spec ? spec->type : dst->type) + " has no input " + std::to_string(port + 1)};
  }
  if (doc_.wouldCreateCycle(from, to)) return Error{cycle};
  const Edge e{from, to, port};
  const Edge* existing = doc_.edgeInto(to, port);
  if (existing && *existing == e) return {};
  EditStep step{"Connect " + src->name + " to " + dst->name, {}, 0};
  if (existing) step.changes.push_back(edgeChange(Change::Kind::RemoveEdge, *existing));
  step.changes.push_back(edgeChange(Change::Kind::AddEdge, e));
  return commit(std::move(step));
}

Status Editor::toggleConnection(NodeId from, NodeId to) {
  if (!doc_.contains(from) || !doc_.contains(to)) return Error{"both ends of a connection must be layers"};
  EditStep step{"Disconnect " + doc_.node(from)->name + " from " + doc_.node(to)->name, {}, 0};
  for (const Edge& e : doc_.inputEdges(to))
    if (e.from == from) step.changes.push_back(edgeChange(Change::Kind::RemoveEdge, e));
  if (step.changes.empty()) return connect(from, to, -1);
  return commit(std::move(step));
}

Status Editor::disconnect(const Edge& edge) {
  const Edge* existing = doc_.edgeInto(edge.to, edge.port);
  if (!existing || !(*existing == edge)) return Error{"no such connection"};
  return commit(EditStep{"Disconnect", {edgeChange(Change::Kind::RemoveEdge, edge)}, 0});
}

// [SECTION] Clipboard

std::string Editor::copy(const std::vector<NodeId>& idsIn) const {
  const std::vector<NodeId> ids = sortedUnique(idsIn);
  Document part;
  part.name = "clipboard";
  for (NodeId id : ids)
    if (const Node* n = doc_.node(id)) (void)part.insertNode(*n);
  if (part.nodes().empty()) return "";
  for (const Edge& e : doc_.edges())
    if (part.contains(e.from) && part.contains(e.to)) (void)part.insertEdge(e);
  return saveJson(part);
}

Result<std::vector<NodeId>> Editor::paste(std::string_view clipboard, Vec2 offset) {
  auto part = loadJson(clipboard);
  if (!part) return Error{"the clipboard does not hold NetForge layers (" + part.error().message + ")"};
  if (part->nodes().empty()) return std::vector<NodeId>{};
  if (Status s = roomFor(part->nodes().size()); !s) return Error{s.message()};
  std::set<std::string> names;
  for (const Node& n : doc_.nodes()) names.insert(n.name);
  std::map<NodeId, NodeId> new_id;
  uint32_t next = doc_.nextId().index;
  EditStep step;
  step.label = part->nodes().size() == 1 ? "Paste " + part->nodes()[0].name
                                         : "Paste " + std::to_string(part->nodes().size()) + " nodes";
  std::vector<NodeId> created;
  for (const Node& src : part->nodes()) {
    Node n = src;
    n.id = NodeId{next++};
    n.pos = rounded({src.pos.x + offset.x, src.pos.y + offset.y});
    if (names.count(n.name)) {
      for (int k = 2;; ++k) {
        std::string candidate = src.name + "_" + std::to_string(k);
        if (!names.count(candidate)) {
          n.name = candidate;
          break;
        }
      }
    }
    names.insert(n.name);
    new_id[src.id] = n.id;
    created.push_back(n.id);
    step.changes.push_back(addNodeChange(std::move(n)));
  }
  for (const Edge& e : part->edges())
    step.changes.push_back(edgeChange(Change::Kind::AddEdge, Edge{new_id[e.from], new_id[e.to], e.port}));
  (void)commit(std::move(step));
  return created;
}

Result<std::vector<NodeId>> Editor::duplicate(const std::vector<NodeId>& ids, Vec2 offset) {
  const std::string text = copy(ids);
  if (text.empty()) return Error{"nothing to duplicate"};
  return paste(text, offset);
}

// [SECTION] Queries

std::vector<NodeId> Editor::nodesCenteredIn(Vec2 a, Vec2 b, Vec2 nodeSize) const {
  const Vec2 half{nodeSize.x * 0.5, nodeSize.y * 0.5};
  return nodesInRect({a.x - half.x, a.y - half.y}, {b.x - half.x, b.y - half.y});
}

std::vector<NodeId> Editor::nodesInRect(Vec2 a, Vec2 b) const {
  const double x0 = std::min(a.x, b.x), x1 = std::max(a.x, b.x);
  const double y0 = std::min(a.y, b.y), y1 = std::max(a.y, b.y);
  std::vector<NodeId> out;
  for (const Node& n : doc_.nodes())
    if (n.pos.x >= x0 && n.pos.x <= x1 && n.pos.y >= y0 && n.pos.y <= y1) out.push_back(n.id);
  return out;
}

}  // namespace nf::builder
