#include "cli/args.h"

#include <algorithm>

namespace nf::cli {

std::string Args::get(const std::string& name, const std::string& fallback) const {
  auto it = options.find(name);
  return it == options.end() ? fallback : it->second;
}

std::vector<std::string> Args::getAll(const std::string& name) const {
  auto it = repeated.find(name);
  return it == repeated.end() ? std::vector<std::string>{} : it->second;
}

Args parseArgs(int argc, char** argv, int first, const std::vector<std::string>& flags) {
  Args a;
  for (int i = first; i < argc; ++i) {
    std::string s = argv[i];
    if (s.size() > 2 && s.compare(0, 2, "--") == 0) {
      std::string name = s.substr(2);
      auto eq = name.find('=');
      if (eq != std::string::npos) {
        a.options[name.substr(0, eq)] = name.substr(eq + 1);
        a.repeated[name.substr(0, eq)].push_back(name.substr(eq + 1));
      } else if (std::find(flags.begin(), flags.end(), name) != flags.end() || i + 1 >= argc) {
        a.options[name] = "";
      } else {
        a.options[name] = argv[++i];
        a.repeated[name].push_back(a.options[name]);
      }
    } else if (s == "-o" && i + 1 < argc) {
      a.options["output"] = argv[++i];
    } else {
      a.positional.push_back(s);
    }
  }
  return a;
}

}  // namespace nf::cli
