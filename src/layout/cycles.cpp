#include "layout/cycles.h"


namespace nf::layout {

float CycleBreaking::progress() const {
  switch (stage_) {
    case Stage::Adjacency:
    case Stage::Roots: return 0.0f;
    case Stage::Search:
      return graph_.nodes.empty() ? 0.5f : 0.1f + 0.8f * static_cast<float>(visited_) / graph_.nodes.size();
    case Stage::Orient:
    case Stage::OutLists:
    case Stage::InLists: return 0.9f;
    case Stage::Done: return 1.0f;
  }
  return 0.0f;
}

bool CycleBreaking::run(Budget& budget) {
  const uint32_t n = static_cast<uint32_t>(graph_.nodes.size());
  const uint32_t m = static_cast<uint32_t>(graph_.edges.size());
  const auto& edges = graph_.edges;
  switch (stage_) {
    case Stage::Adjacency: {
      if (!csr_.run(n, m, [&](uint32_t e) { return edges[e].from == edges[e].to ? kNoIndex : edges[e].from; },
                    begin_, list_, budget))
        return false;
      csr_ = {};
      stage_ = Stage::Roots;
      [[fallthrough]];
    }
    case Stage::Roots: {
      out_.node_count = n;
      out_.reversed.assign(m, 0);
      out_.self_loop.assign(m, 0);
      state_.assign(n, 0);
      // Roots: sources first so that DAG edges all point away from where DFS starts.
      std::vector<uint8_t> has_in(n, 0);
      for (const EdgeSpec& e : edges)
        if (e.from != e.to) has_in[e.to] = 1;
      roots_.reserve(n);
      for (uint32_t v = 0; v < n; ++v)
        if (!has_in[v]) roots_.push_back(v);
      for (uint32_t v = 0; v < n; ++v)
        if (has_in[v]) roots_.push_back(v);
      stage_ = Stage::Search;
      if (budget.tick(2 * n + m)) return false;
      [[fallthrough]];
    }
    case Stage::Search: {
      while (true) {
        if (stack_.empty()) {
          while (root_cursor_ < roots_.size() && state_[roots_[root_cursor_]] != 0) ++root_cursor_;
          if (root_cursor_ == roots_.size()) break;
          uint32_t r = roots_[root_cursor_];
          state_[r] = 1;
          ++visited_;
          stack_.push_back({r, begin_[r]});
        }
        Frame& f = stack_.back();
        if (f.next == begin_[f.node + 1]) {
          state_[f.node] = 2;
          stack_.pop_back();
        } else {
          uint32_t e = list_[f.next++];
          uint32_t w = edges[e].to;
          if (state_[w] == 1) {
            out_.reversed[e] = 1;  // back edge: closes a cycle
          } else if (state_[w] == 0) {
            state_[w] = 1;
            ++visited_;
            stack_.push_back({w, begin_[w]});
          }
        }
        if (budget.tick()) return false;
      }
      begin_ = {};
      list_ = {};
      state_ = {};
      roots_ = {};
      out_.tail.resize(m);
      out_.head.resize(m);
      cursor_ = 0;
      stage_ = Stage::Orient;
      [[fallthrough]];
    }
    case Stage::Orient: {
      while (cursor_ < m) {
        const uint32_t e = cursor_++;
        const EdgeSpec& s = edges[e];
        if (s.from == s.to) {
          out_.self_loop[e] = 1;
          ++out_.self_loop_count;
        }
        if (out_.reversed[e]) ++out_.reversed_count;
        out_.tail[e] = out_.reversed[e] ? s.to : s.from;
        out_.head[e] = out_.reversed[e] ? s.from : s.to;
        if (budget.tick()) return false;
      }
      stage_ = Stage::OutLists;
      [[fallthrough]];
    }
    case Stage::OutLists: {
      if (!csr_.run(n, m, [&](uint32_t e) { return out_.self_loop[e] ? kNoIndex : out_.tail[e]; }, out_.out_begin,
                    out_.out_edges, budget))
        return false;
      csr_ = {};
      stage_ = Stage::InLists;
      [[fallthrough]];
    }
    case Stage::InLists: {
      if (!csr_.run(n, m, [&](uint32_t e) { return out_.self_loop[e] ? kNoIndex : out_.head[e]; }, out_.in_begin,
                    out_.in_edges, budget))
        return false;
      csr_ = {};
      stage_ = Stage::Done;
      return true;
    }
    case Stage::Done: return true;
  }
  return true;
}

}  // namespace nf::layout
