// onnx/proto_slices.h - decoding a serialized ModelProto a batch of records at a time.
//
// protobuf's ParseFromArray decodes a whole model in one call (0.5 s for 100k nodes
// in the page), blocking it. Parsing a message is merging its records (tag + value)
// in wire order, so the same message comes out of merging consecutive runs of
// records one run at a time. ModelProtoSlices walks the ModelProto's records and,
// inside its GraphProto (field 7), the graph's records (nodes, initializers,
// value_info...), and merges them in runs of about kBatchBytes with protobuf-lite's
// own decoder (CodedInputStream), so each call to step() stops after its budget and
// the result is byte for byte the message ParseFromArray gives. Anything the walk
// does not expect (groups, a bad tag, a length past the end) is handed to protobuf
// with the rest of its message in one merge, so protobuf decides exactly as in one
// call; a failure gives the reader's one message for undecodable bytes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "onnx.pb.h"

namespace nf::onnx::detail {

class ModelProtoSlices {
 public:
  // Records merged per clock check.
  static constexpr size_t kBatchBytes = 64 * 1024;

  // `bytes` must stay alive and unchanged until done(). Tests pass a batch of 1 byte
  // (one record per merge).
  ModelProtoSlices(std::string_view bytes, ::onnx::ModelProto* out, size_t batch_bytes = kBatchBytes);

  // Merges batches until about budget_ms have passed (at least one batch); true
  // once every record is merged or decoding failed.
  bool step(double budget_ms);
  bool done() const { return done_; }
  bool failed() const { return failed_; }
  // Bytes merged so far (progress).
  size_t bytesDone() const { return pos_; }

 private:
  struct Level {
    size_t end = 0;                         // end of this message's bytes
    ::google::protobuf::MessageLite* msg;   // what its records are merged into
    int depth = 0;                          // nesting of `msg` below the ModelProto
  };
  // The end of the record starting at pos_ within `level`, or 0 when the walk does
  // not understand it (protobuf then decodes the rest of the level).
  size_t recordEnd(const Level& level, uint32_t* field, uint32_t* wire_type, size_t* payload) const;
  bool merge(const Level& level, size_t begin, size_t end);
  void batch();

  std::string_view bytes_;
  ::onnx::ModelProto* model_;
  size_t batch_bytes_;
  Level levels_[2];
  int top_ = 0;  // index of the level being walked
  size_t pos_ = 0;
  bool done_ = false;
  bool failed_ = false;
};

}  // namespace nf::onnx::detail
