// Helpers for the scene tests: tiny in-memory models and an XML well-formedness check.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ir/model.h"

namespace nf::scene::test {

// Builds graphs node by node, keeping producer/consumer links as the reader does.
struct GraphBuilder {
  ir::Graph& g;

  ir::ValueId input(const std::string& name, std::vector<int64_t> dims) {
    ir::ValueId v = g.intern(name);
    g.value(v).graph_input = true;
    g.value(v).type = ir::Type::tensor(ir::ElemType::Float, ir::Shape::ofKnown(dims));
    g.inputs.push_back(v);
    return v;
  }
  ir::ValueId initializer(const std::string& name, std::vector<int64_t> dims) {
    ir::ValueId v = g.intern(name);
    ir::Tensor t;
    t.name = name;
    t.elem = ir::ElemType::Float;
    t.dims = std::move(dims);
    g.value(v).initializer = static_cast<int32_t>(g.initializers.size());
    g.initializers.push_back(std::move(t));
    return v;
  }
  ir::NodeId node(const std::string& op, const std::string& name, const std::vector<std::string>& inputs,
                  const std::vector<std::string>& outputs) {
    ir::NodeId id{static_cast<uint32_t>(g.nodes.size())};
    ir::Node n;
    n.op_type = op;
    n.name = name;
    for (const auto& s : inputs) {
      if (s.empty()) {
        n.inputs.push_back(ir::ValueId{});
        continue;
      }
      ir::ValueId v = g.intern(s);
      g.value(v).consumers.push_back(id);
      n.inputs.push_back(v);
    }
    for (const auto& s : outputs) {
      ir::ValueId v = g.intern(s);
      g.value(v).producer = id;
      n.outputs.push_back(v);
    }
    g.nodes.push_back(std::move(n));
    return id;
  }
  void output(const std::string& name) {
    ir::ValueId v = g.intern(name);
    g.value(v).graph_output = true;
    g.outputs.push_back(v);
  }
};

// "" when `xml` is well-formed for what our exporters write (elements, attributes in
// double quotes, text, comments-free, <?xml?> prolog); otherwise the first problem:
// unbalanced or mismatched tags, raw '<' or '&' outside markup or entities, unknown
// entities, control characters, invalid UTF-8, text after the root element.
std::string xmlProblem(const std::string& xml);

}  // namespace nf::scene::test
