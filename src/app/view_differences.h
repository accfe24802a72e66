// app/view_differences.h - the Differences panel of a comparison (app/comparison.h):
// progress and Cancel while the diff runs, then the counts and a filterable list of
// changed, removed and added nodes (and graph-level changes); a click selects the
// node on both sides and brings it into view there.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app/test_probe.h"
#include "app/view.h"
#include "scene/overlay.h"

namespace nf::app {

class DifferencesView final : public View {
 public:
  DifferencesView() : View("Differences", true) {}
  Dock dock() const override { return Dock::Left; }
  float dockWidth() const override { return 330.0f; }
  float dockWeight() const override { return 2.0f; }
  // Takes room only while two models are compared.
  bool dockShown(const AppContext& ctx) const override;
  bool inViewMenu() const override { return false; }

 protected:
  void drawContent(AppContext& ctx) override;

 private:
  struct Item {
    scene::DiffStatus status;
    uint32_t a, b;      // node indices (kNoIndex on the side without it)
    std::string title;  // "Conv /layer1/conv1" (-> its name in B when renamed)
    std::string detail; // "attribute kernel_shape: [3,3] -> [5,5]; ..."
    std::string lower;  // title + detail, lower case, for the filter
  };
  void rebuild(AppContext& ctx);
  void refilter();
  void publish();

  uint64_t built_version_ = ~0ull;
  std::vector<Item> items_;
  std::vector<std::string> graph_changes_;
  std::vector<uint32_t> shown_;  // indices into items_ that pass the filter
  std::string filter_, applied_filter_ = "\x01";
  bool show_changed_ = true, show_removed_ = true, show_added_ = true;
  bool applied_flags_[3] = {false, false, false};
  uint32_t clicked_ = 0xFFFFFFFFu;  // the item clicked last
  TestProbe probe_;
  std::string published_;
};

}  // namespace nf::app
