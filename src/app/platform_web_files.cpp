// app/platform_web_files.cpp - the file bridge between the page and the app.
//
// Page -> app, first what the files are: web/host.js registers the first bytes of each
// dropped/picked File under an id and calls
//   nf_host_route_begin(target); nf_host_route_add(id, name, size, type, head_size) per
//   file; nf_host_route_commit() -> one role name per line (document/file_routing.h)
// then reads the model file into an ArrayBuffer and keeps each external data file as
// the File itself (never read whole: it may be tens of GB), registers them under
// numeric ids, and calls
//   nf_host_open_begin(); nf_host_open_add(id, name, size, sliced) per file; nf_host_open_commit();
// The app wraps each id in a JsByteSource: read() copies just the requested range
// into wasm memory. For a sliced file the range must have arrived first: fetch() asks
// the page for it (File.slice(...).arrayBuffer(), asynchronous), says Pending until it
// is there, and a later frame reads it (base/byte_source.h). When the last ByteSource
// of an id goes away (the model is closed or replaced), the page drops the file.
#include <emscripten.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "app/platform.h"
#include "base/byte_source.h"

// [SECTION] JavaScript side (implemented in web/host.js) ---------------------------

// Copies n bytes at offset of file `id` to wasm address dst; 1 on success, 0 if the
// range is out of bounds or the file is gone. offset is a double: exact to 2^53.
EM_JS(int, nf_js_read, (int id, double offset, void* dst, double n), {
  return NetForgeHost.readInto(id, offset, HEAPU8, dst, n) ? 1 : 0;
});
// 0 ready, 1 on the way, 2 failed; on failure *error (malloc'ed, the caller frees) says why.
EM_JS(int, nf_js_fetch, (int id, double offset, double n, char** error), {
  const r = NetForgeHost.fetchRange(id, offset, n);
  if (r.state == 2) {
    const text = String(r.error || 'the file could not be read');
    const size = lengthBytesUTF8(text) + 1;
    const ptr = _malloc(size);
    if (ptr) stringToUTF8(text, ptr, size);
    HEAPU32[error >>> 2] = ptr;
  }
  return r.state;
});
EM_JS(void, nf_js_release, (int id), { NetForgeHost.release(id); });
EM_JS(void, nf_js_open_picker, (), { NetForgeHost.openPicker(); });
EM_JS(void, nf_js_open_compare_picker, (), { NetForgeHost.openComparePicker(); });
EM_JS(void, nf_js_open_sample, (), { NetForgeHost.openSample(); });
EM_JS(int, nf_js_sample_disabled, (), { return NetForgeHost.sampleDisabled() ? 1 : 0; });

namespace nf::app::platform {

namespace {

Callbacks g_callbacks;
std::vector<document::IncomingFile> g_batch;  // files of the batch being announced
std::vector<document::FileProbe> g_probes;    // files of the drop being routed
document::DropTarget g_target = document::DropTarget::Page;
bool g_open_compare = false;  // the batches now announced are the model to compare with
std::string g_roles;  // the answer of the last nf_host_route_commit, kept for the page to read

// The bytes of one page-held file: an ArrayBuffer (synchronous), or a File whose
// ranges are fetched before they are read (sliced).
class JsByteSource final : public ByteSource {
 public:
  JsByteSource(int id, uint64_t size, bool sliced = false) : id_(id), size_(size), sliced_(sliced) {}
  ~JsByteSource() override { nf_js_release(id_); }
  JsByteSource(const JsByteSource&) = delete;
  JsByteSource& operator=(const JsByteSource&) = delete;

