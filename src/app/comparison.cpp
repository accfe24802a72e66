#include "app/comparison.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "app/graph_platform.h"
#include "app/page_json.h"
#include "app/platform.h"
#include "base/timing.h"

namespace nf::app {

Comparison::Comparison(Settings& settings, ViewRegistry& views)
    : b_session_(/*remember_recent=*/false),
      b_ctx_{b_session_, settings, views, b_selection_},
      m_session_(/*remember_recent=*/false),
      m_ctx_{m_session_, settings, views, m_selection_} {}

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

void Comparison::setLayout(Layout layout) {
  if (layout == layout_) return;
  layout_ = layout;
  ++version_;
  publish();
}

void Comparison::close() {
  job_.reset();
  state_ = State::Off;
  report_ = {};
  status_a_.clear();
  status_b_.clear();
  dropMerged();
  ++version_;
  b_session_.clearErrors();
  publish();
}

void Comparison::beforeFrame(AppContext& a, double budget_ms) {
  if (state_ == State::Off) return;
  b_session_.beforeFrame();
  m_session_.beforeFrame();
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
    dropMerged();
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
  if (state_ == State::Ready && layout_ == Layout::Merged && !merged_built_) stepMerge(a, budget_ms);
  if (mergedShown()) mirrorMergedSelection(a);
  else if (state_ == State::Ready) mirrorSelection(a);
  // What was selected side by side is shown in the merged graph once it is drawn (a
  // focus request before its scene exists would only highlight).
  if (merged_focus_pending_ && mergedShown() && m_session_.document().state() == document::LoadState::Drawn) {
    merged_focus_pending_ = false;
    if (m_selection_.node.valid()) m_selection_.selectNode(m_selection_.graph, m_selection_.node, true);
    sel_m_seen_ = m_selection_.version;
  }
  if (merged_built_) publish();  // the merged graph's load state
}

// The merged graph of this report, a slice per frame, then opened in the third
// session (its graph view lays it out in slices like any model).
void Comparison::stepMerge(AppContext& a, double budget_ms) {
  const document::OpenedModel* ma = a.session.document().current();
  const document::OpenedModel* mb = b_session_.document().current();
  if (!ma || !mb) return;
  if (!merge_job_) {
    merge_job_ = std::make_unique<diff::MergeJob>(ma->model, mb->model, report_);
    merge_ms_ = merge_longest_ms_ = 0;
  }
  const auto t0 = SteadyClock::now();
  const bool done = merge_job_->step(budget_ms);
  const double ms = msSince(t0);
  merge_ms_ += ms;
  merge_longest_ms_ = std::max(merge_longest_ms_, ms);
  if (!done) return;
  merged_ = merge_job_->take();
  merge_job_.reset();
  merged_built_ = true;
  auto opened = std::make_unique<document::OpenedModel>();
  opened->model = std::move(merged_.model);
  merged_.model = ir::Model{};
  opened->file_name = ma->file_name + " + " + mb->file_name;
  m_session_.document().openBuilt(std::move(opened));
  status_m_.clear();
  for (diff::NodeStatus st : merged_.status) status_m_.push_back(static_cast<scene::DiffStatus>(st));  // numbered alike
  m_selection_ = Selection{};
  sel_m_seen_ = 0;
  sel_a_seen_m_ = sel_b_seen_m_ = 0;  // what A and B show now is shown merged too
  merged_focus_pending_ = true;
  ++version_;
}

void Comparison::dropMerged() {
  merge_job_.reset();  // it points into the report
  if (!merged_built_) return;
  merged_built_ = false;
  merged_ = {};
  status_m_.clear();
  ++version_;
}

// The merged view's selection and A's/B's follow each other: a merged node selects
// what it came from on each side; a node selected on A or B (the node list, the
// Differences panel) selects the merged node it became.
void Comparison::mirrorMergedSelection(AppContext& a) {
  Selection& sm = m_selection_;
  Selection& sa = a.selection;
  Selection& sb = b_selection_;
  if (sm.version != sel_m_seen_) {
    if (sm.graph.index == 0 && sm.node.valid() && sm.node.index < merged_.node_a.size()) {
      const uint32_t na = merged_.node_a[sm.node.index], nb = merged_.node_b[sm.node.index];
      if (na != kNoIndex) sa.selectNode(ir::GraphId{0}, ir::NodeId{na}, false);
      if (nb != kNoIndex) sb.selectNode(ir::GraphId{0}, ir::NodeId{nb}, false);
    }
  } else if (sa.version != sel_a_seen_m_ || sb.version != sel_b_seen_m_) {
    const bool from_a = sa.version != sel_a_seen_m_;
    const Selection& from = from_a ? sa : sb;
    const std::vector<uint32_t>& to_merged = from_a ? merged_.from_a : merged_.from_b;
    if (from.graph.index == 0 && from.node.valid() && from.node.index < to_merged.size()) {
      const uint32_t m = to_merged[from.node.index];
      if (m != kNoIndex && !(sm.node.valid() && sm.node.index == m))
        sm.selectNode(ir::GraphId{0}, ir::NodeId{m}, from.focus_requested);
    }
  }
  sel_m_seen_ = sm.version;
  sel_a_seen_m_ = sel_a_seen_ = sa.version;  // side by side again: nothing left to mirror
  sel_b_seen_m_ = sel_b_seen_ = sb.version;
}

const diff::NodeDiff* Comparison::pairDiffOfMerged(uint32_t merged_node) const {
  if (!merged_built_ || merged_node >= merged_.node_a.size() || merged_.node_b[merged_node] == kNoIndex) return nullptr;
  const uint32_t a = merged_.node_a[merged_node];
  if (a == kNoIndex) return nullptr;
  // report_.nodes is ordered by a's index.
  auto it = std::lower_bound(report_.nodes.begin(), report_.nodes.end(), a,
                             [](const diff::NodeDiff& d, uint32_t x) { return d.pair.a.index < x; });
  return it != report_.nodes.end() && it->pair.a.index == a ? &*it : nullptr;
}

const std::vector<diff::EdgeSide>* Comparison::inputSidesOfMerged(uint32_t merged_node) const {
  return merged_built_ && merged_node < merged_.input_side.size() ? &merged_.input_side[merged_node] : nullptr;
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
  dropMerged();
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
  if (mergedShown() && merged_built_) {
    const uint32_t m = a != kNoIndex && a < merged_.from_a.size()   ? merged_.from_a[a]
                       : b != kNoIndex && b < merged_.from_b.size() ? merged_.from_b[b]
                                                                    : kNoIndex;
    if (m != kNoIndex) m_selection_.selectNode(ir::GraphId{0}, ir::NodeId{m}, true);
    sel_m_seen_ = m_selection_.version;
    sel_a_seen_m_ = a_ctx.selection.version;
    sel_b_seen_m_ = b_selection_.version;
  }
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
  j["layout"] = layout_ == Layout::Merged ? "merged" : "side-by-side";
  if (merged_built_) {
    int count[4] = {0, 0, 0, 0};
    for (diff::NodeStatus st : merged_.status) ++count[static_cast<int>(st)];
    j["merged"] = {{"nodes", merged_.status.size()}, {"same", count[0]}, {"changed", count[1]},
                   {"removed", count[2]}, {"added", count[3]}, {"rewired_inputs", merged_.rewired_inputs},
                   {"merge_ms", merge_ms_}, {"merge_longest_ms", merge_longest_ms_},
                   {"state", m_session_.document().publishedState()}};
  }
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

AppContext& inspectedContext(AppContext& ctx) {
  return ctx.comparison && ctx.comparison->mergedShown() ? ctx.comparison->mergedContext() : ctx;
}

const AppContext& inspectedContext(const AppContext& ctx) {
  return ctx.comparison && ctx.comparison->mergedShown() ? ctx.comparison->mergedContext() : ctx;
}

}  // namespace nf::app
