// onnx/reader.h - open an ONNX file into the model IR.
//
// Call flow
//   sniffFormat()      cheap look at the first bytes: is it ONNX, or PNG/ZIP/text/...?
//   readModel()        sniff -> skeleton pass -> protobuf-lite parse -> IR, in one call
//   ReadJob            the same steps, resumable: step(budget_ms) decodes the protobuf
//                      a batch of records at a time (proto_slices.h), so the page is
//                      not blocked by one long parse; readModel runs it to the end
//     buildSkeleton()  walks the protobuf wire format through a ByteSource and copies
//                      everything except large tensor payloads; those become DataRefs
//                      into the source, so weights are never copied while opening
//     convert          onnx::ModelProto -> ir::Model (values resolved, subgraphs nested)
//
// The reader never throws and never aborts on bad input: every failure is a
// Result error with one sentence a user can act on.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "base/byte_source.h"
#include "base/result.h"
#include "ir/model.h"

namespace nf::onnx {

struct SniffResult {
  bool maybe_onnx = false;   // the bytes start like a ModelProto
  std::string description;   // what it looks like instead ("a PNG image", "empty file", ...)
};
// Looks at up to the first 4 KiB of a file. total_size is the file's full size.
SniffResult sniffFormat(const uint8_t* head, size_t n, uint64_t total_size);

// Finds an external data file by the `location` written in the model; returns null
// when the user did not provide it (the model still opens; tensors are marked missing).
using ExternalResolver = std::function<std::shared_ptr<const ByteSource>(const std::string& location)>;

struct ReadOptions {
  // Tensor payloads at least this big stay in the source (DataRef); smaller ones are copied.
  uint64_t inline_limit = 1024;
  // Nesting limit for subgraphs/messages, against hostile files.
  int max_depth = 64;
};

Result<ir::Model> readModel(std::shared_ptr<const ByteSource> file, const std::string& file_name,
                            const ExternalResolver& resolve_external = nullptr,
                            const ReadOptions& options = {});

// readModel in slices. Each step() works for about budget_ms (the skeleton pass and
// the conversion to the IR are one unit each; the protobuf decoding stops between
// batches of records) and says whether the job is finished.
class ReadJob {
 public:
  // The page reads a model one slice of about this long per frame (ModelDocument).
  static constexpr double kPageSliceMs = 30.0;
  enum class Phase { Skeleton, Decoding, Converting, Releasing, Done };
  struct Timings {
    double skeleton_ms = 0, decode_ms = 0, convert_ms = 0, release_ms = 0;
    int decode_slices = 0;
  };

  ReadJob(std::shared_ptr<const ByteSource> file, std::string file_name, ExternalResolver resolve_external = nullptr,
          ReadOptions options = {});
  ~ReadJob();
  ReadJob(const ReadJob&) = delete;
  ReadJob& operator=(const ReadJob&) = delete;

  bool step(double budget_ms);
  bool done() const { return phase_ == Phase::Done; }
  Phase phase() const { return phase_; }
  const char* phaseLabel() const;  // "reading the structure", "decoding", "building the graph"
  const Timings& timings() const { return timings_; }
  // The model or the error; once, after done().
  Result<ir::Model> take();

 private:
  struct State;
  void finish(Result<ir::Model> result);

  std::shared_ptr<const ByteSource> file_;
  std::string file_name_;
  ExternalResolver resolve_external_;
  ReadOptions options_;
  Phase phase_ = Phase::Skeleton;
  Timings timings_;
  std::unique_ptr<State> state_;
  Result<ir::Model> result_ = Error{"the model is still being read"};
};

// Native convenience: opens `path`, resolving external data next to the file.
Result<ir::Model> readModelFile(const std::string& path, const ReadOptions& options = {});
// The resolver readModelFile uses: external data files in the model's folder (a
// location escaping it, "../x" or "/etc/x", is never opened).
ExternalResolver externalDataNextTo(const std::string& model_path);

}  // namespace nf::onnx
