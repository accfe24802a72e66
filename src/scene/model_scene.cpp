#include "scene/model_scene.h"

#include <chrono>
#include <cstdlib>

#include "base/timing.h"

namespace nf::scene {

std::function<const ir::Type*(ir::GraphId, ir::ValueId)> inferredTypes(const shapes::InferenceResult& result) {
  return [&result](ir::GraphId g, ir::ValueId v) -> const ir::Type* {
    const ir::Type& t = result.type(g, v);
    return t.known() ? &t : nullptr;
  };
}

Result<SceneRequest> parseSceneRequest(const std::map<std::string, std::string>& options) {
  SceneRequest r;
  auto choice = [&](const char* key, const char* a, const char* b, bool* is_b) -> Status {
    auto it = options.find(key);
    if (it == options.end()) return {};
    if (it->second == a) *is_b = false;
    else if (it->second == b) *is_b = true;
    else return Error{std::string("--") + key + " must be " + a + " or " + b + ", not '" + it->second + "'"};
    return {};
  };
  bool lr = false, declared = false;
  for (Status s : {choice("direction", "TB", "LR", &lr), choice("initializers", "inline", "nodes", &r.initializers_as_nodes),
                   choice("names", "off", "on", &r.show_names), choice("bodies", "closed", "inline", &r.expand_bodies),
                   choice("shapes", "inferred", "declared", &declared)})
    if (!s) return Error{s.message()};
  r.direction = lr ? layout::Direction::LeftToRight : layout::Direction::TopToBottom;
  r.infer_shapes = !declared;
  if (auto it = options.find("graph"); it != options.end()) {
    char* end = nullptr;
    const unsigned long g = std::strtoul(it->second.c_str(), &end, 10);
    if (it->second.empty() || *end != 0 || g > 0xFFFFFFF0ul) return Error{"--graph must be a graph number, not '" + it->second + "'"};
    r.graph = ir::GraphId{static_cast<uint32_t>(g)};
  }
  return r;
}

Result<PreparedScene> prepareScene(const ir::Model& model, const SceneRequest& request) {
  PreparedScene out;
  auto t0 = std::chrono::steady_clock::now();
  shapes::InferenceResult inferred;
  BuildOptions options;
  options.initializers_as_nodes = request.initializers_as_nodes;
  options.show_names = request.show_names;
  options.expand_bodies = request.expand_bodies;
  if (request.infer_shapes) {
    inferred = shapes::inferShapes(model);
    options.value_type = inferredTypes(inferred);
  }
  out.shapes_ms = msSince(t0);
  t0 = std::chrono::steady_clock::now();
  auto graph = buildDisplayGraph(model, request.graph, options);
  if (!graph) return graph.error();
  out.graph = std::move(*graph);
  out.build_ms = msSince(t0);
  t0 = std::chrono::steady_clock::now();
  auto scene = layoutScene(out.graph, defaultLayoutOptions(request.direction));
  if (!scene) return scene.error();
  out.scene = std::move(*scene);
  out.layout_ms = msSince(t0);
  return out;
}

}  // namespace nf::scene
