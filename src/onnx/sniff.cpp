// sniffFormat: decide from the first bytes whether a file can be an ONNX
// ModelProto, and if not, say what it looks like, so a user who dropped the wrong
// file learns why at once instead of getting a parser error.
#include <cctype>
#include <cstring>
#include <string_view>

#include "base/strings.h"
#include "onnx/reader.h"

namespace nf::onnx {

namespace {

bool startsWith(const uint8_t* p, size_t n, std::string_view magic) {
  return n >= magic.size() && std::memcmp(p, magic.data(), magic.size()) == 0;
}

// Known magic numbers of files people drop by mistake.
const char* magicDescription(const uint8_t* p, size_t n) {
  struct Magic {
    std::string_view bytes;
    const char* what;
  };
  static const Magic kMagics[] = {
      {"\x89PNG\r\n\x1a\n", "a PNG image"},
      {"\xff\xd8\xff", "a JPEG image"},
      {"GIF8", "a GIF image"},
      {"%PDF", "a PDF document"},
      {"PK\x03\x04", "a ZIP archive (a PyTorch .pt/.pth checkpoint or .keras file is a ZIP; export the model to ONNX first)"},
      {"\x1f\x8b", "a gzip-compressed file (decompress it first)"},
      {"BZh", "a bzip2-compressed file"},
      {"\xfd" "7zXZ", "an xz-compressed file"},
      {"\x89HDF\r\n\x1a\n", "an HDF5 file (a Keras .h5 model?)"},
      {"\x93NUMPY", "a NumPy array file"},
      {"\x80\x02", "a Python pickle (a PyTorch checkpoint?)"},
      {"\x7f" "ELF", "an executable (ELF)"},
      {std::string_view("\0asm", 4), "a WebAssembly module"},
      {"TFL3", "a TensorFlow Lite model (only ONNX is supported)"},
      {"RIFF", "a RIFF media file"},
  };
  for (const auto& m : kMagics)
    if (startsWith(p, n, m.bytes)) return m.what;
  if (n >= 8 && std::memcmp(p + 4, "TFL3", 4) == 0) return "a TensorFlow Lite model (only ONNX is supported)";
  return nullptr;
}

bool looksLikeText(const uint8_t* p, size_t n) {
  size_t printable = 0;
  for (size_t i = 0; i < n; ++i)
    if (std::isprint(p[i]) || p[i] == '\n' || p[i] == '\r' || p[i] == '\t' || p[i] >= 0x80) ++printable;
  return n > 0 && printable * 100 >= n * 97;
}

std::string textKind(const uint8_t* p, size_t n) {
  std::string_view s(reinterpret_cast<const char*>(p), n);
  size_t i = s.find_first_not_of(" \t\r\n\xef\xbb\xbf");
  if (i == std::string_view::npos) return "a text file containing only whitespace";
  char c = s[i];
  if (c == '{' || c == '[') return "a JSON/text file";
  if (c == '<') return s.substr(i, 5) == "<?xml" || s.substr(i, 4) == "<svg" ? "an XML/SVG file" : "an HTML/XML file";
  if (s.substr(i).rfind("ir_version", 0) == 0) return "an ONNX model in protobuf text format (save it in binary format)";
  return "a text file";
}

// Reads a varint at p; returns bytes used or 0 on failure.
size_t readVarint(const uint8_t* p, size_t n, uint64_t* out) {
  uint64_t v = 0;
  for (size_t i = 0; i < n && i < 10; ++i) {
    v |= static_cast<uint64_t>(p[i] & 0x7f) << (7 * i);
    if (!(p[i] & 0x80)) {
      *out = v;
      return i + 1;
    }
  }
  return 0;
}

// A ModelProto starts with one of its fields: ir_version(1, varint), opset_import(8),
// producer_name(2), producer_version(3), domain(4), model_version(5, varint),
// doc_string(6), graph(7), metadata_props(14), training_info(20), functions(25),
// configuration(26, newer ONNX). Check the first few fields for plausibility.
bool plausibleModelProto(const uint8_t* p, size_t n, uint64_t total) {
  size_t pos = 0;
  int fields = 0;
  while (pos < n && fields < 4) {
    uint64_t tag;
    size_t k = readVarint(p + pos, n - pos, &tag);
    if (!k) return fields > 0;
    pos += k;
    uint64_t field = tag >> 3, wire = tag & 7;
    if (field == 0 || field > 64) return false;
    switch (wire) {
      case 0: {
        uint64_t v;
        size_t m = readVarint(p + pos, n - pos, &v);
        if (!m) return fields > 0;
        if (field != 1 && field != 5) return false;
        pos += m;
        break;
      }
      case 2: {
        uint64_t len;
        size_t m = readVarint(p + pos, n - pos, &len);
        if (!m) return fields > 0;
        pos += m;
        if (len > total) return fields > 0;  // later decoding reports the bad length precisely
        if (!(field == 2 || field == 3 || field == 4 || field == 6 || field == 7 || field == 8 || field == 14 ||
              field == 20 || field == 25 || field == 26 || field >= 27))
          return false;
        pos += len;
        break;
      }
      default:
        return false;
    }
    ++fields;
  }
  return fields > 0;
}

}  // namespace

SniffResult sniffFormat(const uint8_t* head, size_t n, uint64_t total_size) {
  SniffResult r;
  if (total_size == 0) {
    r.description = "the file is empty";
    return r;
  }
  if (const char* what = magicDescription(head, n)) {
    r.description = std::string("this is ") + what + ", not an ONNX model";
    return r;
  }
  if (plausibleModelProto(head, n, total_size)) {
    r.maybe_onnx = true;
    r.description = "an ONNX model";
    return r;
  }
  if (looksLikeText(head, n)) {
    r.description = "this is " + textKind(head, n) + ", not an ONNX model";
    return r;
  }
  r.description = "this does not look like an ONNX model (the bytes are not a protobuf ModelProto)";
  return r;
}

}  // namespace nf::onnx
