// ir/model.h - the model IR: what every view, analysis and exporter reads.
//
// Index of this file
//   [SECTION] Typed ids
//   [SECTION] Tensors (initializers and tensor attributes), with lazy data
//   [SECTION] Attributes (every ONNX attribute kind)
//   [SECTION] Nodes, values, graphs
//   [SECTION] Functions and the model
//
// Ownership: a Model owns all its Graphs in one vector (graphs[0] is the main
// graph); subgraphs (If/Loop/Scan bodies) and function bodies are further entries
// referenced by GraphId. Within a Graph, nodes and values are addressed by NodeId
// and ValueId (indices). The IR is plain data: readers build it, analyses read it.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/byte_source.h"
#include "base/id.h"
#include "ir/types.h"

namespace nf::ir {

// [SECTION] Typed ids ---------------------------------------------------------

template <class Tag>
using Id = nf::Id<Tag>;  // base/id.h: one none value (kNoIndex) everywhere
using NodeId = Id<struct NodeTag>;
using ValueId = Id<struct ValueTag>;
using GraphId = Id<struct GraphTag>;

// [SECTION] Tensors ------------------------------------------------------------

// Where a tensor's bytes live when they are not copied into the IR: a range of
// one of the Model's data sources (the model file itself, or an external data file).
struct DataRef {
  uint32_t source = 0;  // index into Model::sources
  uint64_t offset = 0;
  uint64_t length = 0;
};

struct Tensor {
  enum class Storage : uint8_t {
    None,             // no data (e.g. a declared-only tensor)
    Inline,           // bytes holds the little-endian raw layout (strings in `strings`)
    Source,           // ref points into a data source that is present
    MissingExternal,  // external data whose file was not provided (external_location names it)
  };
  std::string name;
  ElemType elem = ElemType::Undefined;
  std::vector<int64_t> dims;
  std::string doc;
  Storage storage = Storage::None;
  std::vector<uint8_t> bytes;        // Inline: raw little-endian layout, packed for 4-bit types
  std::vector<std::string> strings;  // Inline string tensors
  DataRef ref;                       // Source
  std::string external_location;     // declared external file name (external data only)

  // Product of dims (1 for a scalar); -1 if any dim is negative or it overflows.
  int64_t elementCount() const;
  // Bytes of the raw layout (rounded up for sub-byte types); 0 for strings;
  // nullopt when a dim is negative or the size does not fit in 64 bits.
  std::optional<uint64_t> checkedByteSize() const;
  // The same for display and totals: kOverflow<uint64_t> (shown as "overflow")
  // when checkedByteSize has none.
  uint64_t byteSize() const;
};

struct SparseTensor {
  Tensor values;
  Tensor indices;
  std::vector<int64_t> dims;
};

// [SECTION] Attributes ---------------------------------------------------------

// Values equal onnx.AttributeProto.AttributeType.
enum class AttrType : int32_t {
  Undefined = 0,
  Float = 1,
  Int = 2,
  String = 3,
  Tensor = 4,
  Graph = 5,
  Floats = 6,
  Ints = 7,
  Strings = 8,
  Tensors = 9,
  Graphs = 10,
  SparseTensor = 11,
  SparseTensors = 12,
  TypeProto = 13,
  TypeProtos = 14,
};
std::string_view attrTypeName(AttrType t);  // "FLOAT", "INTS", "GRAPH", ...

// One attribute. Only the fields of its type are filled; single-valued kinds that
// hold objects (Tensor, Graph, SparseTensor, TypeProto) use the first element of
// the corresponding vector so that one field serves both forms.
struct Attribute {
  std::string name;
  AttrType type = AttrType::Undefined;
  std::string ref_attr_name;  // set inside function bodies that forward an attribute
  std::string doc;
  float f = 0.0f;
  int64_t i = 0;
  std::string s;  // bytes, not necessarily UTF-8
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
  std::vector<Tensor> tensors;
  std::vector<GraphId> graphs;
  std::vector<SparseTensor> sparse_tensors;
  std::vector<Type> types;
};

// [SECTION] Nodes, values, graphs ----------------------------------------------

struct Node {
  std::string name;
  std::string op_type;
  std::string domain;  // "" = ai.onnx
  std::string overload;
  std::string doc;
  std::vector<ValueId> inputs;   // an invalid id marks an omitted optional input ("")
  std::vector<ValueId> outputs;  // an invalid id marks an omitted optional output
  std::vector<Attribute> attributes;
  std::vector<std::pair<std::string, std::string>> metadata;

