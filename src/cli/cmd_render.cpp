// netforge render FILE -o out.svg|out.png [--direction TB|LR] [--scale S] [--graph N]
//     [--initializers inline|nodes] [--names off|on] [--bodies closed|inline]
//     [--grouped first-sight|collapsed|expanded|depth=N]
// Draws the graph as the app shows it. SVG: vector, scalable. PNG: our own
// rasterizer and encoder (scene/raster.h says what the picture contains); big graphs
// are scaled down to stay under 24 megapixels, and text below 5 px is left out.
// --grouped draws the main graph as nested group boxes
// (scene/grouped_scene.h) with the groups open as the app first shows them
// (first-sight), none open (collapsed), all open (expanded) or the top N levels open.
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "base/strings.h"
#include "cli/commands.h"
#include "cli/load_model.h"
#include "cli/render_views.h"
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

// Which groups --grouped opens; false for a bad value.
bool parseGrouped(const std::string& v, scene::GroupOpening* o) {
  using Kind = scene::GroupOpening::Kind;
  if (v.empty() || v == "first-sight") o->kind = Kind::FirstSight;
  else if (v == "collapsed") o->kind = Kind::Collapsed;
  else if (v == "expanded") o->kind = Kind::Expanded;
  else if (v.rfind("depth=", 0) == 0 && v.size() > 6 && v.size() <= 10) {
    for (size_t i = 6; i < v.size(); ++i)
      if (!std::isdigit(static_cast<unsigned char>(v[i]))) return false;
    o->kind = Kind::ToDepth;
    o->depth = static_cast<uint32_t>(std::strtoul(v.c_str() + 6, nullptr, 10));
  } else {
    return false;
  }
  return true;
}
}  // namespace

int runRender(const Args& args) {
  // --view layered|neurons: render_views.cpp; the graph view (default) is below.
  if (args.has("view") && args.get("view") != "graph") return runRenderView(args);
  if (const int rc = checkGraphViewOptions(args); rc >= 0) return rc;
  const std::string path = args.get("output");
  const bool grouped = args.has("grouped");
  scene::GroupOpening opening;
  if (grouped && !parseGrouped(args.get("grouped"), &opening)) {
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
  request->grouped = grouped;  // the grouped scene's graph and layout are drawn the same way
  request->opening = opening;
  LoadedScene loaded;
  if (!loadSceneOrExplain(args.positional[0], *request, &loaded)) return kExitBadInput;
  const scene::SceneJob& job = *loaded.job;
  const scene::DisplayGraph& graph = job.graph();
  const scene::SceneLayout& layout = job.layout();
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    std::fprintf(stderr, "netforge: cannot write %s\n", displayName(path).c_str());
    return kExitBadInput;
  }
  if (png) {
    scene::RasterOptions ro;
    ro.scale = scale;
    const scene::RasterImage img =
        scene::rasterizeScene(graph, layout, ro, grouped ? &job.groupedScene().frames : nullptr);
    const std::vector<uint8_t> bytes = scene::encodePng(img.width, img.height, img.rgb);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    std::fprintf(stderr, "%s: %u x %u px at scale %.3g%s, %s nodes, %s edges\n", displayName(path).c_str(), img.width,
                 img.height, img.scale, img.text ? "" : " (text too small: boxes and edges only)",
                 withThousands(graph.nodeCount()).c_str(), withThousands(graph.edgeCount()).c_str());
  } else if (grouped) {
    scene::writeSvg(out, job.groupedScene());
  } else {
    scene::writeSvg(out, graph, layout);
  }
  out.flush();
  if (!out) {
    std::fprintf(stderr, "netforge: writing %s failed\n", displayName(path).c_str());
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace nf::cli
