// netforge stats FILE [--tensor NAME] [--json]: weight statistics, the same numbers
// the app's tensor view shows.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "cli/commands.h"
#include "cli/load_model.h"
#include "weights/stats.h"

namespace nf::cli {

namespace {
nlohmann::json statsJson(const weights::TensorStats& s) {
  nlohmann::json j;
  j["count"] = s.count;
  j["min"] = s.min;
  j["max"] = s.max;
  j["mean"] = s.mean;
  j["std"] = s.stddev;
  j["zero_fraction"] = s.zero_fraction;
  j["nan_count"] = s.nan_count;
  j["inf_count"] = s.inf_count;
  j["histogram"] = s.histogram;
  j["first"] = s.first;
  return j;
}
}  // namespace

int runStats(const Args& args) {
  ir::Model m;
  if (!loadModelOrExplain(args.positional[0], &m)) return kExitBadInput;
  std::string only = args.get("tensor");
  nlohmann::json out = nlohmann::json::array();
  bool found = only.empty();
  if (!args.has("json"))
    std::printf("%-40s %-9s %-18s %12s %12s %12s %12s %7s %5s\n", "Tensor", "Type", "Shape", "Min", "Max", "Mean",
                "Std", "Zeros", "NaN");
  for (const auto& t : m.main().initializers) {
    if (!only.empty() && t.name != only) continue;
    found = true;
    auto s = weights::computeStats(m, t);
    std::string shape = ir::shapeToString(ir::Shape::ofKnown(t.dims));
    if (args.has("json")) {
      nlohmann::json j;
      j["name"] = t.name;
      j["elem_type"] = std::string(ir::elemTypeName(t.elem));
      j["dims"] = t.dims;
      j["bytes"] = t.byteSize();
      if (s) j["stats"] = statsJson(s.value());
      else j["error"] = s.error().message;
      out.push_back(j);
    } else if (s) {
      std::printf("%-40s %-9s %-18s %12.5g %12.5g %12.5g %12.5g %6.1f%% %5lld\n", displayName(t.name, 40).c_str(),
                  std::string(ir::elemTypeName(t.elem)).c_str(), shape.c_str(), s->min, s->max, s->mean, s->stddev,
                  100.0 * s->zero_fraction, static_cast<long long>(s->nan_count));
    } else {
      std::printf("%-40s %-9s %-18s %s\n", displayName(t.name, 40).c_str(),
                  std::string(ir::elemTypeName(t.elem)).c_str(), shape.c_str(), s.error().message.c_str());
    }
  }
  if (!found) {
    std::fprintf(stderr, "netforge: no initializer named '%s'\n", displayName(only).c_str());
    return kExitBadInput;
  }
  if (args.has("json")) std::printf("%s\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  return kExitOk;
}

}  // namespace nf::cli
