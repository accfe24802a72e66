// cli/args.h - the command line of one `netforge <command>` call.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace nf::cli {

// `--name value`, `--name=value` and bare `--flag` options plus positionals.
// A bare flag followed by a positional is ambiguous; flags that take no value are
// listed by the caller so "--json FILE" parses as flag + positional.
struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;            // the last value of each option
  std::map<std::string, std::vector<std::string>> repeated;  // every value, for options given several times

  bool has(const std::string& name) const { return options.count(name) != 0; }
  std::string get(const std::string& name, const std::string& fallback = "") const;
  std::vector<std::string> getAll(const std::string& name) const;
};

Args parseArgs(int argc, char** argv, int first, const std::vector<std::string>& flags);

}  // namespace nf::cli
