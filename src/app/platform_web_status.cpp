// app/platform_web_status.cpp - publishes window.netforgeStatus for tests and tools.
//
// The app sends the whole status as one JSON object whenever it changes, and a
// frame counter after every rendered frame; web/host.js keeps both and exposes a
// frozen snapshot through a getter on window, so page scripts can read it but not
// change it.
#include <emscripten.h>
#include <emscripten/heap.h>

#include <nlohmann/json.hpp>
#include <string>

#include "app/platform.h"
#include "app/page_json.h"

EM_JS(void, nf_js_publish_status, (const char* json), { NetForgeHost.publishStatus(UTF8ToString(json)); });
EM_JS(void, nf_js_publish_frame, (double frames), { NetForgeHost.publishFrame(frames); });
EM_JS(void, nf_js_publish_long_frame, (const char* json), { NetForgeHost.publishLongFrame(UTF8ToString(json)); });

namespace nf::app::platform {

void publishStatus(const Status& s) {
  nlohmann::ordered_json j;
  j["ready"] = s.ready;
  j["state"] = s.state;
  j["file"] = s.file.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.file);
  j["size"] = s.file_size;
  j["nodes"] = s.nodes;
  j["error"] = s.error.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.error);
  j["problems"] = s.problems;
  j["timings"] = {{"parse_ms", roundTo(s.parse_ms, 3)}, {"layout_ms", roundTo(s.layout_ms, 3)},
                  {"draw_ms", roundTo(s.draw_ms, 3)}};
  j["panels"] = s.panels;
  j["notice"] = s.notice.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.notice);
  if (s.view.drawn)
    j["view"] = {{"title_px_min", roundTo(s.view.title_px_min, 1)},
                 {"boxes_on_screen", s.view.boxes_on_screen},
                 {"canvas_fraction", roundTo(s.view.canvas_fraction, 3)}};
  else
    j["view"] = nullptr;
  // WebAssembly memory never shrinks, so its size now is the peak so far.
  j["wasm_memory_bytes"] = emscripten_get_heap_size();
  nf_js_publish_status(pageJson(j).c_str());
}

void publishFrame(uint64_t frames_drawn) { nf_js_publish_frame(static_cast<double>(frames_drawn)); }

void publishLongFrame(const std::string& json) { nf_js_publish_long_frame(json.c_str()); }

}  // namespace nf::app::platform
