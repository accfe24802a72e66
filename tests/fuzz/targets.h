// tests/fuzz/targets.h - the fuzz entry functions, one per target.
//
// Each takes any byte string and must return without a crash, a hang, a leak or a
// sanitizer report. libFuzzer calls them from LLVMFuzzerTestOneInput (fuzz_<target>.cpp,
// built by scripts/fuzz.sh with clang); the native suite calls the same functions on
// every committed seed and regression input (replay_test.cpp), without libFuzzer.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace nf::fuzz {

// The ONNX reader, then a walk of the IR and weight statistics of every initializer.
int onnxReader(const uint8_t* data, size_t size);
// The reader, then everything the viewer runs on a model: shape inference, metrics,
// the summary table, the hierarchy, and the display graph + layout of the main graph.
int model(const uint8_t* data, size_t size);
// A builder document (saved or compact JSON): load, analyse for both frameworks, save
// both forms, generate PyTorch and Keras code.
int builderJson(const uint8_t* data, size_t size);
// A builder document exported as ONNX (weights up to 16 MiB): a document that fails
// analysis is refused with a message; one that exports has the builder's parameter
// count and reads back with our reader, then shape inference and metrics run on it.
int onnxExport(const uint8_t* data, size_t size);
// A share-link fragment: the envelope decoder and base64url, and the compact loader
// on the same bytes (what an inflated link holds).
int share(const uint8_t* data, size_t size);

struct Target {
  std::string_view name;  // folder name under tests/fuzz/corpus and tests/fuzz/regressions
  int (*run)(const uint8_t*, size_t);
};
inline constexpr Target kTargets[] = {
    {"fuzz_onnx_reader", onnxReader}, {"fuzz_model", model}, {"fuzz_builder_json", builderJson},
    {"fuzz_onnx_export", onnxExport},   {"fuzz_share", share}};

}  // namespace nf::fuzz
