// scene/model_scene.h - the scene request as the command line spells it, and the
// flat scene in one call (tests, bench): prepareScene runs a SceneJob
// (scene/scene_job.h, the one place that holds the model-to-scene steps) to the end.
#pragma once
#include <functional>
#include <map>
#include <string>

#include "base/result.h"
#include "ir/model.h"
#include "layout/types.h"
#include "scene/display_graph.h"
#include "scene/scene_job.h"
#include "scene/scene_layout.h"
#include "shapes/inference.h"

namespace nf::scene {

struct PreparedScene {
  DisplayGraph graph;
  SceneLayout scene;
  double shapes_ms = 0;  // shape inference
  double build_ms = 0;   // display graph
  double layout_ms = 0;  // engine + geometry
};

// The request described by command-line style options (unknown keys are ignored):
//   direction TB|LR   graph N (0 = main)   initializers inline|nodes
//   names on|off      bodies closed|inline shapes inferred|declared
// Fails with a one-line message naming the bad value.
Result<SceneRequest> parseSceneRequest(const std::map<std::string, std::string>& options);

// The flat scene (request.grouped is ignored), without a spatial index.
Result<PreparedScene> prepareScene(const ir::Model& model, const SceneRequest& request);

// A BuildOptions::value_type backed by an inference result (which must outlive the
// build): the inferred type where known, else null (the declared type is used).
std::function<const ir::Type*(ir::GraphId, ir::ValueId)> inferredTypes(const shapes::InferenceResult& result);

}  // namespace nf::scene
