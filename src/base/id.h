// base/id.h - typed ids and the one "none" index shared by every module.
//
// An Id<Tag> wraps a uint32_t so a node id cannot be passed where a value id is
// expected. `index` is a position in the owner's table (ir: the graph's node list),
// or, for builder documents, a number assigned once and never reused. Every module
// that marks "no index" in a plain uint32_t uses kNoIndex, so there is one none value.
#pragma once
#include <compare>
#include <cstdint>

namespace nf {

inline constexpr uint32_t kNoIndex = 0xFFFFFFFFu;

template <class Tag>
struct Id {
  static constexpr uint32_t kInvalid = kNoIndex;
  uint32_t index = kNoIndex;
  constexpr bool valid() const { return index != kNoIndex; }
  constexpr auto operator<=>(const Id&) const = default;
};

}  // namespace nf
