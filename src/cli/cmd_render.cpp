// netforge render FILE -o out.svg|out.png [--direction TB|LR] [--scale S] [--graph N]
//     [--initializers inline|nodes] [--names off|on] [--bodies closed|inline]
// Draws the graph as the app shows it. SVG: vector, scalable. PNG: our own
// rasterizer and encoder (scene/raster.h says what the picture contains); big graphs
// are scaled down to stay under 24 megapixels, and text below 5 px is left out.
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "base/strings.h"
#include "cli/commands.h"
#include "cli/load_model.h"
#include "scene/exports.h"
#include "scene/model_scene.h"
#include "scene/png.h"
#include "scene/raster.h"

namespace nf::cli {

namespace {
bool endsWith(const std::string& s, const char* suffix) {
  const std::string t(suffix);
  if (s.size() < t.size()) return false;
  for (size_t i = 0; i < t.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[s.size() - t.size() + i])) != t[i]) return false;
  return true;
}
}  // namespace

int runRender(const Args& args) {
  const std::string path = args.get("output");
  if (args.positional.size() != 1 || path.empty()) {
    std::fprintf(stderr, "usage: netforge render FILE -o out.svg|out.png [--direction TB|LR] [--scale S]\n");
    return kExitUsage;
  }
  const bool png = endsWith(path, ".png");
  if (!png && !endsWith(path, ".svg")) {
    std::fprintf(stderr, "netforge render: the output must end in .svg or .png: %s\n", displayName(path).c_str());
    return kExitUsage;
  }
  float scale = 1.0f;
  if (args.has("scale")) {
    char* end = nullptr;
    scale = std::strtof(args.get("scale").c_str(), &end);
    if (*end != 0 || !(scale > 0.0f && scale <= 16.0f)) {
      std::fprintf(stderr, "netforge render: --scale must be a number in (0, 16]\n");
      return kExitUsage;
    }
  }
  auto request = scene::parseSceneRequest(args.options);
  if (!request) {
    std::fprintf(stderr, "netforge render: %s\n", request.error().message.c_str());
    return kExitUsage;
  }
  ir::Model model;
  if (!loadModelOrExplain(args.positional[0], &model)) return kExitBadInput;
  auto prepared = scene::prepareScene(model, *request);
  if (!prepared) {
    std::fprintf(stderr, "netforge: %s: %s\n", displayName(args.positional[0]).c_str(),
                 prepared.error().message.c_str());
    return kExitBadInput;
  }
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    std::fprintf(stderr, "netforge: cannot write %s\n", displayName(path).c_str());
    return kExitBadInput;
  }
  if (png) {
    scene::RasterOptions ro;
    ro.scale = scale;
    const scene::RasterImage img = scene::rasterizeScene(prepared->graph, prepared->scene, ro);
    const std::vector<uint8_t> bytes = scene::encodePng(img.width, img.height, img.rgb);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    std::fprintf(stderr, "%s: %u x %u px at scale %.3g%s, %s nodes, %s edges\n", displayName(path).c_str(), img.width,
                 img.height, img.scale, img.text ? "" : " (text too small: boxes and edges only)",
                 withThousands(prepared->graph.nodeCount()).c_str(), withThousands(prepared->graph.edgeCount()).c_str());
  } else {
    scene::writeSvg(out, prepared->graph, prepared->scene);
  }
  out.flush();
  if (!out) {
    std::fprintf(stderr, "netforge: writing %s failed\n", displayName(path).c_str());
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace nf::cli
