// PNG encoding: checksums against published values, and the zlib stream decoded by an
// independent minimal inflater written here (stored and fixed-Huffman blocks).
#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>
#include <string>

#include "scene/png.h"
#include "scene/raster.h"
#include "scene/scene_layout.h"
#include "support/model_builder.h"

namespace nf::scene {
namespace {

class BitReader {
 public:
  BitReader(const std::vector<uint8_t>& d, size_t pos) : d_(d), pos_(pos) {}
  uint32_t bits(int n) {
    uint32_t v = 0;
    for (int i = 0; i < n; ++i) v |= static_cast<uint32_t>(bit()) << i;
    return v;
  }
  int bit() {
    if (pos_ >= d_.size()) throw std::runtime_error("read past the end");
    const int b = (d_[pos_] >> used_) & 1;
    if (++used_ == 8) used_ = 0, ++pos_;
    return b;
  }
  void align() {
    if (used_) used_ = 0, ++pos_;
  }
  size_t pos() const { return pos_; }
  void skip(size_t n) { pos_ += n; }

 private:
  const std::vector<uint8_t>& d_;
  size_t pos_;
  int used_ = 0;
};

// Decodes one fixed-Huffman literal/length symbol (RFC 1951 3.2.6), bit by bit.
int fixedSymbol(BitReader& r) {
  int code = 0;
  for (int len = 1; len <= 9; ++len) {
    code = (code << 1) | r.bit();
    if (len == 7 && code <= 0x17) return 256 + code;
    if (len == 8 && code >= 0x30 && code <= 0xBF) return code - 0x30;
    if (len == 8 && code >= 0xC0 && code <= 0xC7) return 280 + code - 0xC0;
    if (len == 9 && code >= 0x190) return 144 + code - 0x190;
  }
  throw std::runtime_error("bad symbol");
}

std::vector<uint8_t> inflateZlib(const std::vector<uint8_t>& z) {
  static const int lbase[] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                              31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
  static const int lextra[] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
  static const int dbase[] = {1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
                              193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
  static const int dextra[] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
  if (z.size() < 6 || ((z[0] << 8) | z[1]) % 31 != 0 || (z[0] & 0x0F) != 8) throw std::runtime_error("bad zlib header");
  std::vector<uint8_t> out;
  BitReader r(z, 2);
  bool last = false;
  while (!last) {
    last = r.bit();
    const uint32_t type = r.bits(2);
    if (type == 0) {
      r.align();
      const size_t p = r.pos();
      const uint32_t len = z[p] | (z[p + 1] << 8), nlen = z[p + 2] | (z[p + 3] << 8);
      if ((len ^ 0xFFFF) != nlen) throw std::runtime_error("bad stored length");
      out.insert(out.end(), z.begin() + p + 4, z.begin() + p + 4 + len);
      r.skip(4 + len);
    } else if (type == 1) {
      while (true) {
        const int sym = fixedSymbol(r);
        if (sym < 256) {
          out.push_back(static_cast<uint8_t>(sym));
        } else if (sym == 256) {
          break;
        } else {
          const int li = sym - 257;
          const int len = lbase[li] + static_cast<int>(r.bits(lextra[li]));
          int dcode = 0;
          for (int i = 0; i < 5; ++i) dcode = (dcode << 1) | r.bit();
          const size_t dist = static_cast<size_t>(dbase[dcode] + static_cast<int>(r.bits(dextra[dcode])));
          if (dist > out.size()) throw std::runtime_error("distance too far");
          for (int i = 0; i < len; ++i) out.push_back(out[out.size() - dist]);
        }
      }
    } else {
      throw std::runtime_error("unexpected block type");
    }
  }
  r.align();
  const size_t p = r.pos();
  const uint32_t adler = (z[p] << 24) | (z[p + 1] << 16) | (z[p + 2] << 8) | z[p + 3];
  if (adler != adler32(out.data(), out.size())) throw std::runtime_error("adler mismatch");
  return out;
}

TEST(Png, ChecksumsMatchPublishedValues) {
  const std::string s = "123456789";
  EXPECT_EQ(crc32(reinterpret_cast<const uint8_t*>(s.data()), s.size()), 0xCBF43926u);
  const std::string w = "Wikipedia";
  EXPECT_EQ(adler32(reinterpret_cast<const uint8_t*>(w.data()), w.size()), 0x11E60398u);
  // Incremental CRC equals one-shot CRC.
  const uint32_t part = crc32(reinterpret_cast<const uint8_t*>(s.data()), 4);
  EXPECT_EQ(crc32(reinterpret_cast<const uint8_t*>(s.data()) + 4, 5, part), 0xCBF43926u);
}

TEST(Png, ZlibStreamsRoundTrip) {
  std::vector<uint8_t> data;
  uint32_t x = 7;
  for (int i = 0; i < 200000; ++i) {
    x = x * 1103515245u + 12345u;
    // Long runs (the common case in pictures) and noise.
    data.push_back(i % 1000 < 700 ? 0xFF : static_cast<uint8_t>(x >> 24));
  }
  for (bool stored : {false, true}) {
    const auto z = zlibCompress(data.data(), data.size(), stored);
    EXPECT_EQ(inflateZlib(z), data) << (stored ? "stored" : "fixed");
    if (!stored) EXPECT_LT(z.size(), data.size() / 2);
  }
  const auto empty = zlibCompress(nullptr, 0);
  EXPECT_TRUE(inflateZlib(empty).empty());
}

TEST(Png, EncodedImageDecodesToThePixels) {
  const uint32_t w = 37, h = 11;
  std::vector<uint8_t> rgb(w * h * 3);
  for (size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<uint8_t>((i * 7) % 256 < 128 ? 255 : i % 251);
  const auto png = encodePng(w, h, rgb);
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(std::memcmp(png.data(), "\x89PNG\r\n\x1A\n", 8), 0);
  // Walk the chunks, checking each CRC, and collect IDAT.
  size_t p = 8;
  std::vector<uint8_t> idat;
  std::vector<std::string> types;
  while (p + 12 <= png.size()) {
    const uint32_t len = (png[p] << 24) | (png[p + 1] << 16) | (png[p + 2] << 8) | png[p + 3];
    const std::string type(png.begin() + p + 4, png.begin() + p + 8);
    types.push_back(type);
    const uint32_t crc = (png[p + 8 + len] << 24) | (png[p + 9 + len] << 16) | (png[p + 10 + len] << 8) | png[p + 11 + len];
    EXPECT_EQ(crc, crc32(png.data() + p + 4, len + 4)) << type;
    if (type == "IDAT") idat.insert(idat.end(), png.begin() + p + 8, png.begin() + p + 8 + len);
    p += 12 + len;
  }
  EXPECT_EQ(p, png.size());
  EXPECT_EQ(types, (std::vector<std::string>{"IHDR", "IDAT", "IEND"}));
  const auto raw = inflateZlib(idat);
  ASSERT_EQ(raw.size(), (w * 3 + 1) * h);
  // Undo the filters (None, Sub, Up) and compare.
  std::vector<uint8_t> back(w * h * 3);
  for (uint32_t y = 0; y < h; ++y) {
    const uint8_t f = raw[y * (w * 3 + 1)];
    ASSERT_LE(f, 2);
    for (uint32_t i = 0; i < w * 3; ++i) {
      uint8_t v = raw[y * (w * 3 + 1) + 1 + i];
      if (f == 1 && i >= 3) v = static_cast<uint8_t>(v + back[y * w * 3 + i - 3]);
      if (f == 2 && y > 0) v = static_cast<uint8_t>(v + back[(y - 1) * w * 3 + i]);
      back[y * w * 3 + i] = v;
    }
  }
  EXPECT_EQ(back, rgb);
}

TEST(Raster, DrawsBoxesInTheirCategoryColour) {
  ir::Model m = nf::test::model();
  nf::test::GraphBuilder b(m);
  b.input("x", nf::test::F32, nf::test::shape({1, 8}));
  b.node("Relu", {"x"}, {"y"}, {}, "r");
  b.output("y");
  auto d = buildDisplayGraph(m, ir::GraphId{0});
  ASSERT_TRUE(d.ok());
  auto s = layoutScene(*d, defaultLayoutOptions());
  ASSERT_TRUE(s.ok());
  RasterOptions o;
  o.margin = 0;
  const RasterImage img = rasterizeScene(*d, *s, o);
  ASSERT_EQ(img.rgb.size(), static_cast<size_t>(img.width) * img.height * 3);
  EXPECT_TRUE(img.text);
  // A pixel inside the Relu header, away from its text, has the activation colour.
  const Rect& r = s->nodes[d->node_of_op[0]];
  const uint32_t px = static_cast<uint32_t>(r.x + r.width - 3), py = static_cast<uint32_t>(r.y + r.height / 2);
  const uint8_t* c = &img.rgb[(py * img.width + px) * 3];
  const uint32_t want = categoryStyle(OpCategory::Activation).header;
  EXPECT_EQ(c[0], (want >> 16) & 0xFF);
  EXPECT_EQ(c[1], (want >> 8) & 0xFF);
  EXPECT_EQ(c[2], want & 0xFF);
  // The corner of the image is background.
  EXPECT_EQ(img.rgb[0], 0xFF);
  // Capping the pixel count scales down and drops the text.
  o.max_pixels = 600;
  const RasterImage small = rasterizeScene(*d, *s, o);
  EXPECT_LE(static_cast<uint64_t>(small.width) * small.height, 700u);
  EXPECT_LT(small.scale, 1.0f);
  EXPECT_FALSE(small.text);
}

}  // namespace
}  // namespace nf::scene
