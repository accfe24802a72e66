// netforge template [NAME] [-o DOC.json]
//   Without NAME: lists the builder's templates, one per line (name, then description);
//   with --json as [{"name", "description"}, ...].
//   With NAME (any case): prints or writes that template as a builder document, ready for
//   `netforge codegen`, `netforge check` or the app's Open.
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "builder/serialize.h"
#include "builder/templates.h"
#include "cli/commands.h"

namespace nf::cli {

int runTemplate(const Args& args) {
  if (args.positional.empty() && args.has("json")) {
    nlohmann::json list = nlohmann::json::array();
    for (const builder::Template& t : builder::templates()) list.push_back({{"name", t.name}, {"description", t.description}});
    std::printf("%s\n", list.dump(1).c_str());
    return kExitOk;
  }
  if (args.positional.empty()) {
    for (const builder::Template& t : builder::templates()) std::printf("%-32s %s\n", t.name.c_str(), t.description.c_str());
    return kExitOk;
  }
  const builder::Template* t = builder::findTemplate(args.positional[0]);
  if (!t) {
    std::fprintf(stderr, "netforge template: no template named '%s' (run `netforge template` for the list)\n",
                 displayName(args.positional[0]).c_str());
    return kExitBadInput;
  }
  const std::string text = builder::saveJson(t->build());
  const std::string out = args.get("output");
  if (out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return kExitOk;
  }
  std::FILE* f = std::fopen(out.c_str(), "wb");
  if (!f || std::fwrite(text.data(), 1, text.size(), f) != text.size()) {
    if (f) std::fclose(f);
    std::fprintf(stderr, "netforge: cannot write '%s'\n", displayName(out).c_str());
    return kExitBadInput;
  }
  std::fclose(f);
  return kExitOk;
}

}  // namespace nf::cli
