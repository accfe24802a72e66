#include "weights/stats.h"

#include <algorithm>
#include <cmath>

#include "base/checked.h"
#include "weights/decode.h"

namespace nf::weights {

namespace {
constexpr int64_t kChunk = 1 << 18;  // elements decoded at a time
}

Result<TensorStats> computeStats(const ir::Model& model, const ir::Tensor& t, const StatsOptions& options) {
  TensorStats s;
  s.count = t.elementCount();
  if (s.count < 0) {
    for (int64_t d : t.dims)
      if (d < 0) return Error{"the tensor has a negative dimension"};
    return Error{overflowMessage(t.dims)};
  }
  int bins = std::clamp(options.histogram_bins, 1, 4096);
  s.histogram.assign(static_cast<size_t>(bins), 0);

  // Pass 1: range, moments (Welford), zeros, NaN/Inf, first values.
  double mean = 0, m2 = 0;
  int64_t zeros = 0;
  bool any = false;
  for (int64_t at = 0; at < s.count; at += kChunk) {
    auto chunk = readElements(model, t, at, std::min(kChunk, s.count - at));
    if (!chunk) return chunk.error();
    for (double v : chunk.value()) {
      if (static_cast<int>(s.first.size()) < options.first_values) s.first.push_back(v);
      if (std::isnan(v)) { ++s.nan_count; continue; }
      if (std::isinf(v)) { ++s.inf_count; continue; }
      if (v == 0) ++zeros;
      if (!any) { s.min = s.max = v; any = true; }
      s.min = std::min(s.min, v);
      s.max = std::max(s.max, v);
      ++s.finite;
      double d = v - mean;
      mean += d / static_cast<double>(s.finite);
      m2 += d * (v - mean);
    }
  }
  if (s.count == 0) {
    auto probe = readElements(model, t, 0, 0);  // still report missing data / wrong type
    if (!probe) return probe.error();
    return s;
  }
  s.mean = mean;
  s.stddev = s.finite ? std::sqrt(m2 / static_cast<double>(s.finite)) : 0;
  s.zero_fraction = static_cast<double>(zeros) / static_cast<double>(s.count);
  s.hist_min = s.min;
  s.hist_max = s.max;

  // Pass 2: histogram over [min, max].
  if (s.finite) {
    double width = (s.max - s.min) / bins;
    for (int64_t at = 0; at < s.count; at += kChunk) {
      auto chunk = readElements(model, t, at, std::min(kChunk, s.count - at));
      if (!chunk) return chunk.error();
      for (double v : chunk.value()) {
        if (!std::isfinite(v)) continue;
        int b = width > 0 ? static_cast<int>((v - s.min) / width) : 0;
        s.histogram[static_cast<size_t>(std::clamp(b, 0, bins - 1))]++;
      }
    }
  }
  return s;
}

}  // namespace nf::weights
