// document/file_routing.h - what each file of one drop (or pick) is for.
//
// The page hands over every file as it is (name, size, MIME type, first bytes) and
// this decides, in one place, what each one is: the ONNX model, its external data
// files, a model-builder document, inputs for the Run panel, or something NetForge
// does not open (with a message that names the file and says what is accepted).
//
// The rules, in order:
//   1. The Run panel's own chooser: images, .npy/.pb tensors, .txt labels; the rest
//      is unsupported.
//   2. A drop where every file is a Run panel input (an image by extension or MIME
//      type, .npy, .txt; .pb only while a model is open: otherwise it may be a model)
//      goes to the Run panel.
//   3. A single .json whose text starts like a builder document opens in the builder.
//   4. Otherwise the model is the first ".onnx" file (any case), failing that the
//      first file whose bytes sniff as ONNX; the other files are its external data
//      (they may have any name). Further .onnx files are not opened (one model at a
//      time) and get a note. Without a model every file is unsupported.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/byte_source.h"

namespace nf::document {

// How many first bytes routing looks at (the ONNX sniffer reads as many).
inline constexpr size_t kProbeHeadBytes = 4096;

struct FileProbe {
  std::string name;           // base name as the browser gave it (may be hostile)
  std::string media_type;     // the browser's MIME type; "" when unknown
  uint64_t size = 0;          // the whole file
  std::vector<uint8_t> head;  // its first bytes, at most kProbeHeadBytes
};
// The probe of a file whose bytes are at hand (a failed read leaves head empty).
FileProbe probeOf(std::string name, const ByteSource& bytes, std::string media_type = {});

enum class FileRole : uint8_t { Model, ExternalData, BuilderDocument, RunImage, RunTensor, RunLabels, Unsupported };
// "model", "data", "builder", "run-image", "run-tensor", "run-labels", "unsupported"
const char* fileRoleName(FileRole role);

enum class DropTarget : uint8_t { Page, RunPanel };  // a drop or the page's picker; the Run panel's chooser
struct RoutingContext {
  DropTarget target = DropTarget::Page;
  bool model_open = false;  // decides whether a lone .pb is a tensor or a model
};

struct FileRouting {
  std::vector<FileRole> roles;       // one per file, in the order given
  std::vector<std::string> notes;    // one per file: why it is not opened ("" when it is)
  std::optional<size_t> model;       // index of the model file, if any
  // True when nothing of the batch is used: the first note is the error to show.
  bool nothingOpens() const;
  // Every note, one line each, for the log.
  std::vector<std::string> problems() const;
};

FileRouting routeFiles(const std::vector<FileProbe>& files, const RoutingContext& context);
// Rule 4 alone: the files were handed over to be opened as one model.
FileRouting routeModelBatch(const std::vector<FileProbe>& files);

// What NetForge opens, for messages ("NetForge opens ...").
extern const char* const kAcceptedFiles;

}  // namespace nf::document
