// netforge codegen DOC.json --framework pytorch|keras [--train] [--no-main] [-o OUT.py]
//   Prints (or writes) Python code for a builder document: a PyTorch nn.Module or a
//   TensorFlow-Keras functional model. --train adds a minimal training loop;
//   --no-main leaves out the `if __name__ == "__main__":` block. A document with
//   errors (including layers the framework lacks) gives exit 1 and one line on stderr
//   listing them.
#include <cstdio>
#include <string>

#include "base/strings.h"
#include "builder/codegen.h"
#include "builder/serialize.h"
#include "cli/commands.h"

namespace nf::cli {

int runCodegen(const Args& args) {
  builder::CodegenOptions options;
  options.training_loop = args.has("train");
  options.main_block = !args.has("no-main");
  const std::string fwName = args.get("framework", "pytorch");
  auto fw = builder::parseFramework(fwName);
  if (!fw) {
    std::fprintf(stderr, "netforge codegen: unknown framework '%s' (pytorch or keras)\n", displayName(fwName).c_str());
    return kExitUsage;
  }
  options.framework = *fw;
  auto doc = builder::loadDocumentFile(args.positional[0]);
  if (!doc) {
    std::fprintf(stderr, "netforge: %s\n", displayName(doc.error().message, 400).c_str());
    return kExitBadInput;
  }
  auto code = builder::generateCode(*doc, options);
  if (!code) {
    std::fprintf(stderr, "netforge: %s: %s\n", displayName(args.positional[0]).c_str(),
                 displayName(code.error().message, 2000).c_str());
    return kExitBadInput;
  }
  const std::string out = args.get("output");
  if (out.empty()) {
    std::fwrite(code->data(), 1, code->size(), stdout);
    return kExitOk;
  }
  std::FILE* f = std::fopen(out.c_str(), "wb");
  if (!f || std::fwrite(code->data(), 1, code->size(), f) != code->size()) {
    if (f) std::fclose(f);
    std::fprintf(stderr, "netforge: cannot write '%s'\n", displayName(out).c_str());
    return kExitBadInput;
  }
  std::fclose(f);
  return kExitOk;
}

}  // namespace nf::cli
