// app/session.h - the app's owner of the open model: a document::ModelDocument (the
// model, its generation and analysis, the load state machine, the error log; see
// src/document/model_document.h) plus what only the page has: the recent-files list
// in page storage, the platform clock, and window.netforgeStatus.
//
// The page and the frame loop send their events here and the session forwards them;
// views read the document (state, generation, analysis) through document().
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app/platform.h"
#include "app/run_results.h"
#include "document/file_routing.h"
#include "document/model_document.h"

namespace nf::app {

using document::IncomingFile;
using document::OpenedModel;

struct RecentFile {
  std::string name;
  uint64_t size = 0;
};

class Session {
 public:
  static constexpr size_t kMaxRecent = 10;

  // remember_recent = false: a second session (the model compared with) keeps the
  // page's recent-files list as it is.
  explicit Session(bool remember_recent = true);

  // Restores recent files from page storage.
  void loadPersisted();

  // [inputs] --------------------------------------------------------------------
  void beginLoading(const std::string& label) { doc_.beginLoading(label); }
  void queueOpen(std::vector<IncomingFile> files) { doc_.queueOpen(std::move(files)); }
  void reportError(const std::string& message) { doc_.reportError(message); }
  void logProblem(const std::string& message) { doc_.logProblem(message); }
  void clearErrors() { doc_.clearErrors(); }
  void stageFailed(const std::string& message) { doc_.stageFailed(message); }
  // What each file of a drop is for (ModelDocument::routeDrop); the page acts on the
  // roles: the model and its data come back through queueOpen.
  std::vector<document::FileRole> routeDrop(const std::vector<document::FileProbe>& files,
                                            document::DropTarget target) {
    return doc_.routeDrop(files, target);
  }

  // [frame] ---------------------------------------------------------------------
  // Start of a frame: opens a queued batch, if due; remembers a new model as recent.
  void beforeFrame();
  // The graph view started (re)laying out the open model.
  void graphLayoutStarted() { doc_.layoutStarted(); }
  // The graph view has the laid-out graph on screen in this frame, cancelled it, or
  // cannot draw: the frame's end completes the load. layout_ms = display graph + layout.
  void graphLaidOut(double layout_ms, bool cancelled = false) { doc_.laidOut(layout_ms, cancelled); }
  // End of a frame that was rendered; frame_ms is its CPU time.
  void afterFrameRendered(double frame_ms) { doc_.frameRendered(frame_ms); }
  // What the graph canvas shows now (netforgeStatus.view); publishes when it changed.
  void setViewMetrics(const platform::ViewMetrics& m) {
    if (m.title_px_min == view_.title_px_min && m.boxes_on_screen == view_.boxes_on_screen &&
        m.canvas_fraction == view_.canvas_fraction && m.drawn == view_.drawn)
      return;
    view_ = m;
    ++view_version_;
  }

  // [read] ----------------------------------------------------------------------
  document::ModelDocument& document() { return doc_; }
  // The last finished run (Run panel -> 3D view); see run_results.h.
  RunResults& runResults() { return run_results_; }
  const RunResults& runResults() const { return run_results_; }
  const document::ModelDocument& document() const { return doc_; }
  bool busy() const { return doc_.busy(); }
  uint64_t version() const { return doc_.version() + view_version_; }
  const std::vector<RecentFile>& recent() const { return recent_; }
  platform::Status status(bool ready) const;

 private:
  void addRecent(const std::string& name, uint64_t size);

  document::ModelDocument doc_;
  bool remember_recent_ = true;
  uint64_t recent_generation_ = 0;  // the newest model already in recent_
  std::vector<RecentFile> recent_;
  platform::ViewMetrics view_;
  uint64_t view_version_ = 0;
  RunResults run_results_;
};

}  // namespace nf::app
