// Every committed fuzz input (tests/fuzz/corpus/<target>/ seeds and
// tests/fuzz/regressions/<target>/ findings) goes through the same entry function the
// fuzzer calls, natively: a crash, hang or trap here is a regression. Findings that
// wait for a fix elsewhere sit in tests/fuzz/pending/ and are not replayed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "support/test_support.h"
#include "targets.h"

namespace nf::fuzz {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> filesIn(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() != ".md") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

int replay(const Target& t, const char* kind) {
  const fs::path dir = fs::path(NETFORGE_SOURCE_DIR) / "tests/fuzz" / kind / t.name;
  int n = 0;
  for (const fs::path& p : filesIn(dir)) {
    SCOPED_TRACE(p.string());
    std::ifstream in(p, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(t.run(bytes.data(), bytes.size()), 0);
    ++n;
  }
  return n;
}

class FuzzReplay : public ::testing::TestWithParam<Target> {};

TEST_P(FuzzReplay, SeedsAndRegressionsRunClean) {
  const int seeds = replay(GetParam(), "corpus");
  const int regressions = replay(GetParam(), "regressions");
  std::printf("%s: %d seeds, %d regression inputs replayed\n", std::string(GetParam().name).c_str(), seeds,
              regressions);
  EXPECT_GT(seeds, 0) << "every target has a committed seed corpus";
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzReplay, ::testing::ValuesIn(kTargets),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace nf::fuzz
