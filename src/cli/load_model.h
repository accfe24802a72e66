// cli/load_model.h - open the model named on the command line, or explain why not.
#pragma once
#include <string>

#include "ir/model.h"

namespace nf::cli {

// Reads an ONNX file (external data resolved next to it). On failure prints
// "netforge: <file>: <reason>" on one line to stderr and returns false.
bool loadModelOrExplain(const std::string& path, ir::Model* out);

}  // namespace nf::cli
