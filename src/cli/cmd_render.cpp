// netforge render FILE -o out.svg|out.png [--direction TB|LR] [--scale S] [--graph N]
//     [--initializers inline|nodes] [--names off|on] [--bodies closed|inline]
//     [--grouped first-sight|collapsed|expanded|depth=N]
// Draws the graph as the app shows it. SVG: vector, scalable. PNG: our own
// rasterizer and encoder (scene/raster.h says what the picture contains); big graphs
// are scaled down to stay under 24 megapixels, and text below 5 px is left out.
// --grouped (SVG only) draws the main graph as nested group boxes
// (scene/grouped_scene.h) with the groups open as the app first shows them
// (first-sight), none open (collapsed), all open (expanded) or the top N levels open.
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "base/strings.h"
#include "cli/commands.h"
#include "cli/load_model.h"
#include "hierarchy/hierarchy.h"
#include "hierarchy/visible.h"
#include "scene/exports.h"
#include "scene/grouped_scene.h"
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

// Which groups --grouped opens; false (and a message) for a bad value.
bool parseGrouped(const std::string& v, const hierarchy::Hierarchy& h, hierarchy::Expansion* e) {
  if (v.empty() || v == "first-sight") *e = hierarchy::firstSight(h);
  else if (v == "collapsed") *e = hierarchy::collapseAll(h);
  else if (v == "expanded") *e = hierarchy::expandAll(h);
  else if (v.rfind("depth=", 0) == 0) {
    char* end = nullptr;
    const unsigned long d = std::strtoul(v.c_str() + 6, &end, 10);
    if (v.size() == 6 || *end != 0 || d > 1000) return false;
    *e = hierarchy::expandToDepth(h, static_cast<uint32_t>(d));
  } else {
    return false;
  }
  return true;
}

bool validGrouped(const std::string& v) {
  if (v.empty() || v == "first-sight" || v == "collapsed" || v == "expanded") return true;
  if (v.rfind("depth=", 0) != 0 || v.size() == 6) return false;
  for (size_t i = 6; i < v.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(v[i]))) return false;
  return v.size() <= 10;
}

// --grouped: the main graph as nested group boxes, to SVG.
int renderGrouped(const ir::Model& model, const scene::SceneRequest& request, const std::string& grouped,
                  const std::string& file, std::ofstream& out) {
  auto h = hierarchy::buildHierarchy(model, request.graph);
  if (!h) {
    std::fprintf(stderr, "netforge: %s: %s\n", displayName(file).c_str(), h.error().message.c_str());
    return kExitBadInput;
  }
  hierarchy::Expansion e;
  parseGrouped(grouped, *h, &e);
  shapes::InferenceResult inferred;
  scene::GroupedOptions options;
  options.direction = request.direction;
  options.build.show_names = request.show_names;
  if (request.infer_shapes) {
    inferred = shapes::inferShapes(model);
    options.build.value_type = scene::inferredTypes(inferred);
  }
  scene::GroupedLayout gl(model, *h, options);
  auto s = gl.build(e);
  if (!s) {
    std::fprintf(stderr, "netforge: %s: %s\n", displayName(file).c_str(), s.error().message.c_str());
    return kExitBadInput;
  }
  scene::writeSvg(out, *s);
  return kExitOk;
}
}  // namespace

int runRender(const Args& args) {
  const std::string path = args.get("output");
  if (args.positional.size() != 1 || path.empty()) {
    std::fprintf(stderr,
                 "usage: netforge render FILE -o out.svg|out.png [--direction TB|LR] [--scale S] "
                 "[--grouped first-sight|collapsed|expanded|depth=N]\n");
    return kExitUsage;
  }
  const bool grouped = args.has("grouped");
  if (grouped && !validGrouped(args.get("grouped"))) {
    std::fprintf(stderr, "netforge render: --grouped must be first-sight, collapsed, expanded or depth=N\n");
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
  if (grouped && png) {
    std::fprintf(stderr, "netforge render: --grouped draws SVG only: use an output ending in .svg\n");
    return kExitUsage;
  }
  ir::Model model;
  if (!loadModelOrExplain(args.positional[0], &model)) return kExitBadInput;
  if (grouped) {
    std::ofstream out(path, std::ios::binary);
    if (!out) {
      std::fprintf(stderr, "netforge: cannot write %s\n", displayName(path).c_str());
      return kExitBadInput;
    }
    const int rc = renderGrouped(model, *request, args.get("grouped"), args.positional[0], out);
    out.flush();
    if (rc == kExitOk && !out) {
      std::fprintf(stderr, "netforge: writing %s failed\n", displayName(path).c_str());
      return kExitBadInput;
    }
    return rc;
  }
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
