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
#include "layout/layout.h"
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

Change annotationChange(Change::Kind kind, Annotation before, Annotation after) {
  Change c;
  c.kind = kind;
  c.note_before = std::move(before);
  c.note_after = std::move(after);
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
    case K::AddNode: case K::RemoveNode: case K::UpdateNode:
      touched_.push_back(c.kind == K::AddNode ? c.after.id : c.before.id);
      break;
    case K::AddEdge: case K::RemoveEdge:
      touched_.push_back(c.edge.from);
      touched_.push_back(c.edge.to);
      break;
    default: break;
  }
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
    case K::AddAnnotation:
      if (forward) (void)doc_.insertAnnotation(c.note_after);
      else doc_.eraseAnnotation(c.note_after.id);
      break;
    case K::RemoveAnnotation:
      if (forward) doc_.eraseAnnotation(c.note_before.id);
      else (void)doc_.insertAnnotation(c.note_before);
      break;
    case K::UpdateAnnotation: (void)doc_.replaceAnnotation(forward ? c.note_after : c.note_before); break;
  }
}

Status Editor::commit(EditStep step) {
  if (step.changes.empty()) return {};
  for (const Change& c : step.changes) apply(c, true);
  undo_.push_back(std::move(step));
  if (undo_.size() > history_limit) undo_.erase(undo_.begin());
  redo_.clear();
  bump();
  return {};
}

bool Editor::undo() {
  if (undo_.empty()) return false;
  EditStep step = std::move(undo_.back());
  undo_.pop_back();
  for (auto it = step.changes.rbegin(); it != step.changes.rend(); ++it) apply(*it, false);
  step.merge_key = 0;  // a redone drag must not absorb the next drag
  redo_.push_back(std::move(step));
  bump();
  return true;
}

bool Editor::redo() {
  if (redo_.empty()) return false;
  EditStep step = std::move(redo_.back());
  redo_.pop_back();
  for (const Change& c : step.changes) apply(c, true);
  undo_.push_back(std::move(step));
  bump();
  return true;
}

void Editor::bump() {
  ++revision_;
  journal_.push_back({revision_, sortedUnique(std::move(touched_))});
  touched_.clear();
  if (journal_.size() > kJournalLength) {
    journal_.pop_front();
    journal_start_ = journal_.front().first - 1;
  }
}

std::optional<std::vector<NodeId>> Editor::changedSince(uint64_t revision) const {
  if (revision < journal_start_ || revision > revision_) return std::nullopt;
  std::vector<NodeId> ids;
  for (const auto& [rev, touched] : journal_)
    if (rev > revision) ids.insert(ids.end(), touched.begin(), touched.end());
  return sortedUnique(std::move(ids));
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
  for (const Annotation& a : doc_.annotations())
    step.changes.push_back(annotationChange(Change::Kind::RemoveAnnotation, a, {}));
  for (const Annotation& a : doc.annotations())
    step.changes.push_back(annotationChange(Change::Kind::AddAnnotation, {}, a));
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
  bump();
  journal_.clear();  // nothing before the load can be replayed against this document
  journal_start_ = revision_;
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
      touched_.push_back(moved.id);
      c.after = std::move(moved);
    }
    bump();
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

