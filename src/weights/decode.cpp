#include "base/float16.h"
#include "weights/decode.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

#include "base/checked.h"
#include "base/strings.h"

namespace nf::weights {

using E = ir::ElemType;

bool isDecodable(E t) {
  switch (t) {
    case E::Undefined: case E::String: case E::Complex64: case E::Complex128:
      return false;
    default:
      return ir::elemTypeBits(t) > 0;
  }
}

namespace {

// Generic small float: 1 sign bit, `e` exponent bits, `m` mantissa bits.
// fnuz: no negative zero, the pattern 0x80 is NaN, exponent bias one higher.
// finite_only (E4M3FN): all-ones exponent is normal except S.1111.111 = NaN.
double smallFloat(uint8_t v, int e, int m, bool fnuz, bool finite_only) {
  int bias = (1 << (e - 1)) - 1 + (fnuz ? 1 : 0);
  uint32_t sign = (v >> (e + m)) & 1, exp = (v >> m) & ((1u << e) - 1), mant = v & ((1u << m) - 1);
  if (fnuz && v == 0x80) return std::numeric_limits<double>::quiet_NaN();
  if (!fnuz && !finite_only && exp == (1u << e) - 1)
    return mant ? std::numeric_limits<double>::quiet_NaN()
                : (sign ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity());
  if (finite_only && exp == (1u << e) - 1 && mant == (1u << m) - 1) return std::numeric_limits<double>::quiet_NaN();
  double r = exp == 0 ? std::ldexp(static_cast<double>(mant), 1 - bias - m)
                      : std::ldexp(static_cast<double>(mant | (1u << m)), static_cast<int>(exp) - bias - m);
  return sign ? -r : r;
}

template <class T>
T load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

}  // namespace

void decodeElements(E t, const uint8_t* raw, int64_t buffer_first, int64_t first, int64_t count,
                    std::vector<double>* out) {
  out->reserve(out->size() + static_cast<size_t>(count));
  int bits = ir::elemTypeBits(t);
  if (bits < 8) {
    int per_byte = 8 / bits;
    for (int64_t i = first; i < first + count; ++i) {
      int64_t rel = i - buffer_first + (buffer_first % per_byte);
      uint8_t byte = raw[rel / per_byte];
      uint8_t v = static_cast<uint8_t>((byte >> ((rel % per_byte) * bits)) & ((1 << bits) - 1));
      switch (t) {
        case E::Int4: out->push_back(v >= 8 ? static_cast<double>(v) - 16 : v); break;
        case E::Int2: out->push_back(v >= 2 ? static_cast<double>(v) - 4 : v); break;
        case E::Float4E2M1: out->push_back(smallFloat(v, 2, 1, false, true) /* no inf/nan in e2m1 */); break;
        default: out->push_back(v); break;
      }
    }
    return;
  }
  size_t size = static_cast<size_t>(bits / 8);
  const uint8_t* p = raw + static_cast<size_t>(first - buffer_first) * size;
  for (int64_t i = 0; i < count; ++i, p += size) {
    switch (t) {
      case E::Float: out->push_back(load<float>(p)); break;
      case E::Double: out->push_back(load<double>(p)); break;
      case E::Float16: out->push_back(halfToFloat(load<uint16_t>(p))); break;
      case E::BFloat16: out->push_back(bfloat16ToFloat(load<uint16_t>(p))); break;
      case E::Int8: out->push_back(load<int8_t>(p)); break;
      case E::Uint8: out->push_back(load<uint8_t>(p)); break;
      case E::Bool: out->push_back(*p ? 1.0 : 0.0); break;
      case E::Int16: out->push_back(load<int16_t>(p)); break;
      case E::Uint16: out->push_back(load<uint16_t>(p)); break;
      case E::Int32: out->push_back(load<int32_t>(p)); break;
      case E::Uint32: out->push_back(load<uint32_t>(p)); break;
      case E::Int64: out->push_back(static_cast<double>(load<int64_t>(p))); break;
      case E::Uint64: out->push_back(static_cast<double>(load<uint64_t>(p))); break;
      case E::Float8E4M3FN: out->push_back(smallFloat(*p, 4, 3, false, true)); break;
      case E::Float8E4M3FNUZ: out->push_back(smallFloat(*p, 4, 3, true, false)); break;
      case E::Float8E5M2: out->push_back(smallFloat(*p, 5, 2, false, false)); break;
      case E::Float8E5M2FNUZ: out->push_back(smallFloat(*p, 5, 2, true, false)); break;
      case E::Float8E8M0:
        out->push_back(*p == 0xff ? std::numeric_limits<double>::quiet_NaN() : std::ldexp(1.0, int(*p) - 127));
        break;
      default: out->push_back(std::numeric_limits<double>::quiet_NaN()); break;
    }
  }
}

std::optional<SourceRange> sourceRange(const ir::Model& model, const ir::Tensor& t, int64_t first, int64_t count) {
  if (t.storage != ir::Tensor::Storage::Source || !isDecodable(t.elem)) return std::nullopt;
  if (t.ref.source >= model.sources.size() || !model.sources[t.ref.source].bytes) return std::nullopt;
  for (int64_t d : t.dims)
    if (d < 0) return std::nullopt;
  std::optional<int64_t> elements = checkedProduct(t.dims);
  std::optional<uint64_t> need = elements ? checkedBytes(*elements, ir::elemTypeBits(t.elem)) : std::nullopt;
  if (!need || t.ref.length < *need || first < 0 || count < 0 || first > *elements || count > *elements - first)
    return std::nullopt;
  const int bits = ir::elemTypeBits(t.elem);
  const uint64_t begin = static_cast<uint64_t>(first) * static_cast<uint64_t>(bits) / 8;
  const uint64_t end = *checkedBytes(first + count, bits);  // bounded by *need
  if (t.ref.offset > UINT64_MAX - end) return std::nullopt;
  return SourceRange{model.sources[t.ref.source].bytes.get(), t.ref.offset + begin, end - begin};
}

Result<std::vector<double>> readElements(const ir::Model& model, const ir::Tensor& t, int64_t first, int64_t count) {
  if (!isDecodable(t.elem))
    return Error{"tensors of type " + std::string(ir::elemTypeName(t.elem)) + " have no numeric statistics"};
  for (int64_t d : t.dims)
    if (d < 0) return Error{"the tensor has a negative dimension"};
  // Checked: dims from the file can multiply past 2^64 bits with a few bytes of
  // data, and a wrapped size would let the decoder read past the buffer.
  std::optional<int64_t> elements = checkedProduct(t.dims);
  std::optional<uint64_t> need_bytes = elements ? checkedBytes(*elements, ir::elemTypeBits(t.elem)) : std::nullopt;
  if (!need_bytes) return Error{overflowMessage(t.dims)};
  int64_t n = *elements;
  if (first < 0 || count < 0 || first > n || count > n - first) return Error{"element range out of bounds"};
  int bits = ir::elemTypeBits(t.elem);
  uint64_t need = *need_bytes;
  // Bytes covering [first, first+count); first + count <= n, so n's bit count
  // bounds these and they cannot overflow.
  uint64_t byte_begin = static_cast<uint64_t>(first) * static_cast<uint64_t>(bits) / 8;
  uint64_t byte_end = *checkedBytes(first + count, bits);
  std::vector<double> out;
  switch (t.storage) {
    case ir::Tensor::Storage::None:
      return Error{"the tensor holds no data"};
    case ir::Tensor::Storage::MissingExternal:
      for (const ir::DataSource& src : model.sources)
        if (src.bytes && src.name == t.external_location)
          return Error{"the data of this tensor lies past the end of '" + displayName(t.external_location) +
                       "' (the file is shorter than the model says)"};
      return Error{"the data of this tensor is in '" + displayName(t.external_location) +
                   "', which was not provided: open it together with the model"};
    case ir::Tensor::Storage::Inline:
      if (t.bytes.size() < need)
        return Error{"the tensor holds " + std::to_string(t.bytes.size()) + " bytes but its shape needs " +
                     std::to_string(need)};
      decodeElements(t.elem, t.bytes.data() + byte_begin, first, first, count, &out);
      return out;
    case ir::Tensor::Storage::Source: {
      if (t.ref.length < need)
        return Error{"the tensor holds " + std::to_string(t.ref.length) + " bytes but its shape needs " +
                     std::to_string(need)};
      if (t.ref.source >= model.sources.size() || !model.sources[t.ref.source].bytes)
        return Error{"the file holding this tensor's data is not available"};
      std::vector<uint8_t> buf(static_cast<size_t>(byte_end - byte_begin));
      const ByteSource& src = *model.sources[t.ref.source].bytes;
      if (!src.read(t.ref.offset + byte_begin, buf.data(), buf.size()))
        return Error{src.synchronous()
                         ? "reading the tensor data failed (the file is shorter than the model says)"
                         : "the tensor data has not been read from '" + displayName(model.sources[t.ref.source].name) +
                               "' yet (it is read in slices on request)"};
      decodeElements(t.elem, buf.data(), first, first, count, &out);
      return out;
    }
  }
  return out;
}

}  // namespace nf::weights
