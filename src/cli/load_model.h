// cli/load_model.h - open the model named on the command line (and lay it out), or
// explain why not.
#pragma once
#include <memory>
#include <string>

#include "ir/model.h"
#include "scene/scene_job.h"

namespace nf::cli {

// Reads an ONNX file (external data resolved next to it). On failure prints
// "netforge: <file>: <reason>" on one line to stderr and returns false.
bool loadModelOrExplain(const std::string& path, ir::Model* out);

// A model and its scene, laid out by a scene::SceneJob run to the end. The job
// points into the model: a LoadedScene stays where it was made.
struct LoadedScene {
  ir::Model model;
  std::unique_ptr<scene::SceneJob> job;
  LoadedScene() = default;
  LoadedScene(const LoadedScene&) = delete;
  LoadedScene& operator=(const LoadedScene&) = delete;
};

// Reads the ONNX file and runs the scene job for `request` with no time limit (and
// no spatial index). On
// failure prints "netforge: <file>: <reason>" on one line to stderr and returns false.
bool loadSceneOrExplain(const std::string& path, const scene::SceneRequest& request, LoadedScene* out);

}  // namespace nf::cli
