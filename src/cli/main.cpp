// netforge - the command-line face of the NetForge core (same code as the web app).
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace {
void printHelp() {
  std::printf("netforge - look at and build deep-learning model graphs\n\nUsage: netforge <command> ...\n\n");
  for (const auto& c : nf::cli::commandTable()) std::printf("  %-10s %s\n", c.name, c.summary);
  std::printf("\n'netforge <command> --help' lists a command's options.\n");
}
}  // namespace

int main(int argc, char** argv) {
  const std::string first = argc < 2 ? "" : argv[1];
  if (argc < 2 || first == "help" || first == "--help" || first == "-h") {
    printHelp();
    return argc < 2 ? nf::cli::kExitUsage : nf::cli::kExitOk;
  }
  for (const auto& c : nf::cli::commandTable())
    if (first == c.name) return nf::cli::runCommand(c, std::vector<std::string>(argv + 2, argv + argc));
  std::fprintf(stderr, "netforge: unknown command '%s' (try 'netforge help')\n", argv[1]);
  return nf::cli::kExitUsage;
}
