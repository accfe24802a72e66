// builder/codegen_plan.cpp - what both emitters share: the plan, Python literals,
// and the generateCode() entry point.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <utility>

#include "base/strings.h"
#include "builder/codegen.h"
#include "builder/codegen_internal.h"

namespace nf::builder {

// [SECTION] Python literals

std::string pyInt(int64_t v) { return std::to_string(v); }

std::string pyFloat(double v) {
  if (std::isnan(v)) return "float(\"nan\")";
  if (std::isinf(v)) return v > 0 ? "float(\"inf\")" : "-float(\"inf\")";
  std::string s = formatParamValue(v);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string pyBool(bool v) { return v ? "True" : "False"; }

namespace {

// The code point of the well-formed UTF-8 sequence at s[i] and its length, or 0 length.
std::pair<uint32_t, size_t> utf8At(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = byte(i);
  const size_t n = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) return {0, 0};
  uint32_t cp = b & (0x7f >> n);
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return {0, 0};
    cp = (cp << 6) | (byte(i + k) & 0x3f);
  }
  const bool overlong = (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
  if (overlong || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return {0, 0};
  return {cp, n};
}

}  // namespace

std::string pyString(std::string_view s) {
  // Non-ASCII text as \u / \U escapes of its code points, so the literal is the same
  // str as the UTF-8 name (ONNX tensor names, layer names); a byte that is not UTF-8
  // stays a \x escape.
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const unsigned char u = static_cast<unsigned char>(c);
    char buf[16];
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else if (u >= 0x80) {
      const auto [cp, n] = utf8At(s, i);
      if (n == 0) {
        std::snprintf(buf, sizeof buf, "\\x%02x", u);
      } else {
        if (cp > 0xffff) std::snprintf(buf, sizeof buf, "\\U%08x", static_cast<unsigned>(cp));
        else std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
        i += n - 1;
      }
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string pyTuple(const IntList& v) {
  std::string s = "(";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + (v.size() == 1 ? ",)" : ")");
}

std::string pyTupleOrScalar(const IntList& v) {
  if (!v.empty() && std::all_of(v.begin(), v.end(), [&](int64_t x) { return x == v[0]; })) return pyInt(v[0]);
  return pyTuple(v);
}

std::string pyValue(const ParamValue& v) {
  switch (kindOf(v)) {
    case ParamKind::Int: return pyInt(std::get<int64_t>(v));
    case ParamKind::Float: return pyFloat(std::get<double>(v));
    case ParamKind::Bool: return pyBool(std::get<bool>(v));
    case ParamKind::Enum: return pyString(std::get<std::string>(v));
    case ParamKind::IntTuple: return pyTupleOrScalar(std::get<IntList>(v));
  }
  return "None";
}

// [SECTION] Plan

Result<CodePlan> makeCodePlan(const Document& doc, Framework f, AnalysisCache* cache) {
  CodePlan plan;
  plan.analysis = analyze(doc, f, cache);
  std::vector<std::string> problems = errorLines(doc, plan.analysis);
  if (plan.analysis.inputs.empty()) problems.push_back("the model has no Input node");
  if (plan.analysis.outputs.empty() && !doc.nodes().empty() && plan.analysis.errors == 0)
    problems.push_back("the model has no layers after its inputs");
  for (NodeId id : plan.analysis.inputs) {
    if (doc.outputEdges(id).empty()) problems.push_back(doc.node(id)->name + ": this input is not connected to any layer");
  }
  if (!problems.empty()) {
    std::string msg = "cannot generate " + std::string(frameworkName(f)) + " code: " +
                      (problems.size() == 1 ? std::string("1 problem: ") : std::to_string(problems.size()) + " problems: ");
    for (size_t i = 0; i < problems.size(); ++i) msg += (i ? "; " : "") + problems[i];
    return Error{msg};
  }
  plan.class_name = sanitizeClassName(doc.name);
  plan.names.claim(plan.class_name, "Model");
  plan.modelName = sanitizeIdentifier(doc.name, "model");
  plan.title = commentText(doc.name);
  // Identifiers in topological order, so the first of two equal names keeps it.
  std::vector<int> planIndexOfDocIndex(doc.nodes().size(), -1);
  for (NodeId id : plan.analysis.order) {
    const Node* n = doc.node(id);
    const int doc_index = static_cast<int>(n - doc.nodes().data());
    PlannedNode p;
    p.node = n;
    p.report = &plan.analysis.nodes[doc_index];
    p.spec = p.report->spec;
    p.ident = plan.names.claim(n->name, p.spec ? p.spec->baseName() : "layer");
    for (int k = 1; k < p.report->output_count; ++k) p.more_idents.push_back(plan.names.claim(p.ident + "_" + std::to_string(k)));
    planIndexOfDocIndex[doc_index] = static_cast<int>(plan.nodes.size());
    plan.nodes.push_back(std::move(p));
  }
  for (PlannedNode& p : plan.nodes) {
    for (const Edge& e : doc.inputEdges(p.node->id)) {
      const int src = planIndexOfDocIndex[doc.node(e.from) - doc.nodes().data()];
      if (static_cast<int>(p.inputs.size()) <= e.port) {
        p.inputs.resize(e.port + 1, -1);
        p.input_outs.resize(e.port + 1, 0);
      }
      p.inputs[e.port] = src;
      p.input_outs[e.port] = e.out;
    }
  }
  auto byId = [&](const std::vector<NodeId>& ids) {
    std::vector<int> out;
    for (NodeId id : ids) out.push_back(planIndexOfDocIndex[doc.node(id) - doc.nodes().data()]);
    return out;
  };
  plan.input_nodes = byId(plan.analysis.inputs);
  plan.output_nodes = byId(plan.analysis.outputs);
  return plan;
}

namespace detail {

const std::string& kwName(const LayerSpec& spec, const char* param, Framework f) {
  static const std::string kEmpty;
  const ParamSpec* p = spec.param(param);
  return p ? p->in(f).name : kEmpty;
}

std::string kwIfNotDefault(const LayerSpec& spec, const ParamMap& params, const char* param, Framework f) {
  const ParamSpec* p = spec.param(param);
  if (!p || p->in(f).how != Mapping::Kwarg) return "";
  const ParamValue& v = params.at(p->name);
  const ParamValue& def = p->in(f).framework_default ? *p->in(f).framework_default : p->default_value;
  if (sameValue(v, def)) return "";
  return p->in(f).name + "=" + pyValue(v);
}

std::string outputSummary(const CodePlan& plan, Framework f) {
  std::string s;
  for (size_t i = 0; i < plan.output_nodes.size(); ++i) {
    s += (i ? ", " : "") + formatShape(plan.out(plan.output_nodes[i]), f, " x ");
  }
  const ParamCount& t = plan.analysis.total;
  s = (plan.output_nodes.size() == 1 ? "output " : "outputs ") + s + "; " + withThousands(t.trainable) +
      " trainable parameters";
  if (t.non_trainable) s += " + " + withThousands(t.non_trainable) + " non-trainable";
  return s;
}

std::string join(const std::vector<std::string>& parts) {
  std::string s;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!s.empty()) s += ", ";
    s += p;
  }
  return s;
}

}  // namespace detail

// [SECTION] Entry point

Result<std::string> generateCode(const Document& doc, const CodegenOptions& options) {
  // Translations of layers long gone do not pile up over a session.
  if (options.cache && options.cache->onnx_ops.size() > 2 * doc.nodes().size() + 1024) options.cache->onnx_ops.clear();
  auto plan = makeCodePlan(doc, options.framework, options.cache ? &options.cache->analysis : nullptr);
  if (!plan) return plan.error();
  return options.framework == Framework::PyTorch ? detail::emitPyTorch(*plan, options)
                                                 : detail::emitKeras(*plan, options);
}

std::string codeFileName(const Document& doc, Framework f) {
  return sanitizeIdentifier(doc.name, "model") + "_" + frameworkKey(f) + ".py";
}

}  // namespace nf::builder
