#include "scene/png.h"

#include <algorithm>
#include <array>
#include <cstdlib>

namespace nf::scene {

namespace {

// Writes bits least-significant first, as deflate requires.
class BitWriter {
 public:
  explicit BitWriter(std::vector<uint8_t>& out) : out_(out) {}
  void bits(uint32_t value, int count) {
    acc_ |= static_cast<uint64_t>(value) << used_;
    used_ += count;
    while (used_ >= 8) {
      out_.push_back(static_cast<uint8_t>(acc_));
      acc_ >>= 8;
      used_ -= 8;
    }
  }
  // Huffman codes are defined most-significant bit first: reverse them.
  void code(uint32_t code, int length) {
    uint32_t r = 0;
    for (int i = 0; i < length; ++i) r |= ((code >> i) & 1u) << (length - 1 - i);
    bits(r, length);
  }
  void flush() {
    if (used_ > 0) out_.push_back(static_cast<uint8_t>(acc_));
    acc_ = 0;
    used_ = 0;
  }

 private:
  std::vector<uint8_t>& out_;
  uint64_t acc_ = 0;
  int used_ = 0;
};

// Fixed literal/length code (RFC 1951 3.2.6).
void literal(BitWriter& w, uint32_t sym) {
  if (sym < 144) w.code(0x30 + sym, 8);
  else if (sym < 256) w.code(0x190 + (sym - 144), 9);
  else if (sym < 280) w.code(sym - 256, 7);
  else w.code(0xC0 + (sym - 280), 8);
}

constexpr uint16_t kLengthBase[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                      31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr uint8_t kLengthExtra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                      2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};

// A match of `length` (3..258) at distance `distance` (1..32768, power-of-two class
// codes only needed for 1 and the row stride: the full distance table is used).
constexpr uint16_t kDistBase[30] = {1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
                                    193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
constexpr uint8_t kDistExtra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

void match(BitWriter& w, uint32_t length, uint32_t distance) {
  int li = 28;
  while (kLengthBase[li] > length) --li;
  literal(w, 257 + li);
  if (kLengthExtra[li]) w.bits(length - kLengthBase[li], kLengthExtra[li]);
  int di = 29;
  while (kDistBase[di] > distance) --di;
  w.code(static_cast<uint32_t>(di), 5);
  if (kDistExtra[di]) w.bits(distance - kDistBase[di], kDistExtra[di]);
}

void putBE32(std::vector<uint8_t>& out, uint32_t v) {
  out.push_back(static_cast<uint8_t>(v >> 24));
  out.push_back(static_cast<uint8_t>(v >> 16));
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

void chunk(std::vector<uint8_t>& png, const char* type, const std::vector<uint8_t>& data) {
  putBE32(png, static_cast<uint32_t>(data.size()));
  const size_t start = png.size();
  png.insert(png.end(), type, type + 4);
  png.insert(png.end(), data.begin(), data.end());
  putBE32(png, crc32(png.data() + start, png.size() - start));
}

}  // namespace

uint32_t crc32(const uint8_t* data, size_t size, uint32_t crc) {
  static const auto table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t n = 0; n < 256; ++n) {
      uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  crc = ~crc;
  for (size_t i = 0; i < size; ++i) crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

uint32_t adler32(const uint8_t* data, size_t size, uint32_t adler) {
  uint32_t a = adler & 0xFFFF, b = adler >> 16;
  while (size > 0) {
    const size_t n = std::min<size_t>(size, 5552);  // largest block without 32-bit overflow
    for (size_t i = 0; i < n; ++i) {
      a += data[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
    data += n;
    size -= n;
  }
  return (b << 16) | a;
}

std::vector<uint8_t> zlibCompress(const uint8_t* data, size_t size, bool stored_only) {
  std::vector<uint8_t> out = {0x78, 0x01};  // deflate, 32K window, no dictionary
  if (stored_only) {
    size_t pos = 0;
    do {
      const size_t n = std::min<size_t>(size - pos, 65535);
      out.push_back(pos + n == size ? 1 : 0);  // BFINAL, BTYPE=00
      out.push_back(static_cast<uint8_t>(n));
      out.push_back(static_cast<uint8_t>(n >> 8));
      out.push_back(static_cast<uint8_t>(~n));
      out.push_back(static_cast<uint8_t>(~n >> 8));
      out.insert(out.end(), data + pos, data + pos + n);
      pos += n;
    } while (pos < size);
  } else {
    BitWriter w(out);
    w.bits(1, 1);  // BFINAL
    w.bits(1, 2);  // BTYPE = 01, fixed Huffman
    size_t i = 0;
    while (i < size) {
      // Run of the previous byte (distance 1).
      size_t run = 0;
      if (i > 0)
        while (run < 258 && i + run < size && data[i + run] == data[i - 1]) ++run;
      if (run >= 3) {
        match(w, static_cast<uint32_t>(run), 1);
        i += run;
      } else {
        literal(w, data[i]);
        ++i;
      }
    }
    literal(w, 256);  // end of block
    w.flush();
  }
  putBE32(out, adler32(data, size));
  return out;
}

namespace {
// RGB (color type 2, 3 channels) or RGBA (type 6, 4 channels).
std::vector<uint8_t> encodePngChannels(uint32_t width, uint32_t height, const std::vector<uint8_t>& rgb, int channels) {
  // Each row gets the filter (None, Sub or Up) that leaves the smallest residuals;
  // flat areas become runs of zeros that the run-length matches swallow.
  const size_t stride = static_cast<size_t>(width) * static_cast<size_t>(channels);
  std::vector<uint8_t> raw;
  raw.reserve((stride + 1) * height);
  std::vector<uint8_t> cand[3];
  for (uint32_t y = 0; y < height; ++y) {
    const uint8_t* row = rgb.data() + y * stride;
    const uint8_t* up = y ? row - stride : nullptr;
    uint64_t best_cost = ~0ull;
    int best = 0;
    for (int f = 0; f < 3; ++f) {
      cand[f].resize(stride);
      uint64_t cost = 0;
      for (size_t i = 0; i < stride; ++i) {
        uint8_t pred = 0;
        if (f == 1 && i >= static_cast<size_t>(channels)) pred = row[i - static_cast<size_t>(channels)];
        if (f == 2 && up) pred = up[i];
        const uint8_t v = static_cast<uint8_t>(row[i] - pred);
        cand[f][i] = v;
        cost += static_cast<uint64_t>(std::abs(static_cast<int8_t>(v)));
      }
      if (cost < best_cost) best_cost = cost, best = f;
    }
    raw.push_back(static_cast<uint8_t>(best));
    raw.insert(raw.end(), cand[best].begin(), cand[best].end());
  }
  std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  std::vector<uint8_t> ihdr;
  putBE32(ihdr, width);
  putBE32(ihdr, height);
  // 8-bit, RGB or RGBA, deflate, adaptive filter, no interlace
  ihdr.insert(ihdr.end(), {8, static_cast<uint8_t>(channels == 4 ? 6 : 2), 0, 0, 0});
  chunk(png, "IHDR", ihdr);
  chunk(png, "IDAT", zlibCompress(raw.data(), raw.size()));
  chunk(png, "IEND", {});
  return png;
}

}  // namespace

std::vector<uint8_t> encodePng(uint32_t width, uint32_t height, const std::vector<uint8_t>& rgb) {
  return encodePngChannels(width, height, rgb, 3);
}

std::vector<uint8_t> encodePngRgba(uint32_t width, uint32_t height, const std::vector<uint8_t>& rgba) {
  return encodePngChannels(width, height, rgba, 4);
}

}  // namespace nf::scene
