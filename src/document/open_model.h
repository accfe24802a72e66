// document/open_model.h - one batch of files (a drop or a pick) opened as one model.
//
// routeFiles (file_routing.h) picks the model file; the others resolve its external
// data by name (an external `location` "weights/w.bin" matches a file named "w.bin"
// too). The byte sources stay referenced by the opened model: weights are read from
// them on demand.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/byte_source.h"
#include "base/result.h"
#include "ir/model.h"

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
};

// Routes the batch, then reads the model through the ONNX reader. Errors name the
// file: "photo.png: this is a PNG image, not an ONNX model".
Result<OpenedModel> openModelFromFiles(const std::vector<IncomingFile>& files);

}  // namespace nf::document
