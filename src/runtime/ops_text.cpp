// runtime/ops_text.cpp - string ops (StringNormalizer, StringConcat, StringSplit,
// RegexFullMatch, TfIdfVectorizer) and the simple ai.onnx.ml ops (Binarizer, LabelEncoder).
#include <algorithm>
#include <cctype>
#include <map>
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

// TfIdfVectorizer: counts the pool's n-grams (min..max length, up to max_skip_count
// items skipped between gram elements) in each row; TF, IDF (weight if present) or TFIDF.
bool tfIdfVectorizer(KernelContext& ctx) {
  if (!ctx.require(0)) return false;
  const Tensor& x = ctx.in(0);
  if (x.rank() < 1 || x.rank() > 2) return ctx.fail("input must be 1-D or 2-D");
  const int64_t min_n = ctx.attrInt("min_gram_length", 1), max_n = ctx.attrInt("max_gram_length", 1);
  const int64_t max_skip = ctx.attrInt("max_skip_count", 0);
  const std::string mode = ctx.attrString("mode", "TF");
  const std::vector<int64_t> counts = ctx.attrInts("ngram_counts"), indexes = ctx.attrInts("ngram_indexes");
  const std::vector<float> weights = ctx.attrFloats("weights");
  const ir::Attribute* pool_s = ctx.attr("pool_strings");
  const std::vector<int64_t> pool_i = ctx.attrInts("pool_int64s");
  const int64_t pool_n = pool_s ? static_cast<int64_t>(pool_s->strings.size()) : static_cast<int64_t>(pool_i.size());
  if (min_n < 1 || max_n < min_n || counts.empty() || indexes.empty()) return ctx.fail("invalid n-gram attributes");
  // Gram id k of length n starts at counts[n-1] + (k - first id of length n) * n in the pool.
  std::vector<std::string> keys;  // one key per gram id, in pool order
  for (size_t len = 1; len <= counts.size(); ++len) {
    const int64_t start = counts[len - 1], end = len < counts.size() ? counts[len] : pool_n;
    for (int64_t p = start; p + static_cast<int64_t>(len) <= end; p += static_cast<int64_t>(len)) {
      std::string key = std::to_string(len) + ":";
      for (size_t q = 0; q < len; ++q)
        key += (pool_s ? pool_s->strings[static_cast<size_t>(p) + q] : std::to_string(pool_i[static_cast<size_t>(p) + q])) + "\x1f";
      keys.push_back(key);
    }
  }
  if (keys.size() > indexes.size()) return ctx.fail("ngram_indexes is shorter than the pool");
  std::map<std::string, int64_t> id_of;
  for (size_t k = 0; k < keys.size(); ++k) id_of.emplace(keys[k], static_cast<int64_t>(k));
  int64_t dim = 0;
  for (int64_t v : indexes) dim = std::max(dim, v + 1);
  const int64_t rows = x.rank() == 2 ? x.shape[0] : 1, cols = x.rank() == 2 ? x.shape[1] : x.shape[0];
  Tensor* y = ctx.output(0, E::Float, x.rank() == 2 ? std::vector<int64_t>{rows, dim} : std::vector<int64_t>{dim});
  if (!ctx.error.empty()) return false;
  auto item = [&](int64_t r, int64_t c) {
    const int64_t i = r * cols + c;
    return x.isString() ? (*x.strings)[i] : std::to_string(elementAsInt(x, i));
  };
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<double> tf(static_cast<size_t>(dim), 0.0);
    for (int64_t n = min_n; n <= max_n; ++n)
      for (int64_t skip = 0; skip <= (n == 1 ? 0 : max_skip); ++skip)
        for (int64_t start = 0; start + (n - 1) * (skip + 1) < cols; ++start) {
          std::string key = std::to_string(n) + ":";
          for (int64_t q = 0; q < n; ++q) key += item(r, start + q * (skip + 1)) + "\x1f";
          auto it = id_of.find(key);
          if (it != id_of.end()) tf[static_cast<size_t>(indexes[static_cast<size_t>(it->second)])] += 1;
        }
    for (int64_t k = 0; k < static_cast<int64_t>(keys.size()); ++k) {
      const int64_t col = indexes[static_cast<size_t>(k)];
      const double w = static_cast<size_t>(k) < weights.size() ? weights[static_cast<size_t>(k)] : 1.0;
      const double c = tf[static_cast<size_t>(col)];
      double v = c;
      if (mode == "IDF") v = c > 0 ? w : 0;
      else if (mode == "TFIDF") v = c * w;
      y->data<float>()[r * dim + col] = static_cast<float>(v);
    }
  }
  return true;
}

}  // namespace

const std::vector<KernelEntry>& textKernels() {
  static const std::vector<KernelEntry> table = {
      {"", "StringNormalizer", stringNormalizer}, {"", "StringConcat", stringConcat},
      {"", "StringSplit", stringSplit}, {"", "RegexFullMatch", regexFullMatch},
      {"", "TfIdfVectorizer", tfIdfVectorizer},
      {"ai.onnx.ml", "Binarizer", binarizer}, {"ai.onnx.ml", "LabelEncoder", labelEncoder},
  };
  return table;
}

}  // namespace nf::runtime
