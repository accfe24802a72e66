// builder/onnx_op.cpp - the generic ONNX op layer's JSON texts (see onnx_op.h).
#include "builder/onnx_op.h"

#include <iterator>

#include <nlohmann/json.hpp>

#include "base/checked.h"

namespace nf::builder {

namespace {

using Json = nlohmann::json;

const char* kindKey(OnnxAttr::Kind k) {
  switch (k) {
    case OnnxAttr::Kind::Int: return "i";
    case OnnxAttr::Kind::Float: return "f";
    case OnnxAttr::Kind::String: return "s";
    case OnnxAttr::Kind::Ints: return "ints";
    case OnnxAttr::Kind::Floats: return "floats";
    case OnnxAttr::Kind::Strings: return "strings";
  }
  return "i";
}

// Parses `text` as JSON of the wanted type without throwing.
Result<Json> parseJson(const std::string& text, bool array, const char* what) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded()) return Error{std::string(what) + " are not valid JSON"};
  if (array ? !j.is_array() : !j.is_object())
    return Error{std::string(what) + " must be a JSON " + (array ? "list" : "object")};
  return j;
}

// A boolean member, false when absent or not a boolean.
bool flag(const Json& e, const char* key) {
  auto it = e.find(key);
  return it != e.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace

bool OnnxConst::isFloat() const {
  return dtype == "FLOAT" || dtype == "FLOAT16" || dtype == "DOUBLE" || dtype == "BFLOAT16";
}

int OnnxConst::onnxDataType() const {
  static const char* const kNames[] = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64",
                                       "STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64"};
  for (int k = 1; k < static_cast<int>(std::size(kNames)); ++k)
    if (dtype == kNames[k]) return k;
  if (dtype == "BFLOAT16") return 16;
  return 0;
}

int64_t OnnxConst::elements() const {
  int64_t n = 1;
  for (int64_t d : dims) n = satMul(n, d);
  return n;
}

