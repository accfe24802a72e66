// Placeholder until its module lands; replaced by the real command.
#include <cstdio>

#include "cli/commands.h"

namespace nf::cli {
int runRender(const Args&) {
  std::fprintf(stderr, "netforge render: not available in this build yet\n");
  return kExitUsage;
}
}  // namespace nf::cli
