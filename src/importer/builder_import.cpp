// importer/builder_import.cpp - ONNX nodes -> builder layers (see builder_import.h).
#include "importer/builder_import.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "base/strings.h"
#include "builder/catalog.h"
#include "builder/limits.h"
#include "importer/torch_import.h"
#include "importer/torch_node_util.h"

namespace nf::importer {

using detail::attrFloat;
using detail::attrInt;
using detail::attrIntsOr;

namespace {

constexpr double kRowHeight = 90.0;     // canvas spacing of one layer per row
constexpr double kColumnWidth = 240.0;  // and of side-by-side branches

class Importer {
 public:
  explicit Importer(const ir::Model& m) : g_(m.main()) {}

  Result<BuilderImport> run() {
    BuilderImport out;
    for (ir::ValueId v : g_.inputs)
      if (Status s = addInput(v); !s) return Error{s.message()};
    for (uint32_t i = 0; i < g_.nodes.size(); ++i) {
      out.onnx_nodes += 1;
      if (skipped_.count(i)) continue;
      const ir::Node& n = g_.nodes[i];
      if (Status s = addNode(i); !s)
        return Error{"node '" + displayName(n.name.empty() ? n.op_type : n.name) + "' (" + n.op_type + "): " + s.message()};
      if (doc_.nodes().size() > builder::kMaxDocumentNodes) return Error{builder::nodeLimitMessage()};
    }
    if (doc_.nodes().empty()) return Error{"the model has no layers"};
    place();
    doc_.name = "Model";
    out.layers = static_cast<int64_t>(doc_.nodes().size());
    out.doc = std::move(doc_);
    return out;
  }

 private:
  const ir::Graph& g_;
  builder::Document doc_;
  std::unordered_map<uint32_t, builder::NodeId> layer_of_;  // value -> the layer producing it
  std::unordered_map<uint32_t, int> rank_of_;               // value -> ONNX rank (batch included)
  std::set<uint32_t> skipped_;                              // folded into an earlier layer
  std::set<std::string> names_;

  const ir::Tensor* weight(ir::ValueId v) const {
    for (int hops = 0; v.valid() && hops < 64; ++hops) {
      const ir::Value& val = g_.value(v);
      if (val.initializer >= 0) return &g_.initializers[static_cast<size_t>(val.initializer)];
      if (!val.producer.valid() || g_.node(val.producer).op_type != "Identity") return nullptr;
      v = g_.node(val.producer).inputs[0];
    }
    return nullptr;
  }

