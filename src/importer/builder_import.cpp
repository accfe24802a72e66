// importer/builder_import.cpp - ONNX nodes -> builder layers (see builder_import.h).
#include "importer/builder_import.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "base/strings.h"
#include "builder/catalog.h"
#include "builder/limits.h"
#include "builder/onnx_op.h"
#include "hierarchy/hierarchy.h"
#include "importer/torch_import.h"
#include "importer/torch_node_util.h"
#include "shapes/inference.h"
#include "weights/decode.h"

namespace nf::importer {

using detail::attrFloat;
using detail::attrInt;
using detail::attrIntsOr;

namespace {

constexpr double kRowHeight = 90.0;     // canvas spacing of one layer per row
constexpr double kColumnWidth = 240.0;  // and of side-by-side branches
constexpr int64_t kKeptValues = 4096;    // largest integer constant a document keeps the values of

struct KeptConst {
  builder::OnnxConst value;
};

class Importer {
 public:
  explicit Importer(const ir::Model& m) : model_(m), g_(m.main()) {}

  Result<BuilderImport> run() {
    BuilderImport out;
    for (ir::ValueId v : g_.inputs)
      if (Status s = addInput(v); !s) return Error{s.message()};
    // Shapes at batch 1: an ONNX op layer's code is written for fixed shapes.
    shapes::InferenceOptions batch_one;
    for (ir::ValueId v : g_.realInputs()) {
      const ir::Value& val = g_.value(v);
      if (!val.type.isTensor() || !val.type.shape.rank_known || val.type.shape.dims.empty()) continue;
      ir::Shape s = val.type.shape;
      s.dims[0] = ir::Dim::known(1);
      batch_one.input_overrides[val.name] = s;
    }
    inference_ = shapes::inferShapes(model_, batch_one);
    made_from_.assign(g_.nodes.size() + 1, doc_.nextId().index);
    for (uint32_t i = 0; i < g_.nodes.size(); ++i) {
      out.onnx_nodes += 1;
      made_from_[i] = doc_.nextId().index;
      if (skipped_.count(i)) continue;
      const ir::Node& n = g_.nodes[i];
      // A node that is no builder layer (or whose pattern does not fit here) is kept as
      // a generic ONNX op layer; what was added for the failed pattern is taken back.
      if (folded(n)) continue;
      if (n.op_type == "ConstantOfShape" && !n.outputs.empty() && weight(n.outputs[0])) continue;  // a weight
      const size_t before = doc_.nodes().size();  // layers are appended: a failed pattern's are the last ones
      Status s = addNode(i);
      if (!s) {
        std::vector<builder::NodeId> added;
        for (size_t k = before; k < doc_.nodes().size(); ++k) added.push_back(doc_.nodes()[k].id);
        for (const builder::NodeId id : added) doc_.eraseNode(id);
        Status g = generic(i);
        if (!g)
          return Error{"node '" + displayName(n.name.empty() ? n.op_type : n.name) + "' (" + n.op_type + "): " +
                       s.message() + "; as an ONNX op layer: " + g.message()};
        out.onnx_op_layers += 1;
      }
      if (doc_.nodes().size() > builder::kMaxDocumentNodes) return Error{builder::nodeLimitMessage()};
    }
    made_from_.back() = doc_.nextId().index;
    if (doc_.nodes().empty()) return Error{"the model has no layers"};
    place();
    out.folds = folds();
    doc_.name = "Model";
    out.layers = static_cast<int64_t>(doc_.nodes().size());
    out.doc = std::move(doc_);
    return out;
  }

 private:
  const ir::Model& model_;
  const ir::Graph& g_;
  shapes::InferenceResult inference_;
  builder::Document doc_;
  std::unordered_map<uint32_t, bool> channels_first_;     // builder node -> PyTorch stores it channels-first
  std::unordered_map<uint32_t, KeptConst> literals_;      // Constant node output -> its tensor
  std::unordered_map<uint32_t, ir::Tensor> generated_;   // ConstantOfShape output -> the weight it stands for
  std::unordered_map<uint32_t, builder::NodeId> layer_of_;  // value -> the layer producing it
  std::unordered_map<uint32_t, int> output_of_;             // value -> which output of that layer, when not the first
  std::unordered_map<uint32_t, bool> more_channels_first_;  // such a value -> PyTorch stores it channels-first
  std::unordered_map<uint32_t, int> rank_of_;               // value -> ONNX rank (batch included)
  std::set<uint32_t> skipped_;                              // folded into an earlier layer
  std::set<std::string> names_;
  std::unordered_map<std::string, int> next_suffix_;
  // Ids are handed out in node order: node i's layers have ids in [made_from_[i], made_from_[i + 1]).
  std::vector<uint32_t> made_from_;

  // "enc.layers" for the series "enc: layers ×96" (or "layers ×96" inside scope "enc").
  static std::string seriesLabel(const hierarchy::Hierarchy& h, const hierarchy::Group& series) {
    std::string name = series.name;
    if (const size_t times = name.rfind(" \xC3\x97"); times != std::string::npos) name.resize(times);
    if (const size_t colon = name.find(": "); colon != std::string::npos) name.replace(colon, 2, ".");
    std::string scope = series.parent.valid() && series.parent.index != 0 ? h.group(series.parent).path : "";
    std::replace(scope.begin(), scope.end(), '/', '.');
    if (name.empty()) return scope.empty() ? "block" : scope;
    return scope.empty() ? name : scope + "." + name;
  }

