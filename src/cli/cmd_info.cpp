// netforge info FILE [--json]: the facts a user checks first about a model.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "base/checked.h"
#include "base/strings.h"
#include "cli/commands.h"
#include "cli/load_model.h"

namespace nf::cli {

namespace {

nlohmann::json shapeJson(const ir::Shape& s) {
  if (!s.rank_known) return nullptr;
  nlohmann::json dims = nlohmann::json::array();
  for (const auto& d : s.dims) {
    if (d.isKnown()) dims.push_back(d.value);
    else if (d.isSymbolic()) dims.push_back(d.symbol);
    else dims.push_back(nullptr);
  }
  return dims;
}

nlohmann::json valueJson(const ir::Value& v) {
  nlohmann::json j;
  j["name"] = v.name;
  const char* kinds[] = {"none", "tensor", "sparse_tensor", "sequence", "map", "optional"};
  j["kind"] = kinds[static_cast<int>(v.type.kind)];
  j["elem_type"] = std::string(ir::elemTypeName(v.type.elem));
  j["shape"] = shapeJson(v.type.shape);
  return j;
}

}  // namespace

int runInfo(const Args& args) {
  ir::Model m;
  if (!loadModelOrExplain(args.positional[0], &m)) return kExitBadInput;
  const ir::Graph& g = m.main();

  nlohmann::json j;
  j["format"] = m.format;
  j["ir_version"] = m.ir_version;
  j["producer"] = m.producer_name;
  j["producer_version"] = m.producer_version;
  j["domain"] = m.domain;
  j["model_version"] = m.model_version;
  nlohmann::json opsets = nlohmann::json::object();
  for (const auto& o : m.opsets) opsets[o.domain.empty() ? "ai.onnx" : o.domain] = o.version;
  j["opset_imports"] = opsets;
  nlohmann::json meta = nlohmann::json::object();
  for (const auto& [k, v] : m.metadata) meta[k] = v;
  j["metadata"] = meta;
  nlohmann::json graph;
  graph["name"] = g.name;
  graph["node_count"] = g.nodes.size();
  graph["node_count_including_subgraphs"] = m.nodeCountIncludingSubgraphs();
  graph["initializer_count"] = g.initializers.size();
  graph["inputs"] = nlohmann::json::array();
  for (ir::ValueId v : g.inputs)
    if (g.value(v).initializer < 0) graph["inputs"].push_back(valueJson(g.value(v)));
  graph["outputs"] = nlohmann::json::array();
  for (ir::ValueId v : g.outputs) graph["outputs"].push_back(valueJson(g.value(v)));
  j["graph"] = graph;
  j["op_types"] = m.opTypes();
  j["function_count"] = m.functions.size();
  j["subgraph_count"] = m.mainGraphTree().size() - 1;
  uint64_t weight_bytes = 0;
  for (const auto& t : g.initializers) weight_bytes = satAdd(weight_bytes, t.byteSize());  // "overflow", not wrapped
  j["initializer_bytes"] = weight_bytes;
  nlohmann::json missing = nlohmann::json::array();
  for (size_t i = 1; i < m.sources.size(); ++i)
    if (!m.sources[i].bytes) missing.push_back(m.sources[i].name);
  j["missing_external_data"] = missing;
  j["warnings"] = m.warnings;

  if (args.has("json")) {
    std::printf("%s\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return kExitOk;
  }
  std::printf("Format      ONNX (IR version %lld)\n", static_cast<long long>(m.ir_version));
  std::printf("Producer    %s %s\n", displayName(m.producer_name).c_str(), displayName(m.producer_version).c_str());
  std::printf("Opsets     ");
  for (const auto& o : m.opsets)
    std::printf(" %s:%lld", o.domain.empty() ? "ai.onnx" : displayName(o.domain).c_str(),
                static_cast<long long>(o.version));
  std::printf("\nNodes       %zu (%zu including subgraphs)\n", g.nodes.size(), m.nodeCountIncludingSubgraphs());
  std::printf("Weights     %zu initializers, %s\n", g.initializers.size(), humanBytes(weight_bytes).c_str());
  for (ir::ValueId v : g.realInputs())
    std::printf("Input       %s: %s\n", displayName(g.value(v).name).c_str(), ir::typeToString(g.value(v).type).c_str());
  for (ir::ValueId v : g.outputs)
    std::printf("Output      %s: %s\n", displayName(g.value(v).name).c_str(), ir::typeToString(g.value(v).type).c_str());
  std::printf("Op types    %zu:", m.opTypes().size());
  for (const auto& op : m.opTypes()) std::printf(" %s", displayName(op).c_str());
  std::printf("\n");
  for (const auto& [k, v] : m.metadata) std::printf("Metadata    %s = %s\n", displayName(k).c_str(), displayName(v).c_str());
  for (const auto& s : missing) std::printf("Missing     external data file '%s'\n", displayName(s.get<std::string>()).c_str());
  for (const auto& w : m.warnings) std::printf("Warning     %s\n", w.c_str());
  return kExitOk;
}

}  // namespace nf::cli
