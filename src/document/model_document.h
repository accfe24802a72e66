// document/model_document.h - the open model and everything the app knows about
// loading it, in one place that native tests reach.
//
// A ModelDocument owns:
//   - the open model (ir::Model + the byte sources its weights are read from);
//   - its generation: each successful open takes the next number, so views notice a
//     new model by comparing numbers, never pointers (an address can be reused);
//   - its analysis (shape inference, metrics), computed once on first use and shared
//     by every consumer (graph pipeline, summary, node details, Run panel);
//   - the load state machine (load_state.h), the queue of batches to open, the error
//     log and the timings of the last open.
//
// Opening never happens inside a page callback: batches are queued and opened by
// beforeFrame() once a frame showing "Opening ..." was rendered (frameRendered()).
// A failed open keeps the open model. So does a stage that fails after parsing
// (analysis, layout, drawing; stageFailed): until the new model is drawn the previous
// one is kept and comes back, with its generation number and its analysis.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "document/file_routing.h"
#include "document/load_state.h"
#include "document/open_model.h"
#include "shapes/inference.h"
#include "shapes/metrics.h"

namespace nf::document {

struct ModelAnalysis {
  shapes::InferenceResult inference;
  shapes::Metrics metrics;  // filled by ModelDocument::analysis(), not by inference()
  bool has_metrics = false;
  double ms = 0;      // time taken by inference + metrics
  std::string error;  // set when the analysis failed: inference/metrics are then empty
};

struct ErrorEntry {
  double at_ms = 0;     // the document's clock when it was reported
  std::string message;  // one line
};

struct OpenTimings {
  double parse_ms = 0;   // sniff + read + IR conversion, all slices together
  double last_parse_slice_ms = 0;  // the slice that finished parsing (the frame's time already spent)
  double layout_ms = 0;  // display graph + graph layout + geometry (graph view)
  double draw_ms = 0;    // CPU time of the first frame that showed the model
};

class ModelDocument {
 public:
  static constexpr size_t kMaxErrors = 200;
  // A model is read in slices, one per frame (onnx::ReadJob), so the page is not
  // blocked by one long parse.
  static constexpr double kOpenSliceMs = onnx::ReadJob::kPageSliceMs;
  using Clock = std::function<double()>;  // milliseconds, monotonic

  // `clock` defaults to the steady clock; tests pass their own.
  explicit ModelDocument(Clock clock = {});
  ~ModelDocument();
  ModelDocument(const ModelDocument&) = delete;
  ModelDocument& operator=(const ModelDocument&) = delete;

  // [events from the page] --------------------------------------------------------
  // The page started reading files; `label` says what ("model.onnx", "3 files").
  void beginLoading(const std::string& label);
  // Files the user handed over (a drop, a picker): what each one is for (routeFiles,
  // with a model open or not). Files not opened are reported: the error when nothing of
  // the drop is used, a logged problem each otherwise. The caller hands the model and
  // its data files to queueOpen, the rest to the builder or the Run panel.
  std::vector<FileRole> routeDrop(const std::vector<FileProbe>& files, DropTarget target);
  // Queues one batch (one drop or pick) to be opened as one model.
  void queueOpen(std::vector<IncomingFile> files);
  // A model made in memory (a comparison's merged graph, diff/merged.h) becomes the
  // open model now, through the same states as a file (laid out, then drawn).
  void openBuilt(std::unique_ptr<OpenedModel> model);
  // Adds an error to the log and fails the current operation (queued batches stay).
  void reportError(const std::string& message);
  // Adds a problem to the log without failing anything (a warning).
  void logProblem(const std::string& message);
  void clearErrors();
  // A stage working on the open model failed. Applied by the next beforeFrame(): the
  // caller may still hold pointers into the model. A model not yet drawn then gives
  // way to the previous one, if any. Either way the message becomes the error.
  void stageFailed(const std::string& message);

  // [events from the frame loop] ----------------------------------------------------
  // Start of a frame: applies failures, opens a queued batch when one is due.
  void beforeFrame();
  // A view started (re)laying out the open model.
  void layoutStarted();
  // The view has the laid-out model on screen in this frame (or the user cancelled
  // the layout, or it cannot draw): the end of the frame completes the load.
  void laidOut(double layout_ms, bool cancelled = false);
  // End of a rendered frame; frame_ms is its CPU time.
  void frameRendered(double frame_ms);

