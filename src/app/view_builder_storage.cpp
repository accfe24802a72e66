// app/view_builder_storage.cpp - what the builder keeps and receives: the autosave
// (web/autosave.js, IndexedDB), the notices about kept documents, share links and
// dropped documents (web/share.js). Both JS halves answer by polling; wantsFrames()
// keeps frames coming while they work, so a result shows without any input.
#include <imgui.h>

#include <cstdlib>

#include "app/builder_platform.h"
#include "app/platform.h"
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

bool BuilderView::wantsFrames() const { return frames_wanted_ > 0 || platform::builderPageBusy(); }

namespace {
constexpr const char* kOpenKey = "netforge.builder.open";
}  // namespace

// Any way of opening or closing (shortcut, View menu, the close button, a notice that
// opens the window) is seen here, a frame later at most.
void BuilderView::rememberOpen() {
  if (open_remembered_ < 0) {
    open_remembered_ = platform::storageGet(kOpenKey) == "1" ? 1 : 0;
    if (open_remembered_) setOpen(true);
  }
  if (isOpen() == (open_remembered_ == 1)) return;
  open_remembered_ = isOpen() ? 1 : 0;
  platform::storageSet(kOpenKey, isOpen() ? "1" : "0");
}

void BuilderView::update(AppContext&) {
  if (!restore_asked_) {
    restore_asked_ = true;
    platform::autosaveRestore();
    platform::shareStart();
  }
  rememberOpen();
  if (frames_wanted_ > 0) --frames_wanted_;
  pollAutosave();
  if (restored_) pollShare();  // a shared model waits for the autosave, which it may replace
  refresh();
  // A big document's code and JSON come on the frames after its edit, one per frame.
  if (ImGui::GetFrameCount() != refreshed_frame_ && (code_stale_ || state_stale_)) {
    settle(false);
    frames_wanted_ = std::max(frames_wanted_, 2);
  }
}

// [SECTION] Autosave

void BuilderView::pollAutosave() {
  std::string kind, text;
  while (platform::autosavePoll(&kind, &text)) {
    frames_wanted_ = 3;  // popups and auto-sized windows settle over a few frames
    if (kind == "restore") {
      restored_ = true;
      if (!text.empty()) restoreSaved(text);
      autosaved_revision_ = editor_.revision();
      editor_.markSaved();
      offerImport();  // an "Edit in builder" made before the saved model was in
    } else if (kind == "saved") {
      if (save_failed_) storage_notice_.clear();
      save_failed_ = false;
    } else if (kind == "error") {
      save_failed_ = true;
      storage_notice_ = text;
      setOpen(true);
    } else if (kind == "unavailable") {  // shown when the builder is opened; not pushed at every start
      storage_notice_ = text;
    } else if (kind == "kept") {
      kept_count_ = std::atoi(text.c_str());
      if (kept_count_ > 0) setOpen(true);
    } else if (kind == "tab") {
      other_tab_ = true;
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
  if (doc.ok() && report.source_version <= b::kDocumentVersion) return;
  const std::string why = doc.ok() ? "it was saved by a newer NetForge (document version " +
                                         std::to_string(report.source_version) + ")"
                                   : doc.error().message;
  storage_notice_ = "Your autosaved model could not be read fully: " + why +
                   (doc.ok() ? ". What this version understands is open; the original"
                             : ". It was not opened; it") +
                   " is kept unchanged: download it below.";
  platform::autosaveKeepUnreadable(why);
  setOpen(true);
}

void BuilderView::drawStorageNotices() {
  if (!storage_notice_.empty()) {
    ImGui::TextColored(errorTextColor(), "%s", storage_notice_.c_str());
    note("storage_notice");
  }
  if (other_tab_) {
    ImGui::TextUnformatted("This builder is also open in another tab: each tab's model is kept.");
    note("other_tab");
  }
  if (kept_count_ > 0) {
    ImGui::Text("%d document(s) kept aside (an unreadable autosave, or another tab's model).", kept_count_);
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
    frames_wanted_ = 3;
    if (kind == "password") {
      need_password_ = true;
      unlock_error_.clear();
      setOpen(true);
    } else if (kind == "doc") {
      b::LoadReport report;
      auto doc = b::loadCompact(text, &report);
      if (doc.ok()) {
        incoming_ = std::move(doc.value());
        incoming_from_ = "the shared model";
        ask_accept_ = true;
        need_password_ = false;
        if (report.source_version > b::kDocumentVersion)
          share_message_ = "This link was made by a newer NetForge (document version " +
                          std::to_string(report.source_version) + "): what this version does not know may be missing.";
      } else {
        share_message_ = "The shared model could not be read: " + doc.error().message;
      }
      setOpen(true);
    } else if (kind == "file") {  // a dropped builder document: "name\njson"
      const size_t nl = text.find('\n');
      const std::string name = text.substr(0, nl);
      auto doc = b::loadDocument(nl == std::string::npos ? std::string() : text.substr(nl + 1));
      if (doc.ok()) {
        incoming_ = std::move(doc.value());
        incoming_from_ = name;
        ask_accept_ = true;
      } else {
        share_message_ = name + ": " + doc.error().message;
      }
      setOpen(true);
    } else if (kind == "error") {
      if (need_password_) {
        unlock_error_ = text;
        unlock_password_.clear();  // ready for the next try
        focus_unlock_ = true;
      } else {
        share_message_ = text;
      }
      setOpen(true);
    } else if (kind == "link") {
      share_message_ = "Share link copied and shown in the address bar.";
    } else if (kind == "paste") {  // "Paste from clipboard" in the Open document dialog
      import_buffer_ = text;
      import_text_.clear();
    } else if (kind == "paste-error") {
      import_text_ = text;
    }
  }
}

void BuilderView::drawSharePopups() {
  if (need_password_ && !ImGui::IsPopupOpen("Encrypted share link")) ImGui::OpenPopup("Encrypted share link");
  if (ImGui::BeginPopupModal("Encrypted share link", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted("This link holds an encrypted model. Enter its password:");
    if (ImGui::IsWindowAppearing() || focus_unlock_) ImGui::SetKeyboardFocusHere();
    focus_unlock_ = false;
    bool enter = inputString("##unlock", "", &unlock_password_,
                             ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
    note("unlock_password");
    if (ImGui::Button("Unlock") || enter) {
      unlock_error_ = "Decrypting...";
      platform::shareUnlock(unlock_password_);
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) {
      need_password_ = false;
      ImGui::CloseCurrentPopup();
    }
    if (!need_password_) ImGui::CloseCurrentPopup();
    if (!unlock_error_.empty()) ImGui::TextColored(errorTextColor(), "%s", unlock_error_.c_str());
    ImGui::EndPopup();
  }
  if (ask_accept_ && !need_password_ && !ImGui::IsPopupOpen("Open shared model")) ImGui::OpenPopup("Open shared model");
  if (ImGui::BeginPopupModal("Open shared model", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::Text("Replace the model in the builder with %s?", incoming_from_.c_str());
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
        fit_pending_ = true;
      }
      ask_accept_ = false;
      incoming_.reset();
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Keep mine") || escape) {
      ask_accept_ = false;
      incoming_.reset();
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
  }
}

}  // namespace nf::app
