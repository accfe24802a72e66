#include "builder/document.h"

#include <algorithm>
#include <set>

#include "builder/onnx_op.h"

namespace nf::builder {

namespace {

bool edgeLess(const Edge& a, const Edge& b) {
  if (a.to != b.to) return a.to < b.to;
  if (a.port != b.port) return a.port < b.port;
  return a.from < b.from;
}

}  // namespace

const Node* Document::node(NodeId id) const {
  auto it = std::lower_bound(nodes_.begin(), nodes_.end(), id, [](const Node& n, NodeId v) { return n.id < v; });
  return it != nodes_.end() && it->id == id ? &*it : nullptr;
}

Node* Document::mutableNode(NodeId id) { return const_cast<Node*>(static_cast<const Document*>(this)->node(id)); }

std::vector<Edge> Document::inputEdges(NodeId to) const {
  std::vector<Edge> out;
  auto it = std::lower_bound(edges_.begin(), edges_.end(), to, [](const Edge& e, NodeId v) { return e.to < v; });
  for (; it != edges_.end() && it->to == to; ++it) out.push_back(*it);
  return out;
}

std::vector<Edge> Document::outputEdges(NodeId from) const {
  std::vector<Edge> out;
  for (const Edge& e : edges_)
    if (e.from == from) out.push_back(e);
  return out;
}

const Edge* Document::edgeInto(NodeId to, int port) const {
  auto it = std::lower_bound(edges_.begin(), edges_.end(), Edge{NodeId{0}, to, port}, edgeLess);
  return it != edges_.end() && it->to == to && it->port == port ? &*it : nullptr;
}

int Document::firstFreePort(NodeId to) const {
  const Node* n = node(to);
  if (!n) return -1;
  const LayerSpec* spec = catalog().find(n->type);
  const int limit = spec ? spec->max_inputs : -1;
  for (int port = 0; limit < 0 || port < limit; ++port)
    if (!edgeInto(to, port)) return port;
  return -1;
}

bool Document::wouldCreateCycle(NodeId from, NodeId to) const {
  if (from == to) return true;
  // Is `from` reachable from `to`? Depth-first over outgoing edges.
  std::vector<NodeId> stack = {to};
  std::set<NodeId> seen = {to};
  while (!stack.empty()) {
    NodeId cur = stack.back();
    stack.pop_back();
    for (const Edge& e : edges_) {
      if (e.from != cur) continue;
      if (e.to == from) return true;
      if (seen.insert(e.to).second) stack.push_back(e.to);
    }
  }
  return false;
}

std::string Document::uniqueName(const std::string& base) const {
  auto taken = [&](const std::string& s) {
    return std::any_of(nodes_.begin(), nodes_.end(), [&](const Node& n) { return n.name == s; });
  };
  if (!taken(base)) return base;
  for (int k = 2;; ++k) {
    std::string candidate = base + "_" + std::to_string(k);
    if (!taken(candidate)) return candidate;
  }
}

std::string Document::defaultName(const std::string& type) const {
  const LayerSpec* spec = catalog().find(type);
  const std::string base = spec ? spec->baseName() : "layer";
  std::set<std::string> names;
  for (const Node& n : nodes_) names.insert(n.name);
  for (int k = 1;; ++k) {
    std::string candidate = base + "_" + std::to_string(k);
    if (!names.count(candidate)) return candidate;
  }
}

Status Document::insertNode(Node n) {
  if (!n.id.valid()) return Error{"node id 0 is reserved"};
  if (contains(n.id)) return Error{"node id " + std::to_string(n.id.index) + " is already used"};
  next_ = std::max(next_, n.id.index + 1);
  auto it = std::lower_bound(nodes_.begin(), nodes_.end(), n.id, [](const Node& a, NodeId v) { return a.id < v; });
  nodes_.insert(it, std::move(n));
  return {};
}

std::vector<Edge> Document::eraseNode(NodeId id) {
  std::vector<Edge> removed;
  auto keep = std::remove_if(edges_.begin(), edges_.end(), [&](const Edge& e) {
    if (e.from == id || e.to == id) {
      removed.push_back(e);
      return true;
    }
    return false;
  });
  edges_.erase(keep, edges_.end());
  auto it = std::lower_bound(nodes_.begin(), nodes_.end(), id, [](const Node& a, NodeId v) { return a.id < v; });
  if (it != nodes_.end() && it->id == id) nodes_.erase(it);
  return removed;
}

Status Document::replaceNode(const Node& n) {
  Node* cur = mutableNode(n.id);
  if (!cur) return Error{"no node with id " + std::to_string(n.id.index)};
  *cur = n;
  return {};
}

Status Document::insertEdge(const Edge& e) {
  if (!contains(e.from) || !contains(e.to)) return Error{"an edge must join two existing nodes"};
  if (e.port < 0) return Error{"input port numbers start at 0"};
  if (e.out < 0) return Error{"output numbers start at 0"};
  if (edgeInto(e.to, e.port)) return Error{"that input is already connected"};
  edges_.insert(std::lower_bound(edges_.begin(), edges_.end(), e, edgeLess), e);
  return {};
}

bool Document::eraseEdge(const Edge& e) {
  auto it = std::find(edges_.begin(), edges_.end(), e);
  if (it == edges_.end()) return false;
  edges_.erase(it);
  return true;
}

void Document::setNextId(uint32_t next) {
  uint32_t floor = 1;
  for (const Node& n : nodes_) floor = std::max(floor, n.id.index + 1);
  next_ = std::max(next, floor);
}

const Annotation* Document::annotation(uint32_t id) const {
  auto it = std::lower_bound(annotations_.begin(), annotations_.end(), id,
                             [](const Annotation& a, uint32_t v) { return a.id < v; });
  return it != annotations_.end() && it->id == id ? &*it : nullptr;
}

Status Document::insertAnnotation(Annotation a) {
  if (a.id == 0) return Error{"annotation id 0 is reserved"};
  if (annotation(a.id)) return Error{"annotation id " + std::to_string(a.id) + " is already used"};
  next_annotation_ = std::max(next_annotation_, a.id + 1);
  auto it = std::lower_bound(annotations_.begin(), annotations_.end(), a.id,
                             [](const Annotation& x, uint32_t v) { return x.id < v; });
  annotations_.insert(it, std::move(a));
  return {};
}

bool Document::eraseAnnotation(uint32_t id) {
  const Annotation* a = annotation(id);
  if (!a) return false;
  annotations_.erase(annotations_.begin() + (a - annotations_.data()));
  return true;
}

Status Document::replaceAnnotation(const Annotation& a) {
  const Annotation* cur = annotation(a.id);
  if (!cur) return Error{"no label or frame with id " + std::to_string(a.id)};
  annotations_[static_cast<size_t>(cur - annotations_.data())] = a;
  return {};
}

void Document::setNextAnnotationId(uint32_t next) {
  uint32_t floor = 1;
  for (const Annotation& a : annotations_) floor = std::max(floor, a.id + 1);
  next_annotation_ = std::max(next, floor);
}

int outputCount(const Node& n) {
  if (n.type != "OnnxOp") return 1;
  auto it = n.params.find("more_outputs");
  if (it == n.params.end() || !std::holds_alternative<std::string>(it->second)) return 1;
  auto more = parseOnnxOutputs(std::get<std::string>(it->second));
  return more ? 1 + static_cast<int>(more->size()) : 1;
}

std::string typeLabel(const Node& n) {
  if (n.type != "OnnxOp") return n.type;
  const std::string op = onnxOpType(n.params);
  return op.empty() ? n.type : op;
}

Result<Node> makeNode(const Document& doc, std::string_view type, Vec2 pos) {
  const LayerSpec* spec = catalog().find(type);
  if (!spec) return Error{"unknown layer type '" + std::string(type) + "'"};
  Node n;
  n.id = doc.nextId();
  n.type = spec->type;
  n.name = doc.defaultName(spec->type);
  n.params = defaultParams(*spec);
  n.pos = pos;
  return n;
}

}  // namespace nf::builder
