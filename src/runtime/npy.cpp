#include "base/float16.h"
#include "runtime/npy.h"

#include <cstring>

namespace nf::runtime {

namespace {

using E = ir::ElemType;

struct Descr {
  const char* code;
  E type;
};
const Descr kDescrs[] = {
    {"<f4", E::Float}, {"<f8", E::Double}, {"<f2", E::Float16}, {"|i1", E::Int8}, {"<i2", E::Int16},
    {"<i4", E::Int32}, {"<i8", E::Int64}, {"|u1", E::Uint8}, {"<u2", E::Uint16}, {"<u4", E::Uint32},
    {"<u8", E::Uint64}, {"|b1", E::Bool},
};

// The value of 'key' in the header dict, up to the next top-level ',' or '}'.
std::string field(const std::string& h, const std::string& key) {
  size_t p = h.find("'" + key + "'");
  if (p == std::string::npos) return {};
  p = h.find(':', p);
  if (p == std::string::npos) return {};
  ++p;
  int depth = 0;
  size_t q = p;
  for (; q < h.size(); ++q) {
    if (h[q] == '(') ++depth;
    if (h[q] == ')') --depth;
    if (depth == 0 && (h[q] == ',' || h[q] == '}')) break;
  }
  std::string v = h.substr(p, q - p);
  const size_t a = v.find_first_not_of(" "), b = v.find_last_not_of(" ");
  return a == std::string::npos ? std::string{} : v.substr(a, b - a + 1);
}

}  // namespace

Result<Tensor> readNpy(const std::vector<uint8_t>& bytes) {
  if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0) return Error{"not a .npy file"};
  const int major = bytes[6];
  size_t header_len, start;
  if (major == 1) {
    header_len = bytes[8] | (bytes[9] << 8);
    start = 10;
  } else {
    if (bytes.size() < 12) return Error{"truncated .npy header"};
    header_len = bytes[8] | (bytes[9] << 8) | (bytes[10] << 16) | (static_cast<size_t>(bytes[11]) << 24);
    start = 12;
  }
  if (start + header_len > bytes.size()) return Error{"truncated .npy header"};
  const std::string h(bytes.begin() + static_cast<long>(start), bytes.begin() + static_cast<long>(start + header_len));
  std::string descr = field(h, "descr");
  if (descr.size() >= 2) descr = descr.substr(1, descr.size() - 2);
  if (descr == "=f4") descr = "<f4";
  if (field(h, "fortran_order") != "False") return Error{".npy file is not in C order"};
  E type = E::Undefined;
  for (const Descr& d : kDescrs)
    if (descr == d.code || (descr.size() == 3 && std::string(d.code).substr(1) == descr.substr(1) && descr[0] == '|'))
      type = d.type;
  if (type == E::Undefined) return Error{".npy dtype '" + descr + "' is not supported"};
  std::string shape_s = field(h, "shape");
  std::vector<int64_t> shape;
  for (size_t p = 0; p < shape_s.size();) {
    if (shape_s[p] >= '0' && shape_s[p] <= '9') {
      size_t q = p;
      int64_t v = 0;
      while (q < shape_s.size() && shape_s[q] >= '0' && shape_s[q] <= '9') {
        if (v > (int64_t{1} << 50)) return Error{".npy shape is too large"};
        v = v * 10 + (shape_s[q++] - '0');
      }
      shape.push_back(v);
      p = q;
    } else {
      ++p;
    }
  }
  const int64_t n = shapeCount(shape);
  const size_t raw = type == E::Float16 ? 2 : storedSize(type);
  int64_t need = 0;
  if (n < 0 || !checkedSizeMul(n, static_cast<int64_t>(raw), &need)) return Error{".npy shape is too large"};
  const uint8_t* data = bytes.data() + start + header_len;
  if (bytes.size() - start - header_len < static_cast<size_t>(need))
    return Error{".npy data is truncated (" + std::to_string(need) + " bytes expected)"};
  Tensor t = makeTensor(type, shape);
  if (type == E::Float16) {
    for (int64_t i = 0; i < n; ++i) {
      uint16_t b;
      std::memcpy(&b, data + 2 * i, 2);
      t.data<float>()[i] = halfToFloat(b);
    }
  } else if (need > 0) {
    std::memcpy(t.buffer->bytes.data(), data, static_cast<size_t>(need));
  }
  return t;
}

std::vector<uint8_t> writeNpy(const Tensor& t) {
  const char* code = "<f4";
  for (const Descr& d : kDescrs)
    if (d.type == t.type) code = d.code;
  Tensor src = t;
  if (t.type == E::BFloat16) {  // no numpy dtype: written as float32
    src.type = E::Float;
    code = "<f4";
  }
  std::string shape = "(";
  for (size_t i = 0; i < t.shape.size(); ++i) shape += std::to_string(t.shape[i]) + (t.shape.size() == 1 || i + 1 < t.shape.size() ? "," : "");
  shape += ")";
  std::string header = std::string("{'descr': '") + code + "', 'fortran_order': False, 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, static_cast<uint8_t>(header.size() & 0xFF),
                              static_cast<uint8_t>(header.size() >> 8)};
  out.insert(out.end(), header.begin(), header.end());
  const int64_t n = t.count();
  if (src.type == E::Float16) {
    for (int64_t i = 0; i < n; ++i) {
      const uint16_t h = floatToHalf(src.data<float>()[i]);
      out.push_back(static_cast<uint8_t>(h & 0xFF));
      out.push_back(static_cast<uint8_t>(h >> 8));
    }
  } else if (src.buffer) {
    out.insert(out.end(), src.buffer->bytes.begin(), src.buffer->bytes.begin() + n * static_cast<int64_t>(storedSize(src.type)));
  }
  return out;
}

}  // namespace nf::runtime