  // The hierarchy's outermost series of two or more instances, as the layers their
  // nodes became ("enc.layers", 96 instances).
  std::vector<builder::Fold> folds() {
    std::vector<builder::Fold> out;
    auto built = hierarchy::buildHierarchy(model_);
    if (!built) return out;
    const hierarchy::Hierarchy& h = *built;
    std::vector<uint32_t> stack = {0};
    while (!stack.empty()) {
      const hierarchy::Group& gr = h.groups[stack.back()];
      const uint32_t id = stack.back();
      stack.pop_back();
      if (gr.kind != hierarchy::GroupKind::Series || gr.children.size() < 2) {
        for (auto it = gr.children.rbegin(); it != gr.children.rend(); ++it) stack.push_back(it->index);
        continue;
      }
      builder::Fold fold;
      fold.name = seriesLabel(h, gr);
      fold.count = static_cast<int64_t>(gr.children.size());
      for (uint32_t n = 0; n < g_.nodes.size(); ++n) {
        if (!h.contains(hierarchy::GroupId{id}, h.node_group[n])) continue;
        for (uint32_t k = made_from_[n]; k < made_from_[n + 1]; ++k)
          if (doc_.contains(builder::NodeId{k})) fold.members.push_back(builder::NodeId{k});
      }
      if (fold.members.size() >= 2) out.push_back(std::move(fold));
    }
    return out;
  }

  const ir::Tensor* weight(ir::ValueId v) {
    for (int hops = 0; v.valid() && hops < 64; ++hops) {
      const ir::Value& val = g_.value(v);
      if (val.initializer >= 0) return &g_.initializers[static_cast<size_t>(val.initializer)];
      if (val.producer.valid() && g_.node(val.producer).op_type == "ConstantOfShape") return generatedWeight(v);
      if (!val.producer.valid() || g_.node(val.producer).op_type != "Identity") return nullptr;
      v = g_.node(val.producer).inputs[0];
    }
    return nullptr;
  }

  // The model zoo's "light" graphs generate each weight with ConstantOfShape of a constant
  // shape: a weight of those dims (its values do not matter to the builder).
  const ir::Tensor* generatedWeight(ir::ValueId v) {
    if (auto it = generated_.find(v.index); it != generated_.end()) return &it->second;
    const ir::Node& n = g_.node(g_.value(v).producer);
    if (n.inputs.empty() || !n.inputs[0].valid()) return nullptr;
    const auto& shape = inference_.value(n.inputs[0]).constant;
    std::vector<int64_t> dims;
    if (!shape || !shape->toInts(&dims)) return nullptr;
    ir::Tensor t;
    t.name = g_.value(v).name;
    t.dims = dims;
    const ir::Attribute* value = n.attr("value");
    t.elem = value && !value->tensors.empty() ? value->tensors[0].elem : ir::ElemType::Float;
    return &generated_.emplace(v.index, std::move(t)).first->second;
  }

  // The name of the ONNX tensor a weight input reads (through Identity nodes), or
  // nothing for a weight the file does not hold (ConstantOfShape-generated).
  std::optional<std::string> weightSource(ir::ValueId v) {
    for (int hops = 0; v.valid() && hops < 64; ++hops) {
      const ir::Value& val = g_.value(v);
      if (val.initializer >= 0) return g_.initializers[static_cast<size_t>(val.initializer)].name;
      if (!val.producer.valid() || g_.node(val.producer).op_type != "Identity") return std::nullopt;
      v = g_.node(val.producer).inputs[0];
    }
    return std::nullopt;
  }

  // Records that parameter `param` of the layer writing `out` is ONNX input `v`.
  void recordWeight(ir::ValueId out, const std::string& param, ir::ValueId v, bool transposed = false) {
    auto it = layer_of_.find(out.index);
    if (it == layer_of_.end() || !v.valid()) return;
    if (auto name = weightSource(v))
      if (builder::Node* node = doc_.mutableNode(it->second)) node->onnx_weights[param] = {*name, transposed};
  }

  // [generic ONNX op layers]

  // Whether the PyTorch code stores this layer's output channels-first, as the
  // builder's analysis decides it (catalog layouts), without running the analysis.
  bool channelsFirst(builder::NodeId id) {
    if (auto it = channels_first_.find(id.index); it != channels_first_.end()) return it->second;
    const builder::Node* node = doc_.node(id);
    const builder::LayerSpec* spec = node ? builder::catalog().find(node->type) : nullptr;
    bool cf = false;
    if (spec && spec->family == builder::Family::Input) {
      cf = std::get<builder::IntList>(node->params.at("shape")).size() >= 3;
    } else if (spec && spec->family == builder::Family::OnnxOp) {
      auto it = node->params.find("output_layout");
      cf = it != node->params.end() && std::get<std::string>(it->second) == "channels_first";
    } else if (spec) {
      const auto in = doc_.inputEdges(id);
      switch (spec->layout) {
        case builder::TorchLayout::ChannelsFirst: cf = true; break;
        case builder::TorchLayout::Keep: cf = !in.empty() && channelsFirst(in[0].from); break;
        default: cf = false;
      }
    }
    channels_first_[id.index] = cf;
    return cf;
  }
  bool channelsFirst(ir::ValueId v) {
    if (auto more = more_channels_first_.find(v.index); more != more_channels_first_.end()) return more->second;
    auto it = layer_of_.find(v.index);
    return it != layer_of_.end() && channelsFirst(it->second);
  }

  // The constant an input reads (an initializer, through Identity nodes, or a Constant
  // node's value), as the document keeps it.
  std::optional<builder::OnnxConst> constantInput(ir::ValueId v, int position) {
    builder::OnnxConst k;
    k.input = position;
    const ir::Tensor* t = weight(v);
    if (!t) {
      auto it = literals_.find(v.index);
      if (it == literals_.end()) return std::nullopt;
      k = it->second.value;
      k.input = position;
      return k;
    }
    k.dtype = std::string(ir::elemTypeName(t->elem));
    k.dims = t->dims;
    // Integers (shapes, axes, indices) are kept: the code needs their values. Float
    // weights keep their dims; the builder's code initialises them afresh.
    if (k.isFloat())
      if (auto name = weightSource(v)) k.source = *name;
    if (!k.isFloat() && t->elementCount() >= 0 && t->elementCount() <= kKeptValues)
      if (auto values = weights::readElements(model_, *t, 0, t->elementCount())) k.values = std::move(*values);
    return k;
  }

