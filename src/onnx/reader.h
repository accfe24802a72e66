// onnx/reader.h - open an ONNX file into the model IR.
//
// Call flow
//   sniffFormat()      cheap look at the first bytes: is it ONNX, or PNG/ZIP/text/...?
//   readModel()        sniff -> skeleton pass -> protobuf-lite parse -> IR
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

// Native convenience: opens `path`, resolving external data next to the file.
Result<ir::Model> readModelFile(const std::string& path, const ReadOptions& options = {});

}  // namespace nf::onnx
