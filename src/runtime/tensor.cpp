#include "base/float16.h"
#include "runtime/tensor.h"

#include <cmath>
#include <cstdio>
#include <algorithm>
#include <limits>

#include "weights/decode.h"

namespace nf::runtime {

using E = ir::ElemType;

int64_t shapeCount(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    if (!checkedSizeMul(n, d, &n)) return -1;
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
    case E::Bool: case E::String: case E::Float8E4M3FN: case E::Float8E4M3FNUZ: case E::Float8E5M2:
    case E::Float8E5M2FNUZ: case E::Float8E8M0: case E::Float4E2M1: case E::Int4: case E::Uint4: case E::Int2:
    case E::Uint2:
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
  if (!checkedSizeMul(n, static_cast<int64_t>(storedSize(t)), &bytes)) return r;
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

bool isFloatStorageType(ir::ElemType t) { return ir::isFloatType(t); }

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


bool isLowPrecision(ir::ElemType t) {
  switch (t) {
    case E::Float8E4M3FN: case E::Float8E4M3FNUZ: case E::Float8E5M2: case E::Float8E5M2FNUZ: case E::Float4E2M1:
    case E::Float8E8M0: case E::Int4: case E::Uint4: case E::Int2: case E::Uint2:
      return true;
    default:
      return false;
  }
}

float roundToE8M0(float v, const std::string& mode, bool saturate) {
  if (std::isnan(v)) return NAN;
  if (!(v > 0)) return std::ldexp(1.f, -127);  // unsigned, no zero: the smallest code
  if (std::isinf(v)) return saturate ? std::ldexp(1.f, 127) : NAN;
  const double l = std::log2(static_cast<double>(v));
  double e = mode == "down" ? std::floor(l) : std::ceil(l);
  if (mode == "nearest") {
    const double lo = std::ldexp(1.0, static_cast<int>(std::floor(l))), hi = lo * 2;
    e = (static_cast<double>(v) - lo < hi - static_cast<double>(v)) ? std::floor(l) : std::floor(l) + 1;
  }
  if (e > 127) return saturate ? std::ldexp(1.f, 127) : NAN;
  return std::ldexp(1.f, static_cast<int>(std::max(e, -127.0)));
}

namespace {

struct Minifloat {
  int mbits, bias;
  double max;
  bool has_inf, uz;  // uz: no negative zero, NaN is 0x80
};

Minifloat minifloat(ir::ElemType t) {
  switch (t) {
    case E::Float8E4M3FN: return {3, 7, 448.0, false, false};
    case E::Float8E4M3FNUZ: return {3, 8, 240.0, false, true};
    case E::Float8E5M2: return {2, 15, 57344.0, true, false};
    case E::Float8E5M2FNUZ: return {2, 16, 57344.0, false, true};
    default: return {1, 1, 6.0, false, false};  // Float4E2M1: no inf, no NaN
  }
}

// Wraps an integer into a 4- or 2-bit type (two's complement for the signed ones).
int64_t wrapLowBits(int64_t v, ir::ElemType t) {
  const int bits = (t == E::Int4 || t == E::Uint4) ? 4 : 2;
  int64_t m = v & ((int64_t{1} << bits) - 1);
  if ((t == E::Int4 || t == E::Int2) && m >= (int64_t{1} << (bits - 1))) m -= int64_t{1} << bits;
  return m;
}

}  // namespace

float roundToMinifloat(float v, ir::ElemType t, bool saturate) {
  if (t == E::Float8E8M0) return roundToE8M0(v, "up", saturate);
  const Minifloat f = minifloat(t);
  const bool is_f4 = t == E::Float4E2M1;
  const float sign = std::signbit(v) ? -1.f : 1.f;
  if (std::isnan(v)) return is_f4 ? -0.f : NAN;  // e2m1 has no NaN: the reference maps it to -0
  if (std::isinf(v)) {
    if (saturate || is_f4) return sign * static_cast<float>(f.max);
    return f.has_inf ? v : NAN;
  }
  const double a = std::fabs(static_cast<double>(v));
  if (a == 0) return f.uz ? 0.f : sign * 0.f;
  const int emin = 1 - f.bias;
  const int e = std::max(static_cast<int>(std::floor(std::log2(a))), emin);
  const double q = std::ldexp(1.0, e - f.mbits);
  double r = std::nearbyint(a / q) * q;
  if (r > f.max) {
    if (saturate || is_f4) r = f.max;
    else return f.has_inf ? sign * INFINITY : NAN;
  }
  if (r == 0 && f.uz) return 0.f;
  return sign * static_cast<float>(r);
}

uint8_t minifloatBits(float v, ir::ElemType t) {
  if (t == E::Float8E8M0) {
    if (std::isnan(v) || !(v > 0)) return std::isnan(v) ? 255 : 0;
    return static_cast<uint8_t>(std::clamp(static_cast<int>(std::nearbyint(std::log2(static_cast<double>(v)))) + 127, 0, 254));
  }
  const Minifloat f = minifloat(t);
  const bool is_f4 = t == E::Float4E2M1;
  const int total = is_f4 ? 4 : 8, ebits = total - 1 - f.mbits;
  const uint8_t sign = std::signbit(v) ? static_cast<uint8_t>(1u << (total - 1)) : 0;
  if (std::isnan(v)) return f.uz ? 0x80 : 0x7F;
  if (std::isinf(v)) return static_cast<uint8_t>(sign | (((1u << ebits) - 1) << f.mbits));
  const double a = std::fabs(static_cast<double>(v));
  if (a == 0) return f.uz ? 0 : sign;
  const int emin = 1 - f.bias;
  uint32_t efield, mant;
  if (a < std::ldexp(1.0, emin)) {
    efield = 0;
    mant = static_cast<uint32_t>(std::nearbyint(a / std::ldexp(1.0, emin - f.mbits)));
  } else {
    const int e = static_cast<int>(std::floor(std::log2(a)));
    efield = static_cast<uint32_t>(e + f.bias);
    mant = static_cast<uint32_t>(std::nearbyint((a / std::ldexp(1.0, e) - 1) * (1 << f.mbits)));
  }
  return static_cast<uint8_t>(sign | (efield << f.mbits) | mant);
}

void roundToStoredPrecision(Tensor& t) {
  const int64_t n = t.count();
  if (t.type == E::Int4 || t.type == E::Uint4 || t.type == E::Int2 || t.type == E::Uint2) {
    visitType(t.type, [&]<class T>() {
      T* p = t.data<T>();
      for (int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(wrapLowBits(p[i], t.type));
    });
    return;
  }
  if (isLowPrecision(t.type)) {
    float* p = t.data<float>();
    for (int64_t i = 0; i < n; ++i) p[i] = roundToMinifloat(p[i], t.type, false);
    return;
  }
  if (t.type != E::Float16 && t.type != E::BFloat16) return;
  float* p = t.data<float>();
  if (t.type == E::Float16)
    for (int64_t i = 0; i < n; ++i) p[i] = halfToFloat(floatToHalf(p[i]));
  else
    for (int64_t i = 0; i < n; ++i) p[i] = bfloat16ToFloat(floatToBFloat16(p[i]));
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

Tensor castTensor(const Tensor& in, ir::ElemType to, bool saturate) {
  Tensor out = makeTensor(to, in.shape);
  const int64_t n = in.count();
  if (to == E::Int4 || to == E::Uint4 || to == E::Int2 || to == E::Uint2) {  // truncate, then wrap
    for (int64_t i = 0; i < n; ++i) {
      const double v = in.isString() ? std::strtod((*in.strings)[i].c_str(), nullptr) : elementAsDouble(in, i);
      const int64_t w = std::isnan(v) ? 0 : (isFloatStorageType(in.type) ? static_cast<int64_t>(std::trunc(std::clamp(v, -9.2e18, 9.2e18))) : elementAsInt(in, i));
      setElementFromDouble(out, i, static_cast<double>(wrapLowBits(w, to)));
    }
    return out;
  }
  if (isLowPrecision(to) && !in.isString()) {  // float8 / float4
    for (int64_t i = 0; i < n; ++i) out.data<float>()[i] = roundToMinifloat(static_cast<float>(elementAsDouble(in, i)), to, saturate);
    return out;
  }
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
