#include "cli/load_model.h"

#include <cstdio>

#include "base/strings.h"
#include "onnx/reader.h"

namespace nf::cli {

bool loadModelOrExplain(const std::string& path, ir::Model* out) {
  auto r = onnx::readModelFile(path);
  if (!r) {
    std::fprintf(stderr, "netforge: %s: %s\n", displayName(path).c_str(), r.error().message.c_str());
    return false;
  }
  *out = std::move(r.value());
  return true;
}

}  // namespace nf::cli
