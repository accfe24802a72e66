// weights/decode.h - turning stored tensor bytes into numbers.
//
// Handles every numeric ONNX element type, including float16, bfloat16, the float8
// and float4 kinds and packed 4-bit integers (two per byte, low nibble first).
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "base/byte_source.h"
#include "base/result.h"
#include "ir/model.h"

namespace nf::weights {

// True for types decodeElements understands (all but STRING, complex and UNDEFINED).
bool isDecodable(ir::ElemType t);

// Decodes `count` elements starting at element `first` of a raw little-endian buffer
// that begins at element `buffer_first` (needed for 4-bit types, where an element
// may share its byte with the one before). Appends to out.
void decodeElements(ir::ElemType t, const uint8_t* raw, int64_t buffer_first, int64_t first, int64_t count,
                    std::vector<double>* out);

// Where elements [first, first+count) of a tensor lie when its data is in a byte
// source (ir::Tensor::Storage::Source): the source and the byte range to fetch()
// before readElements on an asynchronous source. Nothing for other storage, or for
// ranges readElements refuses (it then says why).
struct SourceRange {
  const ByteSource* source = nullptr;
  uint64_t offset = 0;
  uint64_t length = 0;
};
std::optional<SourceRange> sourceRange(const ir::Model& model, const ir::Tensor& t, int64_t first, int64_t count);

// Reads a tensor's elements [first, first+count) wherever they are stored.
// Errors name the missing external data file when that is the problem.
Result<std::vector<double>> readElements(const ir::Model& model, const ir::Tensor& t, int64_t first, int64_t count);

}  // namespace nf::weights
