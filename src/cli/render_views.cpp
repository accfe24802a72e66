// netforge render FILE -o out.svg|out.png --view layered|neurons [options]
// The layered (visualkeras-style) and neurons (ANN Visualizer-style) pictures
// (src/views). The graph view stays in cmd_render.cpp; this file only adds views.
#include "cli/render_views.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "base/strings.h"
#include "cli/commands.h"
#include "cli/load_model.h"
#include "builder/serialize.h"
#include "scene/png.h"
#include "shapes/inference.h"
#include "shapes/metrics.h"
#include "views/builder_layers.h"
#include "views/builder_picture.h"
#include "views/layered_view.h"
#include "views/neuron_view.h"

namespace nf::cli {

namespace {

// Options that only the layered/neurons views read (declared in command_table.cpp).
const char* const kViewOptions[] = {"sizing", "scale-xy", "scale-z", "min-xy", "max-xy", "min-z", "max-z",
                                    "spacing", "type-ignore", "labels", "legend", "repeats", "activations",
                                    "neurons", "background", "fit", "boxes", "regions", "label-position"};

int usage(const std::string& message) {
  std::fprintf(stderr, "netforge render: %s\n", message.c_str());
  return kExitUsage;
}

bool endsWithCi(const std::string& s, const std::string& suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i]) return false;
  return true;
}

// A number option in [lo, hi]; false (and a message) when malformed.
bool number(const Args& args, const char* name, float lo, float hi, float* out) {
  if (!args.has(name)) return true;
  const std::string v = args.get(name);
  char* end = nullptr;
  const float f = std::strtof(v.c_str(), &end);
  if (v.empty() || *end != 0 || !(f >= lo && f <= hi)) {
    std::fprintf(stderr, "netforge render: --%s must be a number in [%g, %g]\n", name, lo, hi);
    return false;
  }
  *out = f;
  return true;
}

// A word option from a fixed set; false (and a message) for anything else.
bool choice(const Args& args, const char* name, std::initializer_list<const char*> allowed, std::string* out) {
  if (!args.has(name)) return true;
  const std::string v = args.get(name);
  std::string list;
  for (const char* a : allowed) {
    if (v == a) {
      *out = v;
      return true;
    }
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  std::fprintf(stderr, "netforge render: --%s must be one of %s\n", name, list.c_str());
  return false;
}

std::vector<std::string> splitList(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& v : values) {
    std::stringstream ss(v);
    for (std::string item; std::getline(ss, item, ',');)
      if (!item.empty()) out.push_back(item);
  }
  return out;
}

