// app/views.h - every view of the app (each implemented in view_<name>.cpp).
#pragma once
#include <cstdint>
#include <string>

#include "app/view.h"

namespace nf::app {

// Facts about the open model: format, IR version, opsets, producer, inputs,
// outputs, node count. The graph view will sit beside it.
class ModelPropertiesView final : public View {
 public:
  ModelPropertiesView() : View("Model", true) {}
  const char* shortcutText() const override { return "Ctrl+I"; }
  Dock dock() const override { return Dock::Left; }
  float dockWidth() const override { return 290.0f; }

 protected:
  void drawContent(AppContext& ctx) override;
  void placeWindow(const WorkArea& area) override;
};

// The log of problems: unreadable files, missing external data, page-side failures.
// Opens itself when a new problem is reported.
class ErrorPanelView final : public View {
 public:
  ErrorPanelView() : View("Errors", false) {}
  void update(AppContext& ctx) override;
  const char* shortcutText() const override { return "Ctrl+Shift+E"; }
  Dock dock() const override { return Dock::Right; }
  float dockWidth() const override { return 340.0f; }

 protected:
  void drawContent(AppContext& ctx) override;
  void placeWindow(const WorkArea& area) override;

 private:
  uint64_t seen_ = 0;  // Session::errorsReported() already shown
};

// One line along the bottom: file, size, nodes, time of the last operation.
class StatusBarView final : public View {
 public:
  StatusBarView() : View("Status bar", true) {}
  static float height();

 protected:
  void drawContent(AppContext& ctx) override;
  void placeWindow(const WorkArea& area) override;
  ImGuiWindowFlags windowFlags() const override;
  bool closable() const override { return false; }
  ImVec2 windowPadding() const override { return ImVec2(10, 3); }
};

// Centre of the canvas: a spinner while opening, a hint while nothing is open.
class LoadingOverlayView final : public View {
 public:
  LoadingOverlayView() : View("##overlay", true) {}
  bool inViewMenu() const override { return false; }
  bool fillsCanvas() const override { return true; }
  // Shown only while opening, or while nothing is open.
  void update(AppContext& ctx) override;

 protected:
  void drawContent(AppContext& ctx) override;
  void placeWindow(const WorkArea& area) override;
  ImGuiWindowFlags windowFlags() const override;
  bool closable() const override { return false; }
};

class AboutView final : public View {
 public:
  AboutView() : View("About NetForge", false) {}
  bool inViewMenu() const override { return false; }

 protected:
  void drawContent(AppContext& ctx) override;
  ImGuiWindowFlags windowFlags() const override { return ImGuiWindowFlags_AlwaysAutoResize; }
};

class ShortcutsView final : public View {
 public:
  ShortcutsView() : View("Keyboard shortcuts", false) {}
  bool inViewMenu() const override { return false; }

 protected:
  void drawContent(AppContext& ctx) override;
  ImGuiWindowFlags windowFlags() const override { return ImGuiWindowFlags_AlwaysAutoResize; }
};

// Shown when a Recent files entry is chosen: a page cannot re-read a file by name,
// so it explains that and offers the file chooser.
class RecentFileHintView final : public View {
 public:
  RecentFileHintView() : View("Open a recent file", false) {}
  bool inViewMenu() const override { return false; }
  void showFor(const std::string& name) {
    name_ = name;
    setOpen(true);
  }

 protected:
  void drawContent(AppContext& ctx) override;
  ImGuiWindowFlags windowFlags() const override { return ImGuiWindowFlags_AlwaysAutoResize; }

 private:
  std::string name_;
};

}  // namespace nf::app
