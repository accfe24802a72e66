// app/builder_web.cpp - the builder's read-only test hook (window.netforgeBuilder)
// and the bridges to web/share.js (share links) and web/autosave.js (IndexedDB).
#include <emscripten.h>

#include <cstdlib>
#include <string>

#include "app/builder_platform.h"

// The state lives in a closure; the published object only has getters, so a page
// script cannot change what the app shows through it.
// ui() parses on every call, so a test cannot change what the next call returns.
EM_JS(void, nf_js_builder_init, (), {
  if (Module.nfBuilderState) return;
  Module.nfBuilderState = {code : String(), ok : false, doc : String(), ui : '{}', copied : String()};
  const s = Module.nfBuilderState;
  window.netforgeBuilder = Object.freeze({
    code : function() { return s.code; },
    ok : function() { return s.ok; },
    doc : function() { return s.doc; },
    ui : function() { return JSON.parse(s.ui); },
    copied : function() { return s.copied; }
  });
});
EM_JS(void, nf_js_builder_publish, (const char* code, int ok, const char* doc), {
  Module.nfBuilderState.code = UTF8ToString(code);
  Module.nfBuilderState.ok = !!ok;
  Module.nfBuilderState.doc = UTF8ToString(doc);
});
EM_JS(void, nf_js_builder_ui, (const char* json), { Module.nfBuilderState.ui = UTF8ToString(json); });
EM_JS(void, nf_js_builder_copied, (const char* text), { Module.nfBuilderState.copied = UTF8ToString(text); });

EM_JS(void, nf_js_share_start, (), { NetForgeShare.start(); });
EM_JS(void, nf_js_share_make, (const char* compact, const char* password), {
  NetForgeShare.make(UTF8ToString(compact), UTF8ToString(password));
});
EM_JS(void, nf_js_share_unlock, (const char* password), { NetForgeShare.unlock(UTF8ToString(password)); });
EM_JS(void, nf_js_share_paste, (), { NetForgeShare.pasteClipboard(); });
// A malloc'ed "kind\ntext" (the caller frees), or 0 when nothing is waiting. A result
// too large for the wasm heap becomes an error result (never a write through 0).
EM_JS(char*, nf_js_builder_poll, (int which), {
  let r = which == 0 ? NetForgeShare.poll() : NetForgeAutosave.poll();
  if (!r) return 0;
  let n = lengthBytesUTF8(r) + 1;
  let ptr = _malloc(n);
  if (!ptr) {
    r = 'error\nThe model is too large for the memory of this page (' + n + ' bytes); nothing was replaced.';
    n = lengthBytesUTF8(r) + 1;
    ptr = _malloc(n);
    if (!ptr) return 0;
  }
  stringToUTF8(r, ptr, n);
  return ptr;
});
EM_JS(int, nf_js_builder_busy, (), {
  return (NetForgeShare.busy() || NetForgeAutosave.busy()) ? 1 : 0;
});
EM_JS(void, nf_js_autosave_restore, (), { NetForgeAutosave.restore(); });
EM_JS(void, nf_js_autosave_save, (const char* text), { NetForgeAutosave.save(UTF8ToString(text)); });
EM_JS(void, nf_js_autosave_keep, (const char* reason), { NetForgeAutosave.keepUnreadable(UTF8ToString(reason)); });
EM_JS(void, nf_js_autosave_download, (), { NetForgeAutosave.downloadKept(); });
EM_JS(void, nf_js_autosave_forget, (), { NetForgeAutosave.forgetKept(); });

namespace nf::app::platform {

void shareStart() { nf_js_share_start(); }
void shareMake(const std::string& compact, const std::string& password) {
  nf_js_share_make(compact.c_str(), password.c_str());
}
void shareUnlock(const std::string& password) { nf_js_share_unlock(password.c_str()); }
void sharePasteClipboard() { nf_js_share_paste(); }
namespace {
bool pollPage(int which, std::string* kind, std::string* text) {
  char* raw = nf_js_builder_poll(which);
  if (!raw) return false;
  std::string all(raw);
  std::free(raw);
  size_t nl = all.find('\n');
  *kind = all.substr(0, nl);
  *text = nl == std::string::npos ? std::string() : all.substr(nl + 1);
  return true;
}
}  // namespace

bool sharePoll(std::string* kind, std::string* text) { return pollPage(0, kind, text); }
bool autosavePoll(std::string* kind, std::string* text) { return pollPage(1, kind, text); }
bool builderPageBusy() { return nf_js_builder_busy() != 0; }

void autosaveRestore() { nf_js_autosave_restore(); }
void autosaveSave(const std::string& text) { nf_js_autosave_save(text.c_str()); }
void autosaveKeepUnreadable(const std::string& reason) { nf_js_autosave_keep(reason.c_str()); }
void autosaveDownloadKept() { nf_js_autosave_download(); }
void autosaveForgetKept() { nf_js_autosave_forget(); }

void publishBuilderState(const std::string& code, bool codeOk, const std::string& docJson) {
  nf_js_builder_init();
  nf_js_builder_publish(code.c_str(), codeOk ? 1 : 0, docJson.c_str());
}
void publishBuilderUi(const std::string& json) {
  nf_js_builder_init();
  nf_js_builder_ui(json.c_str());
}
void publishBuilderCopied(const std::string& text) {
  nf_js_builder_init();
  nf_js_builder_copied(text.c_str());
}

}  // namespace nf::app::platform
