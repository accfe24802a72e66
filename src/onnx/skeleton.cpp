#include "onnx/skeleton.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "base/timing.h"

namespace nf::onnx::detail {

namespace {

// Buffered random access over a ByteSource. Uses the source's memory directly when
// it has any; otherwise reads windows of a few KiB (a browser source crosses into
// JavaScript for every read, so reads are batched).
class Cursor {
 public:
  explicit Cursor(const ByteSource& src) : src_(src), direct_(src.data()), size_(src.size()) {}
  uint64_t size() const { return size_; }

  // Pointer to bytes [pos, pos+n), valid until the next call; null if out of range.
  const uint8_t* at(uint64_t pos, size_t n) {
    if (pos > size_ || n > size_ - pos) return nullptr;
    if (direct_) return direct_ + pos;
    if (pos < win_begin_ || pos + n > win_begin_ + window_.size()) {
      size_t want = std::max<size_t>(n, kWindow);
      want = static_cast<size_t>(std::min<uint64_t>(want, size_ - pos));
      window_.resize(want);
      if (!src_.read(pos, window_.data(), want)) {
        window_.clear();
        return nullptr;
      }
      win_begin_ = pos;
    }
    return window_.data() + (pos - win_begin_);
  }

  // Reads a varint at *pos, not crossing `limit`. False if truncated or too long.
  bool varint(uint64_t* pos, uint64_t limit, uint64_t* out) {
    uint64_t v = 0;
    for (int i = 0; i < 10; ++i) {
      if (*pos >= limit) return false;
      const uint8_t* b = at(*pos, 1);
      if (!b) return false;
      ++*pos;
      v |= static_cast<uint64_t>(*b & 0x7f) << (7 * i);
      if (!(*b & 0x80)) {
        *out = v;
        return true;
      }
    }
    return false;
  }

  // Appends bytes [pos, pos+n) to out.
  bool copy(uint64_t pos, uint64_t n, std::string* out) {
    while (n > 0) {
      size_t chunk = static_cast<size_t>(std::min<uint64_t>(n, kWindow));
      const uint8_t* p = at(pos, chunk);
      if (!p) return false;
      out->append(reinterpret_cast<const char*>(p), chunk);
      pos += chunk;
      n -= chunk;
    }
    return true;
  }

