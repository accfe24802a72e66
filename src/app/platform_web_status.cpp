// app/platform_web_status.cpp - publishes window.netforgeStatus for tests and tools.
//
// The app sends the whole status as one JSON object whenever it changes, and a
// frame counter after every rendered frame; web/host.js keeps both and exposes a
// frozen snapshot through a getter on window, so page scripts can read it but not
// change it.
#include <emscripten.h>
#include <emscripten/heap.h>

#include <cstdio>
#include <string>

#include "app/platform.h"
#include "base/strings.h"

EM_JS(void, nf_js_publish_status, (const char* json), { NetForgeHost.publishStatus(UTF8ToString(json)); });
EM_JS(void, nf_js_publish_frame, (double frames), { NetForgeHost.publishFrame(frames); });

namespace nf::app::platform {

namespace {
std::string quoted(const std::string& s) { return "\"" + escapeJson(s) + "\""; }
std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}
}  // namespace

void publishStatus(const Status& s) {
  std::string json = "{";
  json += "\"ready\":" + std::string(s.ready ? "true" : "false");
  json += ",\"state\":" + quoted(s.state);
  json += ",\"file\":" + (s.file.empty() ? std::string("null") : quoted(s.file));
  json += ",\"size\":" + std::to_string(s.file_size);
  json += ",\"nodes\":" + std::to_string(s.nodes);
  json += ",\"error\":" + (s.error.empty() ? std::string("null") : quoted(s.error));
  json += ",\"problems\":" + std::to_string(s.problems);
  json += ",\"timings\":{\"parse_ms\":" + number(s.parse_ms) + ",\"layout_ms\":" + number(s.layout_ms) +
          ",\"draw_ms\":" + number(s.draw_ms) + "}";
  // WebAssembly memory never shrinks, so its size now is the peak so far.
  json += ",\"wasm_memory_bytes\":" + std::to_string(emscripten_get_heap_size());
  json += "}";
  nf_js_publish_status(json.c_str());
}

void publishFrame(uint64_t frames_drawn) { nf_js_publish_frame(static_cast<double>(frames_drawn)); }

}  // namespace nf::app::platform
