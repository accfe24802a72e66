// layout/slots.h - which port slot an edge end occupies (shared by layering and splitting).
//
// On a side with fixed ports the slot is the port index; kFreePort and reversed edges
// take the middle port (a reversed edge attaches to the side it was not meant for).
// On a free side every end shares slot 0.
#pragma once
#include <cstdint>

#include "layout/phase_data.h"
#include "layout/types.h"

namespace nf::layout {

// Slot of edge e on its internal tail's bottom (output) side.
inline uint32_t tailSlot(const Graph& graph, const AcyclicGraph& acyclic, uint32_t e) {
  const uint32_t ports = graph.nodes[acyclic.tail[e]].out_ports;
  if (ports == 0) return 0;
  const uint32_t port = graph.edges[e].from_port;
  return acyclic.reversed[e] || port == kFreePort ? ports / 2 : port;
}

// Slot of edge e on its internal head's top (input) side.
inline uint32_t headSlot(const Graph& graph, const AcyclicGraph& acyclic, uint32_t e) {
  const uint32_t ports = graph.nodes[acyclic.head[e]].in_ports;
  if (ports == 0) return 0;
  const uint32_t port = graph.edges[e].to_port;
  return acyclic.reversed[e] || port == kFreePort ? ports / 2 : port;
}

}  // namespace nf::layout
