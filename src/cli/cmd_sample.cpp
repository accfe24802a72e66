// netforge sample -o OUT.onnx: writes the sample model the web app opens first.
#include <cstdio>

#include "cli/commands.h"
#include "onnx/sample_model.h"

namespace nf::cli {

int runSample(const Args& args) {
  std::string out = args.get("output", args.positional.empty() ? "" : args.positional[0]);
  if (out.empty()) return usageError("sample", "missing -o OUT.onnx");
  std::string bytes = onnx::makeSampleModel();
  std::FILE* f = std::fopen(out.c_str(), "wb");
  if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) {
    if (f) std::fclose(f);
    std::fprintf(stderr, "netforge: cannot write '%s'\n", out.c_str());
    return kExitBadInput;
  }
  std::fclose(f);
  return kExitOk;
}

}  // namespace nf::cli
