// app/graph_minimap.h - the graph view's minimap: the whole graph, rendered once into
// a texture (again after invalidate()), in an overlay at the canvas's bottom-right
// corner with the visible part outlined; a click or drag there moves the view.
#pragma once
#include <imgui.h>

#include <optional>
#include <string>
#include <utility>

#include "app/gl_graph_renderer.h"
#include "app/graph_camera.h"
#include "app/test_probe.h"

namespace nf::app {

class GraphMinimap {
 public:
  struct Result {
    bool focused = false;                 // the overlay window has the keyboard focus
    std::optional<scene::Point> centre;   // clicked or dragged: centre the view here
  };
  // The scene changed (new layout, theme, overview textures): render it again.
  void invalidate() { dirty_ = true; }
  Result draw(GraphRenderer& renderer, const RenderStyle& style, const scene::Rect& bounds, const GraphCamera& camera,
              ImVec2 canvas_pos, ImVec2 canvas_size, float pixel_ratio, TestProbe& probe);

  // Its ImGui window's name (one per graph pane).
  void setWindowId(std::string id) { window_id_ = std::move(id); }

 private:
  void render(GraphRenderer& renderer, const RenderStyle& style, const scene::Rect& bounds, float pixel_ratio);

  unsigned tex_ = 0, fbo_ = 0;
  int w_ = 0, h_ = 0;   // CSS pixels
  float scale_ = 1.0f;  // CSS pixels per scene unit
  bool dirty_ = true;
  std::string window_id_ = "##graph_minimap";
};

}  // namespace nf::app
