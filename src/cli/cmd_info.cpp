#include "cli/commands.h"
#include <cstdio>
namespace nf::cli {
int runInfo(const Args&) { std::fprintf(stderr, "info: the ONNX reader is not built yet\n"); return kExitUsage; }
}  // namespace nf::cli
