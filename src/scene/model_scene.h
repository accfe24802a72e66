// scene/model_scene.h - model in, laid-out scene out, in one call (CLI, tests, bench).
//
//   prepareScene(model, request)
//     shapes::inferShapes     edge labels and tensor rows get inferred shapes
//     buildDisplayGraph       boxes, rows, edges
//     layoutScene             the layout engine, then the geometry
//
// The app runs the same steps itself (the layout in slices, between frames).
#pragma once
#include <functional>
#include <map>
#include <string>

#include "base/result.h"
#include "ir/model.h"
#include "layout/types.h"
#include "scene/display_graph.h"
#include "scene/scene_layout.h"
#include "shapes/inference.h"

namespace nf::scene {

struct SceneRequest {
  ir::GraphId graph{0};
  layout::Direction direction = layout::Direction::TopToBottom;
  bool initializers_as_nodes = false;
  bool show_names = false;
  bool expand_bodies = false;
  bool infer_shapes = true;  // false: only declared types label the edges
};

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

Result<PreparedScene> prepareScene(const ir::Model& model, const SceneRequest& request);

// A BuildOptions::value_type backed by an inference result (which must outlive the
// build): the inferred type where known, else null (the declared type is used).
std::function<const ir::Type*(ir::GraphId, ir::ValueId)> inferredTypes(const shapes::InferenceResult& result);

}  // namespace nf::scene
