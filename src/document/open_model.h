// document/open_model.h - one batch of files (a drop or a pick) opened as one model.
//
// routeFiles (file_routing.h) picks the model file; the others resolve its external
// data by name (an external `location` "weights/w.bin" matches a file named "w.bin"
// too). The byte sources stay referenced by the opened model: weights are read from
// them on demand.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/byte_source.h"
#include "base/result.h"
#include "document/file_routing.h"
#include "ir/model.h"
#include "onnx/reader.h"

namespace nf::document {

struct IncomingFile {
  std::string name;                         // base name as the browser gave it
  std::shared_ptr<const ByteSource> bytes;  // never null
  std::string media_type;                   // the browser's MIME type; "" when unknown
};

struct OpenedModel {
  ir::Model model;
  std::string file_name;
  uint64_t file_size = 0;
  std::vector<std::string> data_files;    // the other files of the batch given to the reader
  std::vector<std::string> missing_data;  // external locations no file was given for
  std::vector<std::string> notes;         // files of the batch that were not used, and why

  // Counted on first use: panels show them every frame, and counting walks every node
  // (6-11 ms a frame in the page for a 100k-node graph). The model is not changed once open.
  size_t nodeCount() const;      // model.nodeCountIncludingSubgraphs()
  size_t opTypeCount() const;    // model.opTypes().size()

 private:
  mutable std::optional<size_t> node_count_, op_type_count_;
};

// Routes the batch, then reads the model through the ONNX reader. Errors name the
// file: "photo.png: this is a PNG image, not an ONNX model".
Result<OpenedModel> openModelFromFiles(const std::vector<IncomingFile>& files);

// openModelFromFiles in slices (onnx::ReadJob), as the page opens a model: routing
// happens at construction, then each step() reads for about budget_ms.
class OpenJob {
 public:
  explicit OpenJob(std::vector<IncomingFile> files);
  ~OpenJob();
  OpenJob(const OpenJob&) = delete;
  OpenJob& operator=(const OpenJob&) = delete;

  bool step(double budget_ms);  // true once finished
  bool done() const { return !reader_; }
  // What the reader is doing ("decoding", "building the graph"...), for the progress line.
  const char* phaseLabel() const;
  Result<OpenedModel> take();  // after done(), once

 private:
  void finish();
  std::vector<IncomingFile> files_;
  std::vector<FileRole> roles_;
  std::vector<std::string> notes_;
  size_t model_index_ = 0;
  std::set<std::string> missing_;
  std::unique_ptr<onnx::ReadJob> reader_;
  Result<OpenedModel> result_ = Error{"the model is still being read"};
};

}  // namespace nf::document
