#include "app/session.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "app/guard.h"
#include "base/strings.h"

namespace nf::app {

namespace {
constexpr const char* kRecentKey = "netforge.recent";

std::string formatMs(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, ms < 10 ? "%.1f ms" : "%.0f ms", ms);
  return buf;
}
}  // namespace

const char* loadStateName(LoadState state) {
  switch (state) {
    case LoadState::Empty: return "empty";
    case LoadState::Loading: return "loading";
    case LoadState::LayingOut: return "laying-out";
    case LoadState::Drawn: return "drawn";
    case LoadState::Error: return "error";
  }
  return "error";
}

// Recent files are stored as lines "<size>\t<name>", newest first.
void Session::loadPersisted() {
  recent_.clear();
  std::istringstream in(platform::storageGet(kRecentKey));
  std::string line;
  while (std::getline(in, line) && recent_.size() < kMaxRecent) {
    auto tab = line.find('\t');
    if (tab == std::string::npos || tab + 1 >= line.size()) continue;
    RecentFile r;
    r.size = std::strtoull(line.substr(0, tab).c_str(), nullptr, 10);
    r.name = line.substr(tab + 1);
    recent_.push_back(std::move(r));
  }
}

void Session::addRecent(const std::string& name, uint64_t size) {
  recent_.erase(std::remove_if(recent_.begin(), recent_.end(), [&](const RecentFile& r) { return r.name == name; }),
                recent_.end());
  recent_.insert(recent_.begin(), RecentFile{name, size});
  if (recent_.size() > kMaxRecent) recent_.resize(kMaxRecent);
  std::string text;
  for (const auto& r : recent_) {
    // Names come from the user's file system: keep them on one line.
    std::string safe = r.name;
    std::replace(safe.begin(), safe.end(), '\n', ' ');
    std::replace(safe.begin(), safe.end(), '\t', ' ');
    text += std::to_string(r.size) + "\t" + safe + "\n";
  }
  platform::storageSet(kRecentKey, text);
}

void Session::beginLoading(const std::string& label) {
  if (state_ != LoadState::Loading) open_started_ms_ = platform::nowMs();
  state_ = LoadState::Loading;
  loading_label_ = label;
  loading_frames_shown_ = 0;
  last_error_.clear();
  changed();
}

void Session::queueOpen(std::vector<IncomingFile> files) {
  if (files.empty()) return;
  if (state_ != LoadState::Loading) {
    beginLoading(files.size() == 1 ? files[0].name : std::to_string(files.size()) + " files");
  }
  queue_.push_back(std::move(files));
}

void Session::logProblem(const std::string& message) {
  errors_.push_back(ErrorEntry{platform::nowMs(), message});
  if (errors_.size() > kMaxErrors) errors_.erase(errors_.begin());
  ++errors_reported_;
  changed();
}

void Session::reportError(const std::string& message) {
  logProblem(message);
  last_error_ = message;
  // Pending batches stay queued: a failed read of one drop must not swallow the next.
  state_ = queue_.empty() ? LoadState::Error : LoadState::Loading;
  last_operation_ = "failed: " + message;
  changed();
}

void Session::stageFailed(const std::string& message) {
  // Applied at the start of the next frame: the caller (a view mid-draw, the graph
  // pipeline) may still hold pointers into the model that would be switched away.
  failures_.push_back(message);
  changed();
}

void Session::applyFailure(const std::string& message) {
  if (state_ == LoadState::LayingOut && previous_ && current_) {
    const std::string failed = current_->file_name;
    current_ = std::move(previous_);
    current_drawn_ = true;
    reportError(displayName(failed, 80) + ": " + message + " (" + displayName(current_->file_name, 80) +
                " stays open)");
    return;
  }
  reportError(message);
}

void Session::clearErrors() {
  errors_.clear();
  if (state_ == LoadState::Error) state_ = current_ ? LoadState::Drawn : LoadState::Empty;
  last_error_.clear();
  changed();
}

void Session::beforeFrame() {
  std::vector<std::string> failures = std::move(failures_);
  failures_.clear();
  for (const std::string& f : failures) applyFailure(f);
  if (state_ == LoadState::Loading && !queue_.empty() && loading_frames_shown_ > 0) {
    auto batch = std::move(queue_.front());
    queue_.pop_front();
    openNow(std::move(batch));
  }
}

void Session::graphLayoutStarted() {
  if (!current_) return;
  if (state_ == LoadState::Drawn || state_ == LoadState::Error) open_started_ms_ = platform::nowMs();
  if (state_ != LoadState::LayingOut) {
    state_ = LoadState::LayingOut;
    changed();
  }
  model_frame_pending_ = false;
}

void Session::graphLaidOut(double layout_ms) {
  if (state_ != LoadState::LayingOut) return;
  timings_.layout_ms = layout_ms;
  model_frame_pending_ = true;
}

void Session::openNow(std::vector<IncomingFile> files) {
  const double t0 = platform::nowMs();
  std::unique_ptr<OpenedModel> next;
  std::string error;
  Status guarded = guardStage("opening " + (files.empty() ? std::string("the file") : displayName(files[0].name, 80)),
                              [&] {
                                auto opened = openModelFromFiles(files);
                                if (opened) next = std::make_unique<OpenedModel>(std::move(*opened));
                                else error = opened.error().message;
                              });
  const double t1 = platform::nowMs();
  if (!guarded) error = guarded.message();
  if (!next) {
    reportError(error);
    return;
  }
  // The model on screen is kept until the new one is drawn (stageFailed brings it
  // back); one that never got drawn is not worth keeping over an older one.
  if (current_ && (current_drawn_ || !previous_)) previous_ = std::move(current_);
  current_ = std::move(next);
  current_drawn_ = false;
  timings_ = OpenTimings{};
  timings_.parse_ms = t1 - t0;
  for (const auto& location : current_->missing_data)
    logProblem(current_->file_name + ": external data file \"" + location +
                "\" was not given; drop it together with the model to see those weights");
  addRecent(current_->file_name, current_->file_size);
  state_ = LoadState::LayingOut;
  model_frame_pending_ = false;
  changed();
}

void Session::afterFrameRendered(double frame_ms) {
  if (state_ == LoadState::Loading) {
    ++loading_frames_shown_;
  } else if (state_ == LoadState::LayingOut && model_frame_pending_ && failures_.empty()) {
    model_frame_pending_ = false;
    timings_.draw_ms = frame_ms;
    state_ = LoadState::Drawn;
    current_drawn_ = true;
    previous_.reset();
    const double total = platform::nowMs() - open_started_ms_;
    last_operation_ = "opened in " + formatMs(total) + " (parse " + formatMs(timings_.parse_ms) + ", layout " +
                      formatMs(timings_.layout_ms) + ", draw " + formatMs(timings_.draw_ms) + ")";
    changed();
  }
}

platform::Status Session::status(bool ready) const {
  platform::Status s;
  s.ready = ready;
  s.state = loadStateName(state_);
  if (current_) {
    s.file = current_->file_name;
    s.file_size = current_->file_size;
    s.nodes = current_->model.graphs.empty() ? 0 : current_->model.nodeCountIncludingSubgraphs();
  }
  s.error = last_error_;
  s.problems = errors_reported_;
  s.parse_ms = timings_.parse_ms;
  s.layout_ms = timings_.layout_ms;
  s.draw_ms = timings_.draw_ms;
  return s;
}

}  // namespace nf::app
