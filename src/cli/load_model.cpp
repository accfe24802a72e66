#include "cli/load_model.h"

#include <cstdio>

#include "base/strings.h"
#include "onnx/reader.h"

namespace nf::cli {

bool loadModelOrExplain(const std::string& path, ir::Model* out) {
  auto r = onnx::readModelFile(path);
  if (!r) {
    std::fprintf(stderr, "netforge: %s: %s\n", displayName(path).c_str(), r.error().message.c_str());
    return false;
  }
  *out = std::move(r.value());
  return true;
}

bool loadSceneOrExplain(const std::string& path, const scene::SceneRequest& request, LoadedScene* out) {
  if (!loadModelOrExplain(path, &out->model)) return false;
  scene::SceneRequest drawn = request;
  drawn.spatial_index = false;  // the CLI draws and exports: nothing to hit-test
  out->job = std::make_unique<scene::SceneJob>(out->model, drawn);
  if (Status s = out->job->run(); !s) {
    std::fprintf(stderr, "netforge: %s: %s\n", displayName(path).c_str(), s.message().c_str());
    return false;
  }
  return true;
}

}  // namespace nf::cli