  uint64_t size() const override { return size_; }
  bool read(uint64_t offset, void* dst, size_t n) const override {
    if (offset > size_ || n > size_ - offset) return false;
    if (n == 0) return true;
    return nf_js_read(id_, static_cast<double>(offset), dst, static_cast<double>(n)) != 0;
  }
  bool synchronous() const override { return !sliced_; }
  FetchState fetch(uint64_t offset, uint64_t n, std::string* error) const override {
    if (offset > size_ || n > size_ - offset) {
      if (error) *error = "the data lies past the end of the file";
      return FetchState::Failed;
    }
    if (!sliced_ || n == 0) return FetchState::Ready;
    char* message = nullptr;
    const int state = nf_js_fetch(id_, static_cast<double>(offset), static_cast<double>(n), &message);
    if (state == 0) return FetchState::Ready;
    if (state == 1) return FetchState::Pending;
    if (error) *error = message ? message : "the file could not be read";
    std::free(message);
    return FetchState::Failed;
  }

 private:
  int id_;
  uint64_t size_;
  bool sliced_;
};

}  // namespace

void setCallbacks(Callbacks callbacks) { g_callbacks = std::move(callbacks); }
void openFilePicker() { nf_js_open_picker(); }
void openComparePicker() { nf_js_open_compare_picker(); }
void openSample() { nf_js_open_sample(); }
bool sampleDisabledByPage() { return nf_js_sample_disabled() != 0; }

}  // namespace nf::app::platform

// [SECTION] Entry points the page calls (exported in src/app/CMakeLists.txt) ------

using nf::app::platform::g_batch;
using nf::app::platform::g_callbacks;
using nf::app::platform::g_probes;
using nf::app::platform::g_roles;
using nf::app::platform::g_open_compare;
using nf::app::platform::g_target;

extern "C" {

EMSCRIPTEN_KEEPALIVE void nf_host_open_target(int compare) { g_open_compare = compare != 0; }

EMSCRIPTEN_KEEPALIVE void nf_host_loading(const char* label) {
  auto& cb = g_open_compare ? g_callbacks.compare_loading : g_callbacks.loading;
  if (cb) cb(label ? label : "");
}

EMSCRIPTEN_KEEPALIVE void nf_host_route_begin(int target) {
  g_probes.clear();
  g_target = target == 1 ? nf::document::DropTarget::RunPanel : nf::document::DropTarget::Page;
}

// `id` holds the file's first head_size bytes (released here); `size` is the whole file.
EMSCRIPTEN_KEEPALIVE void nf_host_route_add(int id, const char* name, double size, const char* type,
                                            double head_size) {
  const auto head_bytes = head_size > 0 ? static_cast<uint64_t>(head_size) : 0;
  const nf::app::platform::JsByteSource head(id, head_bytes);
  nf::document::FileProbe probe = nf::document::probeOf(name ? name : "", head, type ? type : "");
  probe.size = size > 0 ? static_cast<uint64_t>(size) : 0;
  g_probes.push_back(std::move(probe));
}

// One role name per file, in order, one a line (fileRoleName).
EMSCRIPTEN_KEEPALIVE const char* nf_host_route_commit() {
  auto probes = std::move(g_probes);
  g_probes.clear();
  g_roles.clear();
  if (!g_callbacks.route) return "";
  for (nf::document::FileRole role : g_callbacks.route(probes, g_target))
    g_roles += std::string(nf::document::fileRoleName(role)) + "\n";
  return g_roles.c_str();
}

EMSCRIPTEN_KEEPALIVE void nf_host_open_begin() { g_batch.clear(); }

// `sliced`: 1 for a File read in slices on request (external data), 0 for an ArrayBuffer.
EMSCRIPTEN_KEEPALIVE void nf_host_open_add(int id, const char* name, double size, int sliced) {
  const auto bytes = size > 0 ? static_cast<uint64_t>(size) : 0;
  g_batch.push_back(
      {name ? name : "", std::make_shared<nf::app::platform::JsByteSource>(id, bytes, sliced != 0), {}});
}

EMSCRIPTEN_KEEPALIVE void nf_host_open_commit() {
  auto files = std::move(g_batch);
  g_batch.clear();
  auto& cb = g_open_compare ? g_callbacks.compare_open : g_callbacks.open;
  if (cb) cb(std::move(files));
}

EMSCRIPTEN_KEEPALIVE void nf_host_error(const char* message) {
  if (g_callbacks.error) g_callbacks.error(message ? message : "unknown error");
}

}  // extern "C"
