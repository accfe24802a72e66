// Expand/collapse motion (group_transition.h).
#include "app/group_transition.h"

#include <algorithm>
#include <cmath>

namespace nf::app {

namespace {

float easeInOut(float t) { return t < 0.5f ? 4 * t * t * t : 1 - std::pow(-2 * t + 2, 3.0f) * 0.5f; }

scene::Rect lerp(const scene::Rect& a, const scene::Rect& b, float t) {
  return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.width + (b.width - a.width) * t,
          a.height + (b.height - a.height) * t};
}

}  // namespace

void GroupTransition::start(std::vector<scene::Rect> from_nodes, std::vector<scene::Rect> from_frames, double now_ms) {
  from_nodes_ = std::move(from_nodes);
  from_frames_ = std::move(from_frames);
  start_ms_ = now_ms;
}

float GroupTransition::progress(double now_ms) const {
  return easeInOut(static_cast<float>(std::clamp((now_ms - start_ms_) / duration_ms_, 0.0, 1.0)));
}

bool GroupTransition::step(const scene::SceneLayout& final_layout, double now_ms) {
  if (start_ms_ < 0) return false;
  const float t = static_cast<float>((now_ms - start_ms_) / duration_ms_);
  if (t >= 1.0f || from_nodes_.size() != final_layout.nodes.size()) {
    start_ms_ = -1;
    layout_ = scene::SceneLayout{};
    return false;
  }
  const float k = progress(now_ms);
  layout_.direction = final_layout.direction;
  layout_.nodes.resize(final_layout.nodes.size());
  scene::Rect b = final_layout.bounds;
  for (size_t i = 0; i < final_layout.nodes.size(); ++i) {
    const scene::Rect r = lerp(from_nodes_[i], final_layout.nodes[i], k);
    layout_.nodes[i] = r;
    const float x0 = std::min(b.x, r.x), y0 = std::min(b.y, r.y);
    const float x1 = std::max(b.x + b.width, r.x + r.width), y1 = std::max(b.y + b.height, r.y + r.height);
    b = scene::Rect{x0, y0, x1 - x0, y1 - y0};
  }
  layout_.bounds = b;
  return true;
}

std::vector<scene::Rect> GroupTransition::frames(const std::vector<scene::GroupFrame>& final_frames, double now_ms) const {
  std::vector<scene::Rect> out;
  if (start_ms_ < 0 || from_frames_.size() != final_frames.size()) return out;
  const float t = progress(now_ms);
  out.reserve(final_frames.size());
  for (size_t i = 0; i < final_frames.size(); ++i) out.push_back(lerp(from_frames_[i], final_frames[i].rect, t));
  return out;
}

}  // namespace nf::app
