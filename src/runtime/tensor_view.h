// runtime/tensor_view.h - pictures and summaries of a computed tensor for the Run
// panel: channel images (feature maps) coloured with the shared colour map, heat
// maps of 2-D tensors, and the top-k entries of a classifier output.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/color_map.h"
#include "base/result.h"
#include "runtime/tensor.h"

namespace nf::runtime {

enum class MapScale : uint8_t { Shared, PerChannel };

// One RGBA image per channel (all the same size), ready for a texture upload.
struct ChannelImages {
  int64_t width = 0, height = 0;
  int64_t channels_total = 0;            // channels in the tensor
  std::vector<std::vector<uint8_t>> rgba;  // the first min(total, max_channels) channels
  std::vector<float> lo, hi;             // the value range mapped to each image's colours
};

// Rank 4 [N,C,H,W]: the channels of batch item 0. Rank 3 [N,H,W] or rank 2 [H,W]:
// one heat map (of item 0). Other ranks, or non-numeric tensors, are an error.
// NaN/Inf pixels take the low colour and do not affect the range.
Result<ChannelImages> channelImages(const Tensor& t, ColorMap map, MapScale scale, int64_t max_channels = 256);

struct TopEntry {
  int64_t index = 0;
  double score = 0;        // the output value
  double probability = 0;  // softmax of the scores, or the score if they already sum to 1
};

// The k largest entries of the last axis of batch item 0 (ties: lower index first).
std::vector<TopEntry> topK(const Tensor& t, int64_t k);

}  // namespace nf::runtime