  // [read] --------------------------------------------------------------------------
  LoadState state() const { return machine_.state(); }
  const char* publishedState() const { return publishedStateName(machine_.state()); }
  // Reading, parsing, analysing or laying out.
  bool busy() const;
  // Read or laid out in slices with nothing of the new model ready to show: a frame
  // now would only move the progress bar.
  bool onlyProgressToShow() const {
    return state() == LoadState::Parsing || (state() == LoadState::LayingOut && !model_frame_pending_);
  }
  const OpenedModel* current() const { return current_.model.get(); }
  // 0 before the first model; changes whenever current() is another model.
  uint64_t generation() const { return current_.generation; }
  // The current model's shape inference / full analysis, computed on first use (null
  // without a model). A failure leaves an empty result with `error` set and is
  // reported once through stageFailed.
  const shapes::InferenceResult* inference();
  const ModelAnalysis* analysis();
  // How many times this document ran shape inference (for tests: once per model).
  uint64_t inferenceRuns() const { return inference_runs_; }

  // Time of each main-graph node in the current model's last completed run (Run
  // panel), in ms, indexed like model.graphs[0].nodes; -1 for a node that did not
  // run. Empty before a run; a new model starts empty. nodeTimesVersion() grows with
  // every new set, so the viewer's overlays know when to recolour.
  void setNodeTimes(uint64_t generation, std::vector<double> node_ms);  // ignored for an older model
  const std::vector<double>& nodeTimesMs() const { return current_.node_ms; }
  uint64_t nodeTimesVersion() const { return node_times_version_; }

  const std::string& loadingLabel() const { return loading_label_; }
  const std::vector<ErrorEntry>& errors() const { return errors_; }
  uint64_t errorsReported() const { return errors_reported_; }  // grows monotonically
  const std::string& lastError() const { return last_error_; }
  // "weights not included: structure only" when the open model's external data
  // files were not given, else "".
  std::string missingDataNotice() const {
    return current_.model && !current_.model->missing_data.empty() ? "weights not included: structure only"
                                                                   : std::string();
  }
  const OpenTimings& timings() const { return timings_; }
  // "opened in 12 ms (parse ..., layout ..., draw ...)", "failed: ..."; "" before any.
  const std::string& lastOperation() const { return last_operation_; }
  // Bumps whenever anything in the status changes.
  uint64_t version() const { return version_; }

 private:
  struct Entry {
    std::unique_ptr<OpenedModel> model;
    uint64_t generation = 0;
    std::unique_ptr<ModelAnalysis> analysis;
    std::vector<double> node_ms;  // setNodeTimes
  };
  std::unique_ptr<OpenJob> opening_;  // the batch being read (state Parsing)
  std::string opening_what_;          // its file name, for error messages
  double opening_parse_ms_ = 0;
  void openNow(std::vector<IncomingFile> files);
  void stepOpen();
  void adopt(std::unique_ptr<OpenedModel> next, double parse_ms, double last_parse_slice_ms);  // the opened model becomes current
  void applyFailure(const std::string& message);
  void fail(const std::string& message);
  void apply(LoadEvent event);
  ModelAnalysis& analysisEntry();
  void changed() { ++version_; }

  Clock clock_;
  LoadStateMachine machine_;
  Entry current_;
  Entry previous_;  // kept until current_ is drawn (stageFailed brings it back)
  bool current_drawn_ = false;
  uint64_t last_generation_ = 0;  // the last number given out
  std::vector<std::string> failures_;  // stageFailed, applied by beforeFrame
  std::deque<std::vector<IncomingFile>> queue_;
  std::string loading_label_;
  int loading_frames_shown_ = 0;
  bool model_frame_pending_ = false;  // laid out; the next rendered frame shows it
  bool pending_cancelled_ = false;
  double open_started_ms_ = 0;
  OpenTimings timings_;
  std::vector<ErrorEntry> errors_;
  uint64_t errors_reported_ = 0;
  uint64_t inference_runs_ = 0;
  std::string last_error_;
  std::string last_operation_;
  uint64_t version_ = 1;
  uint64_t node_times_version_ = 0;
};

}  // namespace nf::document
