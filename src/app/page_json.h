// app/page_json.h - JSON the app hands to the page (window.netforgeStatus,
// window.netforgeGraph, window.netforgeBuilder), built with nlohmann/json.
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <string>

namespace nf::app {

// Numbers rounded the way tests and people read them, so a snapshot whose values
// moved by less than that is the same text (and is not sent again). Not finite: 0.
double roundTo(double v, int decimals);
double significant(double v, int digits);
// The JSON text; strings that are not UTF-8 are repaired (U+FFFD), never thrown on.
std::string pageJson(const nlohmann::ordered_json& j);

}  // namespace nf::app