Status Editor::autoArrange(ArrangeDirection direction, const std::vector<Vec2>& sizes) {
  const auto& nodes = doc_.nodes();
  if (nodes.empty()) return {};
  layout::Graph g;
  std::map<NodeId, uint32_t> index;
  double x0 = 1e300, y0 = 1e300;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Vec2 size = i < sizes.size() ? sizes[i] : Vec2{170, 46};
    g.nodes.push_back({static_cast<float>(std::clamp(size.x, 1.0, 4000.0)), static_cast<float>(std::clamp(size.y, 1.0, 4000.0)), 0, 0});
    index[nodes[i].id] = static_cast<uint32_t>(i);
    x0 = std::min(x0, nodes[i].pos.x);
    y0 = std::min(y0, nodes[i].pos.y);
  }
  for (const Edge& e : doc_.edges()) g.edges.push_back({index[e.from], index[e.to], layout::kFreePort, layout::kFreePort});
  layout::Options options;
  options.direction = direction == ArrangeDirection::LeftToRight ? layout::Direction::LeftToRight
                                                                 : layout::Direction::TopToBottom;
  // Room for the shape labels on the edges and for notes under the boxes.
  options.node_sep = 40.0f;
  options.rank_sep = direction == ArrangeDirection::LeftToRight ? 80.0f : 54.0f;
  auto placed = layout::layoutGraph(g, options);
  if (!placed) return Error{"auto-arrange failed: " + placed.error().message};
  EditStep step{direction == ArrangeDirection::LeftToRight ? "Arrange left to right" : "Arrange top to bottom", {}, 0};
  std::vector<Vec2> moved(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    const layout::Point c = placed->node_centers[i];
    Node after = nodes[i];
    after.pos = moved[i] = rounded({x0 + c.x - g.nodes[i].width / 2.0, y0 + c.y - g.nodes[i].height / 2.0});
    if (!(after.pos == nodes[i].pos)) step.changes.push_back(updateNodeChange(nodes[i], std::move(after)));
  }
  // A frame goes with the layers it held: it is fitted round their new places, keeping
  // its margins (a frame holding no layer stays where it is).
  for (const Annotation& a : doc_.annotations()) {
    if (a.kind != Annotation::Kind::Frame) continue;
    double bx0 = 1e300, by0 = 1e300, bx1 = -1e300, by1 = -1e300, nx0 = 1e300, ny0 = 1e300, nx1 = -1e300, ny1 = -1e300;
    for (size_t i = 0; i < nodes.size(); ++i) {
      const Vec2 p = nodes[i].pos;
      const double w = g.nodes[i].width, h = g.nodes[i].height;
      if (p.x < a.pos.x || p.y < a.pos.y || p.x + w > a.pos.x + a.size.x || p.y + h > a.pos.y + a.size.y) continue;
      bx0 = std::min(bx0, p.x), by0 = std::min(by0, p.y), bx1 = std::max(bx1, p.x + w), by1 = std::max(by1, p.y + h);
      nx0 = std::min(nx0, moved[i].x), ny0 = std::min(ny0, moved[i].y);
      nx1 = std::max(nx1, moved[i].x + w), ny1 = std::max(ny1, moved[i].y + h);
    }
    if (bx0 > bx1) continue;
    Annotation after = a;
    after.pos = rounded({nx0 - (bx0 - a.pos.x), ny0 - (by0 - a.pos.y)});
    const Vec2 far = rounded({nx1 + (a.pos.x + a.size.x - bx1), ny1 + (a.pos.y + a.size.y - by1)});
    after.size = {far.x - after.pos.x, far.y - after.pos.y};
    if (!(after == a)) step.changes.push_back(annotationChange(Change::Kind::UpdateAnnotation, a, std::move(after)));
  }
  return commit(std::move(step));
}

Status Editor::placeNodes(const std::vector<std::pair<NodeId, Vec2>>& positions, std::string label) {
  EditStep step{std::move(label), {}, 0};
  for (const auto& [id, pos] : positions) {
    const Node* n = doc_.node(id);
    if (!n) return Error{"no node with id " + std::to_string(id.index)};
    Node after = *n;
    after.pos = rounded(pos);
    if (!(after.pos == n->pos)) step.changes.push_back(updateNodeChange(*n, std::move(after)));
  }
  return commit(std::move(step));
}

