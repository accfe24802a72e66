// Statistics a slice at a time over a source whose bytes arrive later (the page's
// File, read in slices): the job asks for windows, waits while they are on their way,
// never asks for more than a window, and names read failures.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "weights/stats.h"

namespace nf::weights {
namespace {

// Like the page's File source: a range is readable only after fetch() said Ready,
// which it says on the second ask (the first starts the "read").
class SlowSource final : public ByteSource {
 public:
  explicit SlowSource(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}
  uint64_t size() const override { return bytes_.size(); }
  bool synchronous() const override { return false; }
  FetchState fetch(uint64_t offset, uint64_t n, std::string* error) const override {
    ++fetches;
    largest_fetch = std::max(largest_fetch, n);
    if (fail_with.size()) {
      *error = fail_with;
      return FetchState::Failed;
    }
    if (offset != pending_offset_ || n != pending_n_) {
      pending_offset_ = offset;
      pending_n_ = n;
      ready_ = false;
      return FetchState::Pending;
    }
    ready_ = true;
    return FetchState::Ready;
  }
  bool read(uint64_t offset, void* dst, size_t n) const override {
    if (!ready_ || offset < pending_offset_ || offset + n > pending_offset_ + pending_n_) return false;
    std::memcpy(dst, bytes_.data() + offset, n);
    return true;
  }
  mutable int fetches = 0;
  mutable uint64_t largest_fetch = 0;
  std::string fail_with;

 private:
  std::vector<uint8_t> bytes_;
  mutable uint64_t pending_offset_ = ~0ull, pending_n_ = 0;
  mutable bool ready_ = false;
};

struct Fixture {
  ir::Model model;
  ir::Tensor tensor;
  std::shared_ptr<SlowSource> slow;
};

// A float32 tensor of `n` values i % 7 - 3 (zeros every seventh), stored after a
// 64-byte header in the source.
Fixture make(int64_t n) {
  std::vector<uint8_t> bytes(64 + static_cast<size_t>(n) * 4);
  for (int64_t i = 0; i < n; ++i) {
    const float v = static_cast<float>(i % 7 - 3);
    std::memcpy(bytes.data() + 64 + i * 4, &v, 4);
  }
  Fixture f;
  f.slow = std::make_shared<SlowSource>(std::move(bytes));
  f.model.sources.push_back({"weights.bin", f.slow});
  f.tensor.name = "w";
  f.tensor.elem = ir::ElemType::Float;
  f.tensor.dims = {n};
  f.tensor.storage = ir::Tensor::Storage::Source;
  f.tensor.ref = {0, 64, static_cast<uint64_t>(n) * 4};
  return f;
}

TEST(StatsJob, WaitsForWindowsAndMatchesTheSynchronousResult) {
  const int64_t n = 9'000'000;  // 36 MB: three windows per pass
  Fixture f = make(n);
  StatsJob job(f.model, f.tensor);
  int waits = 0, steps = 0;
  while (!job.step(5)) {
    ASSERT_LT(++steps, 10000);
    if (job.waiting()) ++waits;
    EXPECT_LE(job.progress(), 1.0);
  }
  ASSERT_TRUE(job.result().ok()) << job.result().error().message;
  const TensorStats& s = job.result().value();
  EXPECT_EQ(s.count, n);
  EXPECT_EQ(s.min, -3);
  EXPECT_EQ(s.max, 3);
  EXPECT_NEAR(s.zero_fraction, 1.0 / 7, 1e-4);
  uint64_t counted = 0;
  for (uint64_t c : s.histogram) counted += c;
  EXPECT_EQ(counted, static_cast<uint64_t>(n));
  EXPECT_EQ(waits, 6);  // one wait per window, three windows per pass
  EXPECT_LE(f.slow->largest_fetch, StatsJob::kWindowBytes);
  // Not readable synchronously: computeStats says so instead of failing a read.
  auto sync = computeStats(f.model, f.tensor);
  ASSERT_FALSE(sync.ok());
  EXPECT_NE(sync.error().message.find("still being read"), std::string::npos);
}

TEST(StatsJob, AFailedReadIsTheJobsError) {
  Fixture f = make(1000);
  f.slow->fail_with = "'weights.bin' could not be read: it was removed";
  StatsJob job(f.model, f.tensor);
  EXPECT_TRUE(job.step(5));
  ASSERT_FALSE(job.result().ok());
  EXPECT_EQ(job.result().error().message, "'weights.bin' could not be read: it was removed");
}

TEST(StatsJob, ARangePastTheEndOfASynchronousSourceFails) {
  Fixture f = make(10);
  auto mem = std::make_shared<MemorySource>(std::vector<uint8_t>(20));  // shorter than 64 + 40
  f.model.sources[0].bytes = mem;
  StatsJob job(f.model, f.tensor);
  EXPECT_TRUE(job.step(5));
  ASSERT_FALSE(job.result().ok());
  EXPECT_NE(job.result().error().message.find("shorter"), std::string::npos) << job.result().error().message;
  std::string error;
  EXPECT_EQ(mem->fetch(10, 20, &error), FetchState::Failed);
  EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace nf::weights
