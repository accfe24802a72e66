// The shared test probe (test_probe.h).
#include "app/test_probe.h"

#include <nlohmann/json.hpp>

#include "app/page_json.h"

namespace nf::app {

void TestProbe::note(std::string name) { noteRect(std::move(name), ImGui::GetItemRectMin(), ImGui::GetItemRectMax()); }

void TestProbe::noteRect(std::string name, ImVec2 min, ImVec2 max) {
  rects_.emplace_back(std::move(name), ImVec4(min.x, min.y, max.x, max.y));
}

nlohmann::ordered_json TestProbe::take() {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [name, r] : rects_)
    out[name] = {roundTo(r.x, 1), roundTo(r.y, 1), roundTo(r.z - r.x, 1), roundTo(r.w - r.y, 1)};
  rects_.clear();
  return out;
}

std::string TestProbe::takeJson() { return pageJson(take()); }

}  // namespace nf::app
