// netforge check DOC.json [--framework pytorch|keras] [--json]
//   Propagates shapes through a builder document (saved or compact form) and prints
//   every node's output shape and parameter count, every edge's shape and every error
//   and warning. Exit 0 when the document has no errors, 1 when it has (or cannot be
//   read; then one line on stderr says why).
// Extra modes:
//   --compact   print the document's compact (share-link) form instead
//   --catalog   print the layer catalog as JSON (no document needed)
#include <cstdio>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "builder/analysis.h"
#include "builder/catalog.h"
#include "builder/codegen.h"
#include "builder/pyident.h"
#include "builder/serialize.h"
#include "cli/commands.h"

namespace nf::cli {

namespace {

using builder::Framework;
using nlohmann::ordered_json;

ordered_json dimsJson(const builder::IntList& d) { return ordered_json(d); }

ordered_json paramJson(const builder::ParamValue& v) {
  switch (builder::kindOf(v)) {
    case builder::ParamKind::Int: return std::get<int64_t>(v);
    case builder::ParamKind::Float: return std::get<double>(v);
    case builder::ParamKind::Bool: return std::get<bool>(v);
    case builder::ParamKind::Enum: return std::get<std::string>(v);
    case builder::ParamKind::IntTuple: return std::get<builder::IntList>(v);
  }
  return nullptr;
}

const char* mappingName(builder::Mapping m) {
  switch (m) {
    case builder::Mapping::Kwarg: return "kwarg";
    case builder::Mapping::Derived: return "derived";
    case builder::Mapping::Unsupported: return "unsupported";
  }
  return "?";
}

const char* familyName(builder::Family f) {
  using F = builder::Family;
  switch (f) {
    case F::Input: return "input";
    case F::Linear: return "linear";
    case F::Identity: return "identity";
    case F::Flatten: return "flatten";
    case F::Reshape: return "reshape";
    case F::Permute: return "permute";
    case F::Squeeze: return "squeeze";
    case F::Unsqueeze: return "unsqueeze";
    case F::Embedding: return "embedding";
    case F::Conv: return "conv";
    case F::ConvTranspose: return "conv_transpose";
    case F::DepthwiseConv: return "depthwise_conv";
    case F::SeparableConv: return "separable_conv";
    case F::Pool: return "pool";
    case F::AdaptivePool: return "adaptive_pool";
    case F::GlobalPool: return "global_pool";
    case F::BatchNorm: return "batch_norm";
    case F::LayerNorm: return "layer_norm";
    case F::GroupNorm: return "group_norm";
    case F::InstanceNorm: return "instance_norm";
    case F::Dropout: return "dropout";
    case F::SpatialDropout: return "spatial_dropout";
    case F::Activation: return "activation";
    case F::PReLU: return "prelu";
    case F::Softmax: return "softmax";
    case F::Recurrent: return "recurrent";
    case F::MultiHeadAttention: return "multi_head_attention";
    case F::TransformerEncoder: return "transformer_encoder";
    case F::TransformerDecoder: return "transformer_decoder";
    case F::Merge: return "merge";
    case F::Concatenate: return "concatenate";
    case F::Upsample: return "upsample";
    case F::ZeroPad: return "zero_pad";
    case F::Cropping: return "cropping";
    case F::OnnxOp: return "onnx_op";
  }
  return "?";
}

int printCatalog() {
  ordered_json layers = ordered_json::array();
  for (const builder::LayerSpec& l : builder::catalog().layers()) {
    ordered_json jl;
    jl["type"] = l.type;
    jl["label"] = l.label;
    jl["category"] = l.category;
    jl["frameworks"] = ordered_json::array();
    if (l.has(Framework::PyTorch)) jl["frameworks"].push_back("pytorch");
    if (l.has(Framework::Keras)) jl["frameworks"].push_back("keras");
    jl["torch_class"] = l.torch_class;
    jl["keras_class"] = l.kerasClass;
    jl["torch_extra_kwargs"] = l.torchExtraKwargs;
    jl["keras_extra_kwargs"] = l.kerasExtraKwargs;
    jl["family"] = familyName(l.family);
    jl["rank"] = l.rank;
    jl["op"] = l.op;
    jl["min_inputs"] = l.min_inputs;
    jl["max_inputs"] = l.max_inputs;
    jl["aliases"] = l.aliases;
    ordered_json ps = ordered_json::array();
    for (const builder::ParamSpec& p : l.params) {
      ordered_json jp;
      jp["name"] = p.name;
      jp["kind"] = builder::paramKindName(p.kind);
      jp["default"] = paramJson(p.default_value);
      if (p.kind == builder::ParamKind::Int || p.kind == builder::ParamKind::Float ||
          p.kind == builder::ParamKind::IntTuple) {
        jp["min"] = p.min;
        jp["max"] = p.max;
      }
      if (p.kind == builder::ParamKind::IntTuple) jp["length"] = {p.min_length, p.max_length};
      if (p.kind == builder::ParamKind::Enum) jp["choices"] = p.choices;
      for (Framework f : {Framework::PyTorch, Framework::Keras}) {
        ordered_json jf;
        jf["name"] = p.in(f).name;
        jf["how"] = mappingName(p.in(f).how);
        if (p.in(f).framework_default) jf["default"] = paramJson(*p.in(f).framework_default);
        jp[builder::frameworkKey(f)] = jf;
      }
      ps.push_back(jp);
    }
    jl["params"] = ps;
    layers.push_back(jl);
  }
  ordered_json root;
  root["layers"] = layers;
  std::printf("%s\n", root.dump(1).c_str());
  return kExitOk;
}

void printText(const builder::Document& doc, const builder::Analysis& a, const builder::LoadReport& report) {
  const Framework f = a.framework;
  std::printf("%s: %zu layers, %s parameters (%s), %d error%s, %d warning%s\n", displayName(doc.name).c_str(),
              doc.nodes().size(), withThousands(a.total.trainable).c_str(), builder::frameworkName(f), a.errors,
              a.errors == 1 ? "" : "s", a.warnings, a.warnings == 1 ? "" : "s");
  std::printf("\n%-24s %-24s %-26s %s\n", "node", "type", (std::string("output (") + builder::frameworkName(f) + ")").c_str(),
              "params");
  for (size_t i = 0; i < doc.nodes().size(); ++i) {
    const builder::Node& n = doc.nodes()[i];
    const builder::NodeReport& r = a.nodes[i];
    std::string shape = r.output ? builder::formatShape(*r.output, f, " x ")
                                 : (r.blocked ? "(waiting for inputs)" : "(error)");
    std::string params = withThousands(r.params.trainable);
    if (r.params.non_trainable) params += " + " + withThousands(r.params.non_trainable) + " buffers";
    std::printf("%-24s %-24s %-26s %s\n", displayName(n.name, 24).c_str(), displayName(builder::typeLabel(n), 24).c_str(), shape.c_str(),
                params.c_str());
  }
  if (!doc.edges().empty()) {
    std::printf("\nedges\n");
    for (const builder::EdgeReport& e : a.edges) {
      const builder::Node* from = doc.node(e.edge.from);
      const builder::Node* to = doc.node(e.edge.to);
      const builder::LayerSpec* spec = builder::catalog().find(to->type);
      std::string port = spec ? spec->portName(e.edge.port) : "input " + std::to_string(e.edge.port + 1);
      const std::string out = e.edge.out ? " output " + std::to_string(e.edge.out + 1) : std::string();
      std::printf("  %s%s -> %s (%s): %s\n", displayName(from->name).c_str(), out.c_str(), displayName(to->name).c_str(),
                  port.c_str(), e.tensor ? builder::formatShape(*e.tensor, f, " x ").c_str() : "?");
    }
  }
  for (auto level : {builder::Issue::Level::Error, builder::Issue::Level::Warning}) {
    bool header = false;
    for (size_t i = 0; i < a.nodes.size(); ++i) {
      for (const builder::Issue& is : a.nodes[i].issues) {
        if (is.level != level) continue;
        if (!header) std::printf("\n%s\n", level == builder::Issue::Level::Error ? "errors" : "warnings");
        header = true;
        std::printf("  %s: %s\n", displayName(doc.nodes()[i].name).c_str(), displayName(is.message, 400).c_str());
      }
    }
  }
  if (!report.notes.empty()) {
    std::printf("\nnotes from loading\n");
    for (const auto& note : report.notes) std::printf("  %s\n", displayName(note, 400).c_str());
  }
  std::printf("\ntotal: %s trainable, %s non-trainable parameters\n", withThousands(a.total.trainable).c_str(),
              withThousands(a.total.non_trainable).c_str());
}

void printJson(const builder::Document& doc, const builder::Analysis& a, const builder::LoadReport& report) {
  const Framework f = a.framework;
  ordered_json root;
  root["name"] = doc.name;
  root["framework"] = builder::frameworkKey(f);
  root["class_name"] = builder::sanitizeClassName(doc.name);
  root["errors"] = a.errors;
  root["warnings"] = a.warnings;
  root["total"] = {{"trainable", a.total.trainable}, {"non_trainable", a.total.non_trainable}};
  auto endpoint = [&](builder::NodeId id) {
    const builder::NodeReport* r = a.find(id);
    ordered_json j;
    j["id"] = id.index;
    j["name"] = doc.node(id)->name;
    j["shape"] = r->output ? dimsJson(r->output->dimsFor(f)) : ordered_json(nullptr);
    j["dtype"] = r->output ? builder::dtypeName(r->output->dtype) : "";
    return j;
  };
  root["inputs"] = ordered_json::array();
  for (builder::NodeId id : a.inputs) root["inputs"].push_back(endpoint(id));
  root["outputs"] = ordered_json::array();
  for (builder::NodeId id : a.outputs) root["outputs"].push_back(endpoint(id));
  // The identifiers the generated code uses (when code can be generated).
  std::map<builder::NodeId, std::string> idents;
  if (auto plan = builder::makeCodePlan(doc, f); plan.ok())
    for (const builder::PlannedNode& p : plan->nodes) idents[p.node->id] = p.ident;
  ordered_json nodes = ordered_json::array();
  for (size_t i = 0; i < doc.nodes().size(); ++i) {
    const builder::Node& n = doc.nodes()[i];
    const builder::NodeReport& r = a.nodes[i];
    ordered_json jn;
    jn["id"] = n.id.index;
    jn["name"] = n.name;
    jn["python_name"] = idents.count(n.id) ? ordered_json(idents[n.id]) : ordered_json(nullptr);
    jn["type"] = n.type;
    jn["shape"] = r.output ? dimsJson(r.output->dimsFor(f)) : ordered_json(nullptr);
    jn["shape_pytorch"] = r.output ? dimsJson(r.output->dimsFor(Framework::PyTorch)) : ordered_json(nullptr);
    jn["shape_keras"] = r.output ? dimsJson(r.output->dimsFor(Framework::Keras)) : ordered_json(nullptr);
    jn["params"] = {{"trainable", r.params.trainable}, {"non_trainable", r.params.non_trainable}};
    jn["blocked"] = r.blocked;
    ordered_json issues = ordered_json::array();
    for (const builder::Issue& is : r.issues)
      issues.push_back({{"level", is.level == builder::Issue::Level::Error ? "error" : "warning"}, {"message", is.message}});
    jn["issues"] = issues;
    nodes.push_back(jn);
  }
  root["nodes"] = nodes;
  ordered_json edges = ordered_json::array();
  for (const builder::EdgeReport& e : a.edges) {
    edges.push_back({{"from", e.edge.from.index}, {"to", e.edge.to.index}, {"port", e.edge.port}, {"out", e.edge.out},
                     {"shape", e.tensor ? dimsJson(e.tensor->dimsFor(f)) : ordered_json(nullptr)}});
  }
  root["edges"] = edges;
  root["notes"] = report.notes;
  // Names are user text: replace invalid UTF-8 instead of failing.
  std::printf("%s\n", root.dump(1, ' ', false, nlohmann::ordered_json::error_handler_t::replace).c_str());
}

}  // namespace

int runCheck(const Args& args) {
  const bool json = args.has("json");
  const bool compact = args.has("compact");
  if (args.has("catalog")) return printCatalog();
  if (args.positional.size() != 1) return usageError("check", "missing DOC.json");
  const std::string framework_name = args.get("framework", "pytorch");
  auto fw = builder::parseFramework(framework_name);
  if (!fw) {
    std::fprintf(stderr, "netforge check: unknown framework '%s' (pytorch or keras)\n", displayName(framework_name).c_str());
    return kExitUsage;
  }
  builder::LoadReport report;
  auto doc = builder::loadDocumentFile(args.positional[0], &report);
  if (!doc) {
    std::fprintf(stderr, "netforge: %s\n", displayName(doc.error().message, 400).c_str());
    return kExitBadInput;
  }
  if (compact) {
    std::string bytes = builder::saveCompact(*doc);
    std::fwrite(bytes.data(), 1, bytes.size(), stdout);
    return kExitOk;
  }
  const builder::Analysis a = builder::analyze(*doc, *fw);
  if (json) printJson(*doc, a, report);
  else printText(*doc, a, report);
  if (a.errors) {
    std::fprintf(stderr, "netforge check: %d error%s in %s\n", a.errors, a.errors == 1 ? "" : "s",
                 displayName(args.positional[0]).c_str());
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace nf::cli
