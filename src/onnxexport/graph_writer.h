// onnxexport/graph_writer.h - writing one ONNX graph: unique names, nodes with
// attributes, Constant nodes, initializers with PyTorch-style random fills, value_info.
#pragma once
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "builder/types.h"
#include "onnxexport/export_onnx.h"

namespace onnx {
class GraphProto;
class NodeProto;
class TensorProto;
}  // namespace onnx

namespace nf::onnxexport::detail {

// splitmix64: small, seedable, the same numbers on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next();
  double unit();                  // [0, 1)
  float uniform(double bound);    // [-bound, bound)
  float normal();                 // N(0, 1), Box-Muller

 private:
  uint64_t state_;
};

// How an initializer is filled. Random kinds become 0 under Init::Zeros; Const keeps its value.
struct Fill {
  enum class Kind : uint8_t { Uniform, Normal, Const } kind = Kind::Const;
  double value = 0;  // the bound for Uniform, the constant for Const
  static Fill uniform(double bound) { return {Kind::Uniform, bound}; }
  static Fill normal() { return {Kind::Normal, 0}; }
  static Fill constant(double v) { return {Kind::Const, v}; }
};

// One node being written; chain attribute setters: w.op(...).i("axis", 1).ints("perm", p).
class OpRef {
 public:
  OpRef(::onnx::NodeProto* proto, std::vector<std::string> outs) : proto_(proto), outs_(std::move(outs)) {}
  const std::string& out(size_t k = 0) const { return outs_[k]; }
  OpRef& i(const char* name, int64_t v);
  OpRef& f(const char* name, double v);
  OpRef& s(const char* name, const std::string& v);
  OpRef& ints(const char* name, const builder::IntList& v);
  OpRef& strs(const char* name, const std::vector<std::string>& v);
  OpRef& floats(const char* name, const std::vector<double>& v);
  OpRef& omitOutput(size_t k);  // output k left empty (""), as ONNX writes an optional output not computed

 private:
  ::onnx::NodeProto* proto_;
  std::vector<std::string> outs_;
};

class GraphWriter {
 public:
  GraphWriter(::onnx::GraphProto* graph, const ExportOptions& options);

  // A tensor or node name not used before: `base`, else base_2, base_3, ...
  std::string unique(const std::string& base);

  // A node of `type` named scope/type; "" in `inputs` is an omitted optional input.
  // `outputs` fresh output names (scope/type, scope/type_2, ...).
  OpRef op(const std::string& type, const std::vector<std::string>& inputs, const std::string& scope, int outputs = 1);

  // Constant nodes (never initializers: they are not parameters).
  std::string constInts(const std::string& scope, const builder::IntList& values);
  // A Constant node of that element type and dims, named after scope; its output name in *out.
  ::onnx::TensorProto* constantNode(const std::string& scope, int data_type, const builder::IntList& dims, std::string* out);
  std::string constFloats(const std::string& scope, const builder::IntList& dims, const std::vector<float>& values);
  std::string constScalar(const std::string& scope, float value);  // rank 0
  std::string constFilled(const std::string& scope, const builder::IntList& dims, float value);
  // A Constant of any numeric ONNX element type (TensorProto.DataType `data_type`); empty
  // when the type has no numeric form here (the writer records an error).
  std::string constValues(const std::string& scope, int data_type, const builder::IntList& dims,
                          const std::vector<double>& values);

  // An initializer named `name` (made unique) with `dims` filled by `fill`. Sizes are
  // checked; on overflow or past ExportOptions::max_weight_bytes the writer records an error and
  // writes an empty tensor (the caller checks error() before serializing).
  std::string param(const std::string& name, const builder::IntList& dims, Fill fill);

  // value_info (or graph input/output with `where`) for a tensor [N, dims...].
  enum class Where : uint8_t { ValueInfo, Input, Output };
  void declare(const std::string& name, builder::DType dtype, const builder::IntList& dims, Where where);

  // Renames tensor `from` to `to` in every node written since node index `first`.
  void rename(int first, const std::string& from, const std::string& to);
  int nodeCount() const;

  int64_t parameters() const { return parameters_; }
  const std::string& error() const { return error_; }
  void fail(const std::string& message) {
    if (error_.empty()) error_ = message;
  }

 private:
  ::onnx::GraphProto* graph_;
  ExportOptions options_;
  Rng rng_;
  std::set<std::string> used_;
  int64_t parameters_ = 0;
  int64_t weight_bytes_ = 0;
  std::string error_;
};

}  // namespace nf::onnxexport::detail
