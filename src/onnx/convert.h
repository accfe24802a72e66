// onnx/convert.h - onnx::ModelProto (from the skeleton pass) -> ir::Model.
#pragma once
#include <map>
#include <memory>
#include <string>

#include "base/result.h"
#include "ir/model.h"
#include "onnx/reader.h"

namespace onnx {
class ModelProto;
class TensorProto;
}  // namespace onnx

namespace nf::onnx::detail {

// Tracks the data sources of one model: [0] is the model file, then external files
// in the order they are first referenced.
class SourceTable {
 public:
  SourceTable(ir::Model* model, const ExternalResolver& resolver) : model_(model), resolver_(resolver) {}
  // Index of the source for an external `location`, asking the resolver once per name.
  uint32_t external(const std::string& location);

 private:
  ir::Model* model_;
  const ExternalResolver& resolver_;
  std::map<std::string, uint32_t> by_location_;
};

// Converts one tensor. Payloads elided by the skeleton pass become DataRefs into
// source 0; external data becomes a DataRef into its file (or MissingExternal).
ir::Tensor convertTensor(const ::onnx::TensorProto& t, ir::Model* model, SourceTable* sources);

// convertModel in slices: step() converts the main graph's items (initializers,
// inputs, nodes...) until about budget_ms have passed; a node holding subgraphs and
// each function are one unit. `proto`, `resolver` and `options` must outlive it.
class ModelConversion {
 public:
  ModelConversion(const ::onnx::ModelProto& proto, std::shared_ptr<const ByteSource> file,
                  const std::string& file_name, const ExternalResolver& resolver, const ReadOptions& options);
  ~ModelConversion();
  ModelConversion(const ModelConversion&) = delete;
  ModelConversion& operator=(const ModelConversion&) = delete;
  bool step(double budget_ms);  // true once finished
  Result<ir::Model> take();     // the model or the error, after step() returned true

 private:
  struct State;
  void finish(Result<ir::Model> result);
  std::unique_ptr<State> state_;
  Result<ir::Model> result_ = Error{"the model is still being converted"};
};

// The same, in one call.
Result<ir::Model> convertModel(const ::onnx::ModelProto& proto, std::shared_ptr<const ByteSource> file,
                               const std::string& file_name, const ExternalResolver& resolver,
                               const ReadOptions& options);

}  // namespace nf::onnx::detail
