// Web implementation of graph_platform.h.
#include <emscripten.h>

#include "app/graph_platform.h"

namespace nf::app::platform {

namespace {
// clang-format off
EM_JS(void, nf_download_file, (const char* name, const uint8_t* data, size_t size, const char* mime), {
  const file = UTF8ToString(name);
  const type = UTF8ToString(mime);
  const blob = new Blob([HEAPU8.slice(data, data + size)], { type: type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(function() { URL.revokeObjectURL(url); }, 30000);
  window.netforgeLastDownload = { name: file, size: size, type: type };
});
EM_JS(void, nf_publish_page_state, (const char* name, const char* json), {
  const key = UTF8ToString(name);
  try {
    window[key] = JSON.parse(UTF8ToString(json));
  } catch (e) {
    window[key] = { error: String(e) };
  }
});
// clang-format on
}  // namespace

void downloadFile(const std::string& name, const uint8_t* data, size_t size, const std::string& mime_type) {
  nf_download_file(name.c_str(), data, size, mime_type.c_str());
}

}  // namespace nf::app::platform

namespace nf::app::platform {
void publishPageState(const char* name, const std::string& json) { nf_publish_page_state(name, json.c_str()); }
}  // namespace nf::app::platform
