#include "app/commands.h"

#include <SDL_keyboard.h>
#include <SDL_scancode.h>
#include <imgui.h>

#include "app/platform.h"
#include "app/session.h"
#include "app/view.h"
#include "app/views.h"

namespace nf::app {

namespace {

// Browsers keep some chords for themselves whatever the page does (Ctrl+T, Ctrl+N,
// Ctrl+W): none of those are used here.
const std::vector<Command> kCommands = {
    {CommandId::OpenModel, "Open model...", "Choose ONNX model files (with their external data files)",
     {true, false, SDL_SCANCODE_O}},
    {CommandId::OpenSample, "Open sample", "Open the built-in sample model (CIFAR-10 CNN)",
     {true, true, SDL_SCANCODE_O}},
    {CommandId::CompareWith, "Compare with...",
     "Choose a second model: both graphs side by side, differences coloured and listed (or drop it holding Shift)",
     {true, true, SDL_SCANCODE_D}},
    {CommandId::ToggleTheme, "Light theme", "Switch between the dark and the light theme",
     {true, true, SDL_SCANCODE_L}},
    {CommandId::ShowShortcuts, "Keyboard shortcuts", "Show this list", {false, false, SDL_SCANCODE_F1}},
    {CommandId::ShowAbout, "About NetForge", "Version and licences", {}},
};

template <class T>
void toggleView(AppContext& ctx) {
  if (T* v = ctx.views.find<T>()) v->setOpen(!v->isOpen());
}

}  // namespace

const std::vector<Command>& commandTable() { return kCommands; }

const Command& command(CommandId id) {
  for (const auto& c : kCommands)
    if (c.id == id) return c;
  return kCommands.front();  // unreachable: every id is in the table
}

std::string shortcutText(const Shortcut& s) {
  if (s.scancode == 0) return {};
  std::string text;
  if (s.ctrl) text += "Ctrl+";
  if (s.shift) text += "Shift+";
  return text + SDL_GetScancodeName(static_cast<SDL_Scancode>(s.scancode));
}

Shortcut parseShortcut(const std::string& text) {
  Shortcut s;
  std::string rest = text;
  for (;;) {
    if (rest.rfind("Ctrl+", 0) == 0) {
      s.ctrl = true;
      rest = rest.substr(5);
    } else if (rest.rfind("Shift+", 0) == 0) {
      s.shift = true;
      rest = rest.substr(6);
    } else {
      break;
    }
  }
  s.scancode = rest.empty() ? 0 : static_cast<int>(SDL_GetScancodeFromName(rest.c_str()));
  return s;
}

void runCommand(CommandId id, AppContext& ctx) {
  switch (id) {
    case CommandId::OpenModel: platform::openFilePicker(); break;
    case CommandId::OpenSample: platform::openSample(); break;
    case CommandId::CompareWith: platform::openComparePicker(); break;
    case CommandId::ToggleTheme:
      ctx.settings.theme = ctx.settings.theme == Theme::Dark ? Theme::Light : Theme::Dark;
      applyTheme(ctx.settings.theme);
      ctx.settings.save();
      break;
    case CommandId::ShowShortcuts: toggleView<ShortcutsView>(ctx); break;
    case CommandId::ShowAbout: toggleView<AboutView>(ctx); break;
  }
}

namespace {
bool pressed(const Shortcut& s) {
  const ImGuiIO& io = ImGui::GetIO();
  if (s.scancode == 0 || s.ctrl != io.KeyCtrl || s.shift != io.KeyShift) return false;
  return ImGui::IsKeyPressed(s.scancode, false);
}
}  // namespace

void handleShortcuts(AppContext& ctx) {
  if (ImGui::GetIO().WantTextInput) return;  // keys belong to the text field
  for (const auto& c : kCommands)
    if (pressed(c.shortcut)) runCommand(c.id, ctx);
  for (const auto& view : ctx.views.all()) {
    const char* text = view->shortcutText();
    if (text[0] && pressed(parseShortcut(text))) view->setOpen(!view->isOpen());
  }
  // "?" shows the keys too (as in Netron and most web apps); it is a character, not a key.
  for (ImWchar c : ImGui::GetIO().InputQueueCharacters)
    if (c == '?')
      if (ShortcutsView* v = ctx.views.find<ShortcutsView>()) v->setOpen(!v->isOpen());
}

}  // namespace nf::app
