// app/builder_platform.h - the page functions only the builder uses (builder_web.cpp,
// platform_web_download.cpp). Kept out of platform.h, which the shell owns.
#pragma once
#include <string>

namespace nf::app::platform {

// Offers `text` as a file download named `fileName` (a Blob URL; nothing is uploaded).
void downloadText(const std::string& fileName, const std::string& mimeType, const std::string& text);

// Publishes the builder's current code and document for tests: window.netforgeBuilder
// is a frozen object whose code() / doc() / ok() return the latest published values.
void publishBuilderState(const std::string& code, bool codeOk, const std::string& docJson);
// window.netforgeBuilder.ui(): the parsed JSON of the builder's widget rectangles and
// shown numbers (see BuilderView::publishUi); copied(): the code last copied by "Copy".
void publishBuilderUi(const std::string& json);
void publishBuilderCopied(const std::string& text);

}  // namespace nf::app::platform

namespace nf::app::platform {

// [share] The JS half is web/share.js (NetForgeShare); results arrive by polling.
void shareStart();                                               // reads location.hash once
void shareMake(const std::string& compact, const std::string& password);  // "" = no encryption
void shareUnlock(const std::string& password);
// Reads the system clipboard (any length); the result arrives as kind "paste" (text)
// or "paste-error" (message).
void sharePasteClipboard();
// The next result: kind "doc" (text = compact document), "password" (a password is
// needed), "error" (text = message for the user), "link" (text = the URL), "file" (a
// dropped builder document: text = "file name\njson text"); false if none.
bool sharePoll(std::string* kind, std::string* text);

}  // namespace nf::app::platform

namespace nf::app::platform {

// [autosave] The JS half is web/autosave.js (NetForgeAutosave, IndexedDB); results
// arrive by polling, like share links.
void autosaveRestore();                          // reads the saved document once
void autosaveSave(const std::string& text);      // replaces the current save
void autosaveKeepUnreadable(const std::string& reason);  // copies the restored text aside
void autosaveDownloadKept();                     // offers the kept documents as files
void autosaveForgetKept();
// The next result: kind "restore" (text = saved document, "" = none), "saved",
// "error" (text = message), "unavailable" (no page storage: text = message), "kept"
// (text = number of kept documents), "tab" (another tab saved); false if none.
bool autosavePoll(std::string* kind, std::string* text);

// True while the page's builder work (share links, autosave) is under way or has
// results waiting: the app keeps drawing frames until they are shown.
bool builderPageBusy();

}  // namespace nf::app::platform
