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
// The next result: kind "doc" (text = compact document), "password" (a password is
// needed), "error" (text = message for the user), "link" (text = the URL), "file" (a
// dropped builder document: text = "file name\njson text"); false if none.
bool sharePoll(std::string* kind, std::string* text);

}  // namespace nf::app::platform
