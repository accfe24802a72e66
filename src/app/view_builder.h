// app/view_builder.h - the model builder window: layer picker, canvas, properties, code.
//
// A thin ImGui front end over builder::Editor (src/builder): every gesture becomes one
// Editor edit (so Ctrl+Z/Ctrl+Y undo it), and the analysis and generated code are
// recomputed only when Editor::revision() changes. The document is autosaved to page
// storage on every edit and restored when the app starts.
#pragma once
#include <cstdint>
#include <string>

#include "app/view.h"
#include "builder/builder.h"

namespace nf::app {

class BuilderView final : public View {
 public:
  BuilderView() : View("Builder", false) {}
  const char* shortcutText() const override { return "Ctrl+Shift+B"; }
  void update(AppContext& ctx) override;

 protected:
  void drawContent(AppContext& ctx) override;
  void placeWindow(const WorkArea& area) override;

 private:
  void refresh();  // analysis, code, autosave, test hook when the revision changed
  void drawToolbar();
  void drawPicker();
  void drawCanvas();
  void drawProperties();
  void drawCode();
  void addFromPicker(const std::string& type);

  builder::Editor editor_;
  builder::Analysis analysis_;
  std::string code_;        // generated code, or the error text when generation refused
  bool codeOk_ = false;
  uint64_t seen_ = UINT64_MAX;
  bool restored_ = false;
  builder::Framework framework_ = builder::Framework::PyTorch;
  bool trainingLoop_ = false;
  bool lastTraining_ = false;
  builder::Framework lastFramework_ = builder::Framework::PyTorch;

  builder::NodeId selected_;
  char search_[64] = "";
  bool focusSearch_ = true;
  ImVec2 scroll_{40, 40};   // canvas origin offset (pan)
  bool dragging_ = false;   // moving the selected node
  builder::NodeId linkFrom_;  // dragging a connection from this node's output port
  std::string status_;      // last edit error, shown under the toolbar
  std::string importText_;

  // Share links (web/share.js): the incoming document waits in incoming_ until the
  // user accepts it, so autosaved work is never replaced without asking.
  void pollShare();
  void drawSharePopups();
  char sharePassword_[64] = "";
  char unlockPassword_[64] = "";
  bool needPassword_ = false;
  bool askAccept_ = false;
  bool focusUnlock_ = false;  // put the keyboard back in the password field
  std::string incoming_;      // compact text of a shared document not yet accepted
  std::string shareMessage_;  // last share result or error, shown in the toolbar
  std::string unlockError_;
};

}  // namespace nf::app
