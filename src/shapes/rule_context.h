// shapes/rule_context.h - what an op rule sees: its node's inputs, attributes and
// opset, and where it writes its outputs. Internal to the shapes module.
//
// A rule is a plain function `void rule(Ctx&)` named by its op's entry in the
// table that ends each rules_<family>.cpp file (shapes/op_registry.h). It reads
// input types (and folded input values when it wants them), and sets each output's
// type, and its value when it can fold it.
// It never throws; an output it does not set stays unknown. When the inputs
// contradict the op it calls ctx.issue() with one sentence and sets what it can.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ir/model.h"
#include "shapes/inference.h"
#include "shapes/op_registry.h"

namespace nf::shapes::detail {

class Engine;

class Ctx {
 public:
  Ctx(Engine& engine, ir::GraphId graph, const ir::Node& node, int64_t opset, const Ctx* caller)
      : engine_(engine), graph_(graph), node_(node), opset_(opset), caller_(caller) {
    out_types_.resize(node.outputs.size());
    out_consts_.resize(node.outputs.size());
    out_seqs_.resize(node.outputs.size());
  }

  const ir::Node& node() const { return node_; }
  const std::string& opType() const { return node_.op_type; }
  // Opset version of the node's domain (for a model-local function body, the
  // function's import). 0 when the model does not import the domain.
  int64_t opset() const { return opset_; }
  int64_t maxFold() const;
  const ir::Model& model() const;

  // [Inputs] index i may be past the end or an omitted optional input.
  size_t numInputs() const { return node_.inputs.size(); }
  bool has(size_t i) const { return i < node_.inputs.size() && node_.inputs[i].valid(); }
  const ir::Type& type(size_t i) const;
  bool isTensor(size_t i) const { return type(i).kind == ir::Type::Kind::Tensor; }
  const ir::Shape& shape(size_t i) const;  // unknown rank unless a known tensor
  int64_t rank(size_t i) const { return shape(i).rank_known ? static_cast<int64_t>(shape(i).rank()) : -1; }
  ir::ElemType elem(size_t i) const;
  const ConstValue* cval(size_t i) const;
  // The input's values as integers when every element is Known.
  bool constInts(size_t i, std::vector<int64_t>* out) const;
  // Element types of a sequence input whose length is known; null otherwise.
  const std::vector<ir::Type>* seqElems(size_t i) const;

  // [Outputs]
  size_t numOutputs() const { return node_.outputs.size(); }
  bool hasOut(size_t i) const { return i < node_.outputs.size() && node_.outputs[i].valid(); }
  void out(size_t i, ir::Type t);
  void outTensor(size_t i, ir::ElemType e, ir::Shape s) { out(i, ir::Type::tensor(e, std::move(s))); }
  // Sets the output's value and its type (elem + dims of the value).
  void outConst(size_t i, ConstValue v);
  // Sets a sequence output of known length: its type (element types generalised)
  // and the element list.
  void outSeq(size_t i, std::vector<ir::Type> elems);
  const ir::Type& outType(size_t i) const { return out_types_[i]; }

  // [Attributes] resolved through ref_attr_name inside function bodies.
  const ir::Attribute* attr(std::string_view name) const;
  bool hasAttr(std::string_view name) const { return attr(name) != nullptr; }
  int64_t attrInt(std::string_view name, int64_t def) const;
  float attrFloat(std::string_view name, float def) const;
  std::string attrStr(std::string_view name, std::string_view def) const;
  // INTS attribute; false when absent.
  bool attrInts(std::string_view name, std::vector<int64_t>* out) const;

  // [Problems] the inputs contradict the op; one sentence, no node name needed.
  void issue(std::string message);

  // [Subgraphs] the GRAPH attribute `name`, or an invalid id.
  ir::GraphId body(std::string_view name) const;
  // Infers a body graph with the given input types (what Loop/Scan/If pass in);
  // returns its output types, and the folded output values when out_consts is set.
  // `input_consts` optionally gives known values for the body inputs (Loop passes
  // its iteration number as a symbol).
  std::vector<ir::Type> inferBody(ir::GraphId body, const std::vector<ir::Type>& inputs,
                                  std::vector<std::shared_ptr<const ConstValue>>* out_consts = nullptr,
                                  const std::vector<std::shared_ptr<const ConstValue>>* input_consts = nullptr);
  // While quiet, bodies inferred by this rule record no conflicts, issues or
  // missing rules: Loop uses it for a first pass before generalising its
  // loop-carried shapes, then infers the body again for real.
  void setQuiet(bool on);

  // Results, read by the engine after the rule ran.
  std::vector<ir::Type>& outTypes() { return out_types_; }
  std::vector<std::shared_ptr<const ConstValue>>& outConsts() { return out_consts_; }
  std::vector<std::shared_ptr<const std::vector<ir::Type>>>& outSeqs() { return out_seqs_; }
  std::vector<std::string>& issues() { return issues_; }
  // Type of a value of this node's graph by name (Gradient names its xs); null if absent.
  const ir::Type* typeOfName(const std::string& name) const;

 private:
  Engine& engine_;
  ir::GraphId graph_;
  const ir::Node& node_;
  int64_t opset_;
  const Ctx* caller_;  // the node calling the function whose body holds node_, or null
  std::vector<ir::Type> out_types_;
  std::vector<std::shared_ptr<const ConstValue>> out_consts_;
  std::vector<std::shared_ptr<const std::vector<ir::Type>>> out_seqs_;
  std::vector<std::string> issues_;
};

// One table of op entries per rules_<family>.cpp; op_registry.cpp joins them.
std::span<const OpSpec> elementwiseOps();
std::span<const OpSpec> convPoolOps();
std::span<const OpSpec> matMulOps();
std::span<const OpSpec> shapeOps();
std::span<const OpSpec> indexOps();
std::span<const OpSpec> reduceOps();
std::span<const OpSpec> normRnnOps();
std::span<const OpSpec> controlOps();
std::span<const OpSpec> miscOps();
std::span<const OpSpec> contribOps();

// Short names the family tables use (`using namespace op_table;` inside each table).
namespace op_table {
using C = OpCategory;
using K = CostKind;
using A = KeyAttrs;
using F = FoldClass;
using Op = OpSpec;
}  // namespace op_table

}  // namespace nf::shapes::detail
