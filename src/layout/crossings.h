// layout/crossings.h - exact crossing counts of a layered order.
//
// Two segments between layers r and r+1 cross when their upper ends and their lower
// ends are in opposite order, comparing (node position, port slot). Segments sharing
// an end point (same node and slot) never cross: on a free side the engine arranges
// the ends so they do not. A crossing of segments carrying w1 and w2 input edges
// (fan-out bundles) counts w1 * w2: the result is the number of crossing pairs of
// input edges, as drawn.
//
// countLayerCrossings uses the accumulator tree of Barth, Juenger and Mutzel
// (O(E log V) per layer pair); countLayerCrossingsBrute is the O(E^2) definition,
// kept for the tests.
#pragma once
#include <cstdint>
#include <vector>

#include "layout/phase_data.h"

namespace nf::layout {

struct CrossingScratch {
  struct Entry {
    uint32_t upper_slot;
    uint32_t lower_index;
    uint32_t weight;
  };
  std::vector<Entry> entries;
  std::vector<uint32_t> prefix;
  std::vector<uint64_t> tree;
};

// Crossings between layers r and r + 1 (0 <= r < rank_count - 1).
uint64_t countLayerCrossings(const ProperGraph& g, const Ordering& o, int32_t r, CrossingScratch& scratch);
uint64_t countAllCrossings(const ProperGraph& g, const Ordering& o);
uint64_t countLayerCrossingsBrute(const ProperGraph& g, const Ordering& o, int32_t r);

}  // namespace nf::layout
