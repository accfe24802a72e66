// app/commands.h - every user action with a menu entry or a keyboard shortcut.
//
// One table (commands.cpp) names each command, its shortcut and what it does; the
// menus, the shortcut handler and the Keyboard shortcuts window all read it, so a
// shortcut shown anywhere is the one that works. Views that can be shown/hidden
// declare their own chord (View::shortcutText) and are handled the same way.
#pragma once
#include <string>
#include <vector>

#include "app/context.h"

namespace nf::app {

enum class CommandId {
  OpenModel,        // show the browser's file chooser
  OpenSample,       // open the sample model shipped with the site
  CompareWith,      // choose a second model to compare the open one with
  ToggleTheme,      // dark <-> light
  ShowShortcuts,    // toggle the Keyboard shortcuts window
  ShowAbout,        // toggle the About window
};

// A key chord. scancode is an SDL scancode (ImGui 1.86 indexes KeysDown by it).
struct Shortcut {
  bool ctrl = false;
  bool shift = false;
  int scancode = 0;  // 0 = no shortcut
};

struct Command {
  CommandId id;
  const char* label;     // menu text ("Open model...")
  const char* help;      // one line for the shortcuts window
  Shortcut shortcut;
};

const std::vector<Command>& commandTable();
const Command& command(CommandId id);
std::string shortcutText(const Shortcut& shortcut);  // "Ctrl+O", "F1", "" for none
// The inverse, for the chords views declare as text; scancode 0 if it does not parse.
Shortcut parseShortcut(const std::string& text);

void runCommand(CommandId id, AppContext& ctx);
// Runs the commands whose shortcut was pressed this frame, and toggles the views
// whose shortcut was (not while a text field has the keyboard).
void handleShortcuts(AppContext& ctx);

}  // namespace nf::app
