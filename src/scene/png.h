// scene/png.h - PNG encoding with our own zlib stream (no external library).
//
// Deflate with the fixed Huffman code and run-length matches (distance 1, or one row
// up through PNG's Up filter): graph pictures are mostly flat colour, so this gets
// most of what a full LZ77 would, in a page of code. CRC-32 (chunks) and Adler-32
// (zlib trailer) are computed here too.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace nf::scene {

uint32_t crc32(const uint8_t* data, size_t size, uint32_t crc = 0);
uint32_t adler32(const uint8_t* data, size_t size, uint32_t adler = 1);

// A complete zlib stream (RFC 1950) holding `data` (RFC 1951 fixed-Huffman blocks).
// stored_only: uncompressed (stored) blocks instead, for testing decoders.
std::vector<uint8_t> zlibCompress(const uint8_t* data, size_t size, bool stored_only = false);

// An 8-bit RGB PNG; rgb holds width * height * 3 bytes, rows top to bottom.
std::vector<uint8_t> encodePng(uint32_t width, uint32_t height, const std::vector<uint8_t>& rgb);
// An 8-bit RGBA PNG (straight alpha); rgba holds width * height * 4 bytes.
std::vector<uint8_t> encodePngRgba(uint32_t width, uint32_t height, const std::vector<uint8_t>& rgba);

}  // namespace nf::scene
