// builder/catalog.cpp - catalog lookups, parameter validation and picker search.
// The table itself is in catalog_layers.cpp.
#include "builder/catalog.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace nf::builder {

const char* layerCategoryName(LayerCategory c) {
  static constexpr const char* kNames[kLayerCategoryCount] = {
      "io", "convolution", "pooling", "normalization", "activation", "linear", "recurrent", "attention", "merge",
      "reshape"};
  const auto i = static_cast<size_t>(c);
  return i < static_cast<size_t>(kLayerCategoryCount) ? kNames[i] : "reshape";
}

const char* layerCategoryLabel(LayerCategory c) {
  static constexpr const char* kLabels[kLayerCategoryCount] = {
      "Input / output", "Convolution", "Pooling", "Normalization", "Activation", "Linear",
      "Recurrent", "Attention", "Merge", "Reshape"};
  const auto i = static_cast<size_t>(c);
  return i < static_cast<size_t>(kLayerCategoryCount) ? kLabels[i] : "Reshape";
}


std::vector<LayerSpec> builtinLayers();  // catalog_layers.cpp

namespace {

std::string lower(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

bool isWhole(double v) { return std::isfinite(v) && std::floor(v) == v && std::fabs(v) < 9.0e15; }

std::string rangeText(double lo, double hi, bool integral) {
  auto num = [&](double v) { return integral ? std::to_string(static_cast<int64_t>(v)) : formatParamValue(v); };
  return num(lo) + " and " + num(hi);
}

}  // namespace

// [SECTION] ParamSpec

Status ParamSpec::validate(const ParamValue& v) const {
  if (kindOf(v) != kind) {
    return Error{name + " must be " + std::string(kind == ParamKind::Int ? "an " : "a ") + paramKindName(kind) +
                 ", got " + paramKindName(kindOf(v))};
  }
  switch (kind) {
    case ParamKind::Int: {
      const int64_t x = std::get<int64_t>(v);
      if (x < min || x > max) {
        return Error{name + " must be between " + rangeText(min, max, true) + " (got " + std::to_string(x) + ")"};
      }
      break;
    }
    case ParamKind::Float: {
      const double x = std::get<double>(v);
      if (!std::isfinite(x) || x < min || x > max) {
        return Error{name + " must be between " + rangeText(min, max, false) + " (got " + formatParamValue(v) + ")"};
      }
      break;
    }
    case ParamKind::Bool: break;
    case ParamKind::Enum: {
      const std::string& s = std::get<std::string>(v);
      if (!choices.empty() && std::find(choices.begin(), choices.end(), s) == choices.end()) {
        std::string list;
        for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
        return Error{name + " must be one of " + list + " (got '" + s.substr(0, 40) + "')"};
      }
      break;
    }
    case ParamKind::IntTuple: {
      const IntList& t = std::get<IntList>(v);
      const int n = static_cast<int>(t.size());
      if (n < min_length || n > max_length) {
        return Error{name + " needs " +
                     (min_length == max_length ? std::to_string(min_length)
                                             : std::to_string(min_length) + " to " + std::to_string(max_length)) +
                     " values (got " + std::to_string(n) + ")"};
      }
      for (int64_t x : t) {
        if (x < min || x > max) {
          return Error{name + " values must be between " + rangeText(min, max, true) + " (got " + std::to_string(x) + ")"};
        }
      }
      break;
    }
  }
  return {};
}

std::optional<ParamValue> ParamSpec::coerce(const ParamValue& v) const {
  const ParamKind from = kindOf(v);
  if (from == kind) return v;
  switch (kind) {
    case ParamKind::Float:
      if (from == ParamKind::Int) return ParamValue(static_cast<double>(std::get<int64_t>(v)));
      break;
    case ParamKind::Int:
      if (from == ParamKind::Float && isWhole(std::get<double>(v))) {
        return ParamValue(static_cast<int64_t>(std::get<double>(v)));
      }
      break;
    case ParamKind::IntTuple:
      // A scalar stands for "the same value on every axis" (kernel_size=3 -> 3x3),
      // only for fixed-length tuples.
      if (from == ParamKind::Int && min_length == max_length && min_length > 0) {
        return ParamValue(IntList(static_cast<size_t>(min_length), std::get<int64_t>(v)));
      }
      break;
    default: break;
  }
  return std::nullopt;
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::optional<int64_t> parseInt(std::string_view s) {
  s = trim(s);
  if (s.empty() || s.size() > 19) return std::nullopt;
  bool negative = false;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return negative ? -v : v;
}

}  // namespace

Result<ParamValue> ParamSpec::parse(std::string_view raw) const {
  const std::string_view text = trim(raw);
  const std::string shown(text.substr(0, 40));
  std::optional<ParamValue> v;
  switch (kind) {
    case ParamKind::Int:
      if (auto i = parseInt(text)) v = ParamValue(*i);
      else return Error{name + ": '" + shown + "' is not a whole number"};
      break;
    case ParamKind::Float: {
      const std::string s(text);
      char* end = nullptr;
      const double d = s.empty() ? 0.0 : std::strtod(s.c_str(), &end);
      if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(d)) return Error{name + ": '" + shown + "' is not a number"};
      v = ParamValue(d);
      break;
    }
    case ParamKind::Bool: {
      const std::string s = lower(text);
      if (s == "true" || s == "yes" || s == "on" || s == "1") v = ParamValue(true);
      else if (s == "false" || s == "no" || s == "off" || s == "0") v = ParamValue(false);
      else return Error{name + ": '" + shown + "' is not true or false"};
      break;
    }
    case ParamKind::Enum: {
      const std::string s = lower(text);
      for (const std::string& c : choices)
        if (lower(c) == s) v = ParamValue(c);
      if (!v) v = ParamValue(std::string(text));  // validate() names the choices
      break;
    }
    case ParamKind::IntTuple: {
      // Separators: x, X, the multiplication sign, commas, semicolons, spaces; optional
      // surrounding brackets or parentheses.
      std::string s(text);
      if (!s.empty() && (s.front() == '(' || s.front() == '[')) s.erase(0, 1);
      if (!s.empty() && (s.back() == ')' || s.back() == ']')) s.pop_back();
      for (size_t pos; (pos = s.find("\xC3\x97")) != std::string::npos;) s.replace(pos, 2, " ");
      IntList list;
      std::string token;
      auto flush = [&]() -> bool {
        if (token.empty()) return true;
        auto i = parseInt(token);
        token.clear();
        if (!i) return false;
        list.push_back(*i);
        return true;
      };
      for (char c : s) {
        if (c == 'x' || c == 'X' || c == ',' || c == ';' || std::isspace(static_cast<unsigned char>(c))) {
          if (!flush()) return Error{name + ": '" + shown + "' is not a list of whole numbers"};
        } else {
          token.push_back(c);
        }
      }
      if (!flush() || list.empty()) return Error{name + ": '" + shown + "' is not a list of whole numbers"};
      v = list.size() == 1 ? coerce(ParamValue(list[0])).value_or(ParamValue(list)) : ParamValue(list);
      break;
    }
  }
  if (Status s = validate(*v); !s) return Error{s.message()};
  return *v;
}

