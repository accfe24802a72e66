// builder/document.h - a builder document: layer nodes, the edges between them, names.
//
// Plain data with a few invariants the primitive mutations keep:
//   - node ids are unique and nodes() is sorted by id (so output is deterministic);
//   - every edge joins two existing nodes; at most one edge enters each (node, port);
//   - edges() is sorted by (to, port).
// Cycles, missing inputs and bad parameters are allowed here: a document is what the
// user drew, and analysis.h reports what is wrong with it. Edits that should be
// undoable go through Editor (editor.h), which is built on these primitives.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "builder/catalog.h"
#include "builder/types.h"

namespace nf::builder {

struct Node {
  NodeId id;
  std::string type;  // catalog type name; may be unknown to this catalog (kept as written)
  std::string name;  // what the user typed; sanitised only where it becomes code
  ParamMap params;   // values by parameter name; complete for known types once loaded/added
  // Parameters this catalog does not know (from a newer NetForge, or an unknown type),
  // as raw JSON text by name: reported by the analysis and written back on save.
  std::map<std::string, std::string> extra_params;
  Vec2 pos;

  bool operator==(const Node&) const = default;
};

// Data flows from `from`'s output into input port `port` of `to`.
struct Edge {
  NodeId from;
  NodeId to;
  int port = 0;

  bool operator==(const Edge&) const = default;
};

class Document {
 public:
  std::string name = "Model";  // model name; becomes the class name (sanitised)

  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<Edge>& edges() const { return edges_; }
  const Node* node(NodeId id) const;  // nullptr if absent
  bool contains(NodeId id) const { return node(id) != nullptr; }
  // The id the next added node gets (ids are never reused within a document).
  NodeId nextId() const { return NodeId{next_}; }

  // Edges entering `to`, by port; edges leaving `from`, in edges() order.
  std::vector<Edge> inputEdges(NodeId to) const;
  std::vector<Edge> outputEdges(NodeId from) const;
  const Edge* edgeInto(NodeId to, int port) const;
  // The lowest input port of `to` with no edge, or -1 when every port is taken
  // (ports beyond max_inputs do not exist; unknown types accept any port).
  int firstFreePort(NodeId to) const;
  // True when an edge from -> to would close a cycle (including from == to).
  bool wouldCreateCycle(NodeId from, NodeId to) const;
  // `base` if no node is named so, else base_2, base_3, ...
  std::string uniqueName(const std::string& base) const;
  // The next default name for a new node of `type`: "<base>_<k>" with the smallest
  // k >= 1 not in use ("conv2d_1", "conv2d_2", ...).
  std::string defaultName(const std::string& type) const;

  // [SECTION] Primitive mutations (invariant-keeping; no undo)
  // Fails if the id is taken or 0. Advances nextId() past the id.
  Status insertNode(Node n);
  // Removes the node and every edge touching it; returns the removed edges.
  std::vector<Edge> eraseNode(NodeId id);
  // Replaces the node with the same id (fails if absent).
  Status replaceNode(const Node& n);
  // Fails if an endpoint is missing, the port is negative or already taken.
  Status insertEdge(const Edge& e);
  bool eraseEdge(const Edge& e);
  // Sets the id counter (loaders restoring a saved document); never below max id + 1.
  void setNextId(uint32_t next);
  Node* mutableNode(NodeId id);

  bool operator==(const Document& o) const { return name == o.name && nodes_ == o.nodes_ && edges_ == o.edges_; }

 private:
  std::vector<Node> nodes_;
  std::vector<Edge> edges_;
  uint32_t next_ = 1;
};

// A node of `type` with every parameter at its default and the next default name;
// an error if the catalog does not know the type.
Result<Node> makeNode(const Document& doc, std::string_view type, Vec2 pos);

}  // namespace nf::builder
