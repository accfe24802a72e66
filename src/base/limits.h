// base/limits.h - the one place for limits on work driven by file contents.
//
// A file can declare a dim of 2^62 in a few bytes. Anything that allocates or
// loops over a number read from a file (a dim, an attribute, a tensor's values)
// checks it against one of these first; past the limit the result is reported
// as unknown ("too large to infer") or as an error, never attempted.
#pragma once
#include <cstdint>

namespace nf::limits {

// Elements a shape rule or constant folding may materialise in one value (the
// folded contents of a tensor, a Range, a ConstantOfShape...).
inline constexpr int64_t kMaxFoldElements = int64_t{1} << 20;

// Length of a vector sized by a dim or attribute value in a shape rule: output
// ranks, the element list of a sequence (SplitToSequence), a spatial rank
// (AffineGrid). Real models stay far below.
inline constexpr int64_t kMaxRank = 1024;
inline constexpr int64_t kMaxSequenceLength = int64_t{1} << 16;

// Terms of a symbolic dim expression ("a*b + a*c + ...") before it becomes unknown.
inline constexpr int64_t kMaxSymbolicTerms = 256;

// Elements decoded from a tensor in one call (statistics read in chunks of this).
inline constexpr int64_t kMaxDecodeElements = int64_t{1} << 24;

// Reason a shape rule gives when it stops rather than allocate.
inline constexpr const char* kTooLargeToInfer = "too large to infer";

}  // namespace nf::limits
