// Remembered graph view options (graph_options_storage.h).
#include "app/graph_options_storage.h"

#include <nlohmann/json.hpp>

namespace nf::app {

namespace {

const char* groupingName(Grouping g) { return g == Grouping::Groups ? "groups" : g == Grouping::Flat ? "flat" : "auto"; }

// "LR 0 0 0 A 7 1": fields at fixed positions; a shorter string has the first four only.
GraphViewOptions decodeLegacy(std::string_view saved, GraphViewOptions o) {
  if (saved.size() >= 8) {
    o.direction = saved.substr(0, 2) == "LR" ? layout::Direction::LeftToRight : layout::Direction::TopToBottom;
    o.initializers_as_nodes = saved[3] == '1';
    o.show_names = saved[5] == '1';
    o.expand_bodies = saved[7] == '1';
  }
  if (saved.size() >= 14) {
    o.grouping = saved[9] == 'G' ? Grouping::Groups : saved[9] == 'F' ? Grouping::Flat : Grouping::Auto;
    if (saved[11] >= '0' && saved[11] <= '7')
      o.fold = static_cast<uint8_t>(saved[11] - '0') & hierarchy::kFoldableCategories;
    o.stubs = saved[13] != '0';
  }
  return o;
}

}  // namespace

bool isLegacyGraphOptions(std::string_view saved) { return !saved.empty() && saved.front() != '{'; }

std::string encodeGraphOptions(const GraphViewOptions& o) {
  nlohmann::ordered_json j;
  j["direction"] = o.direction == layout::Direction::LeftToRight ? "LR" : "TB";
  j["initializers_as_nodes"] = o.initializers_as_nodes;
  j["names"] = o.show_names;
  j["expand_bodies"] = o.expand_bodies;
  j["grouping"] = groupingName(o.grouping);
  j["fold"] = o.fold & hierarchy::kFoldableCategories;
  j["stubs"] = o.stubs;
  return j.dump();
}

GraphViewOptions decodeGraphOptions(std::string_view saved, GraphViewOptions o) {
  if (saved.empty()) return o;
  if (isLegacyGraphOptions(saved)) return decodeLegacy(saved, o);
  const nlohmann::json j = nlohmann::json::parse(saved, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return o;  // malformed (is_discarded) or not an object: the defaults
  auto flag = [&](const char* key, bool& out) {
    if (const auto it = j.find(key); it != j.end() && it->is_boolean()) out = it->get<bool>();
  };
  auto text = [&](const char* key) -> std::string {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (const std::string d = text("direction"); d == "LR" || d == "TB")
    o.direction = d == "LR" ? layout::Direction::LeftToRight : layout::Direction::TopToBottom;
  flag("initializers_as_nodes", o.initializers_as_nodes);
  flag("names", o.show_names);
  flag("expand_bodies", o.expand_bodies);
  for (Grouping g : {Grouping::Auto, Grouping::Groups, Grouping::Flat})
    if (text("grouping") == groupingName(g)) o.grouping = g;
  if (const auto it = j.find("fold"); it != j.end() && it->is_number_unsigned() && it->get<uint64_t>() <= 0xFF)
    o.fold = static_cast<uint8_t>(it->get<uint64_t>()) & hierarchy::kFoldableCategories;
  flag("stubs", o.stubs);
  return o;
}

}  // namespace nf::app
