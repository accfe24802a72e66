// weights/stats.h - statistics of one weight tensor, computed on request.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "ir/model.h"

namespace nf::weights {

struct StatsOptions {
  int histogram_bins = 64;
  int first_values = 16;  // how many leading elements to return
};

struct TensorStats {
  int64_t count = 0;          // elements
  int64_t finite = 0;         // elements that are neither NaN nor Inf
  double min = 0, max = 0;    // over finite elements
  double mean = 0, stddev = 0;  // population std over finite elements
  double zero_fraction = 0;   // exact zeros / count
  int64_t nan_count = 0, inf_count = 0;
  double hist_min = 0, hist_max = 0;  // histogram range (= min, max)
  std::vector<uint64_t> histogram;    // histogram_bins counts over finite elements
  std::vector<double> first;          // the first elements, in storage order
};

// Statistics computed a slice at a time, for a page that must not block and whose
// weights may be in a File read asynchronously (base/byte_source.h). Each step()
// fetches the next window of bytes (up to kWindowBytes) and, once it is there,
// decodes chunks of it until the time budget is spent. Two passes: moments, then the
// histogram over [min, max]. The model and tensor must outlive the job.
class StatsJob {
 public:
  static constexpr uint64_t kWindowBytes = 16u << 20;

  StatsJob(const ir::Model& model, const ir::Tensor& t, const StatsOptions& options = {});
  // Works for about budget_ms (at least one chunk whose bytes are there); true once
  // finished (result() then holds the statistics or the error).
  bool step(double budget_ms);
  bool done() const { return result_.has_value(); }
  // The last step stopped because the page is still reading bytes.
  bool waiting() const { return waiting_; }
  double progress() const;  // 0..1 over both passes
  const Result<TensorStats>& result() const { return *result_; }

 private:
  bool advance();  // one chunk; false when waiting for bytes or finished
  void finishPass1();
  void fail(const std::string& message) { result_ = Error{message}; }

  const ir::Model& model_;
  const ir::Tensor& tensor_;
  StatsOptions options_;
  TensorStats s_;
  int pass_ = 1;
  int64_t at_ = 0;                 // next element of this pass
  int64_t window_end_ = 0;         // elements before this were fetched (asynchronous sources)
  double mean_ = 0, m2_ = 0;
  int64_t zeros_ = 0;
  bool any_ = false;
  bool waiting_ = false;
  std::optional<Result<TensorStats>> result_;
};

// Streams the tensor in chunks (never holding all of a big tensor decoded at once).
// Synchronous sources only: data still being read by the page is an error here.
Result<TensorStats> computeStats(const ir::Model& model, const ir::Tensor& t, const StatsOptions& options = {});

}  // namespace nf::weights