  // A node whose outputs shape inference computed at batch 1 (Shape, the Gather / Concat
  // arithmetic on shapes, ConstantOfShape) is a constant of the layers that read it. Not
  // when it reads a float weight (that weight stays a parameter) or is a graph output.
  bool folded(const ir::Node& n) {
    if (n.outputs.empty() || n.op_type == "Constant") return false;
    for (ir::ValueId v : n.inputs)
      if (v.valid()) {
        const ir::Tensor* t = weight(v);
        if (t && ir::isFloatType(t->elem)) return false;
      }
    std::vector<std::pair<uint32_t, builder::OnnxConst>> values;
    for (ir::ValueId v : n.outputs) {
      if (!v.valid()) continue;
      if (g_.value(v).graph_output) return false;
      const auto& c = inference_.value(v).constant;
      if (!c || !c->fullyKnown() || c->count() < 0 || c->count() > kKeptValues) return false;
      if (n.op_type == "ConstantOfShape" && c->isReal()) return false;  // a generated weight (generatedWeight)
      builder::OnnxConst k;
      k.literal = true;
      k.dtype = std::string(ir::elemTypeName(c->elem));
      k.dims = c->dims;
      if (c->isReal()) {
        k.values = c->reals;
      } else {
        for (size_t e = 0; e < static_cast<size_t>(c->count()); ++e) {
          int64_t x = 0;
          if (!c->intAt(e, &x)) return false;
          k.values.push_back(static_cast<double>(x));
        }
      }
      values.push_back({v.index, std::move(k)});
    }
    if (values.empty()) return false;
    for (auto& [v, k] : values) literals_[v] = KeptConst{std::move(k)};
    return true;
  }

  // A Constant node: remembered, so the layers that read it carry its value.
  Status constant(const ir::Node& n) {
    if (n.outputs.size() != 1 || !n.outputs[0].valid()) return Error{"a Constant without one output"};
    builder::OnnxConst k;
    k.literal = true;
    if (const ir::Attribute* a = n.attr("value"); a && !a->tensors.empty()) {
      const ir::Tensor& t = a->tensors[0];
      k.dtype = std::string(ir::elemTypeName(t.elem));
      k.dims = t.dims;
      if (t.elementCount() < 0 || t.elementCount() > kKeptValues) return Error{"a Constant too large to keep in a document"};
      auto values = weights::readElements(model_, t, 0, t.elementCount());
      if (!values) return values.error();
      k.values = std::move(*values);
    } else if (const ir::Attribute* f = n.attr("value_float")) {
      k.values = {f->f};
    } else if (const ir::Attribute* i = n.attr("value_int")) {
      k.dtype = "INT64";
      k.values = {static_cast<double>(i->i)};
    } else if (const ir::Attribute* fs = n.attr("value_floats")) {
      k.dims = {static_cast<int64_t>(fs->floats.size())};
      k.values.assign(fs->floats.begin(), fs->floats.end());
    } else if (const ir::Attribute* is = n.attr("value_ints")) {
      k.dtype = "INT64";
      k.dims = {static_cast<int64_t>(is->ints.size())};
      for (int64_t x : is->ints) k.values.push_back(static_cast<double>(x));
    } else {
      return Error{"a Constant without a tensor, float or int value"};
    }
    literals_[n.outputs[0].index] = KeptConst{std::move(k)};
    return {};
  }

