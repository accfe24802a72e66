// cli/commands.h - every `netforge` subcommand. Each lives in cmd_<name>.cpp and is
// declared once in command_table.cpp (options included), which drives the parser,
// the usage lines, `netforge help` and every command's --help.
#pragma once
#include <string>
#include <vector>

#include "cli/args.h"

namespace nf::cli {

struct Command {
  const char* name;
  const char* summary;                // one line for `netforge help`
  PositionalSpec positional;          // e.g. {"FILE", 1, 1}
  std::vector<OptionSpec> options;    // every option the command accepts
  int (*run)(const Args&);
};

const std::vector<Command>& commandTable();

// "info FILE [--json]": the usage line, generated from the declaration.
std::string usageLine(const Command& c);
// Parses and runs one command (words after the command name). Prints the usage on a
// usage error (exit 2) and the full help for --help (exit 0).
int runCommand(const Command& c, const std::vector<std::string>& words);
// For a command's own checks of its arguments: prints "netforge <command>: <message>"
// and the usage line; returns kExitUsage.
int usageError(const char* command, const std::string& message);

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
int runExportOnnx(const Args& args);
int runImport(const Args& args);
int runTemplate(const Args& args);
int runCheck(const Args& args);
int runBench(const Args& args);
int runRun(const Args& args);
int runDiff(const Args& args);

}  // namespace nf::cli
