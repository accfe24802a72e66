// base/checked.h - size arithmetic that cannot wrap.
//
// Every element count, byte count, parameter/MAC/FLOP total and memory figure in
// the core is computed with these helpers. Dims come from files, so a product can
// pass 2^63 with a few bytes of input; a wrapped number would pass size checks
// and let readers run past their buffers. Two flavours:
//   - checked*: std::nullopt on overflow, for sizes that guard memory accesses
//     or allocations (the caller turns nullopt into an error message).
//   - sat*: saturate at the type's maximum, for totals shown to people; the
//     maximum reads as "overflow" (isOverflow, and strings.h's formatters print it
//     so), and stays the maximum through further sat* arithmetic.
#pragma once
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <type_traits>

namespace nf {

template <class T>
concept CheckedInt = std::is_integral_v<T> && !std::is_same_v<T, bool>;

template <CheckedInt T>
constexpr std::optional<T> checkedMul(T a, T b) {
  T r;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

// For sizes, which are never negative: *out = a * b; false when either is negative or
// the product overflows (*out untouched).
constexpr bool checkedSizeMul(int64_t a, int64_t b, int64_t* out) {
  if (a < 0 || b < 0) return false;
  auto r = checkedMul(a, b);
  if (!r) return false;
  *out = *r;
  return true;
}

template <CheckedInt T>
constexpr std::optional<T> checkedAdd(T a, T b) {
  T r;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

template <CheckedInt T>
constexpr std::optional<T> checkedSub(T a, T b) {
  T r;
  if (__builtin_sub_overflow(a, b, &r)) return std::nullopt;
  return r;
}

// Product of dims (1 for none); nullopt when a dim is negative or the product
// passes INT64_MAX.
std::optional<int64_t> checkedProduct(std::span<const int64_t> dims);

// Bytes holding n elements of `bits` bits each, rounded up to whole bytes (two
// 4-bit elements share a byte); nullopt for n < 0, bits <= 0, or when the number
// of bits passes UINT64_MAX.
std::optional<uint64_t> checkedBytes(int64_t n, int bits);

// [Saturating totals] -------------------------------------------------------------

template <CheckedInt T>
constexpr T kOverflow = std::numeric_limits<T>::max();

template <CheckedInt T>
constexpr bool isOverflow(T v) {
  return v == kOverflow<T>;
}

// a + b, or kOverflow when it does not fit (or either already is kOverflow).
template <CheckedInt T>
constexpr T satAdd(T a, T b) {
  if (isOverflow(a) || isOverflow(b)) return kOverflow<T>;
  T r;
  return __builtin_add_overflow(a, b, &r) ? kOverflow<T> : r;
}

// a * b for non-negative operands, or kOverflow (a zero factor gives 0).
template <CheckedInt T>
constexpr T satMul(T a, T b) {
  if (a == 0 || b == 0) return 0;
  if (isOverflow(a) || isOverflow(b)) return kOverflow<T>;
  T r;
  return __builtin_mul_overflow(a, b, &r) ? kOverflow<T> : r;
}

// An unsigned byte figure as a signed one, keeping overflow as overflow.
constexpr int64_t satToSigned(uint64_t v) {
  return v > static_cast<uint64_t>(kOverflow<int64_t>) ? kOverflow<int64_t> : static_cast<int64_t>(v);
}

// "the tensor's size overflows 64 bits" style message for dims.
std::string overflowMessage(std::span<const int64_t> dims);

}  // namespace nf
