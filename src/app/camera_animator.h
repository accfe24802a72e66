// app/camera_animator.h - an animated camera move (fit, focus, zoom keys): the
// camera glides from where it is to a target in 250 ms, slowing down at the end.
// Any direct move (drag, wheel, arrow keys) stops it.
#pragma once
#include "app/graph_camera.h"

namespace nf::app {

class CameraAnimator {
 public:
  void start(const GraphCamera& from, const GraphCamera& to, double now_ms);
  void stop() { start_ms_ = -1; }
  bool active() const { return start_ms_ >= 0; }
  // The camera at now_ms; the target once the time is up (and the move ends).
  void step(GraphCamera& camera, double now_ms, float canvas_w, float canvas_h);

 private:
  GraphCamera from_, to_;
  double start_ms_ = -1;
  double duration_ms_ = 250;
};

}  // namespace nf::app
