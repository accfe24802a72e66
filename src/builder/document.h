// builder/document.h - a builder document: layer nodes, the edges between them, names.
//
// Plain data with a few invariants the primitive mutations keep:
//   - node ids are unique and nodes() is sorted by id (so output is deterministic);
//   - every edge joins two existing nodes; at most one edge enters each (node, port);
//     an edge's output index is >= 0 (whether the producer has it is the analysis' call);
//   - edges() is sorted by (to, port).
// Cycles, missing inputs and bad parameters are allowed here: a document is what the
// user drew, and analysis.h reports what is wrong with it. Edits that should be
// undoable go through Editor (editor.h), which is built on these primitives.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "builder/catalog.h"
#include "builder/types.h"

namespace nf::builder {

// Where an imported layer's parameter comes from in its ONNX file (builder_import.h):
// the tensor's name, and whether torch holds its transpose (MatMul / Gemm weights).
struct WeightSource {
  std::string tensor;
  bool transposed = false;

  bool operator==(const WeightSource&) const = default;
};

struct Node {
  NodeId id;
  std::string type;  // catalog type name; may be unknown to this catalog (kept as written)
  std::string name;  // what the user typed; sanitised only where it becomes code
  ParamMap params;   // values by parameter name; complete for known types once loaded/added
  // Parameters this catalog does not know (from a newer NetForge, or an unknown type),
  // as raw JSON text by name: reported by the analysis and written back on save.
  std::map<std::string, std::string> extra_params;
  Vec2 pos;
  // Diagram decoration, no effect on the model or its code: the box colour the user
  // chose (0xRRGGBB; none = the category's colour) and a free-text note drawn under it.
  std::optional<uint32_t> color;
  std::string note;
  // Imported layers only: parameter ("weight", "bias", "running_mean"...) -> its ONNX
  // tensor, so the PyTorch code can load the model's own weights. Kept through edits:
  // the loader checks the shapes and names the layers that no longer fit.
  std::map<std::string, WeightSource> onnx_weights;

  bool operator==(const Node&) const = default;
};

// Free text placed on the canvas: a label (text at pos) or a frame (a titled group box
// from pos spanning size). Ids are their own sequence, never reused by a document.
struct Annotation {
  enum class Kind : uint8_t { Label, Frame };
  uint32_t id = 0;
  Kind kind = Kind::Label;
  std::string text;
  Vec2 pos;
  Vec2 size;                     // frames only
  std::optional<uint32_t> color;  // 0xRRGGBB; none = the theme's default

  bool operator==(const Annotation&) const = default;
};

// Data flows from output `out` of `from` into input port `port` of `to`. Every layer
// has output 0; only an ONNX op layer has more (its "more_outputs": a Split, TopK...).
struct Edge {
  NodeId from;
  NodeId to;
  int port = 0;
  int out = 0;

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

  // Labels and frames, sorted by id.
  const std::vector<Annotation>& annotations() const { return annotations_; }
  const Annotation* annotation(uint32_t id) const;
  uint32_t nextAnnotationId() const { return next_annotation_; }

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
  // Fails if the id is 0 or taken; advances nextAnnotationId() past it.
  Status insertAnnotation(Annotation a);
  bool eraseAnnotation(uint32_t id);
  Status replaceAnnotation(const Annotation& a);  // fails if absent
  void setNextAnnotationId(uint32_t next);         // never below max id + 1

  bool operator==(const Document& o) const {
    return name == o.name && nodes_ == o.nodes_ && edges_ == o.edges_ && annotations_ == o.annotations_;
  }

 private:
  std::vector<Node> nodes_;
  std::vector<Edge> edges_;
  uint32_t next_ = 1;
  std::vector<Annotation> annotations_;
  uint32_t next_annotation_ = 1;
};

// How many outputs a node has: 1, or an ONNX op layer's 1 + its more_outputs (1 when
// those are malformed: the analysis reports them).
int outputCount(const Node& n);

// The type a user reads for a node (canvas, lists, errors): an ONNX op layer's op type
// ("Clip"), else the catalog type.
std::string typeLabel(const Node& n);

// A node of `type` with every parameter at its default and the next default name;
// an error if the catalog does not know the type.
Result<Node> makeNode(const Document& doc, std::string_view type, Vec2 pos);

}  // namespace nf::builder
