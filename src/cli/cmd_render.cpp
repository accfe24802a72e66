// netforge render FILE -o out.svg|out.png [--direction TB|LR] [--scale S] [--graph N]
//     [--initializers inline|nodes] [--names off|on] [--bodies closed|inline]
//     [--grouped first-sight|collapsed|expanded|depth=N]
//     [--color-by category|params|macs|flops|memory|FILE.json] [--aggregate sum|max|mean]
// Draws the graph as the app shows it. SVG: vector, scalable. PNG: our own
// rasterizer and encoder (scene/raster.h says what the picture contains); big graphs
// are scaled down to stay under 24 megapixels, and text below 5 px is left out.
// --grouped draws the main graph as nested group boxes
// (scene/grouped_scene.h) with the groups open as the app first shows them
// (first-sight), none open (collapsed), all open (expanded) or the top N levels open.
// --color-by colours the boxes by a metric or by a Model Explorer node-data file
// (scene/overlay.h) and adds a legend; group boxes show the --aggregate of their nodes.
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "base/strings.h"
#include "cli/commands.h"
#include "cli/load_model.h"
#include "cli/render_views.h"
#include "scene/exports.h"
#include "scene/overlay.h"
#include "shapes/inference.h"
#include "shapes/metrics.h"
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
// The node values --color-by names: a metric, or a node-data file. Prints why not and
// returns the exit code on failure (0 on success).
int colorValues(const std::string& spec, const ir::Model& model, scene::NodeValues* out) {
  scene::ColorBy by = scene::ColorBy::Category;
  if (scene::parseColorBy(spec, &by) && by != scene::ColorBy::RunTime) {
    const shapes::InferenceResult inf = shapes::inferShapes(model);
    const shapes::Metrics met = shapes::computeMetrics(model, inf);
    *out = scene::metricValues(model, met, by);
    return 0;
  }
  std::ifstream in(spec, std::ios::binary | std::ios::ate);
  if (!in) {
    std::fprintf(stderr, "netforge render: --color-by must be category, params, macs, flops, memory or a node-data .json file "
                         "(cannot read %s)\n", displayName(spec).c_str());
    return kExitUsage;
  }
  const std::streamoff size = in.tellg();
  if (size < 0 || static_cast<uint64_t>(size) > scene::kMaxNodeDataBytes) {
    std::fprintf(stderr, "netforge: %s: node data larger than 64 MB\n", displayName(spec).c_str());
    return kExitBadInput;
  }
  std::string text(static_cast<size_t>(size), '\0');
  in.seekg(0);
  in.read(text.data(), size);
  std::string title = spec;
  const size_t slash = title.find_last_of("/\\");
  if (slash != std::string::npos) title = title.substr(slash + 1);
  auto parsed = scene::parseNodeData(text, model, displayName(title, 60));
  if (!parsed) {
    std::fprintf(stderr, "netforge: %s: %s\n", displayName(spec).c_str(), parsed.error().message.c_str());
    return kExitBadInput;
  }
  if (parsed->matched == 0 && parsed->unmatched > 0)
    std::fprintf(stderr, "netforge render: warning: none of the %u results in %s names a node or tensor of the main graph\n",
                 parsed->unmatched, displayName(spec).c_str());
  *out = std::move(*parsed);
  return 0;
}

}  // namespace

static bool isBuilderDocumentPath(const std::string& path) {
  return path.size() >= 5 && (endsWith(path, ".json") || endsWith(path, ".JSON"));
}

int runRender(const Args& args) {
  // --view layered|neurons: render_views.cpp; the graph view (default) is below.
  if (args.has("view") && args.get("view") != "graph") return runRenderView(args);
  // A builder document is drawn as the builder shows it unless a view is named.
  if (!args.has("view") && isBuilderDocumentPath(args.positional[0])) return runRenderBuilder(args);
  if (const int rc = checkGraphViewOptions(args); rc >= 0) return rc;
  const std::string path = args.get("output");
  const bool grouped = args.has("grouped");
  scene::GroupOpening opening;
  if (grouped && !parseGrouped(args.get("grouped"), &opening)) {
    std::fprintf(stderr, "netforge render: --grouped must be first-sight, collapsed, expanded or depth=N\n");
    return kExitUsage;
  }
  const std::string color_by = args.get("color-by", "category");
  scene::Aggregate aggregate = scene::Aggregate::Sum;
  if (args.has("aggregate") && !scene::parseAggregate(args.get("aggregate"), &aggregate)) {
    std::fprintf(stderr, "netforge render: --aggregate must be sum, max or mean\n");
    return kExitUsage;
  }
  if (color_by.empty() || color_by == "time") {
    std::fprintf(stderr, "netforge render: --color-by must be category, params, macs, flops, memory or a node-data .json file%s\n",
                 color_by == "time" ? " (run times come from the app's Run view)" : "");
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
  scene::Overlay overlay;
  const bool colored = color_by != "category";
  if (colored) {
    scene::NodeValues values;
    if (const int rc = colorValues(color_by, loaded.model, &values)) return rc;
    overlay = grouped ? scene::buildOverlay(job.groupedScene(), job.hierarchy(), values, aggregate)
                      : scene::buildOverlay(graph, values);
  }
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    std::fprintf(stderr, "netforge: cannot write %s\n", displayName(path).c_str());
    return kExitBadInput;
  }
  if (png) {
    scene::RasterOptions ro;
    ro.scale = scale;
    if (colored) ro.overlay = &overlay;
    const scene::RasterImage img =
        scene::rasterizeScene(graph, layout, ro, grouped ? &job.groupedScene().frames : nullptr);
    const std::vector<uint8_t> bytes = scene::encodePng(img.width, img.height, img.rgb);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    std::fprintf(stderr, "%s: %u x %u px at scale %.3g%s, %s nodes, %s edges\n", displayName(path).c_str(), img.width,
                 img.height, img.scale, img.text ? "" : " (text too small: boxes and edges only)",
                 withThousands(graph.nodeCount()).c_str(), withThousands(graph.edgeCount()).c_str());
  } else {
    scene::SvgOptions so;
    if (colored) so.overlay = &overlay;
    if (grouped) scene::writeSvg(out, job.groupedScene(), so);
    else scene::writeSvg(out, graph, layout, so);
  }
  out.flush();
  if (!out) {
    std::fprintf(stderr, "netforge: writing %s failed\n", displayName(path).c_str());
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace nf::cli
