// app/context.h - what views and commands are handed each frame.
#pragma once

#include "app/selection.h"
#include "app/theme.h"

namespace nf::app {

class Comparison;
class FrameLog;
class Session;
class ViewRegistry;

// Settings the user changes from the menus; kept in page storage between visits.
struct Settings {
  Theme theme = Theme::Dark;
  void load();
  void save() const;
};

// Plain references to the app's state: no globals, no event bus.
struct AppContext {
  Session& session;
  Settings& settings;
  ViewRegistry& views;
  Selection& selection;  // shared by the node list, details, tensor and graph views
  Comparison* comparison = nullptr;  // File > Compare with... (app/comparison.h); null in B's context
  FrameLog* frame_log = nullptr;     // parts of this frame, for long-task reports (app/frame_log.h); may be null
};

}  // namespace nf::app
