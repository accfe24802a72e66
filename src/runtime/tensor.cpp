#include "runtime/tensor.h"

#include <cmath>
#include <cstdio>
#include <limits>

#include "weights/decode.h"

namespace nf::runtime {

using E = ir::ElemType;

bool checkedMul(int64_t a, int64_t b, int64_t* out) {
  if (a < 0 || b < 0) return false;
  if (a != 0 && b > std::numeric_limits<int64_t>::max() / a) return false;
  *out = a * b;
  return true;
}

int64_t shapeCount(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    if (!checkedMul(n, d, &n)) return -1;
  return n;
}

std::string shapeString(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s.push_back(',');
    s.append(std::to_string(shape[i]));
  }
  s.push_back(']');
  return s;
}

bool isSupportedType(ir::ElemType t) {
  switch (t) {
    case E::Float: case E::Double: case E::Float16: case E::BFloat16: case E::Int8: case E::Int16:
    case E::Int32: case E::Int64: case E::Uint8: case E::Uint16: case E::Uint32: case E::Uint64:
    case E::Bool: case E::String:
      return true;
    default:
      return false;
  }
}

size_t storedSize(ir::ElemType t) {
  if (t == E::String) return 0;
  return visitType(t, []<class T>() { return sizeof(T); });
}

Tensor makeTensor(ir::ElemType t, std::vector<int64_t> shape) {
  Tensor r;
  r.type = t;
  r.shape = std::move(shape);
  const int64_t n = r.count();
  if (n < 0) return r;
  if (t == E::String) {
    r.strings = std::make_shared<std::vector<std::string>>(static_cast<size_t>(n));
    return r;
  }
  int64_t bytes = 0;
  if (!checkedMul(n, static_cast<int64_t>(storedSize(t)), &bytes)) return r;
  r.buffer = std::make_shared<Buffer>();
  r.buffer->bytes.assign(static_cast<size_t>(bytes), 0);
  return r;
}

Tensor cloneTensor(const Tensor& t) {
  Tensor r = t;
  if (t.buffer) r.buffer = std::make_shared<Buffer>(*t.buffer);
  if (t.strings) r.strings = std::make_shared<std::vector<std::string>>(*t.strings);
  return r;
}

double elementAsDouble(const Tensor& t, int64_t i) {
  if (t.isString()) return 0;
  return visitType(t.type, [&]<class T>() { return static_cast<double>(t.data<T>()[i]); });
}

int64_t elementAsInt(const Tensor& t, int64_t i) {
  if (t.isString()) return 0;
  return visitType(t.type, [&]<class T>() -> int64_t {
    const T v = t.data<T>()[i];
    if constexpr (std::is_floating_point_v<T>) {
      if (!(std::fabs(v) < 9.2e18)) return v > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
    }
    return static_cast<int64_t>(v);
  });
}

std::vector<int64_t> toInts(const Tensor& t) {
  std::vector<int64_t> r(static_cast<size_t>(std::max<int64_t>(t.count(), 0)));
  for (size_t i = 0; i < r.size(); ++i) r[i] = elementAsInt(t, static_cast<int64_t>(i));
  return r;
}

std::vector<double> toDoubles(const Tensor& t) {
  std::vector<double> r(static_cast<size_t>(std::max<int64_t>(t.count(), 0)));
  for (size_t i = 0; i < r.size(); ++i) r[i] = elementAsDouble(t, static_cast<int64_t>(i));
  return r;
}

namespace {

template <class T>
T convertNumber(double v, ir::ElemType to) {
  if (to == E::Bool) return static_cast<T>(v != 0 ? 1 : 0);
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(v);
  } else {
    if (std::isnan(v)) return 0;
    const double lo = static_cast<double>(std::numeric_limits<T>::min());
    const double hi = static_cast<double>(std::numeric_limits<T>::max());
    if (v <= lo) return std::numeric_limits<T>::min();
    if (v >= hi) return std::numeric_limits<T>::max();
    return static_cast<T>(v);
  }
}

}  // namespace

