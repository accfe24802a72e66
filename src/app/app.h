// app/app.h - the application shell: window, WebGL2 context, ImGui, main loop.
//
// Call flow of one frame (App::frame, driven by requestAnimationFrame):
//   pollEvents()            SDL events -> ImGui; any input marks activity
//   decide                  render only when something can have changed (input in the
//                           last second, a load in progress, a state change): an idle
//                           page costs almost nothing
//   session.beforeFrame()   opens queued files / lays out a parsed model
//   fonts.update()          rebuild the atlas if the pixel ratio changed
//   NewFrame, menu bar, views, shortcuts, Render, GL draw
//   session.afterFrameRendered(), publish status + frame count to the page
#pragma once
#include <SDL.h>

#include <cstdint>
#include <string>
#include <vector>

#include "app/comparison.h"
#include "app/context.h"
#include "app/fonts.h"
#include "app/frame_log.h"
#include "app/session.h"
#include "app/view.h"
#include "base/result.h"

namespace nf::app {

class App {
 public:
  App() = default;
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Creates the window, the WebGL2 context and ImGui, registers the views and
  // starts opening the sample model. Fails when the browser has no WebGL2.
  Status init();
  // One iteration of the main loop.
  void frame();

 private:
  bool pollEvents();  // true if any event arrived
  bool needsFrame(double now_ms, bool had_events) const;
  bool diffOnly() const;
  void renderFrame(bool had_events);
  // Whether this frame reaches the canvas (while a layout only shows progress, one a
  // kProgressFrameMs).
  bool presentsFrame(bool had_events, double frame_start_ms) const;
  void drawMenuBar();
  void publishStatusIfChanged();

  SDL_Window* window_ = nullptr;
  SDL_GLContext gl_ = nullptr;
  bool imgui_ready_ = false;
  bool gl_objects_created_ = false;  // the backend creates them in its first NewFrame

  Session session_;
  Settings settings_;
  ViewRegistry views_;
  FontManager fonts_;
  Selection selection_;
  uint64_t selection_generation_ = 0;  // the document generation the selection refers to
  Comparison comparison_{settings_, views_};  // File > Compare with...
  FrameLog frame_log_;  // what long frames spent their time on
  AppContext ctx_{session_, settings_, views_, selection_, &comparison_, &frame_log_};

  uint64_t frames_ = 0;
  double last_drawn_ms_ = 0;  // when renderFrame last ran
  bool ready_ = false;
  double last_activity_ms_ = 0;
  uint64_t seen_version_ = 0;       // session version that last triggered a frame
  uint64_t seen_compare_version_ = 0, seen_b_version_ = 0;  // the same for a comparison (B's and the merged session)
  uint64_t published_version_ = 0;  // session version last sent to the page
  bool published_ready_ = false;
  std::vector<std::string> published_panels_;  // open panels last sent (netforgeStatus.panels)
  int last_w_ = 0, last_h_ = 0;     // drawable size of the last frame
  double last_present_ms_ = 0;      // when a frame last reached the canvas
  std::vector<SDL_Event> deferred_;  // key releases held back to the next frame (pollEvents)
};

}  // namespace nf::app
