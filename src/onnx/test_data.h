// onnx/test_data.h - the ONNX backend test-data layout: test_data_set_N/input_K.pb
// and output_K.pb hold a serialized TensorProto, SequenceProto or OptionalProto.
#pragma once
#include <string>
#include <vector>

#include "base/result.h"
#include "ir/model.h"

namespace nf::onnx {

// One test value: a tensor, a sequence of tensors, or an empty optional.
struct TestValue {
  enum class Kind { Tensor, Sequence, EmptyOptional };
  Kind kind = Kind::Tensor;
  std::vector<ir::Tensor> tensors;  // one for Tensor; the items for Sequence
};

// Reads a .pb file; `expected` (the graph input/output type) says whether it holds a
// SequenceProto or OptionalProto instead of a TensorProto.
Result<TestValue> readTestValueFile(const std::string& path, const ir::Type& expected);

// Writes a TensorProto (Inline storage; strings supported) to `path`.
Status writeTensorFile(const std::string& path, const ir::Tensor& t);

}  // namespace nf::onnx
