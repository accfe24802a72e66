// app/platform_web_download.cpp - file downloads made in the page (Blob + <a download>).
#include <emscripten.h>

#include <string>

#include "app/builder_platform.h"

EM_JS(void, nf_js_download_text, (const char* name, const char* mime, const char* text), {
  const blob = new Blob([UTF8ToString(text)], {type : UTF8ToString(mime)});
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = UTF8ToString(name);
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(function() { URL.revokeObjectURL(url); }, 1000);
});

namespace nf::app::platform {

void downloadText(const std::string& fileName, const std::string& mimeType, const std::string& text) {
  nf_js_download_text(fileName.c_str(), mimeType.c_str(), text.c_str());
}

}  // namespace nf::app::platform
