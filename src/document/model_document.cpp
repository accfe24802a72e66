#include "document/model_document.h"

#include <chrono>
#include <cstdio>

#include "base/guard.h"
#include "base/strings.h"

namespace nf::document {

namespace {

std::string formatMs(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, ms < 10 ? "%.1f ms" : "%.0f ms", ms);
  return buf;
}

double steadyMs() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

ModelDocument::ModelDocument(Clock clock) : clock_(clock ? std::move(clock) : Clock(steadyMs)) {}
ModelDocument::~ModelDocument() = default;

bool ModelDocument::busy() const {
  const LoadState s = state();
  return s == LoadState::Reading || s == LoadState::Parsing || s == LoadState::Analysing || s == LoadState::LayingOut;
}

void ModelDocument::apply(LoadEvent event) {
  if (machine_.apply(event, current_.model != nullptr)) changed();
}

void ModelDocument::beginLoading(const std::string& label) {
  if (state() != LoadState::Reading) open_started_ms_ = clock_();
  apply(LoadEvent::FilesGiven);
  loading_label_ = label;
  loading_frames_shown_ = 0;
  last_error_.clear();
  changed();
}

std::vector<FileRole> ModelDocument::routeDrop(const std::vector<FileProbe>& files, DropTarget target) {
  const FileRouting routing = routeFiles(files, RoutingContext{target, current_.model != nullptr});
  const std::vector<std::string> problems = routing.problems();
  for (size_t i = 0; i < problems.size(); ++i) {
    if (i == 0 && routing.nothingOpens()) fail(problems[i]);
    else logProblem(problems[i]);
  }
  return routing.roles;
}

void ModelDocument::queueOpen(std::vector<IncomingFile> files) {
  if (files.empty()) return;
  if (state() != LoadState::Reading)
    beginLoading(files.size() == 1 ? files[0].name : std::to_string(files.size()) + " files");
  queue_.push_back(std::move(files));
}

void ModelDocument::logProblem(const std::string& message) {
  errors_.push_back(ErrorEntry{clock_(), message});
  if (errors_.size() > kMaxErrors) errors_.erase(errors_.begin());
  ++errors_reported_;
  changed();
}

void ModelDocument::fail(const std::string& message) {
  logProblem(message);
  last_error_ = message;
  apply(LoadEvent::Failed);
  // Pending batches stay queued: a failed read of one drop must not swallow the next.
  if (!queue_.empty()) apply(LoadEvent::FilesGiven);
  last_operation_ = "failed: " + message;
  changed();
}

void ModelDocument::reportError(const std::string& message) { fail(message); }

void ModelDocument::stageFailed(const std::string& message) {
  failures_.push_back(message);
  changed();
}

void ModelDocument::applyFailure(const std::string& message) {
  const bool loading_model = state() == LoadState::Analysing || state() == LoadState::LayingOut;
  if (loading_model && previous_.model && current_.model) {
    const std::string failed = current_.model->file_name;
    current_ = std::move(previous_);
    previous_ = Entry{};
    current_drawn_ = true;
    model_frame_pending_ = false;
    fail(displayName(failed, 80) + ": " + message + " (" + displayName(current_.model->file_name, 80) +
         " stays open)");
    return;
  }
  fail(message);
}

void ModelDocument::clearErrors() {
  errors_.clear();
  apply(LoadEvent::ErrorsCleared);
  last_error_.clear();
  changed();
}

void ModelDocument::beforeFrame() {
  std::vector<std::string> failures = std::move(failures_);
  failures_.clear();
  for (const std::string& f : failures) applyFailure(f);
  if (state() == LoadState::Reading && !queue_.empty() && loading_frames_shown_ > 0) {
    auto batch = std::move(queue_.front());
    queue_.pop_front();
    openNow(std::move(batch));
  } else if (state() == LoadState::Parsing && opening_) {
    stepOpen();
  }
}

void ModelDocument::layoutStarted() {
  if (!current_.model) return;
  const LoadState before = state();
  if (!machine_.apply(LoadEvent::LayoutStarted, true)) return;  // e.g. a new file is being read
  if (before == LoadState::Drawn || before == LoadState::Failed || before == LoadState::Cancelled)
    open_started_ms_ = clock_();
  if (before != LoadState::LayingOut) changed();
  model_frame_pending_ = false;
}

void ModelDocument::laidOut(double layout_ms, bool cancelled) {
  if (state() != LoadState::LayingOut) return;
  timings_.layout_ms = layout_ms;
  model_frame_pending_ = true;
  pending_cancelled_ = cancelled;
}

void ModelDocument::openNow(std::vector<IncomingFile> files) {
  apply(LoadEvent::BatchTaken);
  opening_what_ = files.empty() ? std::string("the file") : displayName(files[0].name, 80);
  opening_parse_ms_ = 0;
  Status guarded = guardStage("opening " + opening_what_, [&] { opening_ = std::make_unique<OpenJob>(std::move(files)); });
  if (!guarded) {
    opening_.reset();
    fail(guarded.message());
    return;
  }
  stepOpen();
}

void ModelDocument::stepOpen() {
  const double t0 = clock_();
  bool finished = false;
  Status guarded = guardStage("opening " + opening_what_, [&] { finished = opening_->step(kOpenSliceMs); });
  const double t1 = clock_();
  opening_parse_ms_ += t1 - t0;
  if (!guarded) {
    opening_.reset();
    fail(guarded.message());
    return;
  }
  if (!finished) {
    changed();  // the progress line names the reader's phase
    return;
  }
  auto opened = opening_->take();
  opening_.reset();
  if (!opened) {
    fail(opened.error().message);
    return;
  }
  adopt(std::make_unique<OpenedModel>(std::move(*opened)), opening_parse_ms_, t1 - t0);
}

void ModelDocument::openBuilt(std::unique_ptr<OpenedModel> model) {
  beginLoading(model->file_name);
  apply(LoadEvent::BatchTaken);
  adopt(std::move(model), 0, 0);
}

void ModelDocument::adopt(std::unique_ptr<OpenedModel> next, double parse_ms, double last_parse_slice_ms) {
  // The model on screen is kept until the new one is drawn (stageFailed brings it
  // back); one that never got drawn is not worth keeping over an older one.
  if (current_.model && (current_drawn_ || !previous_.model)) previous_ = std::move(current_);
  current_ = Entry{std::move(next), ++last_generation_, nullptr};
  current_drawn_ = false;
  timings_ = OpenTimings{};
  timings_.parse_ms = parse_ms;
  timings_.last_parse_slice_ms = last_parse_slice_ms;
  // Missing external data is normal (a graph shared without its weights): the
  // structure is all there, so it is a notice (missingDataNotice), not a problem.
  for (const auto& note : current_.model->notes) logProblem(note);
  apply(LoadEvent::Parsed);
  model_frame_pending_ = false;
  changed();
}

void ModelDocument::frameRendered(double frame_ms) {
  if (state() == LoadState::Reading) {
    ++loading_frames_shown_;
  } else if (state() == LoadState::LayingOut && model_frame_pending_ && failures_.empty()) {
    model_frame_pending_ = false;
    timings_.draw_ms = frame_ms;
    apply(pending_cancelled_ ? LoadEvent::Cancelled : LoadEvent::Shown);
    current_drawn_ = true;
    previous_ = Entry{};
    const double total = clock_() - open_started_ms_;
    last_operation_ = "opened in " + formatMs(total) + " (parse " + formatMs(timings_.parse_ms) + ", layout " +
                      formatMs(timings_.layout_ms) + ", draw " + formatMs(timings_.draw_ms) + ")";
    changed();
  }
}

// [SECTION] Analysis ------------------------------------------------------------------

ModelAnalysis& ModelDocument::analysisEntry() {
  if (!current_.analysis) {
    auto a = std::make_unique<ModelAnalysis>();
    const double t0 = clock_();
    ++inference_runs_;
    const Status s = guardStage("shape inference and metrics",
                                [&] { a->inference = shapes::inferShapes(current_.model->model); });
    a->ms = clock_() - t0;
    if (!s) {
      a->inference = shapes::InferenceResult{};
      a->error = s.message();
    }
    // Kept before reporting: the failure switches models at the next frame, and this
    // model's analysis is not retried.
    current_.analysis = std::move(a);
    if (!s) stageFailed(s.message());
  }
  return *current_.analysis;
}

const shapes::InferenceResult* ModelDocument::inference() {
  if (!current_.model) return nullptr;
  return &analysisEntry().inference;
}

const ModelAnalysis* ModelDocument::analysis() {
  if (!current_.model) return nullptr;
  ModelAnalysis& a = analysisEntry();
  if (!a.has_metrics && a.error.empty()) {
    const double t0 = clock_();
    const Status s = guardStage("shape inference and metrics",
                                [&] { a.metrics = shapes::computeMetrics(current_.model->model, a.inference); });
    a.ms += clock_() - t0;
    a.has_metrics = true;
    if (!s) {
      a.inference = shapes::InferenceResult{};
      a.metrics = shapes::Metrics{};
      a.error = s.message();
      stageFailed(s.message());
    }
  }
  return &a;
}

void ModelDocument::setNodeTimes(uint64_t generation, std::vector<double> node_ms) {
  if (!current_.model || generation != current_.generation) return;
  current_.node_ms = std::move(node_ms);
  ++node_times_version_;
  changed();
}

}  // namespace nf::document
