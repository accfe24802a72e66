// tests/runtime/bench/kernels_check.cpp - a standalone runner of the kernel cases
// (kernel_cases.h) for builds without GoogleTest: the wasm SIMD128 build runs it
// under Node (run_wasm.sh check, ctest runtime.kernels_wasm). Exit status 0 = all pass.
#include <cstdio>
#include <string>

#include "kernel_cases.h"

int main() {
  namespace kc = nf::kernel_cases;
  namespace k = nf::runtime::kernels;
  int failed_all = 0;
  const auto backends = k::gemm_backends();
  for (size_t b = 0; b < backends.size(); ++b) {
    k::use_gemm_backend(b);
    int failed = 0, total = 0;
    const auto gemms = kc::gemm_cases();
    for (size_t i = 0; i < gemms.size(); ++i, ++total) {
      const std::string err = kc::check_gemm(gemms[i], 100 + i);
      if (!err.empty()) std::printf("FAIL %s\n", err.c_str()), ++failed;
    }
    for (size_t i = 0; i < gemms.size(); ++i, ++total) {
      const std::string err = kc::check_gemm(gemms[i], 300 + i, true);
      if (!err.empty()) std::printf("FAIL %s\n", err.c_str()), ++failed;
    }
    const auto convs = kc::conv_cases();
    for (size_t i = 0; i < convs.size(); ++i, ++total) {
      const std::string err = kc::check_conv(convs[i], 500 + i);
      if (!err.empty()) std::printf("FAIL %s\n", err.c_str()), ++failed;
    }
    for (size_t i = 0; i < convs.size(); ++i, ++total) {
      const std::string err = kc::check_conv(convs[i], 900 + i, true);
      if (!err.empty()) std::printf("FAIL %s\n", err.c_str()), ++failed;
    }
    std::printf("kernels_check [%s]: %d of %d cases match the reference loops\n", backends[b], total - failed, total);
    failed_all += failed;
  }
  const std::string softmax = kc::check_softmax();
  if (!softmax.empty()) std::printf("FAIL %s\n", softmax.c_str()), ++failed_all;
  std::printf("kernels_check: softmax_rows %s\n", softmax.empty() ? "matches exp in double" : "differs");
  return failed_all == 0 ? 0 : 1;
}
