// app/comparison.h - File > Compare with...: model B next to the open model A.
//
// A Comparison owns the second document (a Session of its own, so the second graph
// view runs the same code as the first: load states, pipeline, analysis), B's
// selection, and the diff of A and B (diff::CompareJob), run in slices between frames
// with progress and Cancel. Once done it holds the report and, per side, what became
// of each node (scene::DiffStatus), which the graph views colour through the overlay
// mechanism (scene::differenceValues) and the Differences panel lists.
//
// Mirroring: a node selected on one side selects its pair on the other (focus
// requests too); the views mirror the camera through the pair of the node nearest the
// centre (GraphView::mirrorCamera); a group opened or closed on one side opens or
// closes its partner (GraphView::mirrorGroup): the two hierarchies are built from each
// model's own structure, so groups pair through their members' node pairs
// (diff/group_pairs.h), not their paths.
//
// Merged view (the Differences panel's "Side by side | Merged"): A and B as one graph
// (diff::MergeJob, in slices between frames like the diff; the side-by-side panes
// stay until it is done), built when first chosen for a report, opened in a third Session
// (so its graph view, Node panel and analysis run the same code as a file's) and
// coloured by each merged node's status. Its selection and A's/B's follow each other
// through the merged graph's node maps; the Node panel shows a changed node's old ->
// new from the report.
//
// The diff starts once both models are open and drawn; a new model on either side
// drops the report and starts again. Closing the comparison drops B.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/context.h"
#include "app/session.h"
#include "diff/differences.h"
#include "diff/merged.h"
#include "scene/overlay.h"

namespace nf::app {

class Comparison {
 public:
  enum class State : uint8_t { Off, LoadingB, Diffing, Ready, Cancelled, Failed };
  enum class Layout : uint8_t { SideBySide, Merged };

  Comparison(Settings& settings, ViewRegistry& views);
  ~Comparison();

  // [events] ---------------------------------------------------------------------
  // The page is reading files for B (File > Compare with..., a Shift-drop).
  void beginLoading(const std::string& label);
  void queueOpen(std::vector<document::IncomingFile> files);
  void reportError(const std::string& message);
  void cancel();  // stops the diff (the models stay side by side)
  void restart();  // runs the diff again after a cancel
  void close();   // back to one model
  void setLayout(Layout layout);  // Merged builds the merged graph at the next frame (once per report)

  // Once per frame, before the views: opens B's queued files, steps the diff for
  // about budget_ms, mirrors selections.
  void beforeFrame(AppContext& a, double budget_ms);
  void afterFrameRendered(double frame_ms) {
    b_session_.afterFrameRendered(frame_ms);
    m_session_.afterFrameRendered(frame_ms);
  }

  // [read] -------------------------------------------------------------------------
  bool active() const { return state_ != State::Off; }
  State state() const { return state_; }
  AppContext& bContext() { return b_ctx_; }
  Session& bSession() { return b_session_; }
  const Session& bSession() const { return b_session_; }
  bool busy() const {
    return state_ == State::Diffing || state_ == State::LoadingB || b_session_.busy() || m_session_.busy() || merge_job_;
  }
  // Bumps when B's or the merged graph's session changes (the app draws a frame).
  uint64_t sessionsVersion() const { return b_session_.version() + m_session_.version(); }
  const diff::Report* report() const { return state_ == State::Ready ? &report_ : nullptr; }
  // Per main-graph node of side A / B (empty until ready).
  const std::vector<scene::DiffStatus>& statusA() const { return status_a_; }
  const std::vector<scene::DiffStatus>& statusB() const { return status_b_; }
  // Bumps whenever the statuses change (the views recolour).
  uint64_t version() const { return version_; }
  const char* label() const;  // what the diff does now
  float progress() const;
  const std::string& error() const { return error_; }
  double diffMs() const { return diff_ms_; }          // wall time from start to done
  double longestStepMs() const { return longest_step_ms_; }  // the longest frame slice
  // The node on the other side (kNoIndex when unpaired or not ready).
  uint32_t pairOfA(uint32_t a) const;
  uint32_t pairOfB(uint32_t b) const;
  // Selects node a in A and/or node b in B (kNoIndex: none there), both focused; in
  // the merged view the merged node they became.
  void focusBoth(AppContext& a_ctx, uint32_t a, uint32_t b);
  // The merged view: chosen, and there is a report to show in it.
  Layout layout() const { return layout_; }
  bool mergedShown() const { return layout_ == Layout::Merged && state_ == State::Ready && merged_built_; }
  bool merging() const { return merge_job_ != nullptr; }  // the merged graph is being built
  AppContext& mergedContext() { return m_ctx_; }
  const AppContext& mergedContext() const { return m_ctx_; }
  const Session& mergedSession() const { return m_session_; }
  // Per node of the merged graph (empty until it is built), and where it came from.
  const std::vector<scene::DiffStatus>& statusMerged() const { return status_m_; }
  // The report's entry for the merged node's pair (null when it is not a pair).
  const diff::NodeDiff* pairDiffOfMerged(uint32_t merged_node) const;
  // Which side each input slot of a merged node comes from (empty when not built).
  const std::vector<diff::EdgeSide>* inputSidesOfMerged(uint32_t merged_node) const;
  std::string stateJson() const;  // window.netforgeCompare

 private:
  void startDiff(AppContext& a);
  void finishDiff();
  void mirrorSelection(AppContext& a);
  void mirrorMergedSelection(AppContext& a);
  void stepMerge(AppContext& a, double budget_ms);
  void dropMerged();
  void publish();

  Session b_session_;
  Selection b_selection_;
  AppContext b_ctx_;
  State state_ = State::Off;
  std::unique_ptr<diff::CompareJob> job_;
  diff::Report report_;
  std::vector<scene::DiffStatus> status_a_, status_b_;
  uint64_t gen_a_ = 0, gen_b_ = 0;  // the generations compared
  uint64_t version_ = 0;
  uint64_t sel_a_seen_ = 0, sel_b_seen_ = 0;
  uint64_t sel_gen_b_ = 0;  // B's generation its selection refers to
  double started_ms_ = 0, diff_ms_ = 0, longest_step_ms_ = 0, steps_ms_ = 0;
  std::string longest_step_label_;  // what the job was doing when its longest slice began
  int steps_ = 0;
  std::string error_;
  std::string published_;

  Layout layout_ = Layout::SideBySide;
  Session m_session_;  // the merged graph as an open model
  Selection m_selection_;
  AppContext m_ctx_;
  diff::MergedModel merged_;  // its node maps and statuses (the model itself moved into m_session_)
  std::unique_ptr<diff::MergeJob> merge_job_;
  bool merged_built_ = false;  // for the current report, and opened in m_session_
  bool merged_focus_pending_ = false;  // bring the selection into view once the merged graph is drawn
  std::vector<scene::DiffStatus> status_m_;
  double merge_ms_ = 0, merge_longest_ms_ = 0;  // MergeJob's work for this report, its longest slice
  uint64_t sel_m_seen_ = 0, sel_a_seen_m_ = 0, sel_b_seen_m_ = 0;
};

// The context whose model and selection the inspecting panels (Node, Tensor) show: the
// merged graph's while a comparison shows it (its weights read from A's or B's file as
// the merge recorded), else ctx itself.
AppContext& inspectedContext(AppContext& ctx);
const AppContext& inspectedContext(const AppContext& ctx);

}  // namespace nf::app
