// weights/stats.h - statistics of one weight tensor, computed on request.
#pragma once
#include <cstdint>
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

// Streams the tensor in chunks (never holding all of a big tensor decoded at once).
Result<TensorStats> computeStats(const ir::Model& model, const ir::Tensor& t, const StatsOptions& options = {});

}  // namespace nf::weights
