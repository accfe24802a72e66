// cli/args.h - the command line of one `netforge <command>` call, parsed against the
// command's declared options.
//
// Every command declares its positionals and options once (command_table.cpp); the
// parser, the usage line and `--help` all come from that declaration. Anything not
// declared is an error: an unknown option, a flag given a value, an option missing
// its value, too few or too many positionals. A typo never silently changes a result.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace nf::cli {

// One option of a command: `--name VALUE` (or `--name=VALUE`), or a bare `--name` flag
// when `value` is null.
struct OptionSpec {
  const char* name;            // without the dashes: "format"
  const char* value;           // placeholder shown in usage ("FILE", "N", "TB|LR"); null = a flag
  const char* help;            // one line for --help
  char short_name = 0;         // a one-letter alias: 'o' makes "-o X" mean "--output X"
  bool repeatable = false;     // may be given several times (values kept in order)
  bool required = false;       // the command cannot run without it
};

// The positional arguments of a command, e.g. {"FILE", 1, 1}.
struct PositionalSpec {
  const char* name = "FILE";
  int min = 1;
  int max = 1;
};

// "-o OUT.onnx" / "--format FORMAT" / "--json": how usage lines and messages name it.
std::string optionLabel(const OptionSpec& o);

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;               // last value of each option given
  std::map<std::string, std::vector<std::string>> repeated;  // every value of repeatable options

  bool has(const std::string& name) const { return options.count(name) != 0; }
  std::string get(const std::string& name, const std::string& fallback = "") const;
  // All values of a repeatable option, in command-line order (empty if not given).
  const std::vector<std::string>& all(const std::string& name) const;
};

// What parsing one command line gave: the arguments, a request for help, or an error
// message ("unknown option --bogus") for the caller to print with the usage.
struct ParseOutcome {
  Args args;
  bool help = false;
  std::string error;
};

ParseOutcome parseArgs(const std::vector<std::string>& words, const PositionalSpec& positional,
                       const std::vector<OptionSpec>& options);

}  // namespace nf::cli
