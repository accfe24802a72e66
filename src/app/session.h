// app/session.h - the state of one running app: the open model, the load state
// machine, the error log, recent files. Views read it; the page and commands feed it.
//
// Load states (published as window.netforgeStatus.state):
//
//   empty --files--> loading --parsed--> laying-out --first frame--> drawn
//                       |                                              |
//                       +--------fails--> error <--------fails---------+
//
// Opening never happens inside a page callback: the files are queued and opened at
// the start of a later frame, after a frame with the loading overlay was shown, so
// the user sees "Opening ..." before a long parse blocks the main thread.
// A failed open keeps the previously open model: nothing is lost. The same holds
// for a stage that fails after parsing (analysis, layout, drawing; stageFailed):
// until the new model is drawn the previous one is kept, and comes back.
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "app/open_files.h"
#include "app/platform.h"

namespace nf::app {

enum class LoadState { Empty, Loading, LayingOut, Drawn, Error };
const char* loadStateName(LoadState state);  // "empty", "loading", "laying-out", "drawn", "error"

struct ErrorEntry {
  double at_ms = 0;     // platform::nowMs() when it was reported
  std::string message;  // one line
};

struct RecentFile {
  std::string name;
  uint64_t size = 0;
};

struct OpenTimings {
  double parse_ms = 0;   // sniff + read + IR conversion
  double layout_ms = 0;  // display graph + graph layout + geometry (graph view)
  double draw_ms = 0;    // CPU time of the first frame that showed the model
};

class Session {
 public:
  static constexpr size_t kMaxRecent = 10;
  static constexpr size_t kMaxErrors = 200;

  // Restores recent files from page storage.
  void loadPersisted();

  // [inputs] --------------------------------------------------------------------
  // The page started reading files; `label` says what ("model.onnx", "3 files").
  void beginLoading(const std::string& label);
  // Queues one batch (one drop or pick) to be opened as one model.
  void queueOpen(std::vector<IncomingFile> files);
  // Adds an error to the log and makes it the current state.
  void reportError(const std::string& message);
  // Adds a problem to the log without failing the current operation (a warning).
  void logProblem(const std::string& message);
  void clearErrors();
  // A stage working on the open model failed (an exception caught by guardStage, or
  // the graph pipeline gave up). At the start of the next frame, a model not yet
  // drawn gives way to the previous one, if any; otherwise the model stays open.
  // Either way the message is logged and becomes the error state.
  void stageFailed(const std::string& message);

  // [frame] ---------------------------------------------------------------------
  // Start of a frame: opens a queued batch, if due (the graph view lays it out).
  void beforeFrame();
  // The graph view started (re)laying out the open model: state "laying-out".
  void graphLayoutStarted();
  // The graph view has the laid-out graph on screen in this frame (or gave up):
  // the frame's end makes the state "drawn". layout_ms = display graph + layout time.
  void graphLaidOut(double layout_ms);
  // End of a frame that was rendered; frame_ms is its CPU time.
  void afterFrameRendered(double frame_ms);

  // [read] ----------------------------------------------------------------------
  LoadState state() const { return state_; }
  bool busy() const { return state_ == LoadState::Loading || state_ == LoadState::LayingOut; }
  const OpenedModel* current() const { return current_.get(); }
  const std::string& loadingLabel() const { return loading_label_; }
  const std::vector<ErrorEntry>& errors() const { return errors_; }
  uint64_t errorsReported() const { return errors_reported_; }  // grows monotonically
  const std::string& lastError() const { return last_error_; }
  const OpenTimings& timings() const { return timings_; }
  // "opened in 12 ms" etc.; "" before the first operation.
  const std::string& lastOperation() const { return last_operation_; }
  const std::vector<RecentFile>& recent() const { return recent_; }
  // Bumps whenever anything published in the status changes.
  uint64_t version() const { return version_; }
  platform::Status status(bool ready) const;

 private:
  void openNow(std::vector<IncomingFile> files);
  void applyFailure(const std::string& message);
  void addRecent(const std::string& name, uint64_t size);
  void changed() { ++version_; }

  LoadState state_ = LoadState::Empty;
  std::unique_ptr<OpenedModel> current_;
  std::unique_ptr<OpenedModel> previous_;  // kept until current_ is drawn (stageFailed)
  bool current_drawn_ = false;
  std::vector<std::string> failures_;  // stageFailed, applied by beforeFrame
  std::deque<std::vector<IncomingFile>> queue_;
  std::string loading_label_;
  int loading_frames_shown_ = 0;
  bool model_frame_pending_ = false;  // laid out; the next rendered frame shows it
  double open_started_ms_ = 0;
  OpenTimings timings_;
  std::vector<ErrorEntry> errors_;
  uint64_t errors_reported_ = 0;
  std::string last_error_;
  std::string last_operation_;
  std::vector<RecentFile> recent_;
  uint64_t version_ = 1;
};

}  // namespace nf::app