void setElementFromDouble(Tensor& t, int64_t i, double v) {
  visitType(t.type, [&]<class T>() { t.data<T>()[i] = convertNumber<T>(v, t.type); });
}

uint16_t floatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t mant = x & 0x7FFFFFu;
  const int32_t exp = static_cast<int32_t>((x >> 23) & 0xFF);
  if (exp == 0xFF) return static_cast<uint16_t>(sign | 0x7C00u | (mant ? 0x200u : 0));
  int32_t e = exp - 127 + 15;
  if (e >= 31) return static_cast<uint16_t>(sign | 0x7C00u);
  if (e <= 0) {
    if (e < -10) return static_cast<uint16_t>(sign);
    mant |= 0x800000u;
    const uint32_t shift = static_cast<uint32_t>(14 - e);
    uint32_t h = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rem > half || (rem == half && (h & 1))) ++h;
    return static_cast<uint16_t>(sign | h);
  }
  uint32_t h = (static_cast<uint32_t>(e) << 10) | (mant >> 13);
  const uint32_t rem = mant & 0x1FFFu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1))) ++h;  // may carry into the exponent: still correct
  return static_cast<uint16_t>(sign | h);
}

uint16_t floatToBFloat16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  if ((x & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<uint16_t>((x >> 16) | 0x40);
  x += 0x7FFFu + ((x >> 16) & 1);
  return static_cast<uint16_t>(x >> 16);
}

float halfBitsToFloat(uint16_t h) { return weights::halfToFloat(h); }
float bfloat16BitsToFloat(uint16_t b) { return weights::bfloat16ToFloat(b); }

void roundToStoredPrecision(Tensor& t) {
  if (t.type != E::Float16 && t.type != E::BFloat16) return;
  float* p = t.data<float>();
  const int64_t n = t.count();
  if (t.type == E::Float16)
    for (int64_t i = 0; i < n; ++i) p[i] = halfBitsToFloat(floatToHalf(p[i]));
  else
    for (int64_t i = 0; i < n; ++i) p[i] = bfloat16BitsToFloat(floatToBFloat16(p[i]));
}

namespace {

std::string numberToString(const Tensor& in, int64_t i) {
  char buf[64];
  if (in.type == E::Float || in.type == E::Float16 || in.type == E::BFloat16) {
    const float v = in.data<float>()[i];
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "INF" : "-INF";
    std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v));
  } else if (in.type == E::Double) {
    std::snprintf(buf, sizeof buf, "%.17g", in.data<double>()[i]);
  } else {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(elementAsInt(in, i)));
  }
  return buf;
}

}  // namespace

Tensor castTensor(const Tensor& in, ir::ElemType to) {
  Tensor out = makeTensor(to, in.shape);
  const int64_t n = in.count();
  if (to == E::String) {
    for (int64_t i = 0; i < n; ++i) (*out.strings)[i] = in.isString() ? (*in.strings)[i] : numberToString(in, i);
    return out;
  }
  if (in.isString()) {
    for (int64_t i = 0; i < n; ++i) setElementFromDouble(out, i, std::strtod((*in.strings)[i].c_str(), nullptr));
    roundToStoredPrecision(out);
    return out;
  }
  visitType(in.type, [&]<class S>() {
    visitType(to, [&]<class D>() {
      const S* s = in.data<S>();
      D* d = out.data<D>();
      const bool to_bool = to == E::Bool;
      for (int64_t i = 0; i < n; ++i) {
        if (to_bool) {
          d[i] = s[i] != S(0) ? 1 : 0;
        } else if constexpr (std::is_integral_v<S> && std::is_integral_v<D>) {
          d[i] = static_cast<D>(s[i]);  // two's complement wrap, as ONNX Cast
        } else {
          d[i] = convertNumber<D>(static_cast<double>(s[i]), to);
        }
      }
    });
  });
  roundToStoredPrecision(out);
  return out;
}

}  // namespace nf::runtime
