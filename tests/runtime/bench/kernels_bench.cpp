// tests/runtime/bench/kernels_bench.cpp - GMAC/s of sgemm/conv2d on the shapes that
// dominate ResNet-50, MobileNetV3 and a d=256 transformer, next to the reference
// loops. Natively: build-native-web/kernels_bench; as wasm SIMD128 under Node:
// tests/runtime/bench/run_wasm.sh bench. Times are the process's CPU time, best of
// several rounds: the machine is shared, and wall time would count other jobs.
//   kernels_bench [--quick]   --quick: fewer repetitions, no reference timings
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <algorithm>
#include <string>
#include <vector>

#include "runtime/kernels/kernels.h"

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
// Node's CPU time of the process (the wasm runs on its one main thread).
EM_JS(double, nf_cpu_seconds, (), {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
});
#else
#include <ctime>
double nf_cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}
#endif

namespace {

namespace k = nf::runtime::kernels;

struct Shape {
  std::string name;
  double macs;
  std::string path;
  std::function<void(bool reference)> run;
};

// Best seconds per call of `fn` over `reps` timed rounds of at least 50 ms each.
double best_seconds(const std::function<void()>& fn, int reps) {
  fn();  // warm-up: scratch sizing, caches
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    int calls = 0;
    const double t0 = nf_cpu_seconds();
    double elapsed = 0;
    do {
      fn();
      ++calls;
      elapsed = nf_cpu_seconds() - t0;
    } while (elapsed < 0.05);
    best = std::min(best, elapsed / calls);
  }
  return best;
}

std::vector<float> filled(size_t count) {
  std::vector<float> v(count);
  for (size_t i = 0; i < count; ++i) v[i] = static_cast<float>((i * 7919) % 1000) / 1000.f - 0.5f;
  return v;
}

Shape conv(const std::string& name, int64_t cin, int64_t hw, int64_t cout, int64_t kernel, int64_t stride,
           int64_t group) {
  k::Conv2dShape s;
  s.in_channels = cin, s.in_h = s.in_w = hw, s.out_channels = cout, s.kernel_h = s.kernel_w = kernel;
  s.stride_h = s.stride_w = stride, s.pad_top = s.pad_left = kernel / 2, s.group = group;
  s.out_h = s.out_w = (hw + 2 * (kernel / 2) - kernel) / stride + 1;
  const double macs = double(cout) * s.out_h * s.out_w * (cin / group) * kernel * kernel;
  auto x = std::make_shared<std::vector<float>>(filled(size_t(cin * hw * hw)));
  auto w = std::make_shared<std::vector<float>>(filled(size_t(cout * (cin / group) * kernel * kernel)));
  auto b = std::make_shared<std::vector<float>>(filled(size_t(cout)));
  auto y = std::make_shared<std::vector<float>>(size_t(cout * s.out_h * s.out_w));
  auto scratch = std::make_shared<k::Scratch>();
  return {name, macs, k::conv2d_path(s), [=](bool reference) {
            (reference ? k::reference::conv2d : k::conv2d)(s, x->data(), w->data(), b->data(), y->data(), *scratch);
          }};
}

Shape gemm(const std::string& name, int64_t m, int64_t n, int64_t kk, bool trans_b, int64_t batch = 1) {
  auto a = std::make_shared<std::vector<float>>(filled(size_t(batch * m * kk)));
  auto bm = std::make_shared<std::vector<float>>(filled(size_t(batch * kk * n)));
  auto c = std::make_shared<std::vector<float>>(size_t(batch * m * n));
  auto scratch = std::make_shared<k::Scratch>();
  return {name, double(batch) * m * n * kk, trans_b ? "gemm B^T" : "gemm", [=](bool reference) {
            auto fn = reference ? k::reference::sgemm : k::sgemm;
            for (int64_t i = 0; i < batch; ++i)
              fn(false, trans_b, m, n, kk, 1.f, a->data() + i * m * kk, kk, bm->data() + i * kk * n, trans_b ? kk : n,
                 0.f, c->data() + i * m * n, n, *scratch);
          }};
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const std::vector<Shape> shapes = {
      conv("resnet50 conv1 7x7/2 3->64 @224", 3, 224, 64, 7, 2, 1),
      conv("resnet50 3x3 64->64 @56", 64, 56, 64, 3, 1, 1),
      conv("resnet50 3x3 128->128 @28", 128, 28, 128, 3, 1, 1),
      conv("resnet50 3x3 256->256 @14", 256, 14, 256, 3, 1, 1),
      conv("resnet50 3x3 512->512 @7", 512, 7, 512, 3, 1, 1),
      conv("resnet50 1x1 64->256 @56", 64, 56, 256, 1, 1, 1),
      conv("resnet50 1x1 256->64 @56", 256, 56, 64, 1, 1, 1),
      conv("resnet50 1x1 512->128 @28", 512, 28, 128, 1, 1, 1),
      conv("resnet50 1x1 1024->256 @14", 1024, 14, 256, 1, 1, 1),
      conv("resnet50 1x1 512->2048 @7", 512, 7, 2048, 1, 1, 1),
      conv("resnet50 1x1/2 256->512 @56", 256, 56, 512, 1, 2, 1),
      gemm("resnet50 fc 1x2048 * 2048x1000^T", 1, 1000, 2048, true),
      conv("mobilenetv3 dw3x3 16 @112", 16, 112, 16, 3, 1, 16),
      conv("mobilenetv3 dw3x3/2 64 @112", 64, 112, 64, 3, 2, 64),
      conv("mobilenetv3 dw5x5 120 @28", 120, 28, 120, 5, 1, 120),
      conv("mobilenetv3 dw3x3 480 @14", 480, 14, 480, 3, 1, 480),
      conv("mobilenetv3 dw5x5 960 @7", 960, 7, 960, 5, 1, 960),
      gemm("transformer 128x256 * 256x256", 128, 256, 256, false),
      gemm("transformer 128x256 * 256x1024", 128, 1024, 256, false),
      gemm("transformer 128x1024 * 1024x256", 128, 256, 1024, false),
      gemm("attention 8 x (128x64 * 64x128^T)", 128, 128, 64, true, 8),
      gemm("attention 8 x (128x128 * 128x64)", 128, 64, 128, false, 8),
  };
  std::printf("kernels_bench: sgemm back end %s; best of %d rounds%s\n", k::gemm_backend(), quick ? 2 : 5,
              quick ? " (--quick: no reference timings)" : "");
  std::printf("%-36s %9s %-10s %9s %8s %9s %8s %7s\n", "shape", "MMAC", "path", "fast ms", "GMAC/s", "ref ms",
              "GMAC/s", "speedup");
  double total_fast = 0, total_macs = 0;
  for (const auto& s : shapes) {
    const double fast = best_seconds([&] { s.run(false); }, quick ? 2 : 5);
    total_fast += fast, total_macs += s.macs;
    std::printf("%-36s %9.1f %-10s %9.3f %8.2f", s.name.c_str(), s.macs / 1e6, s.path.c_str(), fast * 1e3,
                s.macs / fast / 1e9);
    if (!quick) {
      const double t0 = nf_cpu_seconds();
      s.run(true);
      const double ref = nf_cpu_seconds() - t0;
      std::printf(" %9.2f %8.2f %6.1fx", ref * 1e3, s.macs / ref / 1e9, ref / fast);
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  std::printf("%-36s %9.1f %-10s %9.3f %8.2f\n", "all shapes above", total_macs / 1e6, "", total_fast * 1e3,
              total_macs / total_fast / 1e9);
  return 0;
}
