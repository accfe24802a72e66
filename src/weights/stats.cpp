#include "weights/stats.h"

#include <algorithm>
#include <cmath>

#include "base/checked.h"
#include "base/timing.h"
#include "weights/decode.h"

namespace nf::weights {

namespace {
constexpr int64_t kChunk = 1 << 18;  // elements decoded at a time
}

StatsJob::StatsJob(const ir::Model& model, const ir::Tensor& t, const StatsOptions& options)
    : model_(model), tensor_(t), options_(options) {
  s_.count = t.elementCount();
  if (s_.count < 0) {
    for (int64_t d : t.dims)
      if (d < 0) {
        fail("the tensor has a negative dimension");
        return;
      }
    fail(overflowMessage(t.dims));
    return;
  }
  const int bins = std::clamp(options_.histogram_bins, 1, 4096);
  s_.histogram.assign(static_cast<size_t>(bins), 0);
  if (s_.count == 0) {
    auto probe = readElements(model_, tensor_, 0, 0);  // still report missing data / wrong type
    if (!probe) fail(probe.error().message);
    else result_ = s_;
  }
}

double StatsJob::progress() const {
  if (done()) return 1.0;
  if (s_.count <= 0) return 0.0;
  const double in_pass = static_cast<double>(at_) / static_cast<double>(s_.count);
  return pass_ == 1 ? in_pass * 0.5 : 0.5 + in_pass * 0.5;
}

bool StatsJob::step(double budget_ms) {
  if (done()) return true;
  const auto t0 = SteadyClock::now();
  waiting_ = false;
  do {
    if (!advance()) break;
  } while (!done() && msSince(t0) < budget_ms);
  return done();
}

bool StatsJob::advance() {
  const int64_t n = std::min(kChunk, s_.count - at_);
  // An asynchronous source: the window holding this chunk must have arrived first.
  if (at_ >= window_end_) {
    std::optional<SourceRange> first = sourceRange(model_, tensor_, at_, n);
    if (first && !first->source->synchronous()) {
      // Whole chunks per window; bits per element bound the element count.
      const uint64_t bits = static_cast<uint64_t>(std::max(1, ir::elemTypeBits(tensor_.elem)));
      const int64_t per_window = std::max<int64_t>(kChunk, static_cast<int64_t>(kWindowBytes * 8 / bits) / kChunk * kChunk);
      const int64_t end = std::min(s_.count, at_ + per_window);
      std::optional<SourceRange> window = sourceRange(model_, tensor_, at_, end - at_);
      std::string error;
      switch (window ? window->source->fetch(window->offset, window->length, &error) : FetchState::Failed) {
        case FetchState::Pending: waiting_ = true; return false;
        case FetchState::Failed:
          fail(error.empty() ? "reading the tensor data failed" : error);
          return false;
        case FetchState::Ready: window_end_ = end; break;
      }
    } else {
      window_end_ = s_.count;  // synchronous (or not in a source): read directly
    }
  }
  auto chunk = readElements(model_, tensor_, at_, n);
  if (!chunk) {
    fail(chunk.error().message);
    return false;
  }
  if (pass_ == 1) {
    // Range, zeros, NaN/Inf, first values; the chunk's mean and squared deviations,
    // merged into the running ones (Chan et al.: stable, no division per element).
    const std::vector<double>& values = chunk.value();
    for (size_t i = 0; i < values.size() && static_cast<int>(s_.first.size()) < options_.first_values; ++i)
      s_.first.push_back(values[i]);
    int64_t finite = 0;
    double sum = 0;
    for (double v : values) {
      if (std::isnan(v)) { ++s_.nan_count; continue; }
      if (std::isinf(v)) { ++s_.inf_count; continue; }
      if (v == 0) ++zeros_;
      if (!any_) { s_.min = s_.max = v; any_ = true; }
      s_.min = std::min(s_.min, v);
      s_.max = std::max(s_.max, v);
      ++finite;
      sum += v;
    }
    if (finite) {
      const double chunk_mean = sum / static_cast<double>(finite);
      double chunk_m2 = 0;
      for (double v : values)
        if (std::isfinite(v)) chunk_m2 += (v - chunk_mean) * (v - chunk_mean);
      const double na = static_cast<double>(s_.finite), nb = static_cast<double>(finite), n = na + nb;
      const double delta = chunk_mean - mean_;
      mean_ += delta * nb / n;
      m2_ += chunk_m2 + delta * delta * na * nb / n;
      s_.finite += finite;
    }
  } else {
    const int bins = static_cast<int>(s_.histogram.size());
    const double width = (s_.max - s_.min) / bins;
    for (double v : chunk.value()) {
      if (!std::isfinite(v)) continue;
      const int b = width > 0 ? static_cast<int>((v - s_.min) / width) : 0;
      s_.histogram[static_cast<size_t>(std::clamp(b, 0, bins - 1))]++;
    }
  }
  at_ += n;
  if (at_ >= s_.count) {
    if (pass_ == 1) finishPass1();
    else result_ = std::move(s_);
  }
  return true;
}

void StatsJob::finishPass1() {
  s_.mean = mean_;
  s_.stddev = s_.finite ? std::sqrt(m2_ / static_cast<double>(s_.finite)) : 0;
  s_.zero_fraction = static_cast<double>(zeros_) / static_cast<double>(s_.count);
  s_.hist_min = s_.min;
  s_.hist_max = s_.max;
  if (!s_.finite) {
    result_ = std::move(s_);
    return;
  }
  pass_ = 2;  // the histogram over [min, max]
  at_ = 0;
  window_end_ = 0;
}

Result<TensorStats> computeStats(const ir::Model& model, const ir::Tensor& t, const StatsOptions& options) {
  StatsJob job(model, t, options);
  while (!job.step(1e9)) {
    if (job.waiting()) return Error{"the tensor data is still being read"};
  }
  return job.result();
}

}  // namespace nf::weights
