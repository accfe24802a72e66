// app/test_probe.h - the screen rectangles of named widgets, published for tests.
//
// Views note the ImGui items that browser tests click ("fit", "btn:Copy", ...) while
// they draw; once per frame the view takes the notes as one JSON object
// {"name":[x, y, width, height], ...} (page CSS pixels, 0.1 px) for its window
// object (window.netforgeGraph.ui, window.netforgeBuilder.ui()). A name noted twice
// keeps its last rectangle.
#pragma once
#include <imgui.h>

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <utility>
#include <vector>

namespace nf::app {

class TestProbe {
 public:
  void note(std::string name);  // the last ImGui item
  void noteRect(std::string name, ImVec2 min, ImVec2 max);
  // The rectangles noted since the last take (or clear), which are then forgotten.
  nlohmann::ordered_json take();
  std::string takeJson();  // the same as JSON text
  void clear() { rects_.clear(); }

 private:
  std::vector<std::pair<std::string, ImVec4>> rects_;
};

}  // namespace nf::app
