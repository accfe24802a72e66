// onnx/tensor_file.h - standalone serialized TensorProto files (test_data_set_N/*.pb).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "ir/model.h"

namespace nf::onnx {

// Reads one TensorProto file into an ir::Tensor with Inline storage.
Result<ir::Tensor> readTensorFile(const std::string& path);
// The same from bytes already in memory (a file handed over by the page);
// `name` is used in the error message.
Result<ir::Tensor> readTensorBytes(const std::vector<uint8_t>& bytes, const std::string& name);

}  // namespace nf::onnx
