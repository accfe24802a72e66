// builder/folds.cpp - folded runs as boxes on the canvas (see folds.h).
#include "builder/folds.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace nf::builder {

std::string foldTitle(const Fold& f) { return f.name + " \xC3\x97" + std::to_string(f.count); }

FoldedView foldView(const Document& doc, const std::vector<Fold>& folds, const std::vector<bool>& folded) {
  const auto& nodes = doc.nodes();
  const size_t n = nodes.size();
  FoldedView v;
  v.pos.resize(n);
  v.hidden_by.assign(n, -1);
  v.boxes.resize(folds.size());

  // Each folded run's rows [top, bottom] and its box's x.
  struct Run {
    double top, bottom;
  };
  std::vector<Run> runs;
  std::vector<double> box_x(folds.size(), 0), box_top(folds.size(), 0);
  for (size_t k = 0; k < folds.size(); ++k) {
    const bool fold_k = k < folded.size() && folded[k];
    double top = 0, bottom = 0, left = 0;
    size_t present = 0;
    for (NodeId id : folds[k].members) {
      const Node* node = doc.node(id);
      if (!node) continue;
      const size_t i = static_cast<size_t>(node - nodes.data());
      if (v.hidden_by[i] >= 0) continue;  // already in an earlier fold
      if (fold_k) v.hidden_by[i] = static_cast<int32_t>(k);
      top = present ? std::min(top, node->pos.y) : node->pos.y;
      bottom = present ? std::max(bottom, node->pos.y) : node->pos.y;
      left = present ? std::min(left, node->pos.x) : node->pos.x;
      ++present;
    }
    v.boxes[k].layers = present;
    v.boxes[k].folded = fold_k;
    box_x[k] = left;
    box_top[k] = top;
    if (present && fold_k) runs.push_back({top, bottom});
  }

  // Rows hidden above a given y: the runs merged where they overlap, in order.
  std::sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) { return a.top < b.top; });
  std::vector<Run> merged;
  for (const Run& r : runs) {
    if (!merged.empty() && r.top <= merged.back().bottom) merged.back().bottom = std::max(merged.back().bottom, r.bottom);
    else merged.push_back(r);
  }
  std::vector<double> hidden_before(merged.size() + 1, 0);  // rows hidden by merged[0..k)
  for (size_t k = 0; k < merged.size(); ++k) hidden_before[k + 1] = hidden_before[k] + (merged[k].bottom - merged[k].top);
  auto viewY = [&](double y) {
    // Runs that end above y hide all their rows; a y inside a run moves to the run's
    // top row (where its box is).
    const auto it = std::upper_bound(merged.begin(), merged.end(), y, [](double value, const Run& r) { return value < r.top; });
    const size_t k = static_cast<size_t>(it - merged.begin());  // runs starting at or above y
    if (k == 0) return y;
    const Run& last = merged[k - 1];
    if (y <= last.bottom) return last.top - hidden_before[k - 1];
    return y - hidden_before[k];
  };
  for (size_t i = 0; i < n; ++i) v.pos[i] = {nodes[i].pos.x, viewY(nodes[i].pos.y)};
  for (size_t k = 0; k < folds.size(); ++k) {
    if (!v.boxes[k].layers) continue;
    if (v.boxes[k].folded) {
      v.boxes[k].pos = {box_x[k], viewY(box_top[k])};
      continue;
    }
    double top = 0;  // an unfolded run's layers may sit below other folded runs
    bool first = true;
    for (NodeId id : folds[k].members)
      if (const Node* node = doc.node(id)) {
        const double y = v.pos[static_cast<size_t>(node - nodes.data())].y;
        top = first ? y : std::min(top, y);
        first = false;
      }
    v.boxes[k].pos = {box_x[k], top};
  }

  // Edges as drawn.
  auto indexOf = [&](NodeId id) { return static_cast<size_t>(doc.node(id) - nodes.data()); };
  auto endOf = [&](size_t i) { return v.hidden_by[i] >= 0 ? n + static_cast<size_t>(v.hidden_by[i]) : i; };
  std::set<std::tuple<size_t, size_t, int>> seen;  // edges that touch a box, once each
  for (size_t k = 0; k < doc.edges().size(); ++k) {
    const Edge& e = doc.edges()[k];
    const size_t from = endOf(indexOf(e.from)), to = endOf(indexOf(e.to));
    if (from == to && v.isBox(from)) continue;  // inside a folded run
    const int port = v.isBox(to) ? 0 : e.port;
    if ((v.isBox(from) || v.isBox(to)) && !seen.insert({from, to, port}).second) continue;
    v.edges.push_back({from, to, port, k});
  }
  return v;
}

}  // namespace nf::builder
