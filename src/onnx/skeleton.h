// onnx/skeleton.h - the first decoding pass: copy a model's protobuf bytes
// without its large tensor payloads.
//
// Weights make up nearly all of a model file. Instead of handing protobuf the
// whole file (which copies every raw_data into a std::string), this pass walks the
// wire format through a ByteSource, descends only into messages that can hold
// tensors (Model > Graph > Node > Attribute > Tensor, functions, training info,
// sparse tensors), and replaces each large raw_data / packed float_data /
// packed double_data payload by a marker entry in TensorProto.external_data:
//     key = kSourceRefKey, value = "<field>:<offset>:<length>"
// The converter turns the marker into an ir::DataRef into the model file, so the
// weight bytes are never copied while opening, and are read later on demand.
#pragma once
#include <memory>
#include <string>

#include "base/byte_source.h"
#include "base/result.h"
#include "onnx/reader.h"

namespace nf::onnx::detail {

inline constexpr const char* kSourceRefKey = "nf.source_ref";

struct Skeleton {
  std::string bytes;          // a valid serialized ModelProto
  size_t elided_payloads = 0; // how many tensor payloads stayed in the source
  uint64_t elided_bytes = 0;
};

Result<Skeleton> buildSkeleton(const ByteSource& src, const ReadOptions& options);

// buildSkeleton resumable between any two records: step() walks for about budget_ms
// (the 200k-node synthetic graph takes 20-60 ms natively). `src` and `options` must
// outlive the job.
class SkeletonJob {
 public:
  // The clock is read every `records_per_check` records (tests: 1, so a zero budget
  // stops after every record).
  SkeletonJob(const ByteSource& src, const ReadOptions& options, uint32_t records_per_check = 256);
  ~SkeletonJob();
  SkeletonJob(const SkeletonJob&) = delete;
  SkeletonJob& operator=(const SkeletonJob&) = delete;
  bool step(double budget_ms);  // true once finished
  Result<Skeleton> take();      // once finished

 private:
  struct State;
  Status record();  // copies or descends into the next record of the innermost message
  void closeFrame();
  std::unique_ptr<State> s_;
  uint32_t records_per_check_;
  bool done_ = false;
  std::string error_;
};

}  // namespace nf::onnx::detail
