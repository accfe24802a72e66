// NetForge web app entry point: create the App and hand its frame to the browser.
#include <emscripten.h>

#include <cstdio>

#include "app/app.h"

namespace {
nf::app::App* g_app = nullptr;  // lives for the whole page

void frame(void*) { g_app->frame(); }
}  // namespace

EM_JS(void, nf_js_fatal, (const char* message), { NetForgeHost.fatal(UTF8ToString(message)); });

int main() {
  g_app = new nf::app::App();
  nf::Status status = g_app->init();
  if (!status) {
    std::fprintf(stderr, "netforge: %s\n", status.message().c_str());
    nf_js_fatal(status.message().c_str());
    return 1;
  }
  // 0 fps = requestAnimationFrame; main returns, the runtime stays alive.
  emscripten_set_main_loop_arg(frame, nullptr, 0, false);
  return 0;
}
