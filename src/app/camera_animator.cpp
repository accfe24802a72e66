// Animated camera moves (camera_animator.h).
#include "app/camera_animator.h"

namespace nf::app {

namespace {
float easeOut(float t) { return 1.0f - (1.0f - t) * (1.0f - t) * (1.0f - t); }
}  // namespace

void CameraAnimator::start(const GraphCamera& from, const GraphCamera& to, double now_ms) {
  from_ = from;
  to_ = to;
  start_ms_ = now_ms;
}

void CameraAnimator::step(GraphCamera& camera, double now_ms, float canvas_w, float canvas_h) {
  if (start_ms_ < 0) return;
  const float t = static_cast<float>((now_ms - start_ms_) / duration_ms_);
  if (t >= 1.0f) {
    camera = to_;
    start_ms_ = -1;
    return;
  }
  camera = blend(from_, to_, easeOut(t), canvas_w, canvas_h);
}

}  // namespace nf::app
