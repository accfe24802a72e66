// app/group_transition.h - the motion after an expand/collapse in a grouped scene:
// boxes and frames glide from where they were to where the new layout puts them
// (220 ms, ease in and out). Edges are not interpolated (their routes differ), so
// the boxes move alone meanwhile.
#pragma once
#include <vector>

#include "scene/grouped_scene.h"
#include "scene/scene_layout.h"

namespace nf::app {

class GroupTransition {
 public:
  // Starts moving boxes (per display node) and frames (per group frame) from these
  // rectangles to the layout's.
  void start(std::vector<scene::Rect> from_nodes, std::vector<scene::Rect> from_frames, double now_ms);
  void stop() { start_ms_ = -1; }
  bool active() const { return start_ms_ >= 0; }
  // Computes the in-between boxes for now_ms. Returns false when the motion is over
  // (time up, or the final layout is not the one it started for): then the final
  // layout is what to show.
  bool step(const scene::SceneLayout& final_layout, double now_ms);
  // The in-between boxes of the last step; usable while moving(node_count).
  const scene::SceneLayout& layout() const { return layout_; }
  bool moving(size_t node_count) const { return active() && layout_.nodes.size() == node_count; }
  // The frames at now_ms, or empty when they are not moving.
  std::vector<scene::Rect> frames(const std::vector<scene::GroupFrame>& final_frames, double now_ms) const;

 private:
  float progress(double now_ms) const;  // eased, 0..1

  double start_ms_ = -1;
  double duration_ms_ = 220;
  std::vector<scene::Rect> from_nodes_, from_frames_;
  scene::SceneLayout layout_;
};

}  // namespace nf::app
