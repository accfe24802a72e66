// layout/budget.h - the time slice a resumable phase may use, and the cancel flag.
//
// Every phase is written as a resumable state machine: `bool run(Budget&)` does work
// until it is finished (returns true) or the budget says stop (returns false, having
// saved where it was). Inner loops call tick(units) once per unit of work of roughly
// constant cost; every kCheckEvery units the budget reads the clock and the cancel
// flag. So a slice overruns its budget by at most one check interval plus one atomic
// step (a linear pass over an array), a few milliseconds even for 100k-node graphs.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>

namespace nf::layout {

class Budget {
 public:
  static constexpr uint32_t kCheckEvery = 2048;

  // slice_ms <= 0 means unlimited (a synchronous run that still honours cancel).
  // Either cancel flag (may be null) stops the work once it reads true.
  explicit Budget(double slice_ms, const std::atomic<bool>* cancel = nullptr,
                  const std::atomic<bool>* cancel2 = nullptr);

  // Counts `units` of work. True when the caller must stop now and return false
  // (slice used up or cancelled); stays true for the rest of this slice.
  bool tick(uint32_t units = 1) {
    if (stop_) return true;
    pending_ += units;
    return pending_ >= kCheckEvery && check();
  }
  // True once the slice is over or cancel was seen (no new work should start).
  bool stopped() const { return stop_; }
  bool cancelled() const { return cancelled_; }

 private:
  bool check();

  std::chrono::steady_clock::time_point deadline_;
  bool unlimited_ = false;
  bool stop_ = false;
  bool cancelled_ = false;
  uint32_t pending_ = 0;
  const std::atomic<bool>* cancel_ = nullptr;
  const std::atomic<bool>* cancel2_ = nullptr;
};

}  // namespace nf::layout