bool sameValue(const ParamValue& a, const ParamValue& b) { return a == b; }

// [SECTION] RuleContext

const ParamValue& RuleContext::value(std::string_view name) const {
  auto it = params.find(std::string(name));
  // The analysis always passes complete parameters; a miss is a catalog bug.
  static const ParamValue kNone = int64_t{0};
  return it == params.end() ? kNone : it->second;
}
int64_t RuleContext::i(std::string_view n) const {
  const ParamValue& v = value(n);
  return std::holds_alternative<int64_t>(v) ? std::get<int64_t>(v) : 0;
}
double RuleContext::f(std::string_view n) const {
  const ParamValue& v = value(n);
  return std::holds_alternative<double>(v) ? std::get<double>(v) : 0.0;
}
bool RuleContext::b(std::string_view n) const {
  const ParamValue& v = value(n);
  return std::holds_alternative<bool>(v) && std::get<bool>(v);
}
const std::string& RuleContext::e(std::string_view n) const {
  static const std::string kEmpty;
  const ParamValue& v = value(n);
  return std::holds_alternative<std::string>(v) ? std::get<std::string>(v) : kEmpty;
}
const IntList& RuleContext::t(std::string_view n) const {
  static const IntList kEmpty;
  const ParamValue& v = value(n);
  return std::holds_alternative<IntList>(v) ? std::get<IntList>(v) : kEmpty;
}

