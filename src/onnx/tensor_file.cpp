#include "onnx/tensor_file.h"

#include <vector>

#include "onnx.pb.h"
#include "onnx/convert.h"

namespace nf::onnx {

Result<ir::Tensor> readTensorFile(const std::string& path) {
  std::vector<uint8_t> bytes;
  std::string err;
  if (!readWholeFile(path, &bytes, &err)) return Error{err};
  ::onnx::TensorProto proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return Error{"'" + path + "' is not a serialized TensorProto"};
  ir::Model scratch;  // convertTensor records sources/warnings on a model
  scratch.sources.push_back({});
  return detail::convertTensor(proto, &scratch, nullptr);
}

}  // namespace nf::onnx
