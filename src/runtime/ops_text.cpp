// runtime/ops_text.cpp - string ops (StringNormalizer, StringConcat, StringSplit,
// RegexFullMatch) and the simple ai.onnx.ml ops (Binarizer, LabelEncoder).
#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

#include "runtime/executor.h"
#include "runtime/ops_common.h"

namespace nf::runtime {

namespace {

using E = ir::ElemType;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool requireStrings(KernelContext& ctx, size_t i) {
  if (!ctx.require(i)) return false;
  if (!ctx.in(i).isString()) return ctx.fail("input " + std::to_string(i) + " must be a string tensor");
  return true;
}

bool stringNormalizer(KernelContext& ctx) {
  if (!requireStrings(ctx, 0)) return false;
  const Tensor& x = ctx.in(0);
  const std::string action = ctx.attrString("case_change_action", "NONE");
  const bool sensitive = ctx.attrInt("is_case_sensitive", 0) != 0;
  std::set<std::string> stop;
  if (const ir::Attribute* a = ctx.attr("stopwords"))
    for (const auto& w : a->strings) stop.insert(sensitive ? w : lower(w));
  std::vector<std::string> kept;
  for (const auto& s : *x.strings) {
    if (stop.count(sensitive ? s : lower(s))) continue;
    kept.push_back(action == "LOWER" ? lower(s) : action == "UPPER" ? upper(s) : s);
  }
  if (kept.empty()) kept.push_back("");
  std::vector<int64_t> shape{static_cast<int64_t>(kept.size())};
  if (x.rank() == 2) shape.insert(shape.begin(), 1);
  *ctx.output(0, E::String, shape)->strings = kept;
  return true;
}

bool stringConcat(KernelContext& ctx) {
  if (!requireStrings(ctx, 0) || !requireStrings(ctx, 1)) return false;
  const Tensor& a = ctx.in(0);
  const Tensor& b = ctx.in(1);
  std::vector<int64_t> shape;
  if (!broadcastShapes({a.shape, b.shape}, &shape)) return ctx.fail("shapes do not broadcast");
  Tensor* y = ctx.output(0, E::String, shape);
  forEachBroadcast(shape, {broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)},
                   [&](int64_t i, const int64_t* o) { (*y->strings)[i] = (*a.strings)[o[0]] + (*b.strings)[o[1]]; });
  return true;
}

bool stringSplit(KernelContext& ctx) {
  if (!requireStrings(ctx, 0)) return false;
  const Tensor& x = ctx.in(0);
  const ir::Attribute* delim_attr = ctx.attr("delimiter");
  const std::string delim = delim_attr ? delim_attr->s : "";
  const int64_t maxsplit = ctx.attrInt("maxsplit", -1);
  std::vector<std::vector<std::string>> parts;
  size_t widest = 0;
  for (const auto& s : *x.strings) {
    std::vector<std::string> p;
    if (delim.empty()) {  // runs of whitespace, no empty parts
      size_t i = 0;
      while (i < s.size()) {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
        if (i >= s.size()) break;
        if (maxsplit >= 0 && static_cast<int64_t>(p.size()) == maxsplit) {
          std::string rest = s.substr(i);
          while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.back()))) rest.pop_back();
          p.push_back(rest);
          break;
        }
        size_t j = i;
        while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
        p.push_back(s.substr(i, j - i));
        i = j;
      }
    } else {
      size_t start = 0;
      for (;;) {
        const size_t at = s.find(delim, start);
        if (at == std::string::npos || (maxsplit >= 0 && static_cast<int64_t>(p.size()) == maxsplit)) {
          p.push_back(s.substr(start));
          break;
        }
        p.push_back(s.substr(start, at - start));
        start = at + delim.size();
      }
    }
    widest = std::max(widest, p.size());
    parts.push_back(std::move(p));
  }
  std::vector<int64_t> shape = x.shape;
  shape.push_back(static_cast<int64_t>(widest));
  Tensor* y = ctx.output(0, E::String, shape);
  Tensor* z = ctx.output(1, E::Int64, x.shape);
  for (size_t i = 0; i < parts.size(); ++i) {
    z->data<int64_t>()[i] = static_cast<int64_t>(parts[i].size());
    for (size_t k = 0; k < parts[i].size(); ++k) (*y->strings)[i * widest + k] = parts[i][k];
  }
  return true;
}

