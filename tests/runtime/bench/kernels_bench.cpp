// tests/runtime/bench/kernels_bench.cpp - GMAC/s of sgemm/conv2d on the shapes that
// dominate ResNet-50, MobileNetV3 and a d=256 transformer, next to the reference
// loops. Natively: build-native-web/kernels_bench; as wasm SIMD128 under Node:
// tests/runtime/bench/run_wasm.sh bench. Times are the process's CPU time, best of
// several rounds: the machine is shared, and wall time would count other jobs.
//   kernels_bench [--quick]   --quick: fewer repetitions, no reference timings
//   kernels_bench --layers resnet50|mobilenetv3|transformer [--packed]   each layer,
//                                     timed inside whole-network runs
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <algorithm>
#include <string>
#include <vector>

#include "runtime/kernels/kernels.h"

#include <chrono>

double nf_wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
// Node's CPU time of the process (the wasm runs on its one main thread); in a
// browser (browser_bench.mjs) only wall time exists.
EM_JS(double, nf_cpu_seconds, (), {
  if (typeof process !== 'undefined' && process.cpuUsage) {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }
  return performance.now() / 1e3;
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

// Best seconds per call of `fn` over `reps` timed rounds of at least 50 ms each, by
// `clock` (CPU time by default).
double best_seconds(const std::function<void()>& fn, int reps, double (*clock)() = nf_cpu_seconds) {
  fn();  // warm-up: scratch sizing, caches
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    int calls = 0;
    const double t0 = clock();
    double elapsed = 0;
    do {
      fn();
      ++calls;
      elapsed = clock() - t0;
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

// Activation memory and scratch shared by the layers of a whole network, as an
// executor's arena would reuse them (only the weights are distinct per layer).
struct Arena {
  std::shared_ptr<std::vector<float>> x, y;
  std::shared_ptr<k::Scratch> scratch;
};

// A buffer of `count` floats: the arena's when given (grown as needed), else a new one.
std::shared_ptr<std::vector<float>> buffer(const std::shared_ptr<std::vector<float>>& arena, size_t count) {
  if (!arena) return std::make_shared<std::vector<float>>(filled(count));
  if (arena->size() < count) *arena = filled(count);
  return arena;
}

// true: conv() packs its weights once (pack_conv2d_weights) and runs the packed conv2d.
bool g_prepack = false;

Shape conv(const std::string& name, int64_t cin, int64_t hw, int64_t cout, int64_t kernel, int64_t stride,
           int64_t group, const Arena& arena = {}) {
  k::Conv2dShape s;
  s.in_channels = cin, s.in_h = s.in_w = hw, s.out_channels = cout, s.kernel_h = s.kernel_w = kernel;
  s.stride_h = s.stride_w = stride, s.pad_top = s.pad_left = kernel / 2, s.group = group;
  s.out_h = s.out_w = (hw + 2 * (kernel / 2) - kernel) / stride + 1;
  const double macs = double(cout) * s.out_h * s.out_w * (cin / group) * kernel * kernel;
  auto x = buffer(arena.x, size_t(cin * hw * hw));
  auto w = std::make_shared<std::vector<float>>(filled(size_t(cout * (cin / group) * kernel * kernel)));
  auto b = std::make_shared<std::vector<float>>(filled(size_t(cout)));
  auto y = buffer(arena.y, size_t(cout * s.out_h * s.out_w));
  auto scratch = arena.scratch ? arena.scratch : std::make_shared<k::Scratch>();
  if (g_prepack) {
    auto packed = std::make_shared<k::PackedConv2dWeights>(k::pack_conv2d_weights(s, w->data()));
    return {name, macs, k::conv2d_path(s), [=](bool reference) {
              if (reference) return k::reference::conv2d(s, x->data(), w->data(), b->data(), y->data(), *scratch);
              k::conv2d(s, x->data(), w->data(), *packed, b->data(), y->data(), *scratch);
            }};
  }
  return {name, macs, k::conv2d_path(s), [=](bool reference) {
            if (reference) return k::reference::conv2d(s, x->data(), w->data(), b->data(), y->data(), *scratch);
            k::conv2d(s, x->data(), w->data(), b->data(), y->data(), *scratch);
          }};
}

Shape gemm(const std::string& name, int64_t m, int64_t n, int64_t kk, bool trans_b, int64_t batch = 1,
           const Arena& arena = {}) {
  auto a = buffer(arena.x, size_t(batch * m * kk));
  auto bm = std::make_shared<std::vector<float>>(filled(size_t(batch * kk * n)));
  auto c = buffer(arena.y, size_t(batch * m * n));
  auto scratch = arena.scratch ? arena.scratch : std::make_shared<k::Scratch>();
  if (g_prepack && batch == 1) {  // B holds constant weights: packed once
    auto packed = std::make_shared<k::PackedSgemmB>(k::pack_sgemm_b(trans_b, kk, n, bm->data(), trans_b ? kk : n));
    return {name, double(m) * n * kk, trans_b ? "gemm B^T" : "gemm", [=](bool reference) {
              if (reference)
                return k::reference::sgemm(false, trans_b, m, n, kk, 1.f, a->data(), kk, bm->data(), trans_b ? kk : n,
                                           0.f, c->data(), n, *scratch);
              k::sgemm(false, trans_b, m, n, kk, 1.f, a->data(), kk, bm->data(), trans_b ? kk : n, *packed, 0.f,
                       c->data(), n, *scratch);
            }};
  }
  return {name, double(batch) * m * n * kk, trans_b ? "gemm B^T" : "gemm", [=](bool reference) {
            using Fn = void (*)(bool, bool, int64_t, int64_t, int64_t, float, const float*, int64_t, const float*,
                                int64_t, float, float*, int64_t, k::Scratch&);
            const Fn fn = reference ? Fn(k::reference::sgemm) : Fn(k::sgemm);
            for (int64_t i = 0; i < batch; ++i)
              fn(false, trans_b, m, n, kk, 1.f, a->data() + i * m * kk, kk, bm->data() + i * kk * n, trans_b ? kk : n,
                 0.f, c->data() + i * m * n, n, *scratch);
          }};
}

Arena new_arena() {
  return {std::make_shared<std::vector<float>>(), std::make_shared<std::vector<float>>(),
          std::make_shared<k::Scratch>()};
}

// Every convolution and the classifier of ResNet-50 v1.5 (torchvision: stride on the
// 3x3), batch 1, 224x224: the kernel time of the whole network (4.09 GMAC), to set
// next to onnxruntime's full-model times (BatchNorm is folded into the convs there).
// Activations and scratch are shared across layers as an executor's arena would.
std::vector<Shape> resnet50_layers() {
  const Arena arena = new_arena();
  std::vector<Shape> layers;
  layers.push_back(conv("conv1 7x7/2 3->64 @224", 3, 224, 64, 7, 2, 1, arena));
  int64_t in = 64, hw = 56;
  const int64_t widths[] = {64, 128, 256, 512}, blocks[] = {3, 4, 6, 3};
  for (int stage = 0; stage < 4; ++stage) {
    const int64_t width = widths[stage], out = width * 4;
    for (int64_t b = 0; b < blocks[stage]; ++b) {
      const int64_t stride = (stage > 0 && b == 0) ? 2 : 1;
      const std::string at = " @" + std::to_string(hw);
      layers.push_back(
          conv("1x1 " + std::to_string(in) + "->" + std::to_string(width) + at, in, hw, width, 1, 1, 1, arena));
      layers.push_back(conv("3x3/" + std::to_string(stride) + " " + std::to_string(width) + at, width, hw, width, 3,
                            stride, 1, arena));
      const int64_t out_hw = (hw + 2 - 3) / stride + 1;
      layers.push_back(conv("1x1 " + std::to_string(width) + "->" + std::to_string(out) + " @" + std::to_string(out_hw),
                            width, out_hw, out, 1, 1, 1, arena));
      if (b == 0)
        layers.push_back(conv("downsample 1x1/" + std::to_string(stride) + at, in, hw, out, 1, stride, 1, arena));
      in = out, hw = out_hw;
    }
  }
  layers.push_back(gemm("fc", 1, 1000, 2048, true, 1, arena));
  return layers;
}

// MobileNetV3-Large (torchvision), batch 1, 224x224: every conv (stem, expand,
// depthwise, squeeze-excite 1x1s on the pooled vector, project, last) and the two
// classifier layers; 0.22 GMAC.
std::vector<Shape> mobilenetv3_layers() {
  const Arena arena = new_arena();
  std::vector<Shape> layers;
  layers.push_back(conv("stem 3x3/2 3->16 @224", 3, 224, 16, 3, 2, 1, arena));
  struct Block { int64_t in, kernel, exp, out, se, stride; };
  const Block blocks[] = {{16, 3, 16, 16, 0, 1},    {16, 3, 64, 24, 0, 2},    {24, 3, 72, 24, 0, 1},
                          {24, 5, 72, 40, 24, 2},   {40, 5, 120, 40, 32, 1},  {40, 5, 120, 40, 32, 1},
                          {40, 3, 240, 80, 0, 2},   {80, 3, 200, 80, 0, 1},   {80, 3, 184, 80, 0, 1},
                          {80, 3, 184, 80, 0, 1},   {80, 3, 480, 112, 120, 1}, {112, 3, 672, 112, 168, 1},
                          {112, 5, 672, 160, 168, 2}, {160, 5, 960, 160, 240, 1}, {160, 5, 960, 160, 240, 1}};
  int64_t hw = 112;
  for (const Block& b : blocks) {
    const std::string at = " @" + std::to_string(hw);
    if (b.exp != b.in)
      layers.push_back(conv("expand 1x1 " + std::to_string(b.in) + "->" + std::to_string(b.exp) + at, b.in, hw, b.exp,
                            1, 1, 1, arena));
    layers.push_back(conv("dw" + std::to_string(b.kernel) + "x" + std::to_string(b.kernel) + "/" +
                              std::to_string(b.stride) + " " + std::to_string(b.exp) + at,
                          b.exp, hw, b.exp, b.kernel, b.stride, b.exp, arena));
    hw = (hw + 2 * (b.kernel / 2) - b.kernel) / b.stride + 1;
    if (b.se) {
      layers.push_back(conv("se 1x1 " + std::to_string(b.exp) + "->" + std::to_string(b.se), b.exp, 1, b.se, 1, 1, 1,
                            arena));
      layers.push_back(conv("se 1x1 " + std::to_string(b.se) + "->" + std::to_string(b.exp), b.se, 1, b.exp, 1, 1, 1,
                            arena));
    }
    layers.push_back(conv("project 1x1 " + std::to_string(b.exp) + "->" + std::to_string(b.out) + " @" +
                              std::to_string(hw),
                          b.exp, hw, b.out, 1, 1, 1, arena));
  }
  layers.push_back(conv("last 1x1 160->960 @7", 160, 7, 960, 1, 1, 1, arena));
  layers.push_back(gemm("fc 960->1280", 1, 1280, 960, true, 1, arena));
  layers.push_back(gemm("fc 1280->1000", 1, 1000, 1280, true, 1, arena));
  return layers;
}

// nn.TransformerEncoder, 6 layers, d_model 256, 8 heads (head 32), ff 1024, seq 128:
// its matrix products (0.65 GMAC), weights as MatMul's constant [K, N] operand.
std::vector<Shape> transformer_layers() {
  const Arena arena = new_arena();
  std::vector<Shape> layers;
  for (int l = 0; l < 6; ++l) {
    layers.push_back(gemm("qkv 128x256 * 256x768", 128, 768, 256, false, 1, arena));
    layers.push_back(gemm("scores 8 x 128x32 * 32x128", 128, 128, 32, false, 8, arena));
    layers.push_back(gemm("context 8 x 128x128 * 128x32", 128, 32, 128, false, 8, arena));
    layers.push_back(gemm("out 128x256 * 256x256", 128, 256, 256, false, 1, arena));
    layers.push_back(gemm("ff1 128x256 * 256x1024", 128, 1024, 256, false, 1, arena));
    layers.push_back(gemm("ff2 128x1024 * 1024x256", 128, 256, 1024, false, 1, arena));
  }
  return layers;
}

Shape whole(const std::string& name, std::vector<Shape> layers) {
  double macs = 0;
  for (const auto& l : layers) macs += l.macs;
  auto shared = std::make_shared<std::vector<Shape>>(std::move(layers));
  return {name, macs, "mixed", [shared](bool reference) {
            for (const auto& l : *shared) l.run(reference);
          }};
}

// Each layer timed inside whole-network runs (caches as in inference), best of 5.
void print_layers(const std::vector<Shape>& layers) {
  std::vector<double> best(layers.size(), 1e30);
  for (int r = 0; r < 6; ++r)
    for (size_t i = 0; i < layers.size(); ++i) {
      const double t0 = nf_cpu_seconds();
      layers[i].run(false);
      if (r > 0) best[i] = std::min(best[i], nf_cpu_seconds() - t0);
    }
  double total = 0;
  for (size_t i = 0; i < layers.size(); ++i) {
    total += best[i];
    std::printf("%-34s %-10s %8.2f MMAC %8.3f ms %7.2f GMAC/s\n", layers[i].name.c_str(), layers[i].path.c_str(),
                layers[i].macs / 1e6, best[i] * 1e3, layers[i].macs / best[i] / 1e9);
  }
  std::printf("total %.2f ms\n", total * 1e3);
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  if (argc > 2 && std::strcmp(argv[1], "--layers") == 0) {
    const std::string net = argv[2];
    g_prepack = argc > 3 && std::strcmp(argv[3], "--packed") == 0;
    if (net == "resnet50") print_layers(resnet50_layers());
    else if (net == "mobilenetv3") print_layers(mobilenetv3_layers());
    else if (net == "transformer") print_layers(transformer_layers());
    else return std::fprintf(stderr, "--layers resnet50|mobilenetv3|transformer\n"), 2;
    return 0;
  }
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
  std::vector<Shape> nets = {whole("resnet50: 53 convs + fc", resnet50_layers()),
                             whole("mobilenetv3-large: 62 convs + 2 fc", mobilenetv3_layers()),
                             whole("transformer 6 x d256: matmuls", transformer_layers())};
  g_prepack = true;
  nets.push_back(whole("resnet50, packed weights", resnet50_layers()));
  nets.push_back(whole("mobilenetv3-large, packed weights", mobilenetv3_layers()));
  nets.push_back(whole("transformer, packed weights", transformer_layers()));
  g_prepack = false;
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
  std::printf("whole networks (kernel time only; activations and scratch shared across layers):\n");
  for (const Shape& net : nets) {
    const double cpu = best_seconds([&] { net.run(false); }, quick ? 2 : 5);
    const double wall = best_seconds([&] { net.run(false); }, quick ? 2 : 5, nf_wall_seconds);
    std::printf("%-36s %9.1f %-10s %9.3f %8.2f   (wall clock: %.1f ms)\n", net.name.c_str(), net.macs / 1e6,
                net.path.c_str(), cpu * 1e3, net.macs / cpu / 1e9, wall * 1e3);
  }
  std::printf("kernels_bench done\n");
  return 0;
}
