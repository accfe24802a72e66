#include "builder/types.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace nf::builder {

const char* frameworkName(Framework f) { return f == Framework::PyTorch ? "PyTorch" : "Keras"; }
const char* frameworkKey(Framework f) { return f == Framework::PyTorch ? "pytorch" : "keras"; }

std::optional<Framework> parseFramework(std::string_view s) {
  std::string lower;
  for (char c : s) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "pytorch" || lower == "torch" || lower == "pt") return Framework::PyTorch;
  if (lower == "keras" || lower == "tensorflow" || lower == "tf" || lower == "tf.keras") return Framework::Keras;
  return std::nullopt;
}

const char* paramKindName(ParamKind k) {
  switch (k) {
    case ParamKind::Int: return "int";
    case ParamKind::Float: return "float";
    case ParamKind::Bool: return "bool";
    case ParamKind::Enum: return "enum";
    case ParamKind::IntTuple: return "tuple";
  }
  return "?";
}

const char* dtypeName(DType t) { return t == DType::Int64 ? "int64" : "float32"; }

std::string formatParamValue(const ParamValue& v) {
  switch (kindOf(v)) {
    case ParamKind::Int: return std::to_string(std::get<int64_t>(v));
    case ParamKind::Float: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", std::get<double>(v));
      // Shortest form that round-trips: try fewer digits first.
      for (int prec = 1; prec <= 17; ++prec) {
        char tmp[64];
        std::snprintf(tmp, sizeof tmp, "%.*g", prec, std::get<double>(v));
        if (std::strtod(tmp, nullptr) == std::get<double>(v)) return tmp;
      }
      return buf;
    }
    case ParamKind::Bool: return std::get<bool>(v) ? "true" : "false";
    case ParamKind::Enum: return std::get<std::string>(v);
    case ParamKind::IntTuple: return formatDims(std::get<IntList>(v));
  }
  return {};
}

IntList TensorInfo::dimsFor(Framework f) const {
  if (f == Framework::Keras || !channels_first || dims.size() < 2) return dims;
  IntList out;
  out.reserve(dims.size());
  out.push_back(dims.back());
  out.insert(out.end(), dims.begin(), dims.end() - 1);
  return out;
}

std::string formatDims(const IntList& dims, std::string_view separator) {
  if (dims.empty()) return "scalar";
  std::string s;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += separator;
    s += std::to_string(dims[i]);
  }
  return s;
}

std::string formatShape(const TensorInfo& t, Framework f, std::string_view separator) {
  std::string s = "N";
  for (int64_t d : t.dimsFor(f)) {
    s += separator;
    s += std::to_string(d);
  }
  return s;
}

}  // namespace nf::builder
