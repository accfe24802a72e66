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
#include "scene/overlay.h"

namespace nf::app {

class Comparison {
 public:
  enum class State : uint8_t { Off, LoadingB, Diffing, Ready, Cancelled, Failed };

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

  // Once per frame, before the views: opens B's queued files, steps the diff for
  // about budget_ms, mirrors selections.
  void beforeFrame(AppContext& a, double budget_ms);
  void afterFrameRendered(double frame_ms) { b_session_.afterFrameRendered(frame_ms); }

  // [read] -------------------------------------------------------------------------
  bool active() const { return state_ != State::Off; }
  State state() const { return state_; }
  AppContext& bContext() { return b_ctx_; }
  Session& bSession() { return b_session_; }
  const Session& bSession() const { return b_session_; }
  bool busy() const { return state_ == State::Diffing || state_ == State::LoadingB || b_session_.busy(); }
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
  // Selects node a in A and/or node b in B (kNoIndex: none there), both focused.
  void focusBoth(AppContext& a_ctx, uint32_t a, uint32_t b);
  std::string stateJson() const;  // window.netforgeCompare

 private:
  void startDiff(AppContext& a);
  void finishDiff();
  void mirrorSelection(AppContext& a);
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
};

}  // namespace nf::app
