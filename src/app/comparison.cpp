#include "app/comparison.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "app/graph_platform.h"
#include "app/page_json.h"
#include "app/platform.h"
#include "base/timing.h"

namespace nf::app {

Comparison::Comparison(Settings& settings, ViewRegistry& views)
    : b_session_(/*remember_recent=*/false), b_ctx_{b_session_, settings, views, b_selection_} {}

Comparison::~Comparison() = default;

void Comparison::beginLoading(const std::string& label) {
  state_ = State::LoadingB;
  job_.reset();
  b_session_.beginLoading(label);
  publish();
}

void Comparison::queueOpen(std::vector<document::IncomingFile> files) {
  state_ = State::LoadingB;
  b_session_.queueOpen(std::move(files));
}

void Comparison::reportError(const std::string& message) { b_session_.reportError(message); }

void Comparison::cancel() {
  if (state_ != State::Diffing) return;
  job_.reset();
  state_ = State::Cancelled;
  publish();
}

void Comparison::restart() {
  if (state_ == State::Cancelled || state_ == State::Failed) {
    state_ = State::LoadingB;  // beforeFrame starts the diff again
    gen_a_ = gen_b_ = 0;
  }
}

void Comparison::close() {
  job_.reset();
  state_ = State::Off;
  report_ = {};
  status_a_.clear();
  status_b_.clear();
  ++version_;
  b_session_.clearErrors();
  publish();
}

void Comparison::beforeFrame(AppContext& a, double budget_ms) {
  if (state_ == State::Off) return;
  b_session_.beforeFrame();
  if (b_session_.document().generation() != sel_gen_b_) {  // another B: nothing of it is selected yet
    sel_gen_b_ = b_session_.document().generation();
    b_selection_ = Selection{};
  }
  const document::ModelDocument& da = a.session.document();
  const document::ModelDocument& db = b_session_.document();
  // B failed to open and there is nothing to compare with.
  if (state_ == State::LoadingB && !db.current() && !db.busy() && db.state() == document::LoadState::Failed) {
    state_ = State::Failed;
    error_ = db.lastError();
    publish();
    return;
  }
  // A new model on either side: the old report is about other models.
  if ((state_ == State::Ready || state_ == State::Diffing) && (da.generation() != gen_a_ || db.generation() != gen_b_)) {
    job_.reset();
    status_a_.clear();
    status_b_.clear();
    ++version_;
    state_ = State::LoadingB;
  }
  if (state_ == State::LoadingB && da.current() && db.current() && !da.busy() && !db.busy()) startDiff(a);
  if (state_ == State::Diffing && job_) {
    const auto t0 = SteadyClock::now();
    const std::string doing = job_->label();
    const bool done = job_->step(budget_ms);
    const double ms = msSince(t0);
    if (ms > longest_step_ms_) longest_step_ms_ = ms, longest_step_label_ = doing;
    steps_ms_ += ms;
    ++steps_;
    if (done) finishDiff();
    publish();
  }
  if (state_ == State::Ready) mirrorSelection(a);
}

void Comparison::startDiff(AppContext& a) {
  const document::OpenedModel* ma = a.session.document().current();
  const document::OpenedModel* mb = b_session_.document().current();
  gen_a_ = a.session.document().generation();
  gen_b_ = b_session_.document().generation();
  error_.clear();
  if (ma->model.graphs.empty() || mb->model.graphs.empty()) {
    state_ = State::Failed;
    error_ = "nothing to compare: a model without a graph";
    publish();
    return;
  }
  job_ = std::make_unique<diff::CompareJob>(ma->model, mb->model);
  state_ = State::Diffing;
  started_ms_ = platform::nowMs();
  longest_step_ms_ = steps_ms_ = 0;
  longest_step_label_.clear();
  steps_ = 0;
  publish();
}

void Comparison::finishDiff() {
  report_ = job_->take();
  job_.reset();
  diff_ms_ = platform::nowMs() - started_ms_;
  const diff::Matching& m = report_.matching;
  status_a_.assign(m.a_to_b.size(), scene::DiffStatus::Removed);
  status_b_.assign(m.b_to_a.size(), scene::DiffStatus::Added);
  for (const diff::NodeDiff& d : report_.nodes) {
    const auto s = d.same() ? scene::DiffStatus::Same : scene::DiffStatus::Changed;
    status_a_[d.pair.a.index] = s;
    status_b_[d.pair.b.index] = s;
  }
  state_ = State::Ready;
  ++version_;
  sel_a_seen_ = sel_b_seen_ = 0;
}

uint32_t Comparison::pairOfA(uint32_t a) const {
  return state_ == State::Ready && a < report_.matching.a_to_b.size() ? report_.matching.a_to_b[a] : kNoIndex;
}
uint32_t Comparison::pairOfB(uint32_t b) const {
  return state_ == State::Ready && b < report_.matching.b_to_a.size() ? report_.matching.b_to_a[b] : kNoIndex;
}

// A main-graph node selected on one side selects its pair on the other (nothing when
// it has none: the other side keeps what it showed).
void Comparison::mirrorSelection(AppContext& a) {
  // `from` changed since seen: its node's pair (to_other) becomes `to`'s selection.
  auto follow = [](const Selection& from, Selection& to, const std::vector<uint32_t>& to_other) {
    if (from.graph.index != 0 || !from.node.valid() || from.node.index >= to_other.size()) return;
    const uint32_t pair = to_other[from.node.index];
    if (pair != kNoIndex && !(to.node.valid() && to.node.index == pair))
      to.selectNode(ir::GraphId{0}, ir::NodeId{pair}, from.focus_requested);
  };
  Selection& sa = a.selection;
  Selection& sb = b_selection_;
  if (sa.version != sel_a_seen_) follow(sa, sb, report_.matching.a_to_b);
  else if (sb.version != sel_b_seen_) follow(sb, sa, report_.matching.b_to_a);
  sel_a_seen_ = sa.version;
  sel_b_seen_ = sb.version;
}

void Comparison::focusBoth(AppContext& a_ctx, uint32_t a, uint32_t b) {
  if (a != kNoIndex) a_ctx.selection.selectNode(ir::GraphId{0}, ir::NodeId{a}, true);
  if (b != kNoIndex) b_selection_.selectNode(ir::GraphId{0}, ir::NodeId{b}, true);
  // Both set here: mirroring must not replace one with the other's pair.
  sel_a_seen_ = a_ctx.selection.version;
  sel_b_seen_ = b_selection_.version;
}

const char* Comparison::label() const {
  switch (state_) {
    case State::Off: return "";
    case State::LoadingB: return "opening the second model";
    case State::Diffing: return job_ ? job_->label() : "";
    case State::Ready: return "done";
    case State::Cancelled: return "cancelled";
    case State::Failed: return "failed";
  }
  return "";
}

float Comparison::progress() const {
  if (state_ == State::Ready) return 1.0f;
  return state_ == State::Diffing && job_ ? job_->progress() : 0.0f;
}

std::string Comparison::stateJson() const {
  static constexpr const char* kStates[] = {"off", "loading", "diffing", "ready", "cancelled", "failed"};
  nlohmann::ordered_json j;
  j["state"] = kStates[static_cast<int>(state_)];
  j["label"] = label();
  j["progress"] = progress();
  j["error"] = error_.substr(0, 300);
  const document::OpenedModel* mb = b_session_.document().current();
  j["file_b"] = mb ? mb->file_name : std::string();
  j["b_state"] = b_session_.document().publishedState();
  j["diff_ms"] = diff_ms_;
  j["longest_step_ms"] = longest_step_ms_;
  j["steps"] = steps_;
  j["steps_ms"] = steps_ms_;  // the diff's own work; diff_ms adds the frames drawn between
  j["longest_step_label"] = longest_step_label_;
  if (state_ == State::Ready) {
    j["equal"] = report_.equal();
    j["pairs"] = report_.nodes.size();
    j["changed"] = report_.changedNodes();
    j["removed"] = report_.removed.size();
    j["added"] = report_.added.size();
  }
  return pageJson(j);
}

void Comparison::publish() {
  std::string s = stateJson();
  if (s == published_) return;
  published_ = std::move(s);
  platform::publishPageState("netforgeCompare", published_);
}

}  // namespace nf::app
