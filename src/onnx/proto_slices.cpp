#include "onnx/proto_slices.h"

#include <google/protobuf/io/coded_stream.h>

#include "base/timing.h"

namespace nf::onnx::detail {

namespace {
constexpr uint32_t kGraphField = 7;  // ModelProto.graph
constexpr uint32_t kLengthDelimited = 2;

// Reads a varint of at most max_bytes at *p (< end); false when it does not end in time.
bool readVarint(const uint8_t*& p, const uint8_t* end, int max_bytes, uint64_t* out) {
  uint64_t v = 0;
  for (int i = 0; i < max_bytes && p < end; ++i) {
    const uint8_t b = *p++;
    v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) {
      *out = v;
      return true;
    }
  }
  return false;
}
}  // namespace

ModelProtoSlices::ModelProtoSlices(std::string_view bytes, ::onnx::ModelProto* out, size_t batch_bytes)
    : bytes_(bytes), model_(out), batch_bytes_(batch_bytes) {
  levels_[0] = Level{bytes.size(), out, 0};
  done_ = bytes.empty();
}

size_t ModelProtoSlices::recordEnd(const Level& level, uint32_t* field, uint32_t* wire_type, size_t* payload) const {
  const auto* base = reinterpret_cast<const uint8_t*>(bytes_.data());
  const uint8_t* p = base + pos_;
  const uint8_t* end = base + level.end;
  uint64_t tag = 0;
  if (!readVarint(p, end, 5, &tag) || tag > 0xffffffffu || (tag >> 3) == 0) return 0;
  *field = static_cast<uint32_t>(tag >> 3);
  *wire_type = static_cast<uint32_t>(tag & 7);
  uint64_t value = 0;
  switch (*wire_type) {
    case 0:
      if (!readVarint(p, end, 10, &value)) return 0;
      break;
    case 1:
      if (end - p < 8) return 0;
      p += 8;
      break;
    case 5:
      if (end - p < 4) return 0;
      p += 4;
      break;
    case kLengthDelimited:
      if (!readVarint(p, end, 10, &value) || value > static_cast<uint64_t>(end - p)) return 0;
      *payload = static_cast<size_t>(p - base);
      p += value;
      break;
    default:  // groups (which ONNX never uses) and invalid wire types: protobuf's call
      return 0;
  }
  return static_cast<size_t>(p - base);
}

bool ModelProtoSlices::merge(const Level& level, size_t begin, size_t end) {
  if (begin == end) return true;
  ::google::protobuf::io::CodedInputStream input(reinterpret_cast<const uint8_t*>(bytes_.data()) + begin,
                                                 static_cast<int>(end - begin));
  // Nested as deep as in the whole message, so nesting limits hit at the same place.
  input.SetRecursionLimit(::google::protobuf::io::CodedInputStream::GetDefaultRecursionLimit() - level.depth);
  return level.msg->MergeFromCodedStream(&input) && input.ConsumedEntireMessage();
}

void ModelProtoSlices::batch() {
  const Level& level = levels_[top_];
  const size_t run_begin = pos_;
  while (pos_ < level.end && pos_ - run_begin < batch_bytes_) {
    uint32_t field = 0, wire_type = 0;
    size_t payload = 0;
    const size_t record_end = recordEnd(level, &field, &wire_type, &payload);
    if (record_end == 0) {  // not understood here: protobuf decodes the rest of the message
      pos_ = level.end;
      break;
    }
    if (top_ == 0 && field == kGraphField && wire_type == kLengthDelimited) {
      if (!merge(level, run_begin, pos_)) {
        failed_ = done_ = true;
        return;
      }
      levels_[1] = Level{record_end, model_->mutable_graph(), 1};
      top_ = 1;
      pos_ = payload;
      return;
    }
    pos_ = record_end;
  }
  if (!merge(level, run_begin, pos_)) {
    failed_ = done_ = true;
    return;
  }
  if (pos_ >= level.end) {
    if (top_ == 0) done_ = true;
    else --top_;
  }
}

bool ModelProtoSlices::step(double budget_ms) {
  const auto t0 = SteadyClock::now();
  do batch();
  while (!done_ && msSince(t0) < budget_ms);
  return done_;
}

}  // namespace nf::onnx::detail
