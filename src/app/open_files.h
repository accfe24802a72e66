// app/open_files.h - turn the files a user handed over into one opened model.
//
// A drop (or a pick) may carry several files at once: one is the model, the others
// are its external data files (ONNX models over 2 GiB keep weights in side files
// named by a relative `location`). This file decides which is which and opens the
// model through the ONNX reader. It has no UI and no browser code.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/byte_source.h"
#include "base/result.h"
#include "ir/model.h"

namespace nf::app {

struct IncomingFile {
  std::string name;                          // base name as the browser gave it
  std::shared_ptr<const ByteSource> bytes;   // never null
};

// The model file of a batch: the first name ending in ".onnx" (any case); failing
// that, the first file whose first bytes look like an ONNX model; failing that, the
// first file (so the user gets the reader's explanation of what it is instead).
// Returns an index into `files`; `files` must not be empty.
size_t pickModelFile(const std::vector<IncomingFile>& files);

struct OpenedModel {
  ir::Model model;
  std::string file_name;
  uint64_t file_size = 0;
  std::vector<std::string> data_files;     // the other files of the batch
  std::vector<std::string> missing_data;   // external locations no file was given for
};

// Opens files[pickModelFile(files)]; the other files resolve external data by their
// name (an external `location` "weights/w.bin" matches a file named "w.bin" too).
// Errors name the file: "photo.png: this is a PNG image, not an ONNX model".
Result<OpenedModel> openModelFromFiles(const std::vector<IncomingFile>& files);

}  // namespace nf::app