  // Any node as an "ONNX op" layer: its attributes and constants kept, its output shape
  // from the model's shape inference (the builder's own rules do not know the op).
  Status generic(uint32_t index) {
    const ir::Node& n = g_.nodes[index];
    if (!n.subgraphs().empty())
      return Error{"its body graph cannot be kept in a builder document (" + n.op_type + " has a subgraph)"};
    if (n.outputs.empty() || !n.outputs[0].valid()) return Error{"its first output is omitted"};
    std::vector<builder::OnnxAttr> attrs;
    for (const ir::Attribute& a : n.attributes) {
      builder::OnnxAttr b;
      b.name = a.name;
      using K = builder::OnnxAttr::Kind;
      switch (a.type) {
        case ir::AttrType::Int: b.kind = K::Int; b.i = a.i; break;
        case ir::AttrType::Float: b.kind = K::Float; b.f = a.f; break;
        case ir::AttrType::String: b.kind = K::String; b.s = a.s; break;
        case ir::AttrType::Ints: b.kind = K::Ints; b.ints = a.ints; break;
        case ir::AttrType::Floats: b.kind = K::Floats; b.floats.assign(a.floats.begin(), a.floats.end()); break;
        case ir::AttrType::Strings: b.kind = K::Strings; b.strings = a.strings; break;
        default: return Error{"attribute '" + displayName(a.name) + "' of kind " + std::string(ir::attrTypeName(a.type)) +
                              " cannot be kept in a builder document"};
      }
      attrs.push_back(std::move(b));
    }
    std::vector<builder::OnnxConst> consts;
    std::vector<ir::ValueId> activations;
    for (size_t p = 0; p < n.inputs.size(); ++p) {
      const ir::ValueId v = n.inputs[p];
      if (!v.valid()) {
        builder::OnnxConst k;
        k.input = static_cast<int>(p);
        k.omitted = true;
        consts.push_back(k);
      } else if (layer_of_.count(v.index)) {
        activations.push_back(v);
      } else if (auto k = constantInput(v, static_cast<int>(p))) {
        consts.push_back(std::move(*k));
      } else {
        return Error{"its input '" + displayName(g_.value(v).name) + "' is neither a layer's output nor a constant"};
      }
    }
    // Output shapes as ONNX has them, axis 0 included (not always the batch: attention
    // transposes it); a 3-D output is a feature map where its input was one.
    const bool input_cf3 = !activations.empty() && rankOf(activations[0]) == 3 && channelsFirst(activations[0]);
    auto outputOf = [&](size_t k) -> Result<builder::OnnxOutput> {
      const ir::Type& type = inference_.value(n.outputs[k]).type;
      const std::string which = n.outputs.size() == 1 ? "its output" : "its output " + std::to_string(k + 1);
      if (!type.isTensor() || !type.shape.rank_known || type.shape.dims.empty())
        return Error{"shape inference gives " + which + " no shape of rank 1 or more"};
      builder::OnnxOutput o;
      for (size_t a = 0; a < type.shape.dims.size(); ++a) {
        const ir::Dim& d = type.shape.dims[a];
        if (!d.isKnown()) return Error{"shape inference leaves axis " + std::to_string(a) + " of " + which + " unknown"};
        o.shape.push_back(d.value);
      }
      const size_t rank = o.shape.size();
      o.channels_first = rank >= 4 || (rank == 3 && input_cf3);
      const bool ints = type.elem == ir::ElemType::Int64 || type.elem == ir::ElemType::Int32 || type.elem == ir::ElemType::Bool;
      o.dtype = ints ? "int64" : "float32";
      return o;
    };
    auto first = outputOf(0);
    if (!first) return first.error();
    // Outputs after the first up to the last one used (all of a Split's: their count is its
    // meaning); an unused one without a shape is kept without it.
    size_t count = 1;
    for (size_t k = 1; k < n.outputs.size(); ++k)
      if (n.op_type == "Split" || used(n.outputs[k])) count = k + 1;
    std::vector<builder::OnnxOutput> more;
    for (size_t k = 1; k < count; ++k) {
      builder::OnnxOutput o;
      o.omitted = !n.outputs[k].valid();
      if (!o.omitted) {
        auto shaped = outputOf(k);
        if (shaped) o = std::move(*shaped);
        else if (used(n.outputs[k])) return shaped.error();
      }
      more.push_back(std::move(o));
    }
    const builder::IntList& stored = first->shape;
    const int rank = static_cast<int>(stored.size());
    const bool cf = first->channels_first;
    const bool ints = first->dtype == "int64";
    builder::ParamMap p = {{"op_type", n.op_type},
                           {"domain", n.domain == "ai.onnx" ? std::string() : n.domain},
                           {"attributes", builder::formatOnnxAttrs(attrs)},
                           {"constants", builder::formatOnnxConsts(consts)},
                           {"output_shape", stored},
                           {"output_layout", std::string(cf ? "channels_first" : "plain")},
                           {"output_dtype", std::string(ints ? "int64" : "float32")},
                           {"opset", model_.opsetVersion(n.domain)},
                           {"more_outputs", builder::formatOnnxOutputs(more)}};
    auto id = add("OnnxOp", scopeIdentifier(n).empty() ? n.op_type : scopeIdentifier(n), std::move(p));
    if (!id) return id.error();
    for (size_t k = 0; k < activations.size(); ++k)
      if (Status s = connect(activations[k], *id, static_cast<int>(k)); !s) return s;
    layer_of_[n.outputs[0].index] = *id;
    rank_of_[n.outputs[0].index] = rank;
    // A document's outputs are layers nothing reads, each by its first output: a model
    // output of a layer with several gets an Identity layer of its own.
    auto modelOutput = [&](size_t k) -> Status {
      if (count == 1 || !g_.value(n.outputs[k]).graph_output) return {};
      auto out = add("Identity", g_.value(n.outputs[k]).name, {});
      if (!out) return out.error();
      return doc_.insertEdge({*id, *out, 0, static_cast<int>(k)});
    };
    if (Status s = modelOutput(0); !s) return s;
    for (size_t k = 1; k < count; ++k) {
      const builder::OnnxOutput& o = more[k - 1];
      if (o.omitted || o.shape.empty()) continue;
      const uint32_t v = n.outputs[k].index;
      layer_of_[v] = *id;
      output_of_[v] = static_cast<int>(k);
      more_channels_first_[v] = o.channels_first;
      rank_of_[v] = static_cast<int>(o.shape.size());
      if (Status s = modelOutput(k); !s) return s;
    }
    return {};
  }

  // One row per layer in graph order; a branch that leaves a fork before its last
  // consumer steps one column right and a merge takes its leftmost input's column, so a
  // residual block reads as the shortcut on the left and the convolutions beside it
  // (the skip edge never runs under a node).
  void place() {
    std::map<builder::NodeId, double> column;
    std::map<builder::NodeId, std::vector<builder::NodeId>> consumers_of;  // one pass over the edges
    for (const builder::Edge& e : doc_.edges()) consumers_of[e.from].push_back(e.to);
    for (auto& [from, list] : consumers_of) {
      std::sort(list.begin(), list.end());
      list.erase(std::unique(list.begin(), list.end()), list.end());
    }
    for (const builder::Node& node : doc_.nodes()) {
      double col = 0;
      bool first = true;
      for (const builder::Edge& e : doc_.inputEdges(node.id)) {
        double c = column[e.from];
        const std::vector<builder::NodeId>& consumers = consumers_of[e.from];
        const auto at = std::find(consumers.begin(), consumers.end(), node.id);
        if (consumers.size() > 1 && at + 1 != consumers.end())
          c += 1.0 + static_cast<double>(at - consumers.begin());
        col = first ? c : std::min(col, c);
        first = false;
      }
      column[node.id] = col;
      doc_.mutableNode(node.id)->pos.x = kColumnWidth * col;
    }
  }

