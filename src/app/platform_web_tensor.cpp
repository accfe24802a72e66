// app/platform_web_tensor.cpp - the Tensor panel's page hooks (JavaScript half:
// web/host.js): NetForgeHost.tensorStats(name) selects a weight and asks for its
// statistics, as the panel's button does, and netforgeStatus.tensor shows the answer.
#include <emscripten.h>

#include <optional>
#include <string>
#include <utility>

#include "app/platform.h"

EM_JS(void, nf_js_tensor_publish, (const char* json), { NetForgeHost.publishTensor(UTF8ToString(json)); });

namespace nf::app::platform {

namespace {
std::optional<std::string> g_request;
}  // namespace

std::optional<std::string> takeTensorStatsRequest() { return std::exchange(g_request, std::nullopt); }
bool tensorStatsRequested() { return g_request.has_value(); }
void publishTensorStatus(const std::string& json) { nf_js_tensor_publish(json.c_str()); }

}  // namespace nf::app::platform

extern "C" {

// NetForgeHost.tensorStats(name): the weight's statistics, as if chosen in the panel.
EMSCRIPTEN_KEEPALIVE void nf_host_tensor_stats(const char* name) {
  nf::app::platform::g_request = name ? name : "";
}

}  // extern "C"
