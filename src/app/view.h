// app/view.h - the View base class and the registry of views.
//
// Every panel of the app is a View. Its non-virtual draw() does what every view
// needs (skip when closed, place the window on first use, Begin/End, the close
// button) and calls the virtual drawContent() for what is specific. Views are
// registered once, in views_setup.cpp, which reads as the app's table of contents.
#pragma once
#include <imgui.h>

#include <memory>
#include <string>
#include <vector>

#include "app/context.h"

namespace nf::app {

// The part of the canvas views may use: below the main menu bar, above the status
// bar. (ImGui's own WorkPos only learns of the menu bar one frame later, which would
// misplace windows positioned on the first frame.)
struct WorkArea {
  ImVec2 pos;
  ImVec2 size;
  ImVec2 center() const { return ImVec2(pos.x + size.x * 0.5f, pos.y + size.y * 0.5f); }
};
WorkArea workArea();

// Panels dock to a side of the window (stacked when several share one) or float.
// The graph canvas gets what the docked columns leave.
enum class Dock : uint8_t { Floating, Left, Right };
// A collapsed docked panel: a thin bar with its name, a click opens it again.
inline constexpr float kDockBarWidth = 26.0f;

class View {
 public:
  // title: window title and View-menu label; must be unique (it is the ImGui id).
  View(std::string title, bool open_at_start);
  virtual ~View() = default;
  View(const View&) = delete;
  View& operator=(const View&) = delete;

  // Called every frame, open or not: views that open themselves (the error panel
  // on a new error) decide here.
  virtual void update(AppContext& ctx) {}
  // True while the view has work that needs frames without user input (animations,
  // work done in slices); the app keeps rendering until it is false.
  virtual bool wantsFrames() const { return false; }
  // Draws the view if it is open. Not virtual on purpose: all views share it.
  void draw(AppContext& ctx);

  const std::string& title() const { return title_; }
  bool isOpen() const { return open_; }
  void setOpen(bool open) { open_ = open; }
  // Listed under the View menu with a checkbox (the overlay is not).
  virtual bool inViewMenu() const { return true; }
  // Key chord that shows/hides the view ("Ctrl+Shift+E"; "" for none). It is shown in
  // the View menu and the shortcuts window, and handled by handleShortcuts().
  virtual const char* shortcutText() const { return ""; }

  // Docking: the side, whether it is shown now (the Node panel only with a selection),
  // its width when expanded.
  virtual Dock dock() const { return Dock::Floating; }
  virtual bool dockShown(const AppContext& ctx) const { return true; }
  virtual float dockWidth() const { return 300.0f; }
  // Share of its column's height next to the other expanded panels there (relative).
  virtual float dockWeight() const { return 1.0f; }
  bool collapsed() const { return collapsed_; }
  void setCollapsed(bool c) { collapsed_ = c; }
  // Docked and taking room now: open and shown.
  bool docked(const AppContext& ctx) const { return dock() != Dock::Floating && open_ && dockShown(ctx); }
  // Width of its column share: the bar when collapsed.
  float columnWidth() const { return collapsed_ ? kDockBarWidth : dockWidth(); }

 protected:
  virtual void drawContent(AppContext& ctx) = 0;
  // Position/size before Begin; the default centres the window on first use.
  virtual void placeWindow(const WorkArea& area);
  virtual ImGuiWindowFlags windowFlags() const { return ImGuiWindowFlags_None; }
  // False for fixed parts of the layout (status bar, overlay): no close button.
  virtual bool closable() const { return true; }
  // Window padding override; negative = the style's default.
  virtual ImVec2 windowPadding() const { return ImVec2(-1, -1); }
  // Placed in the area the docked columns leave (the graph canvas, its overlay).
  virtual bool fillsCanvas() const { return false; }

 private:
  void drawDocked(AppContext& ctx);
  void drawCollapsedBar();

  std::string title_;
  bool open_;
  bool collapsed_ = false;
};

// Owns the views, in registration order (which is also drawing order).
class ViewRegistry {
 public:
  template <class T, class... Args>
  T& add(Args&&... args) {
    auto view = std::make_unique<T>(std::forward<Args>(args)...);
    T& ref = *view;
    views_.push_back(std::move(view));
    return ref;
  }
  // The registered view of type T, or null.
  template <class T>
  T* find() const {
    for (const auto& v : views_)
      if (auto* t = dynamic_cast<T*>(v.get())) return t;
    return nullptr;
  }
  const std::vector<std::unique_ptr<View>>& all() const { return views_; }

 private:
  std::vector<std::unique_ptr<View>> views_;
};

// The window's work area less the docked columns: where the graph canvas goes.
WorkArea canvasArea(const AppContext& ctx);

// views_setup.cpp: registers every view of the app.
void registerViews(ViewRegistry& views);

}  // namespace nf::app
