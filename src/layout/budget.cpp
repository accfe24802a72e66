#include "layout/budget.h"

namespace nf::layout {

Budget::Budget(double slice_ms, const std::atomic<bool>* cancel, const std::atomic<bool>* cancel2)
    : cancel_(cancel), cancel2_(cancel2) {
  unlimited_ = !(slice_ms > 0.0);
  if (!unlimited_) {
    deadline_ = std::chrono::steady_clock::now() +
                std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                    std::chrono::duration<double, std::milli>(slice_ms));
  }
}

bool Budget::check() {
  pending_ = 0;
  if ((cancel_ && cancel_->load(std::memory_order_relaxed)) || (cancel2_ && cancel2_->load(std::memory_order_relaxed))) {
    cancelled_ = true;
    stop_ = true;
    return true;
  }
  if (!unlimited_ && std::chrono::steady_clock::now() >= deadline_) stop_ = true;
  return stop_;
}

}  // namespace nf::layout