 private:
  static constexpr size_t kWindow = 16 * 1024;
  const ByteSource& src_;
  const uint8_t* direct_;
  uint64_t size_;
  std::vector<uint8_t> window_;
  uint64_t win_begin_ = 0;
};

enum class Kind { Model, Graph, Node, Attribute, Tensor, SparseTensor, Function, TrainingInfo, Opaque };

// Which length-delimited fields hold messages that can (transitively) hold tensors.
Kind childKind(Kind parent, uint64_t field) {
  switch (parent) {
    case Kind::Model:
      if (field == 7) return Kind::Graph;
      if (field == 20) return Kind::TrainingInfo;
      if (field == 25) return Kind::Function;
      break;
    case Kind::TrainingInfo:
      if (field == 1 || field == 2) return Kind::Graph;
      break;
    case Kind::Graph:
      if (field == 1) return Kind::Node;
      if (field == 5) return Kind::Tensor;
      if (field == 15) return Kind::SparseTensor;
      break;
    case Kind::Node:
      if (field == 5) return Kind::Attribute;
      break;
    case Kind::Attribute:
      if (field == 5 || field == 10) return Kind::Tensor;
      if (field == 6 || field == 11) return Kind::Graph;
      if (field == 22 || field == 23) return Kind::SparseTensor;
      break;
    case Kind::Function:
      if (field == 7) return Kind::Node;
      break;
    case Kind::SparseTensor:
      if (field == 1 || field == 2) return Kind::Tensor;
      break;
    default:
      break;
  }
  return Kind::Opaque;
}

void putVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

std::string varintBytes(uint64_t v) {
  std::string s;
  putVarint(&s, v);
  return s;
}

struct Marker {
  uint64_t field, offset, length;
};

Status truncatedAt(uint64_t at, uint64_t size) {
  return Error{"the file is truncated or corrupt (protobuf decoding stopped at byte " + std::to_string(at) + " of " +
               std::to_string(size) + ")"};
}
Status corruptAt(uint64_t at, const char* what) {
  return Error{"the file is corrupt: byte " + std::to_string(at) + " holds " + what};
}

}  // namespace

// The walk keeps its own stack of open messages (not the C++ stack), so it can stop
// between any two records and resume.
struct SkeletonJob::State {
  struct Frame {
    Kind kind;
    uint64_t pos, end;  // the next record, the end of the message
    int depth;
    size_t mark;  // where the message's copied content starts in the output
    std::vector<Marker> markers;
  };
  State(const ByteSource& src, const ReadOptions& opt) : cur(src), opt(opt) {}
  Cursor cur;
  const ReadOptions& opt;
  Skeleton out;
  std::vector<Frame> stack;
};

SkeletonJob::SkeletonJob(const ByteSource& src, const ReadOptions& options, uint32_t records_per_check)
    : s_(std::make_unique<State>(src, options)), records_per_check_(std::max<uint32_t>(records_per_check, 1)) {
  s_->out.bytes.reserve(static_cast<size_t>(std::min<uint64_t>(src.size(), 1u << 20)));
  s_->stack.push_back(State::Frame{Kind::Model, 0, src.size(), 0, 0, {}});
}

SkeletonJob::~SkeletonJob() = default;

// Closes the innermost message: its payload markers, then (for a nested one) the
// length prefix of what was copied of it.
void SkeletonJob::closeFrame() {
  State& st = *s_;
  std::string& out = st.out.bytes;
  State::Frame& f = st.stack.back();
  for (const Marker& m : f.markers) {
    std::string value = std::to_string(m.field) + ":" + std::to_string(m.offset) + ":" + std::to_string(m.length);
    std::string entry;
    entry.push_back(static_cast<char>((1 << 3) | 2));
    putVarint(&entry, std::strlen(kSourceRefKey));
    entry += kSourceRefKey;
    entry.push_back(static_cast<char>((2 << 3) | 2));
    putVarint(&entry, value.size());
    entry += value;
    out.push_back(static_cast<char>((13 << 3) | 2));  // TensorProto.external_data
    putVarint(&out, entry.size());
    out += entry;
  }
  const bool nested = st.stack.size() > 1;
  const size_t mark = f.mark;
  st.stack.pop_back();
  if (nested) out.insert(mark, varintBytes(out.size() - mark));
}

Status SkeletonJob::record() {
  State& st = *s_;
  std::string& out = st.out.bytes;
  State::Frame& f = st.stack.back();
  const uint64_t end = f.end;
  uint64_t pos = f.pos;
  uint64_t tag_start = pos, tag;
  if (!st.cur.varint(&pos, end, &tag)) return truncatedAt(tag_start, st.cur.size());
  uint64_t field = tag >> 3, wire = tag & 7;
  if (field == 0) return corruptAt(tag_start, "a field number of 0");
  switch (wire) {
    case 0: {
      uint64_t v;
      if (!st.cur.varint(&pos, end, &v)) return truncatedAt(tag_start, st.cur.size());
      if (!st.cur.copy(tag_start, pos - tag_start, &out)) return truncatedAt(tag_start, st.cur.size());
      break;
    }
    case 1:
    case 5: {
      uint64_t n = wire == 1 ? 8 : 4;
      if (end - pos < n) return truncatedAt(tag_start, st.cur.size());
      pos += n;
      if (!st.cur.copy(tag_start, pos - tag_start, &out)) return truncatedAt(tag_start, st.cur.size());
      break;
    }
    case 2: {
      uint64_t len, len_pos = pos;
      if (!st.cur.varint(&pos, end, &len)) return truncatedAt(tag_start, st.cur.size());
      if (len > end - pos)
        return Error{"the file is truncated or corrupt: a field at byte " + std::to_string(tag_start) + " claims " +
                     std::to_string(len) + " bytes but only " + std::to_string(end - pos) + " remain"};
      uint64_t payload = pos;
      pos += len;
      Kind child = childKind(f.kind, field);
      bool payload_field = f.kind == Kind::Tensor && (field == 9 || field == 4 || field == 10);
      if (payload_field && len >= st.opt.inline_limit) {
        f.markers.push_back({field, payload, len});
        st.out.elided_payloads++;
        st.out.elided_bytes += len;
      } else if (child != Kind::Opaque && len >= st.opt.inline_limit) {
        // Only a message at least as big as the inline limit can hold a payload to elide.
        const int depth = f.depth + 1;
        if (depth > st.opt.max_depth)
          return Error{"subgraphs or messages are nested more than " + std::to_string(st.opt.max_depth) +
                       " levels deep (corrupt or hostile file)"};
        if (!st.cur.copy(tag_start, len_pos - tag_start, &out)) return truncatedAt(tag_start, st.cur.size());
        f.pos = pos;
        st.stack.push_back(State::Frame{child, payload, payload + len, depth, out.size(), {}});  // f is stale now
        return {};
      } else {
        if (!st.cur.copy(tag_start, pos - tag_start, &out)) return truncatedAt(tag_start, st.cur.size());
      }
      break;
    }
    case 3:
    case 4:
      return corruptAt(tag_start, "protobuf groups, which ONNX never uses");
    default:
      return corruptAt(tag_start, "an invalid wire type");
  }
  f.pos = pos;
  return {};
}

bool SkeletonJob::step(double budget_ms) {
  if (done_) return true;
  const auto t0 = SteadyClock::now();
  for (uint32_t n = 1; !s_->stack.empty(); ++n) {
    if (s_->stack.back().pos >= s_->stack.back().end) {
      closeFrame();
      continue;
    }
    if (Status s = record(); !s) {
      error_ = s.message();
      break;
    }
    // A record takes well under a microsecond: the clock is read now and then.
    if (n % records_per_check_ == 0 && msSince(t0) >= budget_ms) return false;
  }
  done_ = true;
  return true;
}

Result<Skeleton> SkeletonJob::take() {
  if (!error_.empty()) return Error{error_};
  if (!done_) return Error{"the skeleton is not built yet"};
  return std::move(s_->out);
}

Result<Skeleton> buildSkeleton(const ByteSource& src, const ReadOptions& options) {
  SkeletonJob job(src, options);
  while (!job.step(std::numeric_limits<double>::infinity())) {
  }
  return job.take();
}

}  // namespace nf::onnx::detail
