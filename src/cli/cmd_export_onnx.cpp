// netforge export-onnx DOC.json -o model.onnx [--init random|zeros] [--seed N]
//   Writes a builder document as an ONNX model (opset 17, onnxexport/export_onnx.h):
//   the function its PyTorch code computes, weights initialised like PyTorch's defaults
//   (or zeros), every layer's shape declared. Prints what it wrote; a document with
//   errors, a bad option value or an unwritable file gives exit 1 and one line on stderr.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/strings.h"
#include "builder/serialize.h"
#include "cli/commands.h"
#include "onnxexport/export_onnx.h"

namespace nf::cli {

int runExportOnnx(const Args& args) {
  const std::string& path = args.positional[0];
  const std::string out = args.get("output");
  onnxexport::ExportOptions options;
  const std::string init = args.get("init", "random");
  auto mode = onnxexport::parseInit(init);
  if (!mode) {
    std::fprintf(stderr, "netforge export-onnx: --init must be random or zeros (not '%s')\n", displayName(init).c_str());
    return kExitBadInput;
  }
  options.init = *mode;
  if (args.has("seed")) {
    const std::string seed = args.get("seed");
    char* end = nullptr;
    const unsigned long long v = std::strtoull(seed.c_str(), &end, 10);
    if (seed.empty() || seed[0] == '-' || *end != '\0') {
      std::fprintf(stderr, "netforge export-onnx: --seed must be a whole number (not '%s')\n", displayName(seed).c_str());
      return kExitBadInput;
    }
    options.seed = v;
  }
  auto doc = builder::loadDocumentFile(path);
  if (!doc) {
    std::fprintf(stderr, "netforge: %s\n", displayName(doc.error().message, 400).c_str());
    return kExitBadInput;
  }
  auto model = onnxexport::exportOnnx(*doc, options);
  if (!model) {
    std::fprintf(stderr, "netforge: %s: %s\n", displayName(path).c_str(), displayName(model.error().message, 2000).c_str());
    return kExitBadInput;
  }
  std::FILE* f = std::fopen(out.c_str(), "wb");
  bool written = f && std::fwrite(model->bytes.data(), 1, model->bytes.size(), f) == model->bytes.size();
  if (f && std::fclose(f) != 0) written = false;
  if (!written) {
    std::fprintf(stderr, "netforge: cannot write '%s'\n", displayName(out).c_str());
    return kExitBadInput;
  }
  std::printf("wrote %s: %lld nodes, %lld parameters, %zu bytes (opset %d)\n", displayName(out).c_str(),
              static_cast<long long>(model->nodes), static_cast<long long>(model->parameters), model->bytes.size(),
              onnxexport::kOpset);
  return kExitOk;
}

}  // namespace nf::cli
