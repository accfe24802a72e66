// base/guard.h - the error boundary around each stage the app runs per frame.
//
// The core reports bad input as Result errors, but memory can still run out (a
// model that fits on disk may not fit in wasm's 4 GB once decoded) and a bug can
// still throw. The web build catches exceptions (-fwasm-exceptions, see the
// top-level CMakeLists.txt), and every stage (parse, analysis, graph pipeline
// slice, the frame itself) runs inside guardStage: an exception becomes one line
// for the error panel and the app goes on with the model it had.
#pragma once
#include <exception>
#include <new>
#include <string>
#include <utility>

#include "base/result.h"

namespace nf {

// Runs fn(); returns what it threw as an Error "<stage>: ...", or ok.
template <class F>
Status guardStage(const std::string& stage, F&& fn) noexcept {
  try {
    std::forward<F>(fn)();
    return {};
  } catch (const std::bad_alloc&) {
    return Error{stage + ": out of memory (the model is too large for this page)"};
  } catch (const std::exception& e) {
    return Error{stage + ": internal error (" + std::string(e.what()) + ")"};
  } catch (...) {
    return Error{stage + ": internal error"};
  }
}

}  // namespace nf