  std::string uniqueName(std::string base) {
    if (base.empty()) base = "layer";
    std::string name = base;
    // The next suffix to try per base: 10,000 layers of one scope stay linear.
    int& k = next_suffix_.try_emplace(base, 2).first->second;
    while (names_.count(name)) name = base + "_" + std::to_string(k++);
    names_.insert(name);
    return name;
  }

  Result<builder::NodeId> add(const std::string& type, const std::string& name, builder::ParamMap params) {
    // Not makeNode: its default name scans every layer, which made a 10k-node import quadratic.
    const builder::LayerSpec* spec = builder::catalog().find(type);
    if (!spec) return Error{"unknown layer type '" + type + "'"};
    builder::Node node;
    node.id = doc_.nextId();
    node.type = spec->type;
    node.name = uniqueName(name);
    node.params = builder::defaultParams(*spec);
    node.pos = {0.0, kRowHeight * static_cast<double>(doc_.nodes().size())};
    for (auto& [key, value] : params) node.params[key] = std::move(value);
    const builder::NodeId id = node.id;
    if (Status s = doc_.insertNode(std::move(node)); !s) return Error{s.message()};
    return id;
  }

  Status connect(ir::ValueId from, builder::NodeId to, int port) {
    auto it = layer_of_.find(from.index);
    if (it == layer_of_.end())
      return Error{"its input '" + displayName(g_.value(from).name) + "' is not the output of a builder layer"};
    auto out = output_of_.find(from.index);
    return doc_.insertEdge({it->second, to, port, out == output_of_.end() ? 0 : out->second});
  }

  Status addInput(ir::ValueId v) {
    const ir::Value& val = g_.value(v);
    if (val.initializer >= 0) return {};
    const auto& dims = val.type.shape.dims;
    if (!val.type.isTensor() || !val.type.shape.rank_known || dims.size() < 2 || dims.size() > 5)
      return Error{"input '" + displayName(val.name) + "' needs a declared shape of rank 2 to 5"};
    builder::IntList shape;
    for (size_t i = 1; i < dims.size(); ++i) {
      if (!dims[i].isKnown() || dims[i].value <= 0)
        return Error{"input '" + displayName(val.name) + "' has a dimension other than the batch that is not a number"};
      shape.push_back(dims[i].value);
    }
    // Builder shapes are channels-last for images: (C, H, W) -> (H, W, C).
    if (shape.size() >= 3) std::rotate(shape.begin(), shape.begin() + 1, shape.end());
    const bool ints = val.type.elem == ir::ElemType::Int64 || val.type.elem == ir::ElemType::Int32;
    auto id = add("Input", val.name, {{"shape", shape}, {"dtype", std::string(ints ? "int64" : "float32")}});
    if (!id) return id.error();
    layer_of_[v.index] = *id;
    rank_of_[v.index] = static_cast<int>(dims.size());
    return {};
  }

  // One layer reading inputs[0] (and `extra` more activations) and writing outputs[0].
  Status layer(const ir::Node& n, const std::string& type, builder::ParamMap params, int activations = 1) {
    if (Status s = storageFits(type, n.inputs[0]); !s) return s;
    auto id = add(type, scopeIdentifier(n), std::move(params));
    if (!id) return id.error();
    for (int p = 0; p < activations; ++p)
      if (Status s = connect(n.inputs[static_cast<size_t>(p)], *id, p); !s) return s;
    layer_of_[n.outputs[0].index] = *id;
    rank_of_[n.outputs[0].index] = rankOf(n.inputs[0]);
    return {};
  }

  // A builder layer computes the ONNX op only where the PyTorch code holds its input as
  // the layer wants it: a channels-first layer (Conv, pooling, BatchNorm) on a feature map
  // stored channels-first, a channels-last one (Linear) on one stored in ONNX's order.
  Status storageFits(const std::string& type, ir::ValueId input) {
    const builder::LayerSpec* spec = builder::catalog().find(type);
    if (!spec || rankOf(input) < 3) return {};
    if (spec->layout == builder::TorchLayout::ChannelsFirst && !channelsFirst(input))
      return Error{"its input is not a channels-first feature map"};
    if (spec->layout == builder::TorchLayout::ChannelsLast && channelsFirst(input))
      return Error{"its input is a channels-first feature map"};
    return {};
  }

  int rankOf(ir::ValueId v) const {
    auto it = rank_of_.find(v.index);
    return it == rank_of_.end() ? -1 : it->second;
  }

  Status alias(const ir::Node& n) {
    auto it = layer_of_.find(n.inputs[0].index);
    if (it == layer_of_.end() && weight(n.inputs[0])) return {};  // a weight shared under a second name
    if (it == layer_of_.end()) return Error{"its input is not the output of a builder layer"};
    layer_of_[n.outputs[0].index] = it->second;
    rank_of_[n.outputs[0].index] = rankOf(n.inputs[0]);
    if (auto out = output_of_.find(n.inputs[0].index); out != output_of_.end()) {
      output_of_[n.outputs[0].index] = out->second;
      more_channels_first_[n.outputs[0].index] = more_channels_first_[n.inputs[0].index];
    }
    return {};
  }

  bool used(ir::ValueId v) const {
    return v.valid() && (!g_.value(v).consumers.empty() || g_.value(v).graph_output);
  }

