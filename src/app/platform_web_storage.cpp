// app/platform_web_storage.cpp - page storage, the clipboard and the clock.
#include <emscripten.h>

#include <cstdlib>
#include <string>

#include "app/platform.h"

// Returns a malloc'ed UTF-8 copy of localStorage[key] (the caller frees), or 0.
EM_JS(char*, nf_js_storage_get, (const char* key), {
  const value = NetForgeHost.storageGet(UTF8ToString(key));
  if (value === null) return 0;
  const n = lengthBytesUTF8(value) + 1;
  const ptr = _malloc(n);
  if (!ptr) return 0;  // out of memory: read as "nothing stored"
  stringToUTF8(value, ptr, n);
  return ptr;
});
EM_JS(void, nf_js_storage_set, (const char* key, const char* value), {
  NetForgeHost.storageSet(UTF8ToString(key), UTF8ToString(value));
});

EM_JS(void, nf_js_set_clipboard, (const char* text), { NetForgeHost.setClipboard(UTF8ToString(text)); });

namespace nf::app::platform {

std::string storageGet(const std::string& key) {
  char* raw = nf_js_storage_get(key.c_str());
  if (!raw) return {};
  std::string value(raw);
  std::free(raw);
  return value;
}

void storageSet(const std::string& key, const std::string& value) { nf_js_storage_set(key.c_str(), value.c_str()); }

void setClipboardText(const std::string& text) { nf_js_set_clipboard(text.c_str()); }

double nowMs() { return emscripten_get_now(); }

void setFramesAsSoonAsFree(bool as_soon_as_free) {
  static bool current = false;
  if (as_soon_as_free == current) return;
  current = as_soon_as_free;
  if (as_soon_as_free) emscripten_set_main_loop_timing(EM_TIMING_SETIMMEDIATE, 0);
  else emscripten_set_main_loop_timing(EM_TIMING_RAF, 1);
}

}  // namespace nf::app::platform