  const Attribute* attr(std::string_view attr_name) const;
  // Subgraphs held by this node's GRAPH/GRAPHS attributes, in attribute order.
  std::vector<GraphId> subgraphs() const;
};

// A tensor on an edge: produced by one node (or a graph input / initializer, or an
// outer scope) and consumed by any number of nodes.
struct Value {
  std::string name;
  Type type;           // declared type (graph input/output or value_info); kind None if not declared
  NodeId producer;     // invalid for graph inputs, initializers and outer-scope values
  std::vector<NodeId> consumers;  // in node order; a node appears once per consuming input slot
  int32_t initializer = -1;       // index into Graph::initializers, or -1
  bool graph_input = false;       // listed in graph.input (may also be an initializer)
  bool graph_output = false;
  bool outer_scope = false;       // defined by an enclosing graph (subgraph bodies)
  bool has_value_info = false;    // a value_info entry declared its type
};

struct Graph {
  std::string name;
  std::string doc;
  std::vector<Node> nodes;
  std::vector<Value> values;
  std::vector<ValueId> inputs;   // graph.input, in file order (may include initializers)
  std::vector<ValueId> outputs;  // graph.output, in file order
  std::vector<Tensor> initializers;
  std::vector<SparseTensor> sparse_initializers;
  GraphId parent;       // the graph holding the node that owns this body; invalid for roots
  NodeId parent_node;   // that node
  int32_t function = -1;  // index into Model::functions if this is a function body

  const Node& node(NodeId id) const { return nodes[id.index]; }
  const Value& value(ValueId id) const { return values[id.index]; }
  Node& node(NodeId id) { return nodes[id.index]; }
  Value& value(ValueId id) { return values[id.index]; }
  // The value called `name`, or an invalid id. O(1) after the graph is built.
  ValueId find(std::string_view value_name) const;
  // Returns the id of `name`, creating a bare value if it does not exist yet.
  // Room for about n values, so interning a big graph does not rehash as it grows.
  void reserveValues(size_t n);
  ValueId intern(std::string_view value_name);
  // Graph inputs that are not initializers (what a user must feed).
  std::vector<ValueId> realInputs() const;

 private:
  std::unordered_map<std::string, uint32_t> by_name_;
};

// [SECTION] Functions and the model --------------------------------------------

struct OpsetImport {
  std::string domain;  // "" and "ai.onnx" both mean the default domain
  int64_t version = 0;
};

struct Function {
  std::string name;
  std::string domain;
  std::string overload;
  std::string doc;
  std::vector<std::string> attributes;  // declared attribute names
  std::vector<OpsetImport> opsets;
  GraphId body;  // inputs/outputs/nodes of the function, as a Graph
};

// A file whose bytes back Tensor::Source data: index 0 is the model file itself,
// further entries are external data files (present or missing).
struct DataSource {
  std::string name;                     // file name as dropped, or as referenced
  std::shared_ptr<const ByteSource> bytes;  // null when the file was not provided
};

struct Model {
  std::string format = "ONNX";
  int64_t ir_version = 0;
  std::string producer_name;
  std::string producer_version;
  std::string domain;
  int64_t model_version = 0;
  std::string doc;
  std::vector<OpsetImport> opsets;
  std::vector<std::pair<std::string, std::string>> metadata;
  std::vector<Graph> graphs;  // graphs[0] is the main graph
  std::vector<Function> functions;
  std::vector<DataSource> sources;
  // Problems that did not stop the model from opening (duplicate producers, tensors
  // pointing past the end of their data file, ...), for the UI to list.
  std::vector<std::string> warnings;

  const Graph& main() const { return graphs.at(0); }
  Graph& main() { return graphs.at(0); }
  const Graph& graph(GraphId id) const { return graphs[id.index]; }
  Graph& graph(GraphId id) { return graphs[id.index]; }
  // Opset version of a domain ("" or "ai.onnx" for the default); 0 if not imported.
  int64_t opsetVersion(std::string_view domain) const;
  // Nodes of the main graph plus every nested subgraph (not function bodies).
  size_t nodeCountIncludingSubgraphs() const;
  // Sorted unique op types over the main graph and its nested subgraphs; ops of
  // other domains are qualified as "domain::Op" (e.g. "ai.onnx.ml::TreeEnsemble").
  std::vector<std::string> opTypes() const;
  // Graph ids reachable from the main graph (itself first, then bodies depth-first).
  std::vector<GraphId> mainGraphTree() const;
};

}  // namespace nf::ir