  Status addNode(uint32_t index) {
    const ir::Node& n = g_.nodes[index];
    const std::string& op = n.op_type;
    if (!n.domain.empty() && n.domain != "ai.onnx") return Error{"ops of domain '" + displayName(n.domain) + "' are not builder layers"};
    if (op == "Constant" && n.domain.empty()) return constant(n);
    if (n.inputs.empty() || n.outputs.empty() || !n.inputs[0].valid()) return Error{"not a builder layer yet"};
    if (op == "Identity" || op == "Dropout") return alias(n);
    static const std::map<std::string, std::string> activations = {
        {"Relu", "ReLU"}, {"Sigmoid", "Sigmoid"}, {"Tanh", "Tanh"}, {"Gelu", "GELU"}};
    if (auto it = activations.find(op); it != activations.end()) return layer(n, it->second, {});
    if (op == "Clip" && clipIsRelu6(n)) return layer(n, "ReLU6", {});
    if (op == "LeakyRelu") return layer(n, "LeakyReLU", {{"negative_slope", attrFloat(n, "alpha", 0.01)}});
    if (op == "Elu") return layer(n, "ELU", {{"alpha", attrFloat(n, "alpha", 1.0)}});
    if (op == "Conv") return conv(n);
    if (op == "BatchNormalization") {
      const int r = rankOf(n.inputs[0]) - 2;
      if (r < 1 || r > 3) return Error{"BatchNormalization of a tensor of unknown rank"};
      if (Status s = layer(n, "BatchNorm" + std::to_string(r) + "d", {{"eps", attrFloat(n, "epsilon", 1e-5)}}); !s) return s;
      static const char* kBatchNormParams[] = {"weight", "bias", "running_mean", "running_var"};  // ONNX inputs 1-4
      for (size_t k = 0; k < 4 && k + 1 < n.inputs.size(); ++k) recordWeight(n.outputs[0], kBatchNormParams[k], n.inputs[k + 1]);
      return {};
    }
    if (op == "MaxPool" || op == "AveragePool") return pool(n);
    if (op == "GlobalAveragePool" || op == "GlobalMaxPool") {
      const int r = rankOf(n.inputs[0]) - 2;
      if (r < 1 || r > 3) return Error{"global pooling of a tensor of unknown rank"};
      // The builder's global pool drops the spatial axes, as the Flatten that usually
      // follows does (it becomes a no-op). Where the pooled map is used as a map (a
      // squeeze-and-excitation block's 1x1 convolutions) an adaptive pool to size 1 keeps them.
      const ir::Value& pooled = g_.value(n.outputs[0]);
      bool flattened = !pooled.graph_output && !pooled.consumers.empty();
      for (ir::NodeId c : pooled.consumers)
        flattened = flattened && g_.node(c).op_type == "Flatten" && attrInt(g_.node(c), "axis", 1) == 1;
      const std::string kind = op == "GlobalMaxPool" ? "Max" : "Avg";
      if (!flattened)
        return layer(n, "Adaptive" + kind + "Pool" + std::to_string(r) + "d", {{"output_size", builder::IntList(static_cast<size_t>(r), 1)}});
      Status s = layer(n, "Global" + kind + "Pool" + std::to_string(r) + "d", {});
      rank_of_[n.outputs[0].index] = 2;
      return s;
    }
    if (op == "Flatten") {
      if (attrInt(n, "axis", 1) != 1) return Error{"Flatten with an axis other than 1"};
      return flatten(n);
    }
    if (op == "Reshape" && reshapeFlattens(n)) return flatten(n);
    if (op == "Gemm") return gemm(n);
    if (op == "MatMul") return matmul(index);
    // Sum of two is Add (the model zoo's ResNets write their residual adds so).
    static const std::map<std::string, std::string> merges = {
        {"Add", "Add"}, {"Sub", "Subtract"}, {"Mul", "Multiply"}, {"Sum", "Add"}};
    if (auto it = merges.find(op); it != merges.end()) {
      if (n.inputs.size() != 2 || !layer_of_.count(n.inputs[0].index) || !layer_of_.count(n.inputs[1].index))
        return Error{op + " with a constant is not a builder layer yet"};
      const ir::Type& a = inference_.value(n.inputs[0]).type;
      const ir::Type& b = inference_.value(n.inputs[1]).type;
      if (!a.shape.rank_known || !(a.shape == b.shape) || channelsFirst(n.inputs[0]) != channelsFirst(n.inputs[1]))
        return Error{op + " that broadcasts is not a builder merge"};
      return layer(n, it->second, {}, 2);
    }
    if (op == "Concat") {
      const int rank = rankOf(n.inputs[0]);
      int64_t axis = attrInt(n, "axis", 1);
      if (axis < 0) axis += rank;
      if (rank < 2 || axis != 1 || (rank > 2 && !channelsFirst(n.inputs[0])))
        return Error{"Concat on an axis other than the channels"};
      auto id = add("Concatenate", scopeIdentifier(n), {{"axis", int64_t{-1}}});
      if (!id) return id.error();
      for (size_t p = 0; p < n.inputs.size(); ++p)
        if (Status s = connect(n.inputs[p], *id, static_cast<int>(p)); !s) return s;
      layer_of_[n.outputs[0].index] = *id;
      rank_of_[n.outputs[0].index] = rank;
      return {};
    }
    if (op == "Softmax") {
      const int rank = rankOf(n.inputs[0]);
      const int64_t axis = attrInt(n, "axis", -1);
      if (rank != 2 || (axis != -1 && axis != 1)) return Error{"Softmax other than over the features of a 2-D tensor"};
      return layer(n, "Softmax", {{"axis", int64_t{-1}}});
    }
    return Error{"not a builder layer yet"};
  }

