// JSON for the page (page_json.h).
#include "app/page_json.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

namespace nf::app {

double roundTo(double v, int decimals) {
  if (!std::isfinite(v)) return 0.0;  // JSON has no NaN or infinity
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

double significant(double v, int digits) {
  if (!std::isfinite(v)) return 0.0;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return std::strtod(buf, nullptr);
}

std::string pageJson(const nlohmann::ordered_json& j) { return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace); }

}  // namespace nf::app