  // One row per layer in graph order; a branch that leaves a fork before its last
  // consumer steps one column right and a merge takes its leftmost input's column, so a
  // residual block reads as the shortcut on the left and the convolutions beside it
  // (the skip edge never runs under a node).
  void place() {
    std::map<builder::NodeId, double> column;
    for (const builder::Node& node : doc_.nodes()) {
      double col = 0;
      bool first = true;
      for (const builder::Edge& e : doc_.inputEdges(node.id)) {
        double c = column[e.from];
        const auto siblings = doc_.outputEdges(e.from);
        std::vector<builder::NodeId> consumers;
        for (const builder::Edge& o : siblings) consumers.push_back(o.to);
        std::sort(consumers.begin(), consumers.end());
        consumers.erase(std::unique(consumers.begin(), consumers.end()), consumers.end());
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
    for (int k = 2; names_.count(name); ++k) name = base + "_" + std::to_string(k);
    names_.insert(name);
    return name;
  }

  Result<builder::NodeId> add(const std::string& type, const std::string& name, builder::ParamMap params) {
    auto node = builder::makeNode(doc_, type, {0.0, kRowHeight * static_cast<double>(doc_.nodes().size())});
    if (!node) return node.error();
    node->name = uniqueName(name);
    for (auto& [key, value] : params) node->params[key] = std::move(value);
    const builder::NodeId id = node->id;
    if (Status s = doc_.insertNode(std::move(*node)); !s) return Error{s.message()};
    return id;
  }

  Status connect(ir::ValueId from, builder::NodeId to, int port) {
    auto it = layer_of_.find(from.index);
    if (it == layer_of_.end())
      return Error{"its input '" + displayName(g_.value(from).name) + "' is not the output of a builder layer"};
    return doc_.insertEdge({it->second, to, port});
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
    auto id = add(type, scopeIdentifier(n), std::move(params));
    if (!id) return id.error();
    for (int p = 0; p < activations; ++p)
      if (Status s = connect(n.inputs[static_cast<size_t>(p)], *id, p); !s) return s;
    layer_of_[n.outputs[0].index] = *id;
    rank_of_[n.outputs[0].index] = rankOf(n.inputs[0]);
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
    return {};
  }

  Status addNode(uint32_t index) {
    const ir::Node& n = g_.nodes[index];
    const std::string& op = n.op_type;
    if (!n.domain.empty() && n.domain != "ai.onnx") return Error{"ops of domain '" + displayName(n.domain) + "' are not builder layers"};
    if (n.inputs.empty() || n.outputs.empty() || !n.inputs[0].valid()) return Error{"not a builder layer yet"};
    if (op == "Identity" || op == "Dropout") return alias(n);
    static const std::map<std::string, std::string> activations = {
        {"Relu", "ReLU"}, {"Sigmoid", "Sigmoid"}, {"Tanh", "Tanh"}, {"Gelu", "GELU"}};
    if (auto it = activations.find(op); it != activations.end()) return layer(n, it->second, {});
    if (op == "LeakyRelu") return layer(n, "LeakyReLU", {{"negative_slope", attrFloat(n, "alpha", 0.01)}});
    if (op == "Elu") return layer(n, "ELU", {{"alpha", attrFloat(n, "alpha", 1.0)}});
    if (op == "Conv") return conv(n);
    if (op == "BatchNormalization") {
      const int r = rankOf(n.inputs[0]) - 2;
      if (r < 1 || r > 3) return Error{"BatchNormalization of a tensor of unknown rank"};
      return layer(n, "BatchNorm" + std::to_string(r) + "d", {{"eps", attrFloat(n, "epsilon", 1e-5)}});
    }
    if (op == "MaxPool" || op == "AveragePool") return pool(n);
    if (op == "GlobalAveragePool" || op == "GlobalMaxPool") {
      const int r = rankOf(n.inputs[0]) - 2;
      if (r < 1 || r > 3) return Error{"global pooling of a tensor of unknown rank"};
      // The builder's global pool already drops the spatial axes (a Flatten after it is a no-op).
      Status s = layer(n, std::string(op == "GlobalMaxPool" ? "GlobalMaxPool" : "GlobalAvgPool") + std::to_string(r) + "d", {});
      rank_of_[n.outputs[0].index] = 2;
      return s;
    }
    if (op == "Flatten") {
      if (attrInt(n, "axis", 1) != 1) return Error{"Flatten with an axis other than 1"};
      if (rankOf(n.inputs[0]) == 2) return alias(n);
      Status s = layer(n, "Flatten", {});
      rank_of_[n.outputs[0].index] = 2;
      return s;
    }
    if (op == "Gemm") return gemm(n);
    if (op == "MatMul") return matmul(index);
    static const std::map<std::string, std::string> merges = {{"Add", "Add"}, {"Sub", "Subtract"}, {"Mul", "Multiply"}};
    if (auto it = merges.find(op); it != merges.end()) {
      if (n.inputs.size() != 2 || !layer_of_.count(n.inputs[0].index) || !layer_of_.count(n.inputs[1].index))
        return Error{op + " with a constant is not a builder layer yet"};
      return layer(n, it->second, {}, 2);
    }
    if (op == "Concat") {
      const int rank = rankOf(n.inputs[0]);
      int64_t axis = attrInt(n, "axis", 1);
      if (axis < 0) axis += rank;
      if (rank < 2 || axis != 1) return Error{"Concat on an axis other than the channels"};
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
    return layer(n, "Conv" + std::to_string(r) + "d", std::move(p));
  }

  Status pool(const ir::Node& n) {
    const auto kernel = attrIntsOr(n, "kernel_shape", {});
    const size_t r = kernel.size();
    if (r < 1 || r > 3) return Error{"pooling without a kernel of rank 1 to 3"};
    if (attrInt(n, "ceil_mode", 0) != 0) return Error{"pooling with ceil_mode is not a builder layer yet"};
    if (attrIntsOr(n, "dilations", builder::IntList(r, 1)) != builder::IntList(r, 1))
      return Error{"dilated pooling is not a builder layer"};
    const bool is_max = n.op_type == "MaxPool";
    const std::string type = std::string(is_max ? "MaxPool" : "AvgPool") + std::to_string(r) + "d";
    builder::ParamMap p = {{"kernel_size", kernel}, {"stride", attrIntsOr(n, "strides", builder::IntList(r, 1))}};
    const std::string auto_pad = detail::attrStr(n, "auto_pad", "NOTSET");
    const auto pads = attrIntsOr(n, "pads", builder::IntList(2 * r, 0));
    if (auto_pad != "NOTSET" || pads == builder::IntList(2 * r, 0)) {
      if (Status s = padding(n, r, false, p); !s) return s;
      return layer(n, type, std::move(p));
    }
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

  // The value is the output of a layer whose outputs are never negative.
  bool nonNegative(ir::ValueId v) const {
    auto it = layer_of_.find(v.index);
    if (it == layer_of_.end()) return false;
    const builder::Node* node = doc_.node(it->second);
    return node && (node->type == "ReLU" || node->type == "Sigmoid");
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
    return layer(n, "Linear", {{"out_features", out}, {"bias", bias}});
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
          skipped_.insert(out.consumers[0].index);
        }
      }
    }
    if (Status s = layer(n, "Linear", {{"out_features", w->dims[1]}, {"bias", bias}}); !s) return s;
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