  // Flatten(axis=1): a layer, or nothing where the input is already (batch, features).
  Status flatten(const ir::Node& n) {
    if (rankOf(n.inputs[0]) == 2) return alias(n);
    Status s = layer(n, "Flatten", {});
    rank_of_[n.outputs[0].index] = 2;
    return s;
  }

  // A Reshape to (batch, everything else) is Flatten(axis=1) (the model zoo's ResNet
  // and VGG flatten so before their classifier): told by the inferred shapes.
  bool reshapeFlattens(const ir::Node& n) const {
    if (n.outputs.empty() || !n.outputs[0].valid()) return false;
    const ir::Shape& in = inference_.value(n.inputs[0]).type.shape;
    const ir::Shape& out = inference_.value(n.outputs[0]).type.shape;
    if (!in.rank_known || in.rank() < 2 || !out.rank_known || out.rank() != 2 || in.dims[0].kind == ir::Dim::Kind::Unknown ||
        out.dims[0] != in.dims[0] || !out.dims[1].isKnown())
      return false;
    const ir::Shape rest = ir::Shape::of(std::vector<ir::Dim>(in.dims.begin() + 1, in.dims.end()));
    return rest.elementCount() == out.dims[1].value;
  }

  Status conv(const ir::Node& n) {
    const ir::Tensor* w = n.inputs.size() > 1 ? weight(n.inputs[1]) : nullptr;
    if (!w || w->dims.size() < 3 || w->dims.size() > 5) return Error{"Conv without a constant weight"};
    const size_t r = w->dims.size() - 2;
    const int64_t group = attrInt(n, "group", 1);
    builder::IntList kernel(w->dims.begin() + 2, w->dims.end());
    builder::ParamMap p = {{"out_channels", w->dims[0]},
                           {"kernel_size", kernel},
                           {"stride", attrIntsOr(n, "strides", builder::IntList(r, 1))},
                           {"dilation", attrIntsOr(n, "dilations", builder::IntList(r, 1))},
                           {"groups", group},
                           {"bias", n.inputs.size() > 2 && n.inputs[2].valid()}};
    if (Status s = padding(n, r, true, p); !s) return s;
    if (Status s = layer(n, "Conv" + std::to_string(r) + "d", std::move(p)); !s) return s;
    recordWeight(n.outputs[0], "weight", n.inputs[1]);
    if (n.inputs.size() > 2) recordWeight(n.outputs[0], "bias", n.inputs[2]);
    return {};
  }

  Status pool(const ir::Node& n) {
    const auto kernel = attrIntsOr(n, "kernel_shape", {});
    const size_t r = kernel.size();
    if (r < 1 || r > 3) return Error{"pooling without a kernel of rank 1 to 3"};
    const bool ceil_mode = attrInt(n, "ceil_mode", 0) != 0;
    if (attrIntsOr(n, "dilations", builder::IntList(r, 1)) != builder::IntList(r, 1))
      return Error{"dilated pooling is not a builder layer"};
    const bool is_max = n.op_type == "MaxPool";
    const std::string type = std::string(is_max ? "MaxPool" : "AvgPool") + std::to_string(r) + "d";
    if (Status s = storageFits(type, n.inputs[0]); !s) return s;
    builder::ParamMap p = {{"kernel_size", kernel}, {"stride", attrIntsOr(n, "strides", builder::IntList(r, 1))}};
    const std::string auto_pad = detail::attrStr(n, "auto_pad", "NOTSET");
    const auto pads = attrIntsOr(n, "pads", builder::IntList(2 * r, 0));
    if (auto_pad != "NOTSET" || pads == builder::IntList(2 * r, 0)) {
      if (Status s = padding(n, r, false, p); !s) return s;
      if (ceil_mode && std::get<std::string>(p["padding"]) != "valid") return Error{"ceil_mode with auto_pad"};
      p["ceil_mode"] = ceil_mode;
      return layer(n, type, std::move(p));
    }
    // Padded and ceil mode: PyTorch counts windows from the padded input, a ZeroPad layer
    // before the pool would not round the same way.
    if (ceil_mode) return Error{"padded pooling with ceil_mode is not a builder layer"};
    // Explicit pads: a ZeroPad layer before an unpadded pool, where that is the same
    // function: an average that counts the padding, or a maximum over an input that is
    // never negative (ResNet's stem pools a ReLU's output).
    if (pads.size() != 2 * r) return Error{"pads of the wrong length"};
    if (is_max ? !nonNegative(n.inputs[0]) : attrInt(n, "count_include_pad", 0) == 0)
      return Error{is_max ? "padded max pooling of an input that may be negative is not a builder layer yet"
                          : "padded average pooling that does not count the padding is not a builder layer yet"};
    builder::IntList zero_pad;  // builder order: (before, after) per spatial axis
    for (size_t a = 0; a < r; ++a) {
      zero_pad.push_back(pads[a]);
      zero_pad.push_back(pads[r + a]);
    }
    auto pad = add("ZeroPad" + std::to_string(r) + "d", scopeIdentifier(n) + "_pad", {{"padding", zero_pad}});
    if (!pad) return pad.error();
    if (Status s = connect(n.inputs[0], *pad, 0); !s) return s;
    p["padding"] = std::string("valid");
    auto id = add(type, scopeIdentifier(n), std::move(p));
    if (!id) return id.error();
    if (Status s = doc_.insertEdge({*pad, *id, 0}); !s) return s;
    layer_of_[n.outputs[0].index] = *id;
    rank_of_[n.outputs[0].index] = rankOf(n.inputs[0]);
    return {};
  }

