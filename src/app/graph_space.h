// app/graph_space.h - the graph canvas's 3D picture (TensorSpace-style), the "3D"
// of the Graph | Layered | 3D | Neurons switch.
//
// Geometry is the core's (views/space_view.h): layers as slabs down the flow,
// branches side by side, open layers as one plane per channel. Here: the orbit
// camera (space_camera.h), WebGL2 drawing with shaders/space.vert|frag into an
// offscreen framebuffer (the page's canvas has no depth buffer) shown as an ImGui
// image, input (drag orbits; right/middle drag or Shift+drag pans; wheel zooms;
// 0 or Fit frames it all; a click opens or closes a layer, animated; PgUp/PgDn
// page a hovered layer's channels), the hover card, and, after a run (Run panel,
// run_results.h), each plane textured with its real feature map in the Run
// panel's colour map and scaling, dense units coloured by value, the classifier's
// top-k next to the last layer and the receptive field of a hovered map pixel.
#pragma once
#include <GLES3/gl3.h>
#include <imgui.h>

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "app/gl_program.h"
#include "app/run_results.h"
#include "app/space_camera.h"
#include "views/layer_graph.h"
#include "views/space_view.h"

namespace nf::document {
struct ModelAnalysis;
}

namespace nf::app {

class GraphSpace {
 public:
  GraphSpace();
  ~GraphSpace();
  GraphSpace(const GraphSpace&) = delete;
  GraphSpace& operator=(const GraphSpace&) = delete;

  // Builds the layers and the scene for `model` (document `generation`) if not held.
  bool prepare(const ir::Model* model, uint64_t generation, const document::ModelAnalysis* analysis);
  // The last run, if it is of this model (generation), else ignored.
  void setRun(const RunResults* run);
  // Input on the canvas item (the InvisibleButton just submitted), GL pass, overlays.
  void draw(ImDrawList* dl, ImVec2 canvas_pos, ImVec2 canvas_size, float toolbar_height, float pixel_ratio);
  void requestFit() { fit_pending_ = true; }
  // Opens or closes layer `i` (feature layers with more than one channel), animated.
  void toggle(uint32_t layer);
  std::string exportPng(const std::string& base);

  bool animating() const { return anim_start_ms_ >= 0; }
  const std::string& error() const { return error_; }
  std::string caption() const;
  // netforgeStatus.graph.space: counts, state and on-screen probes for tests.
  nlohmann::ordered_json status() const;

 private:
  struct Atlas {  // a layer's shown channels, one texture
    GLuint texture = 0;
    uint32_t cols = 1, rows = 1, first = 0, count = 0;
    std::string key;  // run version / page / open
  };
  struct Vertex {
    float pos[3];
    float normal[3];
    uint8_t color[4];
    float tex[3];
  };

  Status initGl();
  void relayout(bool animate);
  void buildVertices(float t);
  void addBox(views::Vec3 c, views::Vec3 s, uint32_t rgb, bool textured, float u0, float v0, float u1, float v1);
  void addLine(views::Vec3 a, views::Vec3 b, uint32_t rgb);
  void ensureAtlas(uint32_t layer);
  void renderGl(int width, int height);
  void handleInput(ImVec2 pos, ImVec2 size);
  void drawOverlays(ImDrawList* dl, ImVec2 pos, ImVec2 size);
  const runtime::Tensor* tensorOf(uint32_t layer) const;
  std::string valueName(uint32_t layer) const;

  const ir::Model* model_ = nullptr;
  uint64_t generation_ = 0;
  views::LayerGraph layers_;
  views::SpaceOptions options_;
  views::SpaceState state_;
  views::SpaceScene scene_, from_;  // from_: the scene an animation starts from
  double anim_start_ms_ = -1;
  float anim_t_ = 1;
  static constexpr double kAnimMs = 700;
  SpaceCamera camera_;
  bool fit_pending_ = true;
  std::string error_;

  const RunResults* run_ = nullptr;
  uint64_t run_version_ = 0;
  std::map<uint32_t, Atlas> atlases_;  // by layer
  uint32_t atlases_built_ = 0;         // this frame (a few per frame keep it smooth)

  // GL
  bool gl_ready_ = false;
  GlProgram prog_;
  GlBuffer vbo_;
  GLuint vao_ = 0, fbo_ = 0, color_tex_ = 0, depth_rb_ = 0, white_tex_ = 0;
  int fb_w_ = 0, fb_h_ = 0;
  std::vector<Vertex> verts_;
  std::vector<std::pair<uint32_t, uint32_t>> ranges_;  // [layer] first vertex, count (triangles)
  uint32_t line_first_ = 0, line_count_ = 0;
  bool dirty_ = true;
  double gl_ms_ = 0;     // last GL pass (CPU side, including glFinish when measuring)
  uint64_t frames_ = 0;

  // Hover and click
  views::SpaceHit hover_;
  std::string hover_value_;
  bool dragged_ = false;
  ImVec2 canvas_pos_{0, 0}, canvas_size_{1, 1};
};

}  // namespace nf::app
