// ConstValue accessors and decoding of initializer/attribute tensors.
#include <cmath>
#include <cstring>

#include "base/float16.h"
#include "base/checked.h"
#include "shapes/inference.h"

namespace nf::shapes {

int64_t ConstValue::count() const { return checkedProduct(dims).value_or(-1); }

bool ConstValue::fullyKnown() const {
  if (isReal()) return true;
  for (const auto& d : ints)
    if (!d.isKnown()) return false;
  return true;
}

bool ConstValue::intAt(size_t i, int64_t* out) const {
  if (isReal()) {
    if (i >= reals.size() || !std::isfinite(reals[i])) return false;
    *out = static_cast<int64_t>(reals[i]);
    return true;
  }
  if (i >= ints.size() || !ints[i].isKnown()) return false;
  *out = ints[i].value;
  return true;
}

bool ConstValue::toInts(std::vector<int64_t>* out) const {
  size_t n = isReal() ? reals.size() : ints.size();
  out->resize(n);
  for (size_t i = 0; i < n; ++i)
    if (!intAt(i, &(*out)[i])) return false;
  return true;
}

namespace {

template <class T>
T load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));  // the IR stores little-endian; our targets are little-endian
  return v;
}

}  // namespace

std::shared_ptr<const ConstValue> decodeTensor(const ir::Model& model, const ir::Tensor& t,
                                               int64_t max_elements) {
  using E = ir::ElemType;
  int64_t n = t.elementCount();
  if (n < 0 || n > max_elements) return nullptr;
  int bits = ir::elemTypeBits(t.elem);
  switch (t.elem) {
    case E::Float: case E::Double: case E::Float16: case E::BFloat16: case E::Int8: case E::Uint8:
    case E::Int16: case E::Uint16: case E::Int32: case E::Uint32: case E::Int64: case E::Uint64:
    case E::Bool:
      break;
    default:
      return nullptr;  // strings, complex, 4-bit and 8-bit float kinds are not folded
  }
  size_t nbytes = static_cast<size_t>(n) * static_cast<size_t>(bits / 8);  // n <= max_elements: no overflow
  std::vector<uint8_t> buf;
  const uint8_t* p = nullptr;
  if (t.storage == ir::Tensor::Storage::Inline) {
    if (t.bytes.size() < nbytes) return nullptr;
    p = t.bytes.data();
  } else if (t.storage == ir::Tensor::Storage::Source) {
    if (t.ref.source >= model.sources.size() || !model.sources[t.ref.source].bytes) return nullptr;
    if (t.ref.length < nbytes) return nullptr;
    const auto& src = *model.sources[t.ref.source].bytes;
    if (const uint8_t* d = src.data()) {
      if (t.ref.offset + nbytes > src.size()) return nullptr;
      p = d + t.ref.offset;
    } else {
      buf.resize(nbytes);
      if (!src.read(t.ref.offset, buf.data(), nbytes)) return nullptr;
      p = buf.data();
    }
  } else {
    return nullptr;
  }
  auto v = std::make_shared<ConstValue>();
  v->elem = t.elem;
  v->dims = t.dims;
  if (v->isReal()) {
    v->reals.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      double x = 0;
      switch (t.elem) {
        case E::Float: x = load<float>(p + 4 * i); break;
        case E::Double: x = load<double>(p + 8 * i); break;
        case E::Float16: x = halfToFloat(load<uint16_t>(p + 2 * i)); break;
        case E::BFloat16: x = bfloat16ToFloat(load<uint16_t>(p + 2 * i)); break;
        default: break;
      }
      v->reals[i] = x;
    }
  } else {
    v->ints.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      int64_t x = 0;
      switch (t.elem) {
        case E::Int8: x = load<int8_t>(p + i); break;
        case E::Uint8: x = load<uint8_t>(p + i); break;
        case E::Bool: x = load<uint8_t>(p + i) != 0; break;
        case E::Int16: x = load<int16_t>(p + 2 * i); break;
        case E::Uint16: x = load<uint16_t>(p + 2 * i); break;
        case E::Int32: x = load<int32_t>(p + 4 * i); break;
        case E::Uint32: x = load<uint32_t>(p + 4 * i); break;
        case E::Int64: x = load<int64_t>(p + 8 * i); break;
        case E::Uint64: x = static_cast<int64_t>(load<uint64_t>(p + 8 * i)); break;
        default: break;
      }
      v->ints[i] = ir::Dim::known(x);
    }
  }
  return v;
}

}  // namespace nf::shapes
