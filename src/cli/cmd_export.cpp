// netforge export FILE --format dot|graphml|json|svg [-o OUT] [--direction TB|LR]
//     [--graph N] [--initializers inline|nodes] [--names off|on] [--bodies closed|inline]
// Writes the laid-out display graph (the boxes and edges the app draws) for other
// tools; without -o it goes to stdout.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "base/strings.h"
#include "cli/commands.h"
#include "cli/load_model.h"
#include "scene/exports.h"
#include "scene/model_scene.h"

namespace nf::cli {

int runExport(const Args& args) {
  const std::string format = args.get("format");
  if (format != "dot" && format != "graphml" && format != "json" && format != "svg") {
    std::fprintf(stderr, "netforge export: unknown format '%s' (dot, graphml, json or svg)\n",
                 displayName(format).c_str());
    return kExitUsage;
  }
  auto request = scene::parseSceneRequest(args.options);
  if (!request) {
    std::fprintf(stderr, "netforge export: %s\n", request.error().message.c_str());
    return kExitUsage;
  }
  LoadedScene loaded;
  if (!loadSceneOrExplain(args.positional[0], *request, &loaded)) return kExitBadInput;
  const ir::Model& model = loaded.model;
  const scene::DisplayGraph& graph = loaded.job->graph();
  const scene::SceneLayout& layout = loaded.job->layout();
  const std::string path = args.get("output");
  std::ofstream file;
  if (!path.empty()) {
    file.open(path, std::ios::binary);
    if (!file) {
      std::fprintf(stderr, "netforge: cannot write %s\n", displayName(path).c_str());
      return kExitBadInput;
    }
  }
  std::ostream& out = path.empty() ? std::cout : file;
  if (format == "dot") scene::writeDot(out, model, graph, &layout);
  else if (format == "graphml") scene::writeGraphml(out, model, graph, &layout);
  else if (format == "json") scene::writeJson(out, model, graph, layout);
  else scene::writeSvg(out, graph, layout);
  out.flush();
  if (!out) {
    std::fprintf(stderr, "netforge: writing %s failed\n", path.empty() ? "stdout" : displayName(path).c_str());
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace nf::cli
