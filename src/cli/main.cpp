// netforge - the command-line face of the NetForge core (same code as the web app).
#include <cstdio>
#include <cstring>
#include <string>

#include "cli/commands.h"

namespace {
void printHelp() {
  std::printf("netforge - look at and build deep-learning model graphs\n\nUsage: netforge <command> ...\n\n");
  for (const auto& c : nf::cli::commandTable()) std::printf("  %-48s %s\n", c.usage, c.summary);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "help") || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    printHelp();
    return argc < 2 ? nf::cli::kExitUsage : nf::cli::kExitOk;
  }
  for (const auto& c : nf::cli::commandTable()) {
    if (c.name == std::string(argv[1])) return c.run(nf::cli::parseArgs(argc, argv, 2, c.flags));
  }
  std::fprintf(stderr, "netforge: unknown command '%s' (try 'netforge help')\n", argv[1]);
  return nf::cli::kExitUsage;
}
