#include "ir/model.h"

#include <algorithm>
#include <set>

#include "base/checked.h"

namespace nf::ir {

int64_t Tensor::elementCount() const { return checkedProduct(dims).value_or(-1); }

std::optional<uint64_t> Tensor::checkedByteSize() const {
  if (elemTypeBits(elem) == 0) return 0;
  auto n = checkedProduct(dims);
  if (!n) return std::nullopt;
  return checkedBytes(*n, elemTypeBits(elem));
}

uint64_t Tensor::byteSize() const { return checkedByteSize().value_or(kOverflow<uint64_t>); }

std::string_view attrTypeName(AttrType t) {
  switch (t) {
    case AttrType::Undefined: return "UNDEFINED";
    case AttrType::Float: return "FLOAT";
    case AttrType::Int: return "INT";
    case AttrType::String: return "STRING";
    case AttrType::Tensor: return "TENSOR";
    case AttrType::Graph: return "GRAPH";
    case AttrType::Floats: return "FLOATS";
    case AttrType::Ints: return "INTS";
    case AttrType::Strings: return "STRINGS";
    case AttrType::Tensors: return "TENSORS";
    case AttrType::Graphs: return "GRAPHS";
    case AttrType::SparseTensor: return "SPARSE_TENSOR";
    case AttrType::SparseTensors: return "SPARSE_TENSORS";
    case AttrType::TypeProto: return "TYPE_PROTO";
    case AttrType::TypeProtos: return "TYPE_PROTOS";
  }
  return "UNDEFINED";
}

const Attribute* Node::attr(std::string_view attr_name) const {
  for (const auto& a : attributes)
    if (a.name == attr_name) return &a;
  return nullptr;
}

std::vector<GraphId> Node::subgraphs() const {
  std::vector<GraphId> out;
  for (const auto& a : attributes)
    if (a.type == AttrType::Graph || a.type == AttrType::Graphs)
      out.insert(out.end(), a.graphs.begin(), a.graphs.end());
  return out;
}

ValueId Graph::find(std::string_view value_name) const {
  auto it = by_name_.find(std::string(value_name));
  return it == by_name_.end() ? ValueId{} : ValueId{it->second};
}

void Graph::reserveValues(size_t n) {
  values.reserve(n);
  by_name_.reserve(n);
}

ValueId Graph::intern(std::string_view value_name) {
  auto [it, inserted] = by_name_.emplace(std::string(value_name), static_cast<uint32_t>(values.size()));
  if (inserted) {
    Value v;
    v.name = std::string(value_name);
    values.push_back(std::move(v));
  }
  return ValueId{it->second};
}

std::vector<ValueId> Graph::realInputs() const {
  std::vector<ValueId> out;
  for (ValueId id : inputs)
    if (values[id.index].initializer < 0) out.push_back(id);
  return out;
}

int64_t Model::opsetVersion(std::string_view dom) const {
  bool want_default = dom.empty() || dom == "ai.onnx";
  for (const auto& o : opsets) {
    bool is_default = o.domain.empty() || o.domain == "ai.onnx";
    if ((want_default && is_default) || (!want_default && o.domain == dom)) return o.version;
  }
  return 0;
}

std::vector<GraphId> Model::mainGraphTree() const {
  std::vector<GraphId> out;
  if (graphs.empty()) return out;
  std::vector<GraphId> stack{GraphId{0}};
  std::vector<char> seen(graphs.size(), 0);
  while (!stack.empty()) {
    GraphId g = stack.back();
    stack.pop_back();
    if (g.index >= graphs.size() || seen[g.index]) continue;
    seen[g.index] = 1;
    out.push_back(g);
    const Graph& gr = graphs[g.index];
    // Push children in reverse so the traversal visits them in node order.
    std::vector<GraphId> kids;
    for (const auto& n : gr.nodes)
      for (GraphId s : n.subgraphs()) kids.push_back(s);
    for (auto it = kids.rbegin(); it != kids.rend(); ++it) stack.push_back(*it);
  }
  return out;
}

size_t Model::nodeCountIncludingSubgraphs() const {
  size_t n = 0;
  for (GraphId g : mainGraphTree()) n += graphs[g.index].nodes.size();
  return n;
}

std::vector<std::string> Model::opTypes() const {
  std::set<std::string> s;
  for (GraphId g : mainGraphTree())
    for (const auto& node : graphs[g.index].nodes) {
      // No string built per node (a conditional expression would copy op_type each time).
      if (node.domain.empty() || node.domain == "ai.onnx") s.insert(node.op_type);
      else s.insert(node.domain + "::" + node.op_type);
    }
  return {s.begin(), s.end()};
}

}  // namespace nf::ir