bool regexFullMatch(KernelContext& ctx) {
  if (!requireStrings(ctx, 0)) return false;
  const Tensor& x = ctx.in(0);
  std::regex re;
#if defined(__cpp_exceptions)
  try {
    re = std::regex(ctx.attrString("pattern"));
  } catch (const std::regex_error&) {
    return ctx.fail("invalid pattern");
  }
#else
  re = std::regex(ctx.attrString("pattern"));
#endif
  Tensor* y = ctx.output(0, E::Bool, x.shape);
  for (int64_t i = 0; i < x.count(); ++i) y->data<uint8_t>()[i] = std::regex_match((*x.strings)[i], re) ? 1 : 0;
  return true;
}

bool binarizer(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  const double th = ctx.attrFloat("threshold", 0.f);
  Tensor* y = ctx.output(0, x.type, x.shape);
  for (int64_t i = 0; i < x.count(); ++i) setElementFromDouble(*y, i, elementAsDouble(x, i) > th ? 1 : 0);
  return true;
}

// LabelEncoder (ai.onnx.ml 2/4): keys_* -> values_* lookup with a default.
bool labelEncoder(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  Tensor keys, vals;
  auto fromAttr = [&](const char* base, Tensor* out) -> bool {
    for (const char* suffix : {"strings", "int64s", "floats", "tensor"}) {
      const ir::Attribute* a = ctx.attr(std::string(base) + suffix);
      if (!a) continue;
      if (a->type == ir::AttrType::Strings) {
        *out = makeTensor(E::String, {static_cast<int64_t>(a->strings.size())});
        *out->strings = a->strings;
      } else if (a->type == ir::AttrType::Ints) {
        *out = makeTensor(E::Int64, {static_cast<int64_t>(a->ints.size())});
        std::copy(a->ints.begin(), a->ints.end(), out->data<int64_t>());
      } else if (a->type == ir::AttrType::Floats) {
        *out = makeTensor(E::Float, {static_cast<int64_t>(a->floats.size())});
        std::copy(a->floats.begin(), a->floats.end(), out->data<float>());
      } else if (a->type == ir::AttrType::Tensor && !a->tensors.empty()) {
        auto t = tensorFromIr(ctx.model, a->tensors[0]);
        if (!t) return false;
        *out = std::move(t.value());
      }
      return true;
    }
    return false;
  };
  if (!fromAttr("keys_", &keys) || !fromAttr("values_", &vals) || keys.count() != vals.count())
    return ctx.fail("keys and values are missing or of different lengths");
  Tensor* y = ctx.output(0, vals.type, x.shape);
  if (!ctx.error.empty()) return false;
  // Default: default_tensor, else default_<type>.
  Tensor def = makeTensor(vals.type, {1});
  if (const ir::Attribute* a = ctx.attr("default_tensor"); a && !a->tensors.empty()) {
    auto t = tensorFromIr(ctx.model, a->tensors[0]);
    if (t && t->count() >= 1) def = t.value();
  } else if (vals.isString()) {
    (*def.strings)[0] = ctx.attrString("default_string", "_Unused");
  } else if (vals.type == E::Int64) {
    def.data<int64_t>()[0] = ctx.attrInt("default_int64", -1);
  } else {
    setElementFromDouble(def, 0, ctx.attrFloat("default_float", -0.f));
  }
  for (int64_t i = 0; i < x.count(); ++i) {
    int64_t hit = -1;
    for (int64_t k = 0; k < keys.count() && hit < 0; ++k) {
      if (x.isString() != keys.isString()) break;
      const bool eq = x.isString() ? (*x.strings)[i] == (*keys.strings)[k] : elementAsDouble(x, i) == elementAsDouble(keys, k);
      if (eq) hit = k;
    }
    if (hit >= 0) copyElement(vals, hit, *y, i);
    else copyElement(def, 0, *y, i);
  }
  return true;
}

}  // namespace

const std::vector<KernelEntry>& textKernels() {
  static const std::vector<KernelEntry> table = {
      {"", "StringNormalizer", stringNormalizer}, {"", "StringConcat", stringConcat},
      {"", "StringSplit", stringSplit}, {"", "RegexFullMatch", regexFullMatch},
      {"ai.onnx.ml", "Binarizer", binarizer}, {"ai.onnx.ml", "LabelEncoder", labelEncoder},
  };
  return table;
}

}  // namespace nf::runtime
