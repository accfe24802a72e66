#include "builder/columns.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

namespace nf::builder {

ColumnWrap wrapInColumns(const Document& doc, const std::vector<Vec2>& sizes, Vec2 area, double gap) {
  ColumnWrap best;
  const auto& nodes = doc.nodes();
  if (nodes.empty() || !(area.x > 0) || !(area.y > 0)) return best;
  auto size = [&](size_t i) { return i < sizes.size() ? sizes[i] : Vec2{170, 46}; };

  // Rows, top to bottom, and the row of each node.
  std::vector<double> ys;
  for (const Node& n : nodes) ys.push_back(n.pos.y);
  std::sort(ys.begin(), ys.end());
  ys.erase(std::unique(ys.begin(), ys.end()), ys.end());
  const size_t rows = ys.size();
  std::vector<size_t> row(nodes.size());
  std::vector<double> row_bottom(rows, -1e300);
  std::map<NodeId, size_t> row_of;
  double x0 = 1e300, x1 = -1e300;
  for (size_t i = 0; i < nodes.size(); ++i) {
    row[i] = static_cast<size_t>(std::lower_bound(ys.begin(), ys.end(), nodes[i].pos.y) - ys.begin());
    row_bottom[row[i]] = std::max(row_bottom[row[i]], nodes[i].pos.y + size(i).y);
    row_of[nodes[i].id] = row[i];
    x0 = std::min(x0, nodes[i].pos.x);
    x1 = std::max(x1, nodes[i].pos.x + size(i).x);
  }
  const double width = x1 - x0;
  // crossing[r]: edges that a cut just above row r would cut (a difference array).
  std::vector<int> crossing(rows + 1, 0);
  for (const Edge& e : doc.edges()) {
    auto a = row_of.find(e.from), b = row_of.find(e.to);
    if (a == row_of.end() || b == row_of.end() || a->second == b->second) continue;
    ++crossing[std::min(a->second, b->second) + 1];
    --crossing[std::max(a->second, b->second) + 1];
  }
  for (size_t r = 1; r <= rows; ++r) crossing[r] += crossing[r - 1];

  std::vector<size_t> best_cuts{0};
  const size_t max_columns = std::min<size_t>(rows, 12);
  for (size_t k = 1; k <= max_columns; ++k) {
    // Band j starts at cuts[j]; each cut near an even share of the rows, where fewest edges cross.
    std::vector<size_t> cuts{0};
    for (size_t j = 1; j < k; ++j) {
      const long ideal = std::lround(static_cast<double>(j * rows) / static_cast<double>(k));
      size_t pick = 0;
      for (long r = ideal - 2; r <= ideal + 2; ++r) {
        if (r <= static_cast<long>(cuts.back()) || r >= static_cast<long>(rows)) continue;
        const auto ru = static_cast<size_t>(r);
        if (pick == 0 || crossing[ru] < crossing[pick] ||
            (crossing[ru] == crossing[pick] && std::labs(r - ideal) < std::labs(static_cast<long>(pick) - ideal)))
          pick = ru;
      }
      if (pick == 0) break;
      cuts.push_back(pick);
    }
    if (cuts.size() != k) break;
    double tallest = 0;
    for (size_t j = 0; j < k; ++j) {
      const size_t end = j + 1 < k ? cuts[j + 1] : rows;
      double bottom = -1e300;
      for (size_t r = cuts[j]; r < end; ++r) bottom = std::max(bottom, row_bottom[r]);
      tallest = std::max(tallest, bottom - ys[cuts[j]]);
    }
    const double total_w = static_cast<double>(k) * width + static_cast<double>(k - 1) * gap;
    const double scale = std::min({area.x / total_w, area.y / tallest, 1.0});
    if (scale > best.scale + 1e-9) {
      best.scale = scale;
      best.columns = static_cast<int>(k);
      best_cuts = cuts;
    }
  }

  for (size_t i = 0; i < nodes.size(); ++i) {
    const size_t band = static_cast<size_t>(std::upper_bound(best_cuts.begin(), best_cuts.end(), row[i]) - best_cuts.begin()) - 1;
    best.positions.push_back({nodes[i].id, Vec2{nodes[i].pos.x + static_cast<double>(band) * (width + gap),
                                                nodes[i].pos.y - (ys[best_cuts[band]] - ys[0])}});
  }
  return best;
}

}  // namespace nf::builder
