// app/frame_log.h - what a long frame spent its time on. Each part of a frame is
// timed (App::frame marks its own parts, views mark theirs through AppContext); a
// frame of kLongFrameMs or more is published with its parts, so a benchmark can say
// what each of the page's long tasks was (window.netforgeLongFrames, see
// tests/browser/firstsight_bench.mjs).
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace nf::app {

class FrameLog {
 public:
  // Frames at least this long are published (the browser's long task is 50 ms).
  static constexpr double kLongFrameMs = 40.0;

  void begin(double now_ms);
  // The time since the previous mark (or begin) was spent on `part`. Parts under
  // 0.5 ms are not kept (the frame's total still counts them).
  void mark(std::string part);
  // Ends the frame; publishes it when it was long.
  void end();
  // How long the last ended frame took (0 before the first).
  double lastFrameMs() const { return last_frame_ms_; }

  // Presenting a frame (GL draw and swap) costs tens of ms in SwiftShader, and while a
  // model loads only some frames present: the App says before the views draw whether
  // this one will, so a layout slice can leave room for it.
  void expectPresent(bool presents) { presents_ = presents; }
  bool presents() const { return presents_; }
  // The time since the previous mark was spent presenting (a part named "GL draw").
  void markPresented();
  double lastPresentMs() const { return last_present_ms_; }      // the latest presentation's cost
  bool lastFramePresented() const { return last_frame_presented_; }

 private:
  bool open_ = false;
  bool presents_ = true, presented_ = false, last_frame_presented_ = false;
  double start_ms_ = 0, last_ms_ = 0, last_frame_ms_ = 0, last_present_ms_ = 0;
  std::vector<std::pair<std::string, double>> parts_;
};

}  // namespace nf::app
