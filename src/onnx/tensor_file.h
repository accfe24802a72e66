// onnx/tensor_file.h - standalone serialized TensorProto files (test_data_set_N/*.pb).
#pragma once
#include <string>

#include "base/result.h"
#include "ir/model.h"

namespace nf::onnx {

// Reads one TensorProto file into an ir::Tensor with Inline storage.
Result<ir::Tensor> readTensorFile(const std::string& path);

}  // namespace nf::onnx
