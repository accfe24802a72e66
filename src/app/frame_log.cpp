#include "app/frame_log.h"

#include <nlohmann/json.hpp>

#include "app/page_json.h"
#include "app/platform.h"

namespace nf::app {

void FrameLog::begin(double now_ms) {
  open_ = true;
  start_ms_ = last_ms_ = now_ms;
  parts_.clear();
}

void FrameLog::mark(std::string part) {
  if (!open_) return;
  const double now = platform::nowMs();
  if (now - last_ms_ >= 0.5) parts_.emplace_back(std::move(part), now - last_ms_);
  last_ms_ = now;
}

void FrameLog::markPresented() {
  if (!open_) return;
  last_present_ms_ = platform::nowMs() - last_ms_;
  presented_ = true;
  mark("GL draw");
}

void FrameLog::end() {
  if (!open_) return;
  open_ = false;
  last_frame_presented_ = presented_;
  presented_ = false;
  const double total = platform::nowMs() - start_ms_;
  last_frame_ms_ = total;
  if (total < kLongFrameMs) return;
  nlohmann::ordered_json j;
  j["start"] = roundTo(start_ms_, 1);
  j["ms"] = roundTo(total, 1);
  auto& parts = j["parts"] = nlohmann::ordered_json::array();
  for (const auto& [what, ms] : parts_) parts.push_back({what, roundTo(ms, 1)});
  platform::publishLongFrame(pageJson(j));
}

}  // namespace nf::app
