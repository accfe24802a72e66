// layout/csr.h - compressed adjacency lists built by counting sort (stable, O(n + m)).
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "base/id.h"
#include "layout/budget.h"

namespace nf::layout {

// Groups the items 0..count-1 by key(i) (< bucket_count, or 0xFFFFFFFF to skip):
// items[begin[k] .. begin[k+1]) are the i with key(i) == k, ascending.
template <class KeyFn>
void buildCsr(uint32_t bucket_count, uint32_t count, KeyFn key, std::vector<uint32_t>& begin,
              std::vector<uint32_t>& items) {
  begin.assign(static_cast<size_t>(bucket_count) + 1, 0);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t k = key(i);
    if (k != kNoIndex) ++begin[k + 1];
  }
  for (uint32_t k = 0; k < bucket_count; ++k) begin[k + 1] += begin[k];
  items.resize(begin[bucket_count]);
  std::vector<uint32_t> fill(begin.begin(), begin.end() - 1);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t k = key(i);
    if (k != kNoIndex) items[fill[k]++] = i;
  }
}

// buildCsr in slices, for phases that must yield on huge graphs: call run() with the
// same arguments until it returns true; the result is identical to buildCsr's.
class CsrBuild {
 public:
  template <class KeyFn>
  bool run(uint32_t bucket_count, uint32_t count, KeyFn key, std::vector<uint32_t>& begin,
           std::vector<uint32_t>& items, Budget& budget) {
    constexpr uint32_t kChunk = 4096;
    switch (stage_) {
      case 0:
        begin.assign(static_cast<size_t>(bucket_count) + 1, 0);
        cursor_ = 0;
        stage_ = 1;
        [[fallthrough]];
      case 1:
        while (cursor_ < count) {
          const uint32_t end = std::min(count, cursor_ + kChunk);
          for (; cursor_ < end; ++cursor_) {
            const uint32_t k = key(cursor_);
            if (k != kNoIndex) ++begin[k + 1];
          }
          if (budget.tick(kChunk)) return false;
        }
        for (uint32_t k = 0; k < bucket_count; ++k) begin[k + 1] += begin[k];
        items.resize(begin[bucket_count]);
        fill_.assign(begin.begin(), begin.end() - 1);
        cursor_ = 0;
        stage_ = 2;
        if (budget.tick(bucket_count)) return false;
        [[fallthrough]];
      case 2:
        while (cursor_ < count) {
          const uint32_t end = std::min(count, cursor_ + kChunk);
          for (; cursor_ < end; ++cursor_) {
            const uint32_t k = key(cursor_);
            if (k != kNoIndex) items[fill_[k]++] = cursor_;
          }
          if (budget.tick(kChunk)) return false;
        }
        fill_ = {};
        stage_ = 3;
        [[fallthrough]];
      default: return true;
    }
  }

 private:
  int stage_ = 0;
  uint32_t cursor_ = 0;
  std::vector<uint32_t> fill_;
};

}  // namespace nf::layout
