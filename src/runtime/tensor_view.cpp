#include "runtime/tensor_view.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace nf::runtime {

Result<ChannelImages> channelImages(const Tensor& t, ColorMap map, MapScale scale, int64_t max_channels) {
  if (t.isString() || !t.buffer) return Error{"only numeric tensors can be shown as images"};
  if (t.rank() < 2 || t.rank() > 4) return Error{"feature maps need rank 2 to 4; this tensor has shape " + shapeString(t.shape)};
  ChannelImages out;
  int64_t channels = 1;
  if (t.rank() == 4) channels = t.shape[1];
  out.height = t.shape[t.rank() - 2];
  out.width = t.shape[t.rank() - 1];
  out.channels_total = channels;
  int64_t plane = 0;
  if (!checkedSizeMul(out.height, out.width, &plane) || plane <= 0 || plane > (int64_t{1} << 26))
    return Error{"a channel of " + shapeString(t.shape) + " is too large or empty to draw"};
  if (t.count() < channels * plane) return Error{"tensor data is smaller than its shape"};
  const int64_t shown = std::min(channels, std::max<int64_t>(0, max_channels));
  std::vector<double> values(static_cast<size_t>(plane));
  auto rangeOf = [&](int64_t c, float* lo, float* hi) {
    double mn = INFINITY, mx = -INFINITY;
    for (int64_t i = 0; i < plane; ++i) {
      double v = elementAsDouble(t, c * plane + i);
      if (std::isfinite(v)) mn = std::min(mn, v), mx = std::max(mx, v);
    }
    if (!(mn <= mx)) mn = mx = 0;
    *lo = static_cast<float>(mn), *hi = static_cast<float>(mx);
  };
  float shared_lo = INFINITY, shared_hi = -INFINITY;
  out.lo.resize(static_cast<size_t>(shown));
  out.hi.resize(static_cast<size_t>(shown));
  for (int64_t c = 0; c < shown; ++c) {
    rangeOf(c, &out.lo[c], &out.hi[c]);
    shared_lo = std::min(shared_lo, out.lo[c]);
    shared_hi = std::max(shared_hi, out.hi[c]);
  }
  if (scale == MapScale::Shared)
    for (int64_t c = 0; c < shown; ++c) out.lo[c] = shared_lo, out.hi[c] = shared_hi;
  out.rgba.resize(static_cast<size_t>(shown));
  for (int64_t c = 0; c < shown; ++c) {
    std::vector<uint8_t>& img = out.rgba[static_cast<size_t>(c)];
    img.resize(static_cast<size_t>(plane) * 4);
    const double lo = out.lo[c], span = out.hi[c] - out.lo[c];
    for (int64_t i = 0; i < plane; ++i) {
      double v = elementAsDouble(t, c * plane + i);
      double u = std::isfinite(v) && span > 0 ? (v - lo) / span : 0;
      Rgb8 col = colorMapAt(map, u);
      uint8_t* px = &img[static_cast<size_t>(i) * 4];
      px[0] = col.r, px[1] = col.g, px[2] = col.b, px[3] = 255;
    }
  }
  return out;
}

std::vector<TopEntry> topK(const Tensor& t, int64_t k) {
  if (t.isString() || !t.buffer || t.rank() == 0 || t.count() <= 0 || k <= 0) return {};
  const int64_t n = t.shape.back();
  if (n <= 0 || n > t.count()) return {};
  std::vector<double> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = elementAsDouble(t, i);
  std::vector<int64_t> idx(static_cast<size_t>(n));
  std::iota(idx.begin(), idx.end(), 0);
  k = std::min(k, n);
  std::partial_sort(idx.begin(), idx.begin() + k, idx.end(), [&](int64_t a, int64_t b) {
    double va = v[static_cast<size_t>(a)], vb = v[static_cast<size_t>(b)];
    if (std::isnan(va) != std::isnan(vb)) return !std::isnan(va);
    return va > vb || (va == vb && a < b);
  });
  // Probabilities: the scores themselves when they already look like them.
  double sum = 0, mx = -INFINITY;
  bool in_unit = true;
  for (double x : v) {
    sum += x;
    mx = std::max(mx, x);
    in_unit = in_unit && x >= 0 && x <= 1;
  }
  const bool already = in_unit && std::abs(sum - 1) < 1e-3;
  double z = 0;
  if (!already)
    for (double x : v) z += std::isfinite(x) ? std::exp(x - mx) : 0;
  std::vector<TopEntry> out;
  for (int64_t i = 0; i < k; ++i) {
    TopEntry e;
    e.index = idx[static_cast<size_t>(i)];
    e.score = v[static_cast<size_t>(e.index)];
    e.probability = already ? e.score : (z > 0 && std::isfinite(e.score) ? std::exp(e.score - mx) / z : 0);
    out.push_back(e);
  }
  return out;
}

}  // namespace nf::runtime
