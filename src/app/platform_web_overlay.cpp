// app/platform_web_overlay.cpp - the node-data file bridge for "Colour by" (a Model
// Explorer node-data JSON file). The page's chooser is a hidden <input type=file>
// (#nf-node-data-picker, so tests can hand it a file); the chosen file is read by the
// browser, copied into a buffer allocated here (nf_host_node_data_alloc) and
// announced with nf_host_node_data_ready(name). The graph view takes it next frame.
#include <emscripten.h>

#include <optional>
#include <string>
#include <utility>

#include "app/platform.h"
#include "scene/overlay.h"

EM_JS(void, nf_js_node_data_setup, (double max_bytes), {
  if (document.getElementById('nf-node-data-picker')) return;
  const picker = document.createElement('input');
  picker.type = 'file';
  picker.id = 'nf-node-data-picker';
  picker.accept = '.json,application/json';
  picker.style.display = 'none';
  picker.addEventListener('change', async () => {
    const file = (picker.files || [])[0];
    picker.value = '';
    if (!file) return;
    if (file.size > max_bytes) {
      Module.ccall('nf_host_node_data_ready', null, ['string', 'number'], [file.name, -1]);
      return;
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const ptr = Module.ccall('nf_host_node_data_alloc', 'number', ['number'], [bytes.length]);
    if (!ptr && bytes.length) return;
    HEAPU8.set(bytes, ptr);
    Module.ccall('nf_host_node_data_ready', null, ['string', 'number'], [file.name, bytes.length]);
  });
  document.body.appendChild(picker);
});
EM_JS(void, nf_js_node_data_pick, (), { const p = document.getElementById('nf-node-data-picker'); if (p) p.click(); });

namespace nf::app::platform {

namespace {
std::string g_buffer;                       // the bytes being handed over
std::optional<NodeDataFile> g_ready;        // the last file read, until taken
}  // namespace

void setupNodeDataPicker() { nf_js_node_data_setup(static_cast<double>(scene::kMaxNodeDataBytes)); }
void pickNodeDataFile() { nf_js_node_data_pick(); }
std::optional<NodeDataFile> takeNodeDataFile() { return std::exchange(g_ready, std::nullopt); }

}  // namespace nf::app::platform

extern "C" {

EMSCRIPTEN_KEEPALIVE void* nf_host_node_data_alloc(double n) {
  namespace p = nf::app::platform;
  if (!(n >= 0 && n <= static_cast<double>(nf::scene::kMaxNodeDataBytes))) return nullptr;
  p::g_buffer.assign(static_cast<size_t>(n), '\0');
  return p::g_buffer.data();
}

// n < 0: the file was too big to read.
EMSCRIPTEN_KEEPALIVE void nf_host_node_data_ready(const char* name, double n) {
  namespace p = nf::app::platform;
  p::NodeDataFile f;
  f.name = name ? name : "";
  f.too_big = n < 0;
  if (!f.too_big) f.text = std::move(p::g_buffer);
  p::g_buffer.clear();
  p::g_ready = std::move(f);
}

}  // extern "C"