  // Clip(min=0, max=6): ReLU6 (MobileNetV2). Bounds are attributes before opset 11, then
  // optional constant inputs.
  bool clipIsRelu6(const ir::Node& n) {
    if (model_.opsetVersion(n.domain) < 11) {
      const ir::Attribute* lo = n.attr("min");
      const ir::Attribute* hi = n.attr("max");
      return lo && hi && lo->f == 0.0f && hi->f == 6.0f;
    }
    return n.inputs.size() == 3 && scalarConstant(n.inputs[1]) == 0.0 && scalarConstant(n.inputs[2]) == 6.0;
  }

  // The value of a one-element constant input (an initializer or a Constant node).
  std::optional<double> scalarConstant(ir::ValueId v) {
    if (!v.valid()) return std::nullopt;
    if (const ir::Tensor* t = weight(v)) {
      if (t->elementCount() != 1) return std::nullopt;
      auto values = weights::readElements(model_, *t, 0, 1);
      return values && values->size() == 1 ? std::optional<double>((*values)[0]) : std::nullopt;
    }
    auto it = literals_.find(v.index);
    if (it == literals_.end() || it->second.value.values.size() != 1) return std::nullopt;
    return it->second.value.values[0];
  }

  // The value is the output of a layer whose outputs are never negative.
  bool nonNegative(ir::ValueId v) const {
    auto it = layer_of_.find(v.index);
    if (it == layer_of_.end()) return false;
    const builder::Node* node = doc_.node(it->second);
    return node && (node->type == "ReLU" || node->type == "ReLU6" || node->type == "Sigmoid");
  }

  // ONNX pads / auto_pad -> the builder's padding ("valid", "same", or custom sizes for Conv).
  Status padding(const ir::Node& n, size_t r, bool custom_allowed, builder::ParamMap& p) {
    const std::string auto_pad = detail::attrStr(n, "auto_pad", "NOTSET");
    if (auto_pad == "SAME_UPPER") {
      p["padding"] = std::string("same");
      return {};
    }
    if (auto_pad != "NOTSET" && auto_pad != "VALID") return Error{"auto_pad " + auto_pad + " is not a builder padding"};
    const auto pads = attrIntsOr(n, "pads", builder::IntList(2 * r, 0));
    if (pads.size() != 2 * r) return Error{"pads of the wrong length"};
    builder::IntList begin(pads.begin(), pads.begin() + static_cast<long>(r));
    if (builder::IntList(pads.begin() + static_cast<long>(r), pads.end()) != begin)
      return Error{"asymmetric padding is not a builder padding"};
    if (begin == builder::IntList(r, 0)) {
      p["padding"] = std::string("valid");
      return {};
    }
    if (!custom_allowed) return Error{"padded pooling is not a builder layer yet"};
    p["padding"] = std::string("custom");
    p["padding_size"] = begin;
    return {};
  }

  Status gemm(const ir::Node& n) {
    const ir::Tensor* w = n.inputs.size() > 1 ? weight(n.inputs[1]) : nullptr;
    if (!w || w->dims.size() != 2) return Error{"Gemm without a constant 2-D weight"};
    if (attrInt(n, "transA", 0) != 0 || attrFloat(n, "alpha", 1.0) != 1.0 || attrFloat(n, "beta", 1.0) != 1.0)
      return Error{"Gemm with transA, alpha or beta is not a Linear layer"};
    const int64_t out = attrInt(n, "transB", 0) ? w->dims[0] : w->dims[1];
    const bool bias = n.inputs.size() > 2 && n.inputs[2].valid();
    if (Status s = layer(n, "Linear", {{"out_features", out}, {"bias", bias}}); !s) return s;
    // nn.Linear holds (out, in): Gemm's B as stored with transB, else its transpose.
    recordWeight(n.outputs[0], "weight", n.inputs[1], attrInt(n, "transB", 0) == 0);
    if (bias) recordWeight(n.outputs[0], "bias", n.inputs[2]);
    return {};
  }

  // MatMul by a constant 2-D weight, with the Add of a constant bias that follows it.
  Status matmul(uint32_t index) {
    const ir::Node& n = g_.nodes[index];
    const ir::Tensor* w = n.inputs.size() > 1 ? weight(n.inputs[1]) : nullptr;
    if (!w || w->dims.size() != 2) return Error{"MatMul without a constant 2-D weight"};
    const ir::Value& out = g_.value(n.outputs[0]);
    bool bias = false;
    ir::ValueId result = n.outputs[0];
    if (out.consumers.size() == 1 && !out.graph_output) {
      const ir::Node& add = g_.node(out.consumers[0]);
      if (add.op_type == "Add" && add.inputs.size() == 2) {
        const ir::ValueId other = add.inputs[0] == n.outputs[0] ? add.inputs[1] : add.inputs[0];
        const ir::Tensor* b = weight(other);
        if (b && b->dims.size() == 1 && b->dims[0] == w->dims[1]) {
          bias = true;
          result = add.outputs[0];
        }
      }
    }
    if (Status s = layer(n, "Linear", {{"out_features", w->dims[1]}, {"bias", bias}}); !s) return s;
    recordWeight(n.outputs[0], "weight", n.inputs[1], true);  // MatMul's (in, out) is nn.Linear's transpose
    if (bias) {
      const ir::Node& add = g_.node(out.consumers[0]);
      recordWeight(n.outputs[0], "bias", add.inputs[0] == n.outputs[0] ? add.inputs[1] : add.inputs[0]);
      skipped_.insert(out.consumers[0].index);
    }
    layer_of_[result.index] = layer_of_[n.outputs[0].index];
    rank_of_[result.index] = rankOf(n.inputs[0]);
    return {};
  }
};

}  // namespace

Result<BuilderImport> onnxToBuilder(const ir::Model& model) {
  if (model.graphs.empty()) return Error{"the model has no graph"};
  return Importer(model).run();
}

}  // namespace nf::importer
