// base/timing.h - wall-clock time for the timings shown to users and printed by
// benchmarks (never for decisions that change results: those must be deterministic).
#pragma once
#include <chrono>

namespace nf {

using SteadyClock = std::chrono::steady_clock;

// Milliseconds elapsed since t0.
inline double msSince(SteadyClock::time_point t0) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count();
}

}  // namespace nf