std::vector<Vec2> alignedPositions(const std::vector<std::pair<Vec2, Vec2>>& rects, AlignMode mode) {
  std::vector<Vec2> out;
  for (const auto& r : rects) out.push_back(r.first);
  const bool distribute = mode == AlignMode::DistributeX || mode == AlignMode::DistributeY;
  if (rects.size() < (distribute ? 3u : 2u)) return out;
  double lo_x = 1e300, hi_x = -1e300, lo_y = 1e300, hi_y = -1e300;
  for (const auto& [p, size] : rects) {
    lo_x = std::min(lo_x, p.x), hi_x = std::max(hi_x, p.x + size.x);
    lo_y = std::min(lo_y, p.y), hi_y = std::max(hi_y, p.y + size.y);
  }
  if (distribute) {
    const bool horizontal = mode == AlignMode::DistributeX;
    std::vector<size_t> order(rects.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    auto lead = [&](size_t i) { return horizontal ? rects[i].first.x : rects[i].first.y; };
    auto extent = [&](size_t i) { return horizontal ? rects[i].second.x : rects[i].second.y; };
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return lead(a) < lead(b); });
    double total = 0;
    for (size_t i : order) total += extent(i);
    const double start = lead(order.front());
    const double end = std::max(lead(order.back()) + extent(order.back()), start + total);
    const double gap = (end - start - total) / static_cast<double>(order.size() - 1);
    double at = start;
    for (size_t i : order) {
      (horizontal ? out[i].x : out[i].y) = at;
      at += extent(i) + gap;
    }
    return out;
  }
  for (size_t i = 0; i < rects.size(); ++i) {
    const Vec2 size = rects[i].second;
    switch (mode) {
      case AlignMode::Left: out[i].x = lo_x; break;
      case AlignMode::Right: out[i].x = hi_x - size.x; break;
      case AlignMode::CenterX: out[i].x = (lo_x + hi_x) / 2 - size.x / 2; break;
      case AlignMode::Top: out[i].y = lo_y; break;
      case AlignMode::Bottom: out[i].y = hi_y - size.y; break;
      case AlignMode::CenterY: out[i].y = (lo_y + hi_y) / 2 - size.y / 2; break;
      default: break;
    }
  }
  return out;
}

// [SECTION] Diagram decoration

Status Editor::setNodeColor(NodeId id, std::optional<uint32_t> color) {
  const Node* n = doc_.node(id);
  if (!n) return Error{"no node with id " + std::to_string(id.index)};
  if (color) *color &= 0xFFFFFF;
  if (n->color == color) return {};
  Node after = *n;
  after.color = color;
  return commit(EditStep{color ? "Colour " + n->name : "Reset colour of " + n->name,
                         {updateNodeChange(*n, std::move(after))}, 0});
}

Status Editor::setNote(NodeId id, std::string note, bool continueTyping) {
  const Node* n = doc_.node(id);
  if (!n) return Error{"no node with id " + std::to_string(id.index)};
  if (note.size() > kMaxNoteBytes) return Error{"a note holds at most " + std::to_string(kMaxNoteBytes) + " bytes"};
  if (n->note == note) return {};
  Node after = *n;
  after.note = std::move(note);
  const uint64_t key = ((0x6e6f7465ull << 32) ^ id.index) | 1;  // "note" + id
  if (continueTyping && !undo_.empty() && undo_.back().merge_key == key && redo_.empty()) {
    (void)doc_.replaceNode(after);
    touched_.push_back(after.id);
    undo_.back().changes.back().after = std::move(after);
    bump();
    return {};
  }
  return commit(EditStep{"Note on " + n->name, {updateNodeChange(*n, std::move(after))}, continueTyping ? key : 0});
}

Result<uint32_t> Editor::addAnnotation(Annotation a) {
  if (doc_.annotations().size() >= kMaxAnnotations)
    return Error{"Not added: a document holds at most " + std::to_string(kMaxAnnotations) + " labels and frames"};
  if (a.text.size() > kMaxNoteBytes) return Error{"a label holds at most " + std::to_string(kMaxNoteBytes) + " bytes"};
  a.id = doc_.nextAnnotationId();
  a.pos = rounded(a.pos);
  a.size = rounded(a.size);
  const uint32_t id = a.id;
  const std::string label = a.kind == Annotation::Kind::Frame ? "Add frame" : "Add label";
  (void)commit(EditStep{label, {annotationChange(Change::Kind::AddAnnotation, {}, std::move(a))}, 0});
  return id;
}

