#include "scene/model_scene.h"

#include <cstdlib>


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
  SceneRequest flat = request;
  flat.grouped = false;
  flat.spatial_index = false;
  SceneJob job(model, flat);
  if (Status s = job.run(); !s) return Error{s.message()};
  PreparedScene out;
  out.shapes_ms = job.timings().shapes_ms;
  out.build_ms = job.timings().build_ms;
  out.layout_ms = job.timings().layout_ms + job.timings().geometry_ms;
  out.graph = job.takeGraph();
  out.scene = job.takeLayout();
  return out;
}

}  // namespace nf::scene
