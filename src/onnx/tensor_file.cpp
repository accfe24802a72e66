#include "onnx/tensor_file.h"

#include <vector>

#include "onnx.pb.h"
#include "onnx/convert.h"

namespace nf::onnx {

Result<ir::Tensor> readTensorFile(const std::string& path) {
  std::vector<uint8_t> bytes;
  std::string err;
  if (!readWholeFile(path, &bytes, &err)) return Error{err};
  return readTensorBytes(bytes, path);
}

Result<ir::Tensor> readTensorBytes(const std::vector<uint8_t>& bytes, const std::string& name) {
  ::onnx::TensorProto proto;
  if (bytes.size() > static_cast<size_t>(INT32_MAX) ||
      !proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return Error{"'" + name + "' is not a serialized TensorProto"};
  ir::Model scratch;  // convertTensor records sources/warnings on a model
  scratch.sources.push_back({});
  return detail::convertTensor(proto, &scratch, nullptr);
}

}  // namespace nf::onnx