// [SECTION] LayerSpec

const ParamSpec* LayerSpec::param(std::string_view name) const {
  for (const auto& p : params)
    if (p.name == name) return &p;
  for (const auto& p : params)
    for (const auto& a : p.aliases)
      if (a == name) return &p;
  // Either framework's keyword spelling ("use_bias", "filters") as a last resort.
  for (const auto& p : params)
    for (const FrameworkParam* fp : {&p.torch, &p.keras})
      if (fp->how == Mapping::Kwarg && fp->name == name) return &p;
  return nullptr;
}

std::string LayerSpec::portName(int port) const {
  if (port >= 0 && port < static_cast<int>(portNames.size())) return portNames[port];
  return "input " + std::to_string(port + 1);
}

std::string LayerSpec::baseName() const { return lower(type); }

ParamMap defaultParams(const LayerSpec& spec) {
  ParamMap m;
  for (const auto& p : spec.params) m[p.name] = p.default_value;
  return m;
}

ResolvedParams resolveParams(const LayerSpec& spec, const ParamMap& given) {
  ResolvedParams r;
  r.values = defaultParams(spec);
  for (const auto& [name, value] : given) {
    const ParamSpec* p = spec.param(name);
    if (!p) {
      r.unknown.push_back(name);
      continue;
    }
    auto v = p->coerce(value);
    if (!v) {
      r.errors.push_back(p->name + " must be " + (p->kind == ParamKind::Int ? "an " : "a ") +
                         paramKindName(p->kind) + ", got " + paramKindName(kindOf(value)));
      continue;
    }
    if (Status s = p->validate(*v); !s) {
      r.errors.push_back(s.message());
      continue;
    }
    r.values[p->name] = std::move(*v);
  }
  return r;
}

// [SECTION] Catalog

Catalog::Catalog(std::vector<LayerSpec> layers) : layers_(std::move(layers)) {
  for (const auto& l : layers_)
    if (std::find(categories_.begin(), categories_.end(), l.category) == categories_.end())
      categories_.push_back(l.category);
  // Picker order: by category (first appearance), then table order within it.
  std::stable_sort(layers_.begin(), layers_.end(), [&](const LayerSpec& a, const LayerSpec& b) {
    auto ia = std::find(categories_.begin(), categories_.end(), a.category);
    auto ib = std::find(categories_.begin(), categories_.end(), b.category);
    return ia < ib;
  });
}

const LayerSpec* Catalog::find(std::string_view type) const {
  for (const auto& l : layers_)
    if (l.type == type) return &l;
  for (const auto& l : layers_)
    for (const auto& a : l.aliases)
      if (a == type) return &l;
  const std::string want = lower(type);
  for (const auto& l : layers_)
    if (lower(l.type) == want) return &l;
  return nullptr;
}

std::vector<SearchHit> Catalog::search(std::string_view query, std::optional<Framework> only) const {
  std::vector<SearchHit> hits;
  const std::string q = lower(query);
  for (const auto& l : layers_) {
    if (only && !l.has(*only)) continue;
    if (q.empty()) {
      hits.push_back({&l, 0});
      continue;
    }
    int best = 0;
    auto consider = [&](const std::string& text, int weight) {
      const std::string t = lower(text);
      int s = 0;
      if (t == q) {
        s = 100;
      } else if (t.compare(0, q.size(), q) == 0) {
        s = 80;
      } else {
        size_t pos = t.find(q);
        if (pos != std::string::npos) {
          const bool word_start = pos > 0 && !std::isalnum(static_cast<unsigned char>(t[pos - 1]));
          s = word_start ? 60 : 40;
        }
      }
      best = std::max(best, s * weight / 10);
    };
    consider(l.type, 10);
    consider(l.label, 10);
    for (const auto& a : l.aliases) consider(a, 9);
    for (const auto& k : l.keywords) consider(k, 8);
    consider(l.category, 5);
    if (best > 0) hits.push_back({&l, best});
  }
  std::stable_sort(hits.begin(), hits.end(), [](const SearchHit& a, const SearchHit& b) { return a.score > b.score; });
  return hits;
}

const Catalog& catalog() {
  static const Catalog instance(builtinLayers());
  return instance;
}

}  // namespace nf::builder
