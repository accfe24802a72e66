// tests/support/bench_support.h - what the benchmarks share: reading their command
// line, timing a piece of code, the median of runs. Header-only and free of
// GoogleTest, so every bench (and shapes_bench's WebAssembly build) can use it.
#pragma once
#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

namespace nf::bench {

using Clock = std::chrono::steady_clock;

inline double msSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// The median of `v` (the upper one for an even count); 0 for no values.
inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Median and fastest of `reps` runs, in milliseconds: on a shared machine the
// fastest run is the better estimate of the cost, the median of what a user waits.
struct Timing {
  double median = 0, min = 0;
};
inline Timing timeMs(int reps, const std::function<void()>& fn) {
  std::vector<double> ms;
  for (int i = 0; i < reps; ++i) {
    auto t0 = Clock::now();
    fn();
    ms.push_back(msSince(t0));
  }
  if (ms.empty()) return {};
  return {median(ms), *std::min_element(ms.begin(), ms.end())};
}

// Reads argv in order, one argument (or option with its value) per step:
//
//   for (bench::Args a(argc, argv); a.more();) {
//     if (a.option("--reps", &reps, 1)) continue;   // "--reps N", N at least 1
//     if (a.option("--models", &dir)) continue;
//     if (a.flag("--no-big")) big = false;
//     else files.push_back(a.next());               // anything else
//   }
//
// An option given last, without its value, is not taken: it falls through to next().
class Args {
 public:
  Args(int argc, char** argv) : argc_(argc), argv_(argv) {}

  bool more() const { return i_ < argc_; }
  // The current argument, taken.
  std::string next() { return argv_[i_++]; }
  // Takes the current argument if it is `name`.
  bool flag(const char* name) {
    if (!more() || std::strcmp(argv_[i_], name) != 0) return false;
    ++i_;
    return true;
  }
  // Takes "name VALUE" if the current argument is `name` and a value follows it.
  bool option(const char* name, std::string* out) {
    if (i_ + 1 >= argc_ || std::strcmp(argv_[i_], name) != 0) return false;
    *out = argv_[i_ + 1];
    i_ += 2;
    return true;
  }
  // The same for a number (atoi/atof: text that is not one reads as 0); an int
  // below `min` reads as `min`.
  bool option(const char* name, int* out, int min = INT_MIN) {
    std::string v;
    if (!option(name, &v)) return false;
    *out = std::max(min, std::atoi(v.c_str()));
    return true;
  }
  bool option(const char* name, double* out) {
    std::string v;
    if (!option(name, &v)) return false;
    *out = std::atof(v.c_str());
    return true;
  }

 private:
  int argc_;
  char** argv_;
  int i_ = 1;
};

}  // namespace nf::bench
