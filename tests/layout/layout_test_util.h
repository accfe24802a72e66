// Helpers shared by the layout tests.
#pragma once
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "layout/invariants.h"
#include "layout/layout.h"

namespace nf::layout::test {

// Every byte of a layout that must be deterministic (all but the phase timings).
inline std::vector<uint8_t> serialize(const Layout& l) {
  std::vector<uint8_t> out;
  auto put = [&out](const void* p, size_t n) {
    const uint8_t* b = static_cast<const uint8_t*>(p);
    out.insert(out.end(), b, b + n);
  };
  put(l.node_centers.data(), l.node_centers.size() * sizeof(Point));
  for (const EdgeRoute& r : l.edges) {
    put(&r.first_point, sizeof r.first_point);
    put(&r.point_count, sizeof r.point_count);
    put(&r.arrow_dir, sizeof r.arrow_dir);
    put(&r.reversed, sizeof r.reversed);
  }
  put(l.points.data(), l.points.size() * sizeof(Point));
  put(&l.bounds, sizeof l.bounds);
  const Stats& s = l.stats;
  put(&s.rank_count, sizeof s.rank_count);
  put(&s.dummy_count, sizeof s.dummy_count);
  put(&s.reversed_edges, sizeof s.reversed_edges);
  put(&s.self_loops, sizeof s.self_loops);
  put(&s.crossings, sizeof s.crossings);
  put(&s.edge_length, sizeof s.edge_length);
  put(&s.simplex_iterations, sizeof s.simplex_iterations);
  put(&s.ordering_sweeps, sizeof s.ordering_sweeps);
  return out;
}

// Runs a full layout as a job and checks every phase's postcondition.
inline ::testing::AssertionResult layoutAndCheck(const Graph& g, const Options& o, Layout* out = nullptr,
                                                 bool brute_force = false) {
  LayoutJob job(g, o);
  job.step(0);
  if (!job.succeeded()) return ::testing::AssertionFailure() << "layout failed: " << job.status().message();
  Status s = checkJob(job, brute_force);
  if (!s.ok()) return ::testing::AssertionFailure() << s.message();
  if (out && job.layout()) *out = job.takeLayout();
  return ::testing::AssertionSuccess();
}

}  // namespace nf::layout::test