Status Editor::updateAnnotation(const Annotation& a, bool continueDrag) {
  const Annotation* cur = doc_.annotation(a.id);
  if (!cur) return Error{"no label or frame with id " + std::to_string(a.id)};
  if (a.text.size() > kMaxNoteBytes) return Error{"a label holds at most " + std::to_string(kMaxNoteBytes) + " bytes"};
  Annotation after = a;
  after.pos = rounded(a.pos);
  after.size = rounded({std::max(a.size.x, 0.0), std::max(a.size.y, 0.0)});
  if (after == *cur) return {};
  const uint64_t key = ((0x65646974ull << 32) ^ a.id) | 1;  // "edit" + id
  if (continueDrag && !undo_.empty() && undo_.back().merge_key == key && redo_.empty()) {
    (void)doc_.replaceAnnotation(after);
    undo_.back().changes.back().note_after = std::move(after);
    bump();
    return {};
  }
  const std::string label = a.kind == Annotation::Kind::Frame ? "Edit frame" : "Edit label";
  return commit(EditStep{label, {annotationChange(Change::Kind::UpdateAnnotation, *cur, std::move(after))},
                         continueDrag ? key : 0});
}

Status Editor::removeAnnotations(const std::vector<uint32_t>& ids) {
  EditStep step{ids.size() == 1 ? "Delete label" : "Delete " + std::to_string(ids.size()) + " labels/frames", {}, 0};
  std::set<uint32_t> seen;
  for (uint32_t id : ids) {
    const Annotation* a = doc_.annotation(id);
    if (!a) return Error{"no label or frame with id " + std::to_string(id)};
    if (seen.insert(id).second) step.changes.push_back(annotationChange(Change::Kind::RemoveAnnotation, *a, {}));
  }
  return commit(std::move(step));
}

Status Editor::moveAnnotations(const std::vector<uint32_t>& idsIn, Vec2 delta, bool continueDrag) {
  std::vector<uint32_t> ids = idsIn;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (uint32_t id : ids)
    if (!doc_.annotation(id)) return Error{"no label or frame with id " + std::to_string(id)};
  if (ids.empty()) return {};
  uint64_t key = 1469598103934665603ull ^ 0x616e6eull;  // FNV-1a over the ids, salted "ann"
  for (uint32_t id : ids) key = (key ^ id) * 1099511628211ull;
  key |= 1;
  if (continueDrag && !undo_.empty() && undo_.back().merge_key == key && redo_.empty()) {
    for (Change& c : undo_.back().changes) {
      Annotation moved = *doc_.annotation(c.note_after.id);
      moved.pos = rounded({moved.pos.x + delta.x, moved.pos.y + delta.y});
      (void)doc_.replaceAnnotation(moved);
      c.note_after = std::move(moved);
    }
    bump();
    return {};
  }
  EditStep step{ids.size() == 1 ? "Move label" : "Move " + std::to_string(ids.size()) + " labels/frames", {}, key};
  for (uint32_t id : ids) {
    const Annotation& before = *doc_.annotation(id);
    Annotation after = before;
    after.pos = rounded({before.pos.x + delta.x, before.pos.y + delta.y});
    step.changes.push_back(annotationChange(Change::Kind::UpdateAnnotation, before, std::move(after)));
  }
  return commit(std::move(step));
}

// [SECTION] Edges

Status Editor::connect(NodeId from, NodeId to, int port, int out) {
  const Node* src = doc_.node(from);
  const Node* dst = doc_.node(to);
  if (!src || !dst) return Error{"both ends of a connection must be layers"};
  if (out < 0 || out >= outputCount(*src)) return Error{src->name + " has no output " + std::to_string(out + 1)};
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
  const Edge e{from, to, port, out};
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
    step.changes.push_back(edgeChange(Change::Kind::AddEdge, Edge{new_id[e.from], new_id[e.to], e.port, e.out}));
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
