// builder/serialize.cpp - saved and compact documents (see serialize.h).
//
// Index of this file
//   [SECTION] JSON helpers (safe parse, value conversion)
//   [SECTION] Nodes and edges shared by both forms
//   [SECTION] Saved form
//   [SECTION] Compact form
//   [SECTION] Migrations
#include "builder/serialize.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "base/byte_source.h"
#include "builder/limits.h"

namespace nf::builder {

using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

namespace {

// [SECTION] JSON helpers (safe parse, value conversion)

constexpr int kMaxDepth = 64;          // nlohmann parses recursively: deep nesting must not reach it

Status checkDepth(std::string_view text) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) return Error{"the document nests deeper than " + std::to_string(kMaxDepth) + " levels"};
    } else if (c == ']' || c == '}') --depth;
  }
  return {};
}

// Records where a parse fails without throwing: the web build runs with exception
// catching disabled, so nothing in this module may throw (nlohmann is used with
// allow_exceptions = false and every get<>() is guarded by a type check).
struct ErrorProbe : nlohmann::json_sax<json> {
  size_t position = 0;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t pos, const std::string&, const nlohmann::detail::exception&) override {
    position = pos;
    return false;
  }
};

// dump() throws on invalid UTF-8 (a name cut inside a multi-byte character): replace
// such bytes with U+FFFD instead, since nothing here may throw.
template <class J>
std::string dumpText(const J& j, int indent = -1) {
  return j.dump(indent, ' ', false, J::error_handler_t::replace);
}

Result<json> parseJson(std::string_view text) {
  if (text.size() > kMaxDocumentBytes)
    return Error{"the document is larger than " + std::to_string(kMaxDocumentBytes >> 20) + " MiB"};
  if (Status s = checkDepth(text); !s) return Error{s.message()};
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    ErrorProbe probe;
    json::sax_parse(text.begin(), text.end(), &probe, nlohmann::detail::input_format_t::json, true);
    return Error{"not valid JSON (at byte " + std::to_string(probe.position) + ")"};
  }
  return j;
}


