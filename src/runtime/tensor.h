// runtime/tensor.h - the values the runtime computes with.
//
// A Tensor is an element type, a shape and a shared buffer. Element storage:
// float16/bfloat16 are held as float32 (rounded to their precision after every
// node that produces them), bool as one byte (0/1), strings in their own vector;
// every other numeric type natively. Buffers are shared (Identity, Reshape and
// kept values cost no copy) and recycled by the executor's pool.
// A Value is what flows on an edge: a tensor, a sequence of tensors, or an
// empty optional.
#pragma once
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "base/checked.h"
#include "ir/types.h"

namespace nf::runtime {

// Product of dims; -1 if a dim is negative or the product overflows.
int64_t shapeCount(const std::vector<int64_t>& shape);
std::string shapeString(const std::vector<int64_t>& shape);

// True for the element types the runtime computes with.
bool isSupportedType(ir::ElemType t);
// Bytes per stored element (float16 -> 4: stored as float32); 0 for strings.
size_t storedSize(ir::ElemType t);

struct Buffer {
  std::vector<uint8_t> bytes;
};

class Tensor {
 public:
  ir::ElemType type = ir::ElemType::Float;
  std::vector<int64_t> shape;
  std::shared_ptr<Buffer> buffer;                       // numeric storage
  std::shared_ptr<std::vector<std::string>> strings;    // String tensors

  int64_t count() const { return shapeCount(shape); }
  size_t rank() const { return shape.size(); }
  template <class T>
  T* data() { return buffer ? reinterpret_cast<T*>(buffer->bytes.data()) : nullptr; }
  template <class T>
  const T* data() const { return buffer ? reinterpret_cast<const T*>(buffer->bytes.data()) : nullptr; }
  bool isString() const { return type == ir::ElemType::String; }
};

struct Value {
  enum class Kind : uint8_t { None, Tensor, Sequence };
  Kind kind = Kind::None;  // None: not computed yet, or an empty optional
  Tensor tensor;
  std::vector<Tensor> sequence;
  ir::ElemType sequence_type = ir::ElemType::Undefined;  // element type of an empty sequence

  static Value of(Tensor t) {
    Value v;
    v.kind = Kind::Tensor;
    v.tensor = std::move(t);
    return v;
  }
  bool isTensor() const { return kind == Kind::Tensor; }
};

// A fresh tensor with an unpooled zeroed buffer (tests, constants). Empty on overflow.
Tensor makeTensor(ir::ElemType t, std::vector<int64_t> shape);
// Copies the elements into a new buffer of a new tensor with the same type/shape.
Tensor cloneTensor(const Tensor& t);

// Element-type dispatch: calls f.template operator()<StorageType>().
template <class F>
auto visitType(ir::ElemType t, F&& f) {
  using E = ir::ElemType;
  switch (t) {
    case E::Double: return f.template operator()<double>();
    case E::Int8: return f.template operator()<int8_t>();
    case E::Int16: return f.template operator()<int16_t>();
    case E::Int32: return f.template operator()<int32_t>();
    case E::Int64: return f.template operator()<int64_t>();
    case E::Uint8: case E::Bool: case E::Uint4: case E::Uint2: return f.template operator()<uint8_t>();
    case E::Int4: case E::Int2: return f.template operator()<int8_t>();
    case E::Uint16: return f.template operator()<uint16_t>();
    case E::Uint32: return f.template operator()<uint32_t>();
    case E::Uint64: return f.template operator()<uint64_t>();
    default: return f.template operator()<float>();  // Float, Float16, BFloat16, float8/float4 kinds
  }
}

// Element i as double / int64 (any numeric type).
double elementAsDouble(const Tensor& t, int64_t i);
int64_t elementAsInt(const Tensor& t, int64_t i);
std::vector<int64_t> toInts(const Tensor& t);
std::vector<double> toDoubles(const Tensor& t);
// Stores v into element i with the conversion rules of Cast (bool: v != 0).
void setElementFromDouble(Tensor& t, int64_t i, double v);

// Rounds float storage to the precision of float16 / bfloat16 / float8 / float4 and
// wraps 4- and 2-bit integers into their range (no-op for other types).
void roundToStoredPrecision(Tensor& t);
// Cast with ONNX semantics between all supported types (strings included);
// `saturate` applies to float8 targets (out-of-range values clamp instead of inf/NaN).
Tensor castTensor(const Tensor& in, ir::ElemType to, bool saturate = true);
// Nearest value of a float8/float4 type (round half to even); out of range values
// clamp when saturating, else become inf (E5M2) or NaN.
float roundToMinifloat(float v, ir::ElemType t, bool saturate);
// float8e8m0 (powers of two 2^-127..2^127): round_mode "up" (default), "down" or "nearest".
float roundToE8M0(float v, const std::string& mode, bool saturate);
// Bit pattern of a value already representable in a float8 (8 bits) or float4 (low 4 bits) type.
uint8_t minifloatBits(float v, ir::ElemType t);
// Bits per element of the packed (file) layout: 4 for int4, 2 for uint2, 8 for float8...
bool isLowPrecision(ir::ElemType t);

}  // namespace nf::runtime
