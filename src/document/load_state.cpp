#include "document/load_state.h"

namespace nf::document {

const char* loadStateName(LoadState state) {
  switch (state) {
    case LoadState::Idle: return "idle";
    case LoadState::Reading: return "reading";
    case LoadState::Parsing: return "parsing";
    case LoadState::Analysing: return "analysing";
    case LoadState::LayingOut: return "laying-out";
    case LoadState::Drawn: return "drawn";
    case LoadState::Failed: return "failed";
    case LoadState::Cancelled: return "cancelled";
  }
  return "failed";
}

const char* loadEventName(LoadEvent event) {
  switch (event) {
    case LoadEvent::FilesGiven: return "files given";
    case LoadEvent::BatchTaken: return "batch taken";
    case LoadEvent::Parsed: return "parsed";
    case LoadEvent::LayoutStarted: return "layout started";
    case LoadEvent::Shown: return "shown";
    case LoadEvent::Cancelled: return "cancelled";
    case LoadEvent::Failed: return "failed";
    case LoadEvent::ErrorsCleared: return "errors cleared";
  }
  return "?";
}

const char* publishedStateName(LoadState state) {
  switch (state) {
    case LoadState::Idle: return "empty";
    case LoadState::Reading:
    case LoadState::Parsing: return "loading";
    case LoadState::Analysing:
    case LoadState::LayingOut: return "laying-out";
    case LoadState::Drawn:
    case LoadState::Cancelled: return "drawn";
    case LoadState::Failed: return "error";
  }
  return "error";
}

std::optional<LoadState> nextLoadState(LoadState from, LoadEvent event, bool model_open) {
  using S = LoadState;
  switch (event) {
    case LoadEvent::FilesGiven: return S::Reading;
    case LoadEvent::Failed: return S::Failed;
    case LoadEvent::BatchTaken:
      if (from == S::Reading) return S::Parsing;
      break;
    case LoadEvent::Parsed:
      if (from == S::Parsing && model_open) return S::Analysing;
      break;
    case LoadEvent::LayoutStarted:
      if (model_open && (from == S::Analysing || from == S::LayingOut || from == S::Drawn || from == S::Cancelled ||
                         from == S::Failed))
        return S::LayingOut;
      break;
    case LoadEvent::Shown:
      if (from == S::LayingOut) return S::Drawn;
      break;
    case LoadEvent::Cancelled:
      if (from == S::LayingOut) return S::Cancelled;
      break;
    case LoadEvent::ErrorsCleared:
      if (from == S::Failed) return model_open ? S::Drawn : S::Idle;
      break;
  }
  return std::nullopt;
}

bool LoadStateMachine::apply(LoadEvent event, bool model_open) {
  const auto next = nextLoadState(state_, event, model_open);
  if (!next) return false;
  state_ = *next;
  return true;
}

}  // namespace nf::document