// Attributes as {"name": {"i": 3}}: the kind key keeps an int list apart from a float
// list, which plain JSON numbers would not.
std::string formatOnnxAttrs(const std::vector<OnnxAttr>& attrs) {
  Json j = Json::object();
  for (const OnnxAttr& a : attrs) {
    Json v;
    switch (a.kind) {
      case OnnxAttr::Kind::Int: v = a.i; break;
      case OnnxAttr::Kind::Float: v = a.f; break;
      case OnnxAttr::Kind::String: v = a.s; break;
      case OnnxAttr::Kind::Ints: v = a.ints; break;
      case OnnxAttr::Kind::Floats: v = a.floats; break;
      case OnnxAttr::Kind::Strings: v = a.strings; break;
    }
    j[a.name] = Json{{kindKey(a.kind), v}};
  }
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<std::vector<OnnxAttr>> parseOnnxAttrs(const std::string& text) {
  auto j = parseJson(text, false, "the attributes");
  if (!j) return j.error();
  std::vector<OnnxAttr> out;
  for (const auto& [name, holder] : j->items()) {
    OnnxAttr a;
    a.name = name;
    const std::string bad = "attribute '" + name + "' must be {\"i\"|\"f\"|\"s\"|\"ints\"|\"floats\"|\"strings\": value}";
    if (!holder.is_object() || holder.size() != 1) return Error{bad};
    const std::string key = holder.begin().key();
    const Json& v = holder.begin().value();
    auto numbers = [&](bool ints) {
      if (!v.is_array()) return false;
      for (const Json& e : v) {
        if (ints ? !e.is_number_integer() : !e.is_number()) return false;
        if (ints) a.ints.push_back(e.get<int64_t>());
        else a.floats.push_back(e.get<double>());
      }
      return true;
    };
    bool ok = false;
    if (key == "i") { a.kind = OnnxAttr::Kind::Int; ok = v.is_number_integer(); if (ok) a.i = v.get<int64_t>(); }
    else if (key == "f") { a.kind = OnnxAttr::Kind::Float; ok = v.is_number(); if (ok) a.f = v.get<double>(); }
    else if (key == "s") { a.kind = OnnxAttr::Kind::String; ok = v.is_string(); if (ok) a.s = v.get<std::string>(); }
    else if (key == "ints") { a.kind = OnnxAttr::Kind::Ints; ok = numbers(true); }
    else if (key == "floats") { a.kind = OnnxAttr::Kind::Floats; ok = numbers(false); }
    else if (key == "strings") {
      a.kind = OnnxAttr::Kind::Strings;
      ok = v.is_array();
      for (const Json& e : v) {
        if (!e.is_string()) { ok = false; break; }
        a.strings.push_back(e.get<std::string>());
      }
    }
    if (!ok) return Error{bad};
    out.push_back(std::move(a));
  }
  return out;
}

std::string formatOnnxConsts(const std::vector<OnnxConst>& consts) {
  Json j = Json::array();
  for (const OnnxConst& c : consts) {
    Json e = {{"input", c.input}};
    if (c.omitted) {
      e["omitted"] = true;
    } else {
      e["dtype"] = c.dtype;
      e["dims"] = c.dims;
      if (c.literal) e["literal"] = true;
      if (!c.values.empty()) e["values"] = c.values;
      if (!c.source.empty()) e["source"] = c.source;
    }
    j.push_back(std::move(e));
  }
  return j.dump();
}

Result<std::vector<OnnxConst>> parseOnnxConsts(const std::string& text) {
  auto j = parseJson(text, true, "the constants");
  if (!j) return j.error();
  std::vector<OnnxConst> out;
  for (const Json& e : *j) {
    const Error bad{"each constant must be {\"input\": k, \"dtype\": \"FLOAT\", \"dims\": [...]} or {\"input\": k, \"omitted\": true}"};
    if (!e.is_object() || !e.contains("input") || !e["input"].is_number_integer()) return bad;
    OnnxConst c;
    c.input = e["input"].get<int>();
    if (c.input < 0 || c.input > 64) return Error{"a constant's input position must be 0 to 64"};
    c.omitted = e.value("omitted", false);
    c.literal = e.value("literal", false);
    if (e.contains("source") && e["source"].is_string()) c.source = e["source"].get<std::string>();
    if (!c.omitted) {
      if (!e.contains("dtype") || !e["dtype"].is_string() || !e.contains("dims") || !e["dims"].is_array()) return bad;
      c.dtype = e["dtype"].get<std::string>();
      for (const Json& d : e["dims"]) {
        if (!d.is_number_integer() || d.get<int64_t>() < 0) return Error{"a constant's dims must be whole numbers >= 0"};
        c.dims.push_back(d.get<int64_t>());
      }
      if (e.contains("values")) {
        if (!e["values"].is_array()) return bad;
        for (const Json& v : e["values"]) {
          if (!v.is_number()) return Error{"a constant's values must be numbers"};
          c.values.push_back(v.get<double>());
        }
        if (static_cast<int64_t>(c.values.size()) != c.elements())
          return Error{"a constant has " + std::to_string(c.values.size()) + " values for dims of " +
                       std::to_string(c.elements()) + " elements"};
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

// More outputs as [{"shape": [1, 8, 4], "dtype": "float32", "channels_first": false}, {}, {"omitted": true}]:
// {} is an output without a shape (unused in the model).
std::string formatOnnxOutputs(const std::vector<OnnxOutput>& outputs) {
  Json j = Json::array();
  for (const OnnxOutput& o : outputs) {
    Json e = Json::object();
    if (o.omitted) {
      e["omitted"] = true;
    } else if (!o.shape.empty()) {
      e["shape"] = o.shape;
      e["dtype"] = o.dtype;
      if (o.channels_first) e["channels_first"] = true;
    }
    j.push_back(std::move(e));
  }
  return j.dump();
}

Result<std::vector<OnnxOutput>> parseOnnxOutputs(const std::string& text) {
  auto j = parseJson(text, true, "the more outputs");
  if (!j) return j.error();
  if (j->size() > 64) return Error{"an ONNX op layer has at most 65 outputs"};
  std::vector<OnnxOutput> out;
  for (const Json& e : *j) {
    const Error bad{"each further output must be {\"shape\": [...], \"dtype\": \"float32\"|\"int64\"}, {} or {\"omitted\": true}"};
    if (!e.is_object()) return bad;
    OnnxOutput o;
    o.omitted = flag(e, "omitted");
    if (e.contains("shape")) {
      if (!e["shape"].is_array() || e["shape"].empty() || e["shape"].size() > 8) return bad;
      for (const Json& d : e["shape"]) {
        if (!d.is_number_integer() || d.get<int64_t>() < 1 || d.get<int64_t>() > 1000000000)
          return Error{"a further output's shape must be 1 to 8 whole numbers from 1 to 10^9"};
        o.shape.push_back(d.get<int64_t>());
      }
      if (e.contains("dtype")) {
        if (!e["dtype"].is_string() || (e["dtype"] != "float32" && e["dtype"] != "int64")) return bad;
        o.dtype = e["dtype"].get<std::string>();
      }
      o.channels_first = flag(e, "channels_first");
    }
    out.push_back(std::move(o));
  }
  return out;
}

std::string onnxOpType(const ParamMap& params) {
  auto it = params.find("op_type");
  return it != params.end() && std::holds_alternative<std::string>(it->second) ? std::get<std::string>(it->second) : "";
}

}  // namespace nf::builder
