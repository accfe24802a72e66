// hierarchy/hash.h - a small deterministic 64-bit hasher (internal).
//
// Same input, same value on every platform and run (no seeds, no std::hash), so
// structural signatures can decide output order and stay reproducible in wasm.
#pragma once
#include <cstdint>
#include <cstring>
#include <string_view>

namespace nf::hierarchy {

// splitmix64 finaliser: spreads every input bit over the whole word.
inline uint64_t mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

inline uint64_t combine(uint64_t seed, uint64_t v) { return mix64(seed ^ (v + 0x632BE59BD9B4E019ull + (seed << 6))); }

class Hasher {
 public:
  void add(uint64_t v) { h_ = combine(h_, v); }
  void add(std::string_view s) {
    uint64_t f = 0xCBF29CE484222325ull;  // FNV-1a over the bytes, then mixed in
    for (unsigned char c : s) f = (f ^ c) * 0x100000001B3ull;
    add(f ^ s.size());
  }
  void addFloat(float f) {
    uint32_t bits = 0;
    std::memcpy(&bits, &f, sizeof bits);
    add(static_cast<uint64_t>(bits));
  }
  uint64_t value() const { return mix64(h_); }

 private:
  uint64_t h_ = 0x2545F4914F6CDD1Dull;
};

}  // namespace nf::hierarchy
