// document/load_state.h - the load state machine: from files handed over to a model
// on screen, with explicit transitions; anything else is refused.
//
//   Idle/any --FilesGiven--> Reading --BatchTaken--> Parsing --Parsed--> Analysing
//   Analysing/LayingOut/Drawn/Cancelled/Failed --LayoutStarted--> LayingOut   (a model is open)
//   LayingOut --Shown--> Drawn          LayingOut --Cancelled--> Cancelled
//   any --Failed--> Failed              Failed --ErrorsCleared--> Drawn (a model is open) or Idle
//
// FilesGiven is legal everywhere: the user may drop another file at any time. Failed
// too: a stage can fail at any time (a page-side read error, an analysis, a layout).
// What a failure does to the open model is ModelDocument's business (it keeps the
// previous one); this machine only says which state follows which.
#pragma once
#include <cstdint>
#include <optional>

namespace nf::document {

enum class LoadState : uint8_t { Idle, Reading, Parsing, Analysing, LayingOut, Drawn, Failed, Cancelled };
inline constexpr LoadState kAllLoadStates[] = {LoadState::Idle,      LoadState::Reading, LoadState::Parsing,
                                               LoadState::Analysing, LoadState::LayingOut, LoadState::Drawn,
                                               LoadState::Failed,    LoadState::Cancelled};

enum class LoadEvent : uint8_t { FilesGiven, BatchTaken, Parsed, LayoutStarted, Shown, Cancelled, Failed, ErrorsCleared };
inline constexpr LoadEvent kAllLoadEvents[] = {LoadEvent::FilesGiven,    LoadEvent::BatchTaken, LoadEvent::Parsed,
                                               LoadEvent::LayoutStarted, LoadEvent::Shown,      LoadEvent::Cancelled,
                                               LoadEvent::Failed,        LoadEvent::ErrorsCleared};

// "idle", "reading", "parsing", "analysing", "laying-out", "drawn", "failed", "cancelled"
const char* loadStateName(LoadState state);
const char* loadEventName(LoadEvent event);
// What window.netforgeStatus.state shows (the page's contract, older than this machine):
// "empty", "loading" (reading, parsing), "laying-out" (analysing, laying out), "drawn"
// (drawn, or a layout the user cancelled: the load is complete), "error".
const char* publishedStateName(LoadState state);

// The state after `event` in `from`, or nothing when the event is not legal there.
// `model_open`: a model is open (LayoutStarted needs one; ErrorsCleared goes back to it).
std::optional<LoadState> nextLoadState(LoadState from, LoadEvent event, bool model_open);

class LoadStateMachine {
 public:
  LoadState state() const { return state_; }
  // Moves to the next state; false, and the state unchanged, when the event is not legal.
  bool apply(LoadEvent event, bool model_open);

 private:
  LoadState state_ = LoadState::Idle;
};

}  // namespace nf::document
