#include "onnx/test_data.h"

#include <cstdio>

#include "onnx.pb.h"
#include "onnx/convert.h"
#include "onnx/tensor_file.h"

namespace nf::onnx {

namespace {

// Minimal protobuf wire reader for SequenceProto / OptionalProto (onnx-data.proto,
// not part of Debian's onnx.proto): only length-delimited fields are of interest.
struct Wire {
  const uint8_t* p;
  const uint8_t* end;
  bool varint(uint64_t* v) {
    *v = 0;
    for (int s = 0; s < 64 && p < end; s += 7) {
      const uint8_t b = *p++;
      *v |= static_cast<uint64_t>(b & 0x7F) << s;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  // Calls f(field, data, size) for length-delimited fields; skips others.
  template <class F>
  bool each(F&& f) {
    while (p < end) {
      uint64_t key, v;
      if (!varint(&key)) return false;
      const uint32_t field = static_cast<uint32_t>(key >> 3), type = key & 7;
      if (type == 0) {
        if (!varint(&v)) return false;
      } else if (type == 2) {
        if (!varint(&v) || v > static_cast<uint64_t>(end - p)) return false;
        if (!f(field, p, static_cast<size_t>(v))) return false;
        p += v;
      } else if (type == 1) {
        if (end - p < 8) return false;
        p += 8;
      } else if (type == 5) {
        if (end - p < 4) return false;
        p += 4;
      } else {
        return false;
      }
    }
    return true;
  }
};

bool parseTensor(const uint8_t* data, size_t n, std::vector<ir::Tensor>* out) {
  ::onnx::TensorProto proto;
  if (!proto.ParseFromArray(data, static_cast<int>(n))) return false;
  ir::Model scratch;
  scratch.sources.push_back({});
  out->push_back(detail::convertTensor(proto, &scratch, nullptr));
  return true;
}

bool parseSequence(const uint8_t* data, size_t n, TestValue* v) {
  v->kind = TestValue::Kind::Sequence;
  Wire w{data, data + n};
  return w.each([&](uint32_t field, const uint8_t* d, size_t len) {
    if (field == 3) return parseTensor(d, len, &v->tensors);
    return field == 1;  // name; sparse/map/nested sequences are not supported
  });
}

}  // namespace

Result<TestValue> readTestValueFile(const std::string& path, const ir::Type& expected) {
  TestValue v;
  if (expected.kind == ir::Type::Kind::Tensor || expected.kind == ir::Type::Kind::None) {
    auto t = readTensorFile(path);
    if (!t) return t.error();
    v.tensors.push_back(std::move(t.value()));
    return v;
  }
  std::vector<uint8_t> bytes;
  std::string err;
  if (!readWholeFile(path, &bytes, &err)) return Error{err};
  Wire w{bytes.data(), bytes.data() + bytes.size()};
  bool ok = false;
  if (expected.kind == ir::Type::Kind::Sequence) {
    ok = parseSequence(bytes.data(), bytes.size(), &v);
  } else if (expected.kind == ir::Type::Kind::Optional) {
    v.kind = TestValue::Kind::EmptyOptional;
    ok = w.each([&](uint32_t field, const uint8_t* d, size_t len) {
      if (field == 3) {
        v.kind = TestValue::Kind::Tensor;
        return parseTensor(d, len, &v.tensors);
      }
      if (field == 5) return parseSequence(d, len, &v);
      return field == 1;
    });
  } else {
    return Error{"'" + path + "': test values of this type are not supported"};
  }
  if (!ok) return Error{"'" + path + "' is not a valid SequenceProto/OptionalProto"};
  return v;
}

Status writeTensorFile(const std::string& path, const ir::Tensor& t) {
  ::onnx::TensorProto proto;
  proto.set_name(t.name);
  proto.set_data_type(static_cast<int32_t>(t.elem));
  for (int64_t d : t.dims) proto.add_dims(d);
  if (t.elem == ir::ElemType::String) {
    for (const auto& s : t.strings) proto.add_string_data(s);
  } else {
    proto.set_raw_data(std::string(t.bytes.begin(), t.bytes.end()));
  }
  std::string out;
  if (!proto.SerializeToString(&out)) return Error{"could not serialize tensor '" + t.name + "'"};
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Error{"cannot write '" + path + "'"};
  const bool ok = std::fwrite(out.data(), 1, out.size(), f) == out.size();
  if (std::fclose(f) != 0 || !ok) return Error{"writing '" + path + "' failed"};
  return {};
}

}  // namespace nf::onnx
