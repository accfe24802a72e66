// app/graph_search.h - the graph view's search (Ctrl+F): the query, what it matches,
// and which match is current. Matches are display nodes in index order; in a grouped
// scene they are nodes of the graph (found inside closed groups too, which the view
// opens to show them). GraphView draws the search bar and moves the camera.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app/graph_pipeline.h"

namespace nf::app {

class GraphSearch {
 public:
  bool open = false;
  bool focus = false;  // give the field the keyboard focus on the next frame

  char* text() { return text_; }  // the field's buffer
  size_t textCapacity() const { return sizeof text_; }
  void clearText() { text_[0] = 0; }

  // Matches the field's text against the pipeline's scene. Returns true when the
  // query changed (the matches were replaced and the cursor reset).
  bool run(const GraphPipeline& pipeline);
  // A new scene or graph: everything forgotten.
  void reset();
  // The same graph shown differently (fold, stubs): the matches and the text searched
  // go, the applied query stays.
  void dropMatches();

  bool applied() const { return !applied_.empty(); }
  const std::vector<uint32_t>& matches() const { return matches_; }
  int cursor() const { return cursor_; }  // -1: none yet
  // Moves the cursor by delta (wrapping; the first step picks the first or last match).
  // Returns false when there is no match.
  bool advance(int delta);

 private:
  void buildHaystack(const GraphPipeline& pipeline);

  char text_[256] = {};
  std::string applied_;                // the query of the current matches, lower case
  std::vector<std::string> haystack_;  // per searchable item, lower case; built on first search
  std::vector<uint32_t> matches_;
  int cursor_ = -1;
};

}  // namespace nf::app
