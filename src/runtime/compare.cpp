#include "runtime/compare.h"

#include <cmath>
#include <cstdio>

namespace nf::runtime {

std::string compareTensors(const Tensor& got, const Tensor& want, double rtol, double atol) {
  if (got.type != want.type)
    return "element type " + std::string(ir::elemTypeName(got.type)) + ", expected " + std::string(ir::elemTypeName(want.type));
  if (got.shape != want.shape) return "shape " + shapeString(got.shape) + ", expected " + shapeString(want.shape);
  const int64_t n = want.count();
  if (want.isString()) {
    for (int64_t i = 0; i < n; ++i)
      if ((*got.strings)[i] != (*want.strings)[i]) return "string [" + std::to_string(i) + "] differs";
    return {};
  }
  const bool exact = !ir::isFloatType(want.type);
  for (int64_t i = 0; i < n; ++i) {
    const double g = elementAsDouble(got, i), w = elementAsDouble(want, i);
    bool ok;
    if (exact) ok = elementAsInt(got, i) == elementAsInt(want, i);
    else if (std::isnan(w) || std::isnan(g)) ok = std::isnan(w) && std::isnan(g);
    else if (std::isinf(w) || std::isinf(g)) ok = g == w;
    else ok = std::fabs(g - w) <= atol + rtol * std::fabs(w);
    if (!ok) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "value [%lld] is %.9g, expected %.9g", static_cast<long long>(i), g, w);
      return buf;
    }
  }
  return {};
}

std::string compareValues(const Value& got, const Value& want, double rtol, double atol) {
  if (got.kind != want.kind) {
    static const char* names[] = {"an empty optional", "a tensor", "a sequence"};
    return std::string("got ") + names[static_cast<int>(got.kind)] + ", expected " + names[static_cast<int>(want.kind)];
  }
  if (got.kind == Value::Kind::Tensor) return compareTensors(got.tensor, want.tensor, rtol, atol);
  if (got.kind == Value::Kind::Sequence) {
    if (got.sequence.size() != want.sequence.size())
      return "sequence of " + std::to_string(got.sequence.size()) + ", expected " + std::to_string(want.sequence.size());
    for (size_t i = 0; i < got.sequence.size(); ++i) {
      std::string r = compareTensors(got.sequence[i], want.sequence[i], rtol, atol);
      if (!r.empty()) return "item " + std::to_string(i) + ": " + r;
    }
  }
  return {};
}

}  // namespace nf::runtime
