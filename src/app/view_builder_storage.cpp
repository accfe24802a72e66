// app/view_builder_storage.cpp - what the builder keeps and receives: the autosave
// (web/autosave.js, IndexedDB), the notices about kept documents, share links and
// dropped documents (web/share.js). Both JS halves answer by polling; wantsFrames()
// keeps frames coming while they work, so a result shows without any input.
#include <imgui.h>

#include <cstdlib>

#include "app/builder_platform.h"
#include "app/theme.h"
#include "app/view_builder.h"

namespace nf::app {

namespace b = nf::builder;

namespace {
int growString(ImGuiInputTextCallbackData* data) {
  if (data->EventFlag == ImGuiInputTextFlags_CallbackResize) {
    auto* text = static_cast<std::string*>(data->UserData);
    text->resize(static_cast<size_t>(data->BufTextLen));
    data->Buf = text->data();
  }
  return 0;
}
}  // namespace

bool inputString(const char* label, const char* hint, std::string* text, ImGuiInputTextFlags flags) {
  flags |= ImGuiInputTextFlags_CallbackResize;
  return ImGui::InputTextWithHint(label, hint, text->data(), text->capacity() + 1, flags, growString, text);
}

bool inputStringMultiline(const char* label, std::string* text, ImVec2 size, ImGuiInputTextFlags flags) {
  flags |= ImGuiInputTextFlags_CallbackResize;
  return ImGui::InputTextMultiline(label, text->data(), text->capacity() + 1, size, flags, growString, text);
}

bool BuilderView::wantsFrames() const { return framesWanted_ > 0 || platform::builderPageBusy(); }

void BuilderView::update(AppContext&) {
  if (!restoreAsked_) {
    restoreAsked_ = true;
    platform::autosaveRestore();
    platform::shareStart();
  }
  if (framesWanted_ > 0) --framesWanted_;
  pollAutosave();
  if (restored_) pollShare();  // a shared model waits for the autosave, which it may replace
  refresh();
}

// [SECTION] Autosave

void BuilderView::pollAutosave() {
  std::string kind, text;
  while (platform::autosavePoll(&kind, &text)) {
    framesWanted_ = 3;  // popups and auto-sized windows settle over a few frames
    if (kind == "restore") {
      restored_ = true;
      if (!text.empty()) restoreSaved(text);
      autosavedRevision_ = editor_.revision();
      editor_.markSaved();
    } else if (kind == "saved") {
      if (saveFailed_) storageNotice_.clear();
      saveFailed_ = false;
    } else if (kind == "error") {
      saveFailed_ = true;
      storageNotice_ = text;
      setOpen(true);
    } else if (kind == "unavailable") {  // shown when the builder is opened; not pushed at every start
      storageNotice_ = text;
    } else if (kind == "kept") {
      keptCount_ = std::atoi(text.c_str());
      if (keptCount_ > 0) setOpen(true);
    } else if (kind == "tab") {
      otherTab_ = true;
    }
  }
}

// Never overwrites what cannot be read: an autosave the loader refuses stays stored
// (and a copy is kept aside) until the user's next edit; the user is told and may
// download it.
void BuilderView::restoreSaved(const std::string& text) {
  b::LoadReport report;
  auto doc = b::loadDocument(text, &report);
  if (doc.ok()) editor_.load(std::move(doc.value()));
  if (doc.ok() && report.sourceVersion <= b::kDocumentVersion) return;
  const std::string why = doc.ok() ? "it was saved by a newer NetForge (document version " +
                                         std::to_string(report.sourceVersion) + ")"
                                   : doc.error().message;
  storageNotice_ = "Your autosaved model could not be read fully: " + why +
                   (doc.ok() ? ". What this version understands is open; the original"
                             : ". It was not opened; it") +
                   " is kept unchanged: download it below.";
  platform::autosaveKeepUnreadable(why);
  setOpen(true);
}

void BuilderView::drawStorageNotices() {
  if (!storageNotice_.empty()) {
    ImGui::TextColored(errorTextColor(), "%s", storageNotice_.c_str());
    note("storage_notice");
  }
  if (otherTab_) {
    ImGui::TextUnformatted("This builder is also open in another tab: each tab's model is kept.");
    note("other_tab");
  }
  if (keptCount_ > 0) {
    ImGui::Text("%d document(s) kept aside (an unreadable autosave, or another tab's model).", keptCount_);
    ImGui::SameLine();
    if (ImGui::Button("Download kept")) platform::autosaveDownloadKept();
    note("btn:Download kept");
    ImGui::SameLine();
    if (ImGui::Button("Forget kept")) platform::autosaveForgetKept();
    note("btn:Forget kept");
  }
}

// [SECTION] Share links

void BuilderView::pollShare() {
  std::string kind, text;
  while (platform::sharePoll(&kind, &text)) {
    framesWanted_ = 3;
    if (kind == "password") {
      needPassword_ = true;
      unlockError_.clear();
      setOpen(true);
    } else if (kind == "doc") {
      b::LoadReport report;
      auto doc = b::loadCompact(text, &report);
      if (doc.ok()) {
        incoming_ = std::move(doc.value());
        incomingFrom_ = "the shared model";
        askAccept_ = true;
        needPassword_ = false;
        if (report.sourceVersion > b::kDocumentVersion)
          shareMessage_ = "This link was made by a newer NetForge (document version " +
                          std::to_string(report.sourceVersion) + "): what this version does not know may be missing.";
      } else {
        shareMessage_ = "The shared model could not be read: " + doc.error().message;
      }
      setOpen(true);
    } else if (kind == "file") {  // a dropped builder document: "name\njson"
      const size_t nl = text.find('\n');
      const std::string name = text.substr(0, nl);
      auto doc = b::loadDocument(nl == std::string::npos ? std::string() : text.substr(nl + 1));
      if (doc.ok()) {
        incoming_ = std::move(doc.value());
        incomingFrom_ = name;
        askAccept_ = true;
      } else {
        shareMessage_ = name + ": " + doc.error().message;
      }
      setOpen(true);
    } else if (kind == "error") {
      if (needPassword_) {
        unlockError_ = text;
        unlockPassword_.clear();  // ready for the next try
        focusUnlock_ = true;
      } else {
        shareMessage_ = text;
      }
      setOpen(true);
    } else if (kind == "link") {
      shareMessage_ = "Share link copied and shown in the address bar.";
    } else if (kind == "paste") {  // "Paste from clipboard" in the Open document dialog
      importBuffer_ = text;
      importText_.clear();
    } else if (kind == "paste-error") {
      importText_ = text;
    }
  }
}

void BuilderView::drawSharePopups() {
  if (needPassword_ && !ImGui::IsPopupOpen("Encrypted share link")) ImGui::OpenPopup("Encrypted share link");
  if (ImGui::BeginPopupModal("Encrypted share link", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted("This link holds an encrypted model. Enter its password:");
    if (ImGui::IsWindowAppearing() || focusUnlock_) ImGui::SetKeyboardFocusHere();
    focusUnlock_ = false;
    bool enter = inputString("##unlock", "", &unlockPassword_,
                             ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
    note("unlock_password");
    if (ImGui::Button("Unlock") || enter) {
      unlockError_ = "Decrypting...";
      platform::shareUnlock(unlockPassword_);
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) {
      needPassword_ = false;
      ImGui::CloseCurrentPopup();
    }
    if (!needPassword_) ImGui::CloseCurrentPopup();
    if (!unlockError_.empty()) ImGui::TextColored(errorTextColor(), "%s", unlockError_.c_str());
    ImGui::EndPopup();
  }
  if (askAccept_ && !needPassword_ && !ImGui::IsPopupOpen("Open shared model")) ImGui::OpenPopup("Open shared model");
  if (ImGui::BeginPopupModal("Open shared model", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::Text("Replace the model in the builder with %s?", incomingFrom_.c_str());
    ImGui::TextDisabled("Your current model stays saved in this browser until you accept.");
    ImGui::TextDisabled("Enter: open it, Escape: keep mine.");
    const bool enter = ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false);
    const bool escape = ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false);
    const bool accept = ImGui::Button("Open shared model");
    note("btn:Open shared model");
    if (accept || enter) {
      if (incoming_) {
        editor_.load(std::move(*incoming_));
        selectMany({});
        seen_ = UINT64_MAX;  // recompute analysis and code
        fitPending_ = true;
      }
      askAccept_ = false;
      incoming_.reset();
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Keep mine") || escape) {
      askAccept_ = false;
      incoming_.reset();
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
  }
}

}  // namespace nf::app
