#include "cli/args.h"

namespace nf::cli {

std::string Args::get(const std::string& name, const std::string& fallback) const {
  auto it = options.find(name);
  return it == options.end() ? fallback : it->second;
}

const std::vector<std::string>& Args::all(const std::string& name) const {
  static const std::vector<std::string> kNone;
  auto it = repeated.find(name);
  return it == repeated.end() ? kNone : it->second;
}

std::string optionLabel(const OptionSpec& o) {
  std::string s(o.short_name ? 1 : 2, '-');
  if (o.short_name) s += o.short_name;
  else s += o.name;
  if (o.value) s.append(" ").append(o.value);
  return s;
}

namespace {
const OptionSpec* findOption(const std::vector<OptionSpec>& options, const std::string& name) {
  for (const auto& o : options)
    if (name == o.name) return &o;
  return nullptr;
}
const OptionSpec* findShort(const std::vector<OptionSpec>& options, char c) {
  for (const auto& o : options)
    if (o.short_name == c) return &o;
  return nullptr;
}
}  // namespace

ParseOutcome parseArgs(const std::vector<std::string>& words, const PositionalSpec& positional,
                       const std::vector<OptionSpec>& options) {
  ParseOutcome out;
  Args& a = out.args;
  auto fail = [&](std::string message) {
    out.error = std::move(message);
    return out;
  };
  bool only_positionals = false;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (only_positionals || w == "-" || w.empty() || w[0] != '-') {
      a.positional.push_back(w);
      continue;
    }
    if (w == "--") {
      only_positionals = true;
      continue;
    }
    if (w == "--help" || w == "-h") {
      out.help = true;
      return out;
    }
    const OptionSpec* spec = nullptr;
    std::string shown = w, value;
    bool has_inline_value = false;
    if (w.size() > 2 && w[1] == '-') {
      std::string name = w.substr(2);
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name.resize(eq);
        has_inline_value = true;
        shown = "--" + name;
      }
      spec = findOption(options, name);
    } else if (w.size() == 2) {
      spec = findShort(options, w[1]);
    }
    if (!spec) return fail("unknown option " + shown);
    if (!spec->value) {
      if (has_inline_value) return fail(shown + " takes no value");
    } else if (!has_inline_value) {
      if (i + 1 >= words.size()) return fail(shown + " needs a value (" + spec->value + ")");
      value = words[++i];
    }
    if (a.options.count(spec->name) && !spec->repeatable)
      return fail(shown + " is given twice");
    a.options[spec->name] = value;
    if (spec->repeatable) a.repeated[spec->name].push_back(value);
  }
  for (const auto& o : options)
    if (o.required && !a.options.count(o.name))
      return fail("missing " + optionLabel(o));
  const int n = static_cast<int>(a.positional.size());
  if (n < positional.min)
    return fail(std::string("missing ") + positional.name + (n ? " (got " + std::to_string(n) + ")" : ""));
  if (n > positional.max)
    return fail("unexpected argument '" + a.positional[positional.max] + "'");
  return out;
}

}  // namespace nf::cli