std::optional<int64_t> asInt(const json& j) {
  if (j.is_number_integer()) {
    if (j.is_number_unsigned() && j.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return j.get<int64_t>();
  }
  if (j.is_number_float()) {
    const double d = j.get<double>();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.0e15) return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

std::optional<ParamValue> fromJson(const json& j) {
  if (j.is_boolean()) return ParamValue(j.get<bool>());
  if (j.is_number_integer()) {
    if (auto i = asInt(j)) return ParamValue(*i);
    return std::nullopt;
  }
  if (j.is_number_float()) return ParamValue(j.get<double>());
  if (j.is_string()) return ParamValue(j.get<std::string>());
  if (j.is_array()) {
    IntList list;
    for (const json& e : j) {
      auto i = asInt(e);
      if (!i) return std::nullopt;
      list.push_back(*i);
    }
    return ParamValue(std::move(list));
  }
  return std::nullopt;
}

std::string lowerAscii(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// [SECTION] Nodes and edges shared by both forms

// Fills node.params / node.extra_params from a JSON object of parameters. Known
// parameters are typed (and coerced where the intent is clear) but not validated:
// an out-of-range value stays, so the analysis can show it on the node.
void readParams(Node& node, const json* params, const std::string& where, LoadReport& report) {
  const LayerSpec* spec = catalog().find(node.type);
  if (spec && spec->type != node.type) {
    report.notes.push_back(where + ": type '" + node.type + "' read as '" + spec->type + "'");
    node.type = spec->type;
  }
  if (params && params->is_object()) {
    for (auto it = params->begin(); it != params->end(); ++it) {
      const ParamSpec* p = spec ? spec->param(it.key()) : nullptr;
      if (!p) {
        node.extra_params[it.key()] = dumpText(it.value());
        continue;
      }
      auto v = fromJson(it.value());
      if (!v) {
        report.notes.push_back(where + ": parameter '" + it.key() + "' has an unusable value; the default is used");
        continue;
      }
      auto coerced = p->coerce(*v);
      node.params[p->name] = coerced ? std::move(*coerced) : std::move(*v);
    }
  } else if (params && !params->is_null() && !(params->is_number_integer() && params->get<int64_t>() == 0)) {
    report.notes.push_back(where + ": parameters are not an object and were ignored");
  }
  if (spec) {
    for (const ParamSpec& p : spec->params)
      if (!node.params.count(p.name)) node.params[p.name] = p.default_value;
  }
}

void addEdges(Document& doc, const std::vector<Edge>& edges, LoadReport& report) {
  for (const Edge& e : edges) {
    const Node* from = doc.node(e.from);
    const Node* to = doc.node(e.to);
    if (!from || !to) {
      report.notes.push_back("an edge from node " + std::to_string(e.from.index) + " to node " +
                             std::to_string(e.to.index) + " names a missing node and was dropped");
      continue;
    }
    if (e.port < 0 || e.port > 1023) {
      report.notes.push_back("an edge into " + to->name + " has port " + std::to_string(e.port) + " and was dropped");
      continue;
    }
    if (e.out < 0 || e.out > 1023) {
      report.notes.push_back("an edge from " + from->name + " reads output " + std::to_string(e.out) + " and was dropped");
      continue;
    }
    if (doc.edgeInto(e.to, e.port)) {
      report.notes.push_back("a second edge into input " + std::to_string(e.port + 1) + " of " + to->name +
                             " was dropped");
      continue;
    }
    (void)doc.insertEdge(e);
  }
}

Status readVersion(json& root, const char* key, LoadReport& report) {
  auto version = root.contains(key) ? asInt(root[key]) : std::nullopt;
  if (!version || *version < 1) return Error{"the document has no valid version number"};
  report.source_version = static_cast<int>(*version);
  if (*version > kDocumentVersion) {
    report.notes.push_back("made by a newer NetForge (document version " + std::to_string(*version) +
                           "); loading what this version understands");
  } else if (*version < kDocumentVersion) {
    if (Status s = migrate(root, static_cast<int>(*version), kDocumentVersion, migrations(), &report.notes); !s)
      return s;
  }
  return {};
}

// Default names ("relu_3") for nodes saved without one, in one pass over a set of the
// names in use (Document::defaultName per node would be quadratic in a large document).
void nameUnnamed(Document& doc, const std::vector<NodeId>& unnamed) {
  if (unnamed.empty()) return;
  std::set<std::string> names;
  for (const Node& n : doc.nodes()) names.insert(n.name);
  std::map<std::string, int> last_k;
  for (NodeId id : unnamed) {
    Node* n = doc.mutableNode(id);
    const LayerSpec* spec = catalog().find(n->type);
    const std::string base = spec ? spec->baseName() : "layer";
    int& k = last_k[base];
    std::string candidate;
    do candidate = base + "_" + std::to_string(++k);
    while (names.count(candidate));
    names.insert(candidate);
    n->name = std::move(candidate);
  }
}

double number(const json& j) { return j.is_number() ? j.get<double>() : 0.0; }

ojson posJsonValue(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return static_cast<int64_t>(v);
  return v;
}

// Canvas coordinates are kept within +-1e9 (far beyond any canvas; NaN becomes 0), so
// sums and the compact form's whole-unit deltas never overflow.
constexpr double kMaxCoordinate = 1e9;
double coordinate(double v) { return std::isnan(v) ? 0.0 : std::clamp(v, -kMaxCoordinate, kMaxCoordinate); }

// [SECTION] Diagram decoration (version 2: node colours and notes, labels, frames)

// True when the document needs version 2 to be saved faithfully; an undecorated one is
// still written as version 1, so an older NetForge reads it without a note.
bool decorated(const Document& doc) {
  if (!doc.annotations().empty()) return true;
  return std::any_of(doc.nodes().begin(), doc.nodes().end(),
                     [](const Node& n) { return n.color.has_value() || !n.note.empty(); });
}
// Version 3 when an edge reads a layer's second or later output.
int versionFor(const Document& doc) {
  if (std::any_of(doc.edges().begin(), doc.edges().end(), [](const Edge& e) { return e.out != 0; })) return 3;
  return decorated(doc) ? 2 : 1;
}

std::string colorText(uint32_t rgb) {
  static const char* kHex = "0123456789abcdef";
  std::string out = "#";
  for (int shift = 20; shift >= 0; shift -= 4) out += kHex[(rgb >> shift) & 0xF];
  return out;
}

// "#rrggbb" (either case); nullopt otherwise.
std::optional<uint32_t> parseColor(const json& j) {
  if (!j.is_string()) return std::nullopt;
  const std::string& t = j.get_ref<const std::string&>();
  if (t.size() != 7 || t[0] != '#') return std::nullopt;
  uint32_t v = 0;
  for (size_t i = 1; i < 7; ++i) {
    const char c = t[i];
    const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return std::nullopt;
    v = v << 4 | static_cast<uint32_t>(d);
  }
  return v;
}

// Texts longer than the editor allows are cut (at a character boundary) with a note.
std::string boundedText(const json& j, const std::string& where, LoadReport& report) {
  if (!j.is_string()) {
    report.notes.push_back(where + ": text is not a string and was ignored");
    return "";
  }
  std::string t = j.get<std::string>();
  if (t.size() > kMaxNoteBytes) {
    size_t cut = kMaxNoteBytes;
    while (cut > 0 && (static_cast<unsigned char>(t[cut]) & 0xC0) == 0x80) --cut;
    t.resize(cut);
    report.notes.push_back(where + ": text longer than " + std::to_string(kMaxNoteBytes) + " bytes was cut");
  }
  return t;
}

// A node's "color" and "note" (saved form) or "c" and "t" (compact form).
void readNodeLook(Node& n, const json& obj, const char* color_key, const char* note_key, const std::string& where,
                  LoadReport& report) {
  if (!obj.is_object()) return;
  if (obj.contains(color_key)) {
    if (auto c = parseColor(obj[color_key])) n.color = *c;
    else report.notes.push_back(where + ": colour is not #rrggbb and was ignored");
  }
  if (obj.contains(note_key)) n.note = boundedText(obj[note_key], where, report);
}

// An imported layer's ONNX tensors: {"weight": "W", "bias": "B"}, or ["W", true] for a
// tensor torch holds transposed. Malformed entries are dropped with a note (the layer
// then keeps fresh weights for them).
ojson weightSourcesJson(const Node& n) {
  ojson j = ojson::object();
  for (const auto& [param, src] : n.onnx_weights)
    j[param] = src.transposed ? ojson::array({src.tensor, true}) : ojson(src.tensor);
  return j;
}

void readWeightSources(Node& n, const json& obj, const std::string& where, LoadReport& report) {
  if (!obj.contains("onnx_weights")) return;
  const json& j = obj["onnx_weights"];
  if (!j.is_object()) {
    report.notes.push_back(where + ": 'onnx_weights' is not an object and was ignored");
    return;
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    const json& v = it.value();
    if (v.is_string()) {
      n.onnx_weights[it.key()] = {v.get<std::string>(), false};
    } else if (v.is_array() && v.size() == 2 && v[0].is_string() && v[1].is_boolean()) {
      n.onnx_weights[it.key()] = {v[0].get<std::string>(), v[1].get<bool>()};
    } else {
      report.notes.push_back(where + ": ONNX weight '" + it.key() + "' is not a name or [name, transposed] and was ignored");
    }
  }
}

// Labels and frames: [{"id", "kind": "label"|"frame", "text", "pos": [x, y], "size": [w, h], "color"}]
// in both forms (the compact form numbers them 1..n and leaves "id" out).
void readAnnotations(Document& doc, const json* list, LoadReport& report) {
  if (!list) return;
  if (!list->is_array()) {
    report.notes.push_back("'annotations' is not a list and was ignored");
    return;
  }
  size_t k = 0;
  for (const json& ja : *list) {
    ++k;
    const std::string where = "label/frame #" + std::to_string(k);
    if (k > kMaxAnnotations) {
      report.notes.push_back("more than " + std::to_string(kMaxAnnotations) + " labels and frames: the rest were dropped");
      break;
    }
    if (!ja.is_object()) {
      report.notes.push_back(where + " is not an object and was dropped");
      continue;
    }
    Annotation a;
    auto id = ja.contains("id") ? asInt(ja["id"]) : std::optional<int64_t>(static_cast<int64_t>(k));
    if (!id || *id < 1 || *id > 0x7fffffff || doc.annotation(static_cast<uint32_t>(*id))) {
      report.notes.push_back(where + " has no valid id and was dropped");
      continue;
    }
    a.id = static_cast<uint32_t>(*id);
    const std::string kind = ja.contains("kind") && ja["kind"].is_string() ? ja["kind"].get<std::string>() : "";
    if (kind != "label" && kind != "frame") {
      report.notes.push_back(where + " is neither a label nor a frame and was dropped");
      continue;
    }
    a.kind = kind == "frame" ? Annotation::Kind::Frame : Annotation::Kind::Label;
    if (ja.contains("text")) a.text = boundedText(ja["text"], where, report);
    auto pair = [&](const char* key) -> Vec2 {
      if (!ja.contains(key)) return {};
      const json& p = ja[key];
      if (p.is_array() && p.size() == 2 && p[0].is_number() && p[1].is_number())
        return {coordinate(p[0].get<double>()), coordinate(p[1].get<double>())};
      report.notes.push_back(where + ": '" + key + "' is not [x, y]; 0, 0 used");
      return {};
    };
    a.pos = pair("pos");
    a.size = pair("size");
    a.size = {std::clamp(a.size.x, 0.0, kMaxCoordinate), std::clamp(a.size.y, 0.0, kMaxCoordinate)};
    if (ja.contains("color")) {
      if (auto c = parseColor(ja["color"])) a.color = *c;
      else report.notes.push_back(where + ": colour is not #rrggbb and was ignored");
    }
    (void)doc.insertAnnotation(std::move(a));
  }
}

ojson annotationsJson(const Document& doc, bool with_ids) {
  ojson list = ojson::array();
  for (const Annotation& a : doc.annotations()) {
    ojson ja = ojson::object();
    if (with_ids) ja["id"] = a.id;
    ja["kind"] = a.kind == Annotation::Kind::Frame ? "frame" : "label";
    ja["text"] = a.text;
    ja["pos"] = ojson::array({posJsonValue(a.pos.x), posJsonValue(a.pos.y)});
    if (a.kind == Annotation::Kind::Frame) ja["size"] = ojson::array({posJsonValue(a.size.x), posJsonValue(a.size.y)});
    if (a.color) ja["color"] = colorText(*a.color);
    list.push_back(std::move(ja));
  }
  return list;
}

// [SECTION] Saved form

Result<Document> loadSaved(json& root, LoadReport& report) {
  if (Status s = readVersion(root, "version", report); !s) return Error{s.message()};
  Document doc;
  if (root.contains("name") && root["name"].is_string()) doc.name = root["name"].get<std::string>();
  const json* nodes = root.contains("nodes") ? &root["nodes"] : nullptr;
  if (nodes && !nodes->is_array()) return Error{"'nodes' must be an array"};
  if (nodes && nodes->size() > kMaxDocumentNodes) return Error{"the document has too many nodes: " + nodeLimitMessage()};
  std::vector<Node> pending;
  std::vector<NodeId> unnamed;
  if (nodes) {
    size_t k = 0;
    for (const json& jn : *nodes) {
      ++k;
      const std::string where = "node #" + std::to_string(k);
      if (!jn.is_object()) return Error{where + " is not an object"};
      auto id = jn.contains("id") ? asInt(jn["id"]) : std::nullopt;
      if (!id || *id < 1 || *id > 0x7fffffff) return Error{where + " has no valid id"};
      if (!jn.contains("type") || !jn["type"].is_string() || jn["type"].get<std::string>().empty())
        return Error{where + " has no type"};
      Node n;
      n.id = NodeId{static_cast<uint32_t>(*id)};
      n.type = jn["type"].get<std::string>();
      if (jn.contains("name") && jn["name"].is_string()) n.name = jn["name"].get<std::string>();
      readParams(n, jn.contains("params") ? &jn["params"] : nullptr, where, report);
      if (jn.contains("pos")) {
        const json& p = jn["pos"];
        if (p.is_array() && p.size() == 2 && p[0].is_number() && p[1].is_number()) {
          n.pos = {coordinate(p[0].get<double>()), coordinate(p[1].get<double>())};
        } else {
          report.notes.push_back(where + ": position is not [x, y]; placed at 0, 0");
        }
      }
      readNodeLook(n, jn, "color", "note", where, report);
      readWeightSources(n, jn, where, report);
      if (doc.contains(n.id)) return Error{where + " reuses id " + std::to_string(*id)};
      if (n.name.empty()) unnamed.push_back(n.id);
      if (Status s = doc.insertNode(n); !s) return Error{s.message()};
    }
  }
  nameUnnamed(doc, unnamed);
  std::vector<Edge> edges;
  if (root.contains("edges")) {
    if (!root["edges"].is_array()) return Error{"'edges' must be an array"};
    for (const json& je : root["edges"]) {
      auto field = [&](const char* key, int64_t fallback) -> int64_t {
        if (!je.is_object() || !je.contains(key)) return fallback;
        return asInt(je[key]).value_or(-2);
      };
      const int64_t from = field("from", -2), to = field("to", -2), port = field("port", 0), out = field("out", 0);
      if (from < 0 || to < 0 || port < 0 || out < 0 || from > 0x7fffffff || to > 0x7fffffff) {
        report.notes.push_back("an edge without valid from/to/port/out was dropped");
        continue;
      }
      edges.push_back({NodeId{static_cast<uint32_t>(from)}, NodeId{static_cast<uint32_t>(to)},
                       static_cast<int>(std::min<int64_t>(port, 1 << 20)), static_cast<int>(std::min<int64_t>(out, 1 << 20))});
    }
  }
  addEdges(doc, edges, report);
  if (root.contains("next_id")) {
    if (auto next = asInt(root["next_id"]); next && *next > 0 && *next <= 0x7fffffff)
      doc.setNextId(static_cast<uint32_t>(*next));
  }
  readAnnotations(doc, root.contains("annotations") ? &root["annotations"] : nullptr, report);
  if (root.contains("next_annotation_id")) {
    if (auto next = asInt(root["next_annotation_id"]); next && *next > 0 && *next <= 0x7fffffff)
      doc.setNextAnnotationId(static_cast<uint32_t>(*next));
  }
  return doc;
}

ojson paramsJson(const Node& node, bool onlyNonDefault) {
  ojson out = ojson::object();
  const LayerSpec* spec = catalog().find(node.type);
  auto write = [&](const std::string& name, const ParamValue& v, const ParamSpec* p) {
    if (onlyNonDefault && p && sameValue(v, p->default_value)) return;
    if (onlyNonDefault && p && p->kind == ParamKind::IntTuple && p->min_length == p->max_length &&
        kindOf(v) == ParamKind::IntTuple) {
      const IntList& t = std::get<IntList>(v);
      if (!t.empty() && std::all_of(t.begin(), t.end(), [&](int64_t x) { return x == t[0]; })) {
        out[name] = t[0];
        return;
      }
    }
    out[name] = ojson(paramValueJson(v));
  };
  if (spec) {
    for (const ParamSpec& p : spec->params) {
      auto it = node.params.find(p.name);
      if (it != node.params.end()) write(p.name, it->second, &p);
    }
  }
  for (const auto& [name, v] : node.params)
    if (!spec || !spec->param(name)) write(name, v, nullptr);
  for (const auto& [name, raw] : node.extra_params) out[name] = ojson::parse(raw, nullptr, false);
  return out;
}

ojson posJson(double v) { return posJsonValue(v); }

// [SECTION] Compact form

// Default name of the k-th node (1-based) whose lowercase type is `base`.
std::string compactDefaultName(const std::string& type, std::map<std::string, int>& counts) {
  const std::string base = lowerAscii(type);
  return base + "_" + std::to_string(++counts[base]);
}

Result<Document> loadCompactJson(json& root, LoadReport& report) {
  if (Status s = readVersion(root, "v", report); !s) return Error{s.message()};
  Document doc;
  if (root.contains("n") && root["n"].is_string()) doc.name = root["n"].get<std::string>();
  if (!root.contains("l") || !root["l"].is_array()) return Error{"the compact document has no layer list"};
  const json& list = root["l"];
  if (list.size() > kMaxDocumentNodes) return Error{"the document has too many nodes: " + nodeLimitMessage()};
  std::map<std::string, int> counts;
  std::vector<Edge> edges;
  double x = 0, y = 0;
  const int count = static_cast<int>(list.size());
  for (int i = 0; i < count; ++i) {
    const json& e = list[i];
    const std::string where = "layer #" + std::to_string(i + 1);
    if (!e.is_array() || e.empty() || !e[0].is_string() || e[0].get<std::string>().empty())
      return Error{where + " has no type"};
    auto at = [&](size_t k) -> const json* { return k < e.size() ? &e[k] : nullptr; };
    Node n;
    n.id = NodeId{static_cast<uint32_t>(i + 1)};
    n.type = e[0].get<std::string>();
    const std::string predicted = compactDefaultName(n.type, counts);
    n.name = at(1) && at(1)->is_string() ? at(1)->get<std::string>() : predicted;
    readParams(n, at(2), where, report);
    const json* inputs = at(3);
    if (!inputs || (inputs->is_number_integer() && inputs->get<int64_t>() == 0)) {
      if (i > 0) edges.push_back({NodeId{static_cast<uint32_t>(i)}, n.id, 0});
    } else if (inputs->is_array()) {
      int port = 0;
      for (const json& src : *inputs) {
        // A layer's index, or [index, output] for a multi-output layer's second or later output.
        const bool pair = src.is_array() && src.size() == 2;
        auto idx = asInt(pair ? src[0] : src);
        auto out = pair ? asInt(src[1]) : std::optional<int64_t>(0);
        if (idx && *idx >= 0 && *idx < count && out && *out >= 0 && *out <= 1023) {
          edges.push_back({NodeId{static_cast<uint32_t>(*idx + 1)}, n.id, port, static_cast<int>(*out)});
        } else if (!idx || *idx != -1) {
          report.notes.push_back(where + ": input " + std::to_string(port + 1) + " names no layer and was dropped");
        }
        ++port;
      }
    } else {
      report.notes.push_back(where + ": inputs are not a list and were ignored");
    }
    x = coordinate(x + (at(4) ? number(*at(4)) : 0.0));
    y = coordinate(y + (at(5) ? number(*at(5)) : 0.0));
    n.pos = {x, y};
    if (const json* look = at(6)) readNodeLook(n, *look, "c", "t", where, report);
    if (Status s = doc.insertNode(std::move(n)); !s) return Error{s.message()};
  }
  addEdges(doc, edges, report);
  readAnnotations(doc, root.contains("a") ? &root["a"] : nullptr, report);
  return doc;
}

}  // namespace

std::string saveJson(const Document& doc) { return saveJson(doc, nullptr); }

void SaveJsonCache::onlyChanged(std::vector<NodeId> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  only_changed_ = std::move(ids);
}

std::string saveJson(const Document& doc, SaveJsonCache* cache) {
  ojson header = ojson::object();
  header["format"] = kDocumentFormat;
  header["version"] = versionFor(doc);
  header["name"] = doc.name;
  header["next_id"] = doc.nextId().index;
  if (!doc.annotations().empty()) header["next_annotation_id"] = doc.nextAnnotationId();
  auto nodeLine = [](const Node& n) {
    ojson jn = ojson::object();
    jn["id"] = n.id.index;
    jn["type"] = n.type;
    jn["name"] = n.name;
    jn["params"] = paramsJson(n, false);
    jn["pos"] = ojson::array({posJson(n.pos.x), posJson(n.pos.y)});
    if (n.color) jn["color"] = colorText(*n.color);
    if (!n.note.empty()) jn["note"] = n.note;
    if (!n.onnx_weights.empty()) jn["onnx_weights"] = weightSourcesJson(n);
    return dumpText(jn);
  };
  std::optional<std::vector<NodeId>> only_changed;
  if (cache) {
    only_changed = std::exchange(cache->only_changed_, std::nullopt);
    if (!only_changed) cache->lines_.clear();
    else
      for (NodeId id : *only_changed) cache->lines_.erase(id.index);  // changed or gone
  }
  // One node / edge per line: diffs of saved files stay readable.
  std::string out = dumpText(header, 2);
  out.erase(out.size() - 2);  // drop "\n}"
  out += ",\n  \"nodes\": [";
  for (size_t i = 0; i < doc.nodes().size(); ++i) {
    const Node& n = doc.nodes()[i];
    out += i ? ",\n    " : "\n    ";
    if (!cache) {
      out += nodeLine(n);
      continue;
    }
    auto [line, fresh] = cache->lines_.try_emplace(n.id.index);
    if (fresh) line->second = nodeLine(n);
    out += line->second;
  }
  out += doc.nodes().empty() ? "],\n" : "\n  ],\n";
  out += "  \"edges\": [";
  // {"from":1,"to":2,"port":0[,"out":1]}: what dumping the object gives, without building it.
  for (size_t i = 0; i < doc.edges().size(); ++i) {
    const Edge& e = doc.edges()[i];
    out += i ? ",\n    " : "\n    ";
    out += "{\"from\":" + std::to_string(e.from.index) + ",\"to\":" + std::to_string(e.to.index) +
           ",\"port\":" + std::to_string(e.port);
    if (e.out != 0) out += ",\"out\":" + std::to_string(e.out);
    out += '}';
  }
  out += doc.edges().empty() ? "]" : "\n  ]";
  if (!doc.annotations().empty()) {
    out += ",\n  \"annotations\": [";
    const ojson list = annotationsJson(doc, true);
    for (size_t i = 0; i < list.size(); ++i) out += (i ? ",\n    " : "\n    ") + dumpText(list[i]);
    out += "\n  ]";
  }
  out += "\n}\n";
  return out;
}

Result<Document> loadJson(std::string_view text, LoadReport* report) {
  LoadReport local;
  LoadReport& r = report ? *report : local;
  auto root = parseJson(text);
  if (!root) return root.error();
  if (!root->is_object()) return Error{"a builder document is a JSON object"};
  if (!root->contains("format") || !(*root)["format"].is_string())
    return Error{"not a NetForge builder document (no \"format\" field)"};
  const std::string format = (*root)["format"].get<std::string>();
  if (format != kDocumentFormat) return Error{"not a NetForge builder document (format is '" + format.substr(0, 40) + "')"};
  return loadSaved(*root, r);
}

std::string saveCompact(const Document& doc) {
  ojson root = ojson::object();
  root["v"] = versionFor(doc);
  root["n"] = doc.name;
  ojson list = ojson::array();
  std::map<NodeId, int> index;
  for (size_t i = 0; i < doc.nodes().size(); ++i) index[doc.nodes()[i].id] = static_cast<int>(i);
  std::map<std::string, int> counts;
  int64_t px = 0, py = 0;
  for (size_t i = 0; i < doc.nodes().size(); ++i) {
    const Node& n = doc.nodes()[i];
    ojson e = ojson::array();
    e.push_back(n.type);
    const std::string predicted = compactDefaultName(n.type, counts);
    e.push_back(n.name == predicted ? ojson(0) : ojson(n.name));
    ojson params = paramsJson(n, true);
    e.push_back(params.empty() ? ojson(0) : params);
    const std::vector<Edge> in = doc.inputEdges(n.id);
    const bool chain = in.size() == 1 && in[0].port == 0 && in[0].out == 0 && i > 0 &&
                       index[in[0].from] == static_cast<int>(i) - 1;
    if (chain) {
      e.push_back(0);
    } else {
      ojson ports = ojson::array();
      for (const Edge& edge : in) {
        while (static_cast<int>(ports.size()) < edge.port) ports.push_back(-1);
        ports.push_back(edge.out == 0 ? ojson(index[edge.from]) : ojson::array({index[edge.from], edge.out}));
      }
      e.push_back(ports);
    }
    const int64_t x = std::llround(coordinate(n.pos.x)), y = std::llround(coordinate(n.pos.y));
    e.push_back(x - px);
    e.push_back(y - py);
    px = x;
    py = y;
    if (n.color || !n.note.empty()) {
      ojson look = ojson::object();
      if (n.color) look["c"] = colorText(*n.color);
      if (!n.note.empty()) look["t"] = n.note;
      e.push_back(std::move(look));
    }
    while (e.size() > 1 && e.back().is_number_integer() && e.back().get<int64_t>() == 0) e.erase(e.size() - 1);
    list.push_back(std::move(e));
  }
  root["l"] = std::move(list);
  if (!doc.annotations().empty()) root["a"] = annotationsJson(doc, false);
  return dumpText(root);
}

Result<Document> loadCompact(std::string_view text, LoadReport* report) {
  LoadReport local;
  LoadReport& r = report ? *report : local;
  auto root = parseJson(text);
  if (!root) return root.error();
  if (!root->is_object()) return Error{"a compact builder document is a JSON object"};
  return loadCompactJson(*root, r);
}

Result<Document> loadDocument(std::string_view text, LoadReport* report) {
  LoadReport local;
  LoadReport& r = report ? *report : local;
  auto root = parseJson(text);
  if (!root) return root.error();
  if (!root->is_object()) return Error{"a builder document is a JSON object"};
  if (root->contains("format")) {
    if (!(*root)["format"].is_string() || (*root)["format"].get<std::string>() != kDocumentFormat)
      return Error{"not a NetForge builder document (unexpected \"format\")"};
    return loadSaved(*root, r);
  }
  if (root->contains("l") && root->contains("v")) return loadCompactJson(*root, r);
  return Error{"not a NetForge builder document (no \"format\" field)"};
}

Result<Document> loadDocumentFile(const std::string& path, LoadReport* report) {
  std::vector<uint8_t> bytes;
  std::string error;
  if (!readWholeFile(path, &bytes, &error)) return Error{error};
  auto doc = loadDocument(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), report);
  if (!doc) return Error{path + ": " + doc.error().message};
  return doc;
}

// [SECTION] Migrations

const std::vector<Migration>& migrations() {
  // A step looks like {1, "what changed", [](json& d) { ... }} and must handle both the
  // saved ("version", "nodes") and the compact ("v", "l") form. Versions 2 and 3 only added
  // optional fields (node colours and notes, labels and frames; an edge's "out"): an older
  // document means the same in them, so their steps change nothing and say nothing.
  static const std::vector<Migration> table = {{1, "", [](json&) {}}, {2, "", [](json&) {}}};
  return table;
}

Status migrate(json& doc, int version, int target, const std::vector<Migration>& table, std::vector<std::string>* notes) {
  for (int v = version; v < target; ++v) {
    auto it = std::find_if(table.begin(), table.end(), [&](const Migration& m) { return m.from == v; });
    if (it == table.end() || !it->apply) {
      return Error{"cannot read document version " + std::to_string(version) + ": no migration from version " +
                   std::to_string(v)};
    }
    it->apply(doc);
    if (doc.contains("version")) doc["version"] = v + 1;
    if (doc.contains("v")) doc["v"] = v + 1;
    if (notes && it->summary && *it->summary)  // an additive step (empty summary) changes no meaning
      notes->push_back("migrated from document version " + std::to_string(v) + ": " + it->summary);
  }
  return {};
}

nlohmann::json paramValueJson(const ParamValue& v) {
  switch (kindOf(v)) {
    case ParamKind::Int: return std::get<int64_t>(v);
    case ParamKind::Float: return std::get<double>(v);
    case ParamKind::Bool: return std::get<bool>(v);
    case ParamKind::Enum: return std::get<std::string>(v);
    case ParamKind::IntTuple: return std::get<IntList>(v);
  }
  return nullptr;
}

}  // namespace nf::builder
