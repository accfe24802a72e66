// cli/commands.h - every `netforge` subcommand. Each lives in cmd_<name>.cpp and is
// listed once in command_table.cpp, which `netforge help` prints.
#pragma once
#include <string>
#include <vector>

#include "cli/args.h"

namespace nf::cli {

struct Command {
  const char* name;
  const char* usage;    // "info FILE [--json]"
  const char* summary;  // one line
  std::vector<std::string> flags;  // options that take no value
  int (*run)(const Args&);
};

const std::vector<Command>& commandTable();

// Exit codes shared by all commands.
constexpr int kExitOk = 0;
constexpr int kExitBadInput = 1;  // the file could not be used; one line on stderr says why
constexpr int kExitUsage = 2;

int runInfo(const Args& args);
int runStats(const Args& args);
int runSample(const Args& args);
int runShapes(const Args& args);
int runSummary(const Args& args);
int runLayout(const Args& args);
int runRender(const Args& args);
int runExport(const Args& args);
int runHierarchy(const Args& args);
int runCodegen(const Args& args);
int runCheck(const Args& args);
int runBench(const Args& args);
int runRun(const Args& args);

}  // namespace nf::cli
