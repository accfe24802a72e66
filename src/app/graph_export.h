// app/graph_export.h - the graph as a PNG or SVG file, from the app.
//
// PNG: the whole graph at a chosen scale, rendered offscreen with the same GL
// renderer and text as the canvas (light look), in tiles of at most 2048x2048 (one
// tile per frame, so a big export never blocks the page for long), read back and
// assembled, then encoded by scene/png.h and offered as a download.
// SVG: scene::writeSvg of the same display graph and geometry.
// With a "Colour by" overlay both carry its colours, and its legend below the graph.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app/context.h"
#include "scene/overlay.h"

namespace nf::app {

class GraphPipeline;
class GraphRenderer;
class GraphFonts;

class GraphExporter {
 public:
  static constexpr double kMaxPixels = 40e6;  // width * height of a PNG export

  ~GraphExporter();
  // `overlay` (may be null) must stay valid until the PNG is done (the view keeps it).
  void startPng(float scale, const scene::Overlay* overlay = nullptr);
  void saveSvg(const GraphPipeline& pipeline, AppContext& ctx, const scene::Overlay* overlay = nullptr);
  // Renders the next tile (or finishes); call once per frame from the view's update.
  void step(const GraphPipeline& pipeline, GraphRenderer& renderer, const GraphFonts& fonts, AppContext& ctx);
  bool busy() const { return active_; }
  const std::string& message() const { return message_; }

 private:
  bool active_ = false;
  float scale_ = 1.0f;
  const scene::Overlay* overlay_ = nullptr;
  uint32_t width_ = 0, height_ = 0, tile_ = 2048, next_tile_ = 0;
  std::vector<uint8_t> rgb_;
  std::string message_;
  unsigned fbo_ = 0, tex_ = 0;
};

}  // namespace nf::app