// Writes the drawing as SVG or PNG; one line on stderr for PNG (size, scale, what).
int writePicture(const views::Drawing& drawing, const views::ExportOptions& eo, const std::string& path, bool png,
                 const std::string& what) {
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    std::fprintf(stderr, "netforge: cannot write %s\n", displayName(path).c_str());
    return kExitBadInput;
  }
  if (png) {
    const views::RgbaImage img = views::rasterize(drawing, eo);
    const std::vector<uint8_t> bytes = scene::encodePngRgba(img.width, img.height, img.rgba);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    std::fprintf(stderr, "%s: %u x %u px at scale %.3g, %s\n", displayName(path).c_str(), img.width, img.height,
                 img.scale, what.c_str());
  } else {
    out << views::toSvg(drawing, eo);
  }
  out.flush();
  if (!out) {
    std::fprintf(stderr, "netforge: writing %s failed\n", displayName(path).c_str());
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace

int checkGraphViewOptions(const Args& args) {
  for (const char* o : kViewOptions)
    if (args.has(o)) return usage("--" + std::string(o) + " applies to --view layered or neurons");
  return -1;
}

int runRenderBuilder(const Args& args) {
  if (args.has("grouped") || args.has("color-by")) return usage("--grouped and --color-by apply to ONNX models");
  const std::string path = args.get("output");
  const bool png = endsWithCi(path, ".png");
  if (!png && !endsWithCi(path, ".svg"))
    return usage("the output must end in .svg or .png: " + displayName(path));
  views::ExportOptions eo;
  views::BuilderPictureOptions po;
  std::string background, fit, legend;
  if (!number(args, "scale", 0.01f, 16.0f, &eo.scale) ||
      !choice(args, "background", {"light", "dark", "transparent", "solid"}, &background) ||
      !choice(args, "fit", {"none", "16:9"}, &fit) || !choice(args, "legend", {"on", "off"}, &legend))
    return kExitUsage;
  eo.transparent = background == "transparent";
  eo.fit_16_9 = fit == "16:9";
  po.dark = background == "dark";
  po.legend = legend != "off";
  if (args.has("labels")) {
    po.shapes = po.params = po.notes = false;
    for (const std::string& label : splitList({args.get("labels")})) {
      if (label == "shape") po.shapes = true;
      else if (label == "params") po.params = true;
      else if (label == "notes") po.notes = true;
      else if (label != "none") return usage("--labels for a builder document takes a comma list of shape, params, notes (or none)");
    }
  }
  auto doc = builder::loadDocumentFile(args.positional[0]);
  if (!doc) {
    std::fprintf(stderr, "netforge: %s\n", displayName(doc.error().message, 400).c_str());
    return kExitBadInput;
  }
  builder::Analysis analysis = builder::analyze(*doc, builder::Framework::PyTorch);
  if (eo.fit_16_9)
    if (auto columns = views::builderSlideColumns(*doc, analysis, po)) {
      *doc = std::move(*columns);
      analysis = builder::analyze(*doc, builder::Framework::PyTorch);
    }
  const views::Drawing drawing = views::builderPicture(*doc, analysis, po);
  return writePicture(drawing, eo, path, png,
                      "builder diagram, " + std::to_string(drawing.groupCount("node")) + " boxes, " +
                          std::to_string(drawing.groupCount("frame")) + " frames, " +
                          std::to_string(drawing.groupCount("label")) + " labels");
}

int runRenderView(const Args& args) {
  const std::string view = args.get("view");
  if (view == "builder") {
    if (!endsWithCi(args.positional[0], ".json")) return usage("--view builder is for builder documents (DOC.json)");
    return runRenderBuilder(args);
  }
  if (view != "layered" && view != "neurons") return usage("--view must be graph, layered, neurons or builder");
  if (args.has("grouped")) return usage("--grouped applies to --view graph");
  const std::string path = args.get("output");
  const bool png = endsWithCi(path, ".png");
  if (!png && !endsWithCi(path, ".svg"))
    return usage("the output must end in .svg or .png: " + displayName(path));

  views::LayeredOptions lo;
  views::LayerGraphOptions go;
  views::NeuronOptions no;
  views::ExportOptions eo;
  std::string sizing, legend, repeats, activations, background, fit, direction, boxes, label_position;
  float regions = 0.0f;
  float neurons = 12.0f;
  if (!number(args, "scale", 0.01f, 16.0f, &eo.scale) || !number(args, "scale-xy", 0.01f, 100.0f, &lo.scale_xy) ||
      !number(args, "scale-z", 0.01f, 100.0f, &lo.scale_z) || !number(args, "min-xy", 0.0f, 10000.0f, &lo.min_xy) ||
      !number(args, "max-xy", 1.0f, 10000.0f, &lo.max_xy) || !number(args, "min-z", 0.0f, 10000.0f, &lo.min_z) ||
      !number(args, "max-z", 1.0f, 10000.0f, &lo.max_z) || !number(args, "spacing", 0.0f, 1000.0f, &lo.spacing) ||
      !number(args, "neurons", 3.0f, 200.0f, &neurons) || !number(args, "regions", 0.0f, 64.0f, &regions) ||
      !choice(args, "label-position", {"under", "over"}, &label_position) ||
      !choice(args, "sizing", {"accurate", "logarithmic", "capped", "uniform"}, &sizing) ||
      !choice(args, "legend", {"on", "off", "dims"}, &legend) || !choice(args, "repeats", {"fold", "all"}, &repeats) ||
      !choice(args, "activations", {"fold", "separate"}, &activations) ||
      !choice(args, "background", {"solid", "light", "dark", "transparent"}, &background) ||
      !choice(args, "fit", {"none", "16:9"}, &fit) || !choice(args, "boxes", {"auto", "op", "module"}, &boxes) || !choice(args, "direction", {"TB", "LR"}, &direction))
    return kExitUsage;
  if (!sizing.empty()) views::parseSizingMode(sizing, &lo.sizing);
  lo.legend = legend != "off";
  lo.legend_dims = legend == "dims";
  lo.dark = background == "dark";
  lo.direction = direction == "TB" ? layout::Direction::TopToBottom : layout::Direction::LeftToRight;
  // The neurons view counts what it leaves out: every layer, so no repeat folding.
  go.fold_repeats = repeats != "all" && view == "layered";
  go.fold_activations = activations != "separate";
  go.modules = boxes == "module" && view == "layered";
  go.modules_above = (boxes.empty() || boxes == "auto") && view == "layered" ? 60 : 0;
  go.type_ignore = splitList(args.all("type-ignore"));
  for (const std::string& label : splitList({args.get("labels")})) {
    if (label == "name") lo.label_name = true;
    else if (label == "shape") lo.label_shape = true;
    else if (label == "params") lo.label_params = true;
    else if (label != "none") return usage("--labels takes a comma list of name, shape, params (or none)");
  }
  no.max_neurons = static_cast<uint32_t>(neurons);
  lo.group_depth = static_cast<uint32_t>(regions);
  lo.label_above = label_position == "over";
  eo.transparent = background == "transparent";
  eo.fit_16_9 = fit == "16:9";

  // A builder document (DOC.json): its layers as drawn, shapes from its propagation.
  if (endsWithCi(args.positional[0], ".json")) {
    auto doc = builder::loadDocumentFile(args.positional[0]);
    if (!doc) {
      std::fprintf(stderr, "netforge: %s\n", displayName(doc.error().message, 400).c_str());
      return kExitBadInput;
    }
    const builder::Analysis analysis = builder::analyze(*doc, builder::Framework::PyTorch);
    views::LayerGraph layers = views::layersFromBuilder(*doc, analysis, go.fold_activations);
    if (view == "neurons") {
      const views::DensePart part = views::builderDensePart(*doc, analysis, layers, no);
      if (part.columns.empty()) std::fprintf(stderr, "netforge render: %s\n", part.caption.c_str());
      return writePicture(views::drawNeurons(part, lo.dark), eo, path, png,
                          "neurons view, " + std::to_string(part.columns.size()) + " neuron layers, " +
                              std::to_string(part.boxes.size()) + " boxes");
    }
    auto scene = views::layoutLayered(layers, lo);
    if (!scene) {
      std::fprintf(stderr, "netforge: %s: %s\n", displayName(args.positional[0]).c_str(), scene.error().message.c_str());
      return kExitBadInput;
    }
    return writePicture(views::drawLayered(layers, *scene, lo), eo, path, png,
                        view + " view, " + std::to_string(layers.layers.size()) + " boxes");
  }
  ir::Model model;
  if (!loadModelOrExplain(args.positional[0], &model)) return kExitBadInput;
  const shapes::InferenceResult inferred = shapes::inferShapes(model);
  const shapes::Metrics metrics = shapes::computeMetrics(model, inferred);
  auto layers = views::buildLayerGraph(model, inferred, metrics, go);
  if (!layers) {
    std::fprintf(stderr, "netforge: %s: %s\n", displayName(args.positional[0]).c_str(), layers.error().message.c_str());
    return kExitBadInput;
  }
  views::Drawing drawing;
  std::string what;
  if (view == "layered") {
    auto scene = views::layoutLayered(*layers, lo);
    if (!scene) {
      std::fprintf(stderr, "netforge: %s: %s\n", displayName(args.positional[0]).c_str(), scene.error().message.c_str());
      return kExitBadInput;
    }
    drawing = views::drawLayered(*layers, *scene, lo);
    what = withThousands(static_cast<int64_t>(layers->layers.size())) + " boxes";
  } else {
    const views::DensePart part = views::findDensePart(model, *layers, no, &inferred);
    drawing = views::drawNeurons(part, lo.dark);
    what = std::to_string(part.columns.size()) + " neuron layers, " + std::to_string(part.boxes.size()) + " boxes";
    if (part.columns.empty()) std::fprintf(stderr, "netforge render: %s\n", part.caption.c_str());
  }

  return writePicture(drawing, eo, path, png, view + " view, " + what);
}

}  // namespace nf::cli
