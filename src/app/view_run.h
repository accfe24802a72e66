// app/view_run.h - the Run panel: runs the open model in the browser, in slices
// between frames, and shows what it computed (top-k, feature maps, statistics).
#pragma once
#include <memory>

#include "app/view.h"

namespace nf::app {

class RunView final : public View {
 public:
  RunView();
  ~RunView() override;
  const char* shortcutText() const override { return "Ctrl+Shift+X"; }
  Dock dock() const override { return Dock::Left; }
  float dockWidth() const override { return 420.0f; }
  float dockWeight() const override { return 3.0f; }  // most of the left column: results and feature maps
  void update(AppContext& ctx) override;
  bool wantsFrames() const override;

  struct State;  // view_run.cpp

 protected:
  void drawContent(AppContext& ctx) override;
  void placeWindow(const WorkArea& area) override;

 private:
  std::unique_ptr<State> s_;
  bool was_open_ = false;  // open last frame: opening it makes room (see update)
};

}  // namespace nf::app
