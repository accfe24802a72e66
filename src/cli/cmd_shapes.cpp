// netforge shapes FILE [--json] [--input NAME=D0,D1,...[;NAME=...]]
// Inferred element type and shape of every value of the main graph.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/strings.h"
#include "cli/commands.h"
#include "cli/load_model.h"
#include "shapes/inference.h"

namespace nf::cli {

namespace {

nlohmann::json shapeJson(const ir::Type& t) {
  if (t.kind != ir::Type::Kind::Tensor || !t.shape.rank_known) return nullptr;
  nlohmann::json dims = nlohmann::json::array();
  for (const auto& d : t.shape.dims) {
    if (d.isKnown()) dims.push_back(d.value);
    else if (d.isSymbolic()) dims.push_back(d.symbol);
    else dims.push_back(nullptr);
  }
  return dims;
}

// "x=1,3,224,224;mask=batch,128": dims are integers, symbols, or ? for unknown.
bool parseInputShapes(const std::string& spec, std::map<std::string, ir::Shape>* out, std::string* err) {
  std::stringstream entries(spec);
  std::string entry;
  while (std::getline(entries, entry, ';')) {
    if (entry.empty()) continue;
    auto eq = entry.find('=');
    if (eq == std::string::npos || eq == 0) {
      *err = "--input expects NAME=D0,D1,... (got '" + entry + "')";
      return false;
    }
    ir::Shape s;
    s.rank_known = true;
    std::stringstream dims(entry.substr(eq + 1));
    std::string d;
    while (std::getline(dims, d, ',')) {
      if (d == "?") s.dims.push_back(ir::Dim::unknown());
      else if (!d.empty() && d.find_first_not_of("0123456789") == std::string::npos)
        s.dims.push_back(ir::Dim::known(std::stoll(d)));
      else if (!d.empty()) s.dims.push_back(ir::Dim::symbolic(d));
    }
    (*out)[entry.substr(0, eq)] = s;
  }
  return true;
}

}  // namespace

int runShapes(const Args& args) {
  shapes::InferenceOptions opt;
  std::string err;
  if (args.has("input") && !parseInputShapes(args.get("input"), &opt.input_overrides, &err)) {
    std::fprintf(stderr, "netforge shapes: %s\n", err.c_str());
    return kExitUsage;
  }
  ir::Model m;
  if (!loadModelOrExplain(args.positional[0], &m)) return kExitBadInput;
  for (const auto& [name, shape] : opt.input_overrides)
    if (!m.main().find(name).valid()) {
      std::fprintf(stderr, "netforge shapes: the model has no input called '%s'\n", displayName(name).c_str());
      return kExitBadInput;
    }
  shapes::InferenceResult r = shapes::inferShapes(m, opt);
  const ir::Graph& g = m.main();

  if (args.has("json")) {
    nlohmann::json values = nlohmann::json::object();
    for (size_t i = 0; i < g.values.size(); ++i) {
      const ir::Value& v = g.values[i];
      const ir::Type& t = r.type(ir::GraphId{0}, ir::ValueId{static_cast<uint32_t>(i)});
      nlohmann::json j;
      bool tensor = t.kind == ir::Type::Kind::Tensor || t.kind == ir::Type::Kind::SparseTensor;
      j["elem_type"] = tensor && t.elem != ir::ElemType::Undefined ? nlohmann::json(std::string(ir::elemTypeName(t.elem)))
                                                                   : nlohmann::json(nullptr);
      j["shape"] = shapeJson(t);
      if (!tensor && t.known()) j["type"] = ir::typeToString(t);
      values[v.name] = j;
    }
    nlohmann::json out;
    out["values"] = values;
    nlohmann::json conflicts = nlohmann::json::array();
    for (const auto& c : r.conflicts) {
      const ir::Graph& cg = m.graph(c.graph);
      conflicts.push_back({{"value", cg.value(c.value).name},
                           {"declared", ir::typeToString(c.declared)},
                           {"inferred", ir::typeToString(c.inferred)},
                           {"message", c.message}});
    }
    out["conflicts"] = conflicts;
    nlohmann::json missing = nlohmann::json::array();
    for (const auto& mr : r.missing)
      missing.push_back({{"op_type", mr.domain.empty() ? mr.op_type : mr.domain + "::" + mr.op_type}, {"count", mr.count}});
    out["ops_without_rule"] = missing;
    nlohmann::json issues = nlohmann::json::array();
    for (const auto& is : r.issues) {
      const ir::Node& n = m.graph(is.graph).node(is.node);
      issues.push_back({{"node", n.name}, {"op_type", n.op_type}, {"message", is.message}});
    }
    out["issues"] = issues;
    std::printf("%s\n", out.dump(1).c_str());
    return kExitOk;
  }

  size_t width = 0;
  for (const auto& v : g.values) width = std::max(width, std::min<size_t>(displayName(v.name, 60).size(), 60));
  for (size_t i = 0; i < g.values.size(); ++i) {
    std::string name = displayName(g.values[i].name, 60);
    const ir::Type& t = r.type(ir::GraphId{0}, ir::ValueId{static_cast<uint32_t>(i)});
    std::printf("%-*s  %s\n", static_cast<int>(width), name.c_str(), ir::typeToString(t).c_str());
  }
  for (const auto& c : r.conflicts)
    std::printf("conflict: %s: %s\n", displayName(m.graph(c.graph).value(c.value).name).c_str(), c.message.c_str());
  for (const auto& mr : r.missing)
    std::printf("no shape rule for %s%s (%d nodes): their outputs are unknown\n",
                mr.domain.empty() ? "" : (mr.domain + "::").c_str(), mr.op_type.c_str(), mr.count);
  for (const auto& is : r.issues)
    std::printf("issue: %s (%s): %s\n", displayName(m.graph(is.graph).node(is.node).name).c_str(),
                m.graph(is.graph).node(is.node).op_type.c_str(), is.message.c_str());
  return kExitOk;
}

}  // namespace nf::cli
