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
    worked_ += units;
    pending_ += units;
    return pending_ >= kCheckEvery && check();
  }
  // True once the slice is over or cancel was seen (no new work should start).
  bool stopped() const { return stop_; }
  bool cancelled() const { return cancelled_; }
  // Units counted in this slice: the progress a watchdog sees (StallWatch).
  uint64_t worked() const { return worked_; }

 private:
  bool check();

  std::chrono::steady_clock::time_point deadline_;
  bool unlimited_ = false;
  bool stop_ = false;
  bool cancelled_ = false;
  uint32_t pending_ = 0;
  uint64_t worked_ = 0;
  const std::atomic<bool>* cancel_ = nullptr;
  const std::atomic<bool>* cancel2_ = nullptr;
};

// The watchdog of sliced work: fed a progress counter after every slice, it reports
// a stall once the counter has stayed the same for `limit` slices in a row, so that
// a stage that stopped advancing fails with a message instead of spinning forever.
// Every phase ticks the Budget for work it keeps (a resumable phase never redoes a
// ticked unit), so the units ticked are the layout's counter.
class StallWatch {
 public:
  explicit StallWatch(uint32_t limit) : limit_(limit) {}
  // True when `counter` has not changed for `limit` observations.
  bool stalled(uint64_t counter) {
    if (seen_any_ && counter == last_) return ++still_ >= limit_;
    seen_any_ = true;
    last_ = counter;
    still_ = 0;
    return false;
  }
  uint32_t limit() const { return limit_; }

 private:
  uint32_t limit_;
  uint32_t still_ = 0;
  uint64_t last_ = 0;
  bool seen_any_ = false;
};

}  // namespace nf::layout
