// The ModelProto decoded a batch of records at a time (onnx/proto_slices.h, what the
// page uses so that opening never blocks on one long parse) is exactly the message
// protobuf's one-call ParseFromArray gives, on every corpus file; broken bytes fail
// the same way, with the reader's one message.
#include <gtest/gtest.h>

#include <random>

#include "onnx.pb.h"
#include "onnx/proto_slices.h"
#include "onnx/reader.h"
#include "onnx/sample_model.h"
#include "onnx/skeleton.h"
#include "support/test_support.h"

namespace nf {
namespace {

struct Decoded {
  bool ok = false;
  std::string serialized;  // the decoded message written back, when ok
  int steps = 0;
};

Decoded oneCall(const std::string& bytes) {
  ::onnx::ModelProto proto;
  Decoded d;
  d.ok = proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
  if (d.ok) d.serialized = proto.SerializeAsString();
  d.steps = 1;
  return d;
}

// With a zero budget every step merges one batch.
Decoded sliced(const std::string& bytes, size_t batch_bytes) {
  ::onnx::ModelProto proto;
  onnx::detail::ModelProtoSlices decoder(bytes, &proto, batch_bytes);
  Decoded d;
  while (!decoder.done()) {
    decoder.step(0);
    ++d.steps;
  }
  d.ok = !decoder.failed();
  if (d.ok) d.serialized = proto.SerializeAsString();
  return d;
}

std::string skeletonOf(const std::string& path) {
  std::string err;
  auto src = openFileSource(path, &err);
  EXPECT_TRUE(src) << err;
  if (!src) return {};
  auto sk = onnx::detail::buildSkeleton(*src, onnx::ReadOptions{});
  EXPECT_TRUE(sk.ok()) << (sk.ok() ? "" : sk.error().message);
  return sk.ok() ? sk->bytes : std::string();
}

void expectSame(const Decoded& want, const Decoded& got) {
  ASSERT_EQ(want.ok, got.ok);
  EXPECT_TRUE(want.serialized == got.serialized) << "the sliced decoding differs from ParseFromArray";
}

TEST(ProtoSlices, EveryCorpusModelDecodesToTheSameMessageOneRecordAtATime) {
  if (!test::corpusAvailable()) GTEST_SKIP() << "corpus not found at " << test::corpusPath("");
  int files = 0, multi_step = 0;
  for (const auto& f : test::corpusManifest()["files"]) {
    const std::string path = f["path"];
    SCOPED_TRACE(path);
    const std::string bytes = skeletonOf(test::corpusPath(path));
    const Decoded want = oneCall(bytes);
    ASSERT_TRUE(want.ok);
    const Decoded by_record = sliced(bytes, 1);
    expectSame(want, by_record);
    expectSame(want, sliced(bytes, onnx::detail::ModelProtoSlices::kBatchBytes));
    ++files;
    if (by_record.steps > 2) ++multi_step;
  }
  EXPECT_GT(files, 900);
  EXPECT_GT(multi_step, files * 9 / 10);  // nearly every model took many slices
}

TEST(SkeletonJob, StoppingAfterEveryRecordGivesTheSameSkeleton) {
  if (!test::corpusAvailable()) GTEST_SKIP() << "corpus not found at " << test::corpusPath("");
  int files = 0, stepped_often = 0;
  for (const auto& f : test::corpusManifest()["files"]) {
    if (files++ % 4) continue;  // a quarter of the corpus: the walk is the same code for all
    const std::string path = f["path"];
    SCOPED_TRACE(path);
    std::string err;
    auto src = openFileSource(test::corpusPath(path), &err);
    ASSERT_TRUE(src) << err;
    onnx::detail::SkeletonJob job(*src, onnx::ReadOptions{}, 1);
    int steps = 1;
    while (!job.step(0)) ++steps;
    stepped_often += steps > 10;
    auto sliced = job.take();
    auto whole = onnx::detail::buildSkeleton(*src, onnx::ReadOptions{});
    ASSERT_TRUE(sliced.ok() && whole.ok());
    EXPECT_TRUE(sliced->bytes == whole->bytes);
    EXPECT_EQ(sliced->elided_payloads, whole->elided_payloads);
  }
  EXPECT_GT(stepped_often, 20);  // the models big enough to hold many records at the top levels
}

TEST(ProtoSlices, TruncatedOrCorruptBytesFailExactlyWhenTheOneCallParseFails) {
  const std::string model = onnx::makeSampleModel();
  std::mt19937 rng(16);
  int failures = 0, cases = 0;
  for (size_t cut = 0; cut < model.size(); cut += 7, ++cases) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    const std::string bytes = model.substr(0, cut);
    const Decoded want = oneCall(bytes);
    expectSame(want, sliced(bytes, 1));
    failures += !want.ok;
  }
  for (int i = 0; i < 1500; ++i, ++cases) {
    std::string bytes = model;
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < flips; ++k) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    SCOPED_TRACE("mutation " + std::to_string(i));
    const Decoded want = oneCall(bytes);
    expectSame(want, sliced(bytes, 1 + rng() % 64));
    failures += !want.ok;
  }
  EXPECT_GT(failures, cases / 4);  // the cases do exercise failures
}

// A chain of If nodes whose then_branch holds the next graph: nested messages, small
// enough that the skeleton pass copies them untouched. `extra` (0-2) nests the
// innermost graph one or two messages deeper, so every depth is tried.
std::string nestedModel(int levels, int extra) {
  ::onnx::GraphProto inner;
  inner.set_name("g0");
  if (extra > 0) {
    auto* node = inner.add_node();
    node->set_op_type("Relu");
    if (extra > 1) node->add_attribute()->set_name("a");
  }
  for (int i = 1; i < levels; ++i) {
    ::onnx::GraphProto outer;
    outer.set_name("g");
    auto* node = outer.add_node();
    node->set_op_type("If");
    auto* attr = node->add_attribute();
    attr->set_name("then_branch");
    *attr->mutable_g() = inner;
    inner = outer;
  }
  ::onnx::ModelProto m;
  m.set_ir_version(8);
  *m.mutable_graph() = inner;
  return m.SerializeAsString();
}

TEST(ProtoSlices, NestingLimitIsReachedAtTheSameDepth) {
  // Each level nests a graph, a node and an attribute: protobuf's limit of 100 nested
  // messages falls near level 33.
  int accepted = 0, refused = 0;
  for (int depth = 28 * 3; depth <= 38 * 3; ++depth) {
    SCOPED_TRACE(depth);
    const std::string bytes = nestedModel(depth / 3, depth % 3);
    const Decoded want = oneCall(bytes);
    expectSame(want, sliced(bytes, 1));
    (want.ok ? accepted : refused)++;
  }
  EXPECT_GT(accepted, 0);
  EXPECT_GT(refused, 0);
}

TEST(ReadJob, TinySlicesGiveTheModelOfOneCall) {
  const std::string bytes = onnx::makeSampleModel();
  auto source = std::make_shared<MemorySource>(std::vector<uint8_t>(bytes.begin(), bytes.end()));
  auto whole = onnx::readModel(source, "sample.onnx");
  ASSERT_TRUE(whole.ok());
  onnx::ReadJob job(source, "sample.onnx");
  int steps = 0;
  while (!job.step(0)) ++steps;
  EXPECT_GT(job.timings().decode_slices, 2);
  auto sliced_model = job.take();
  ASSERT_TRUE(sliced_model.ok()) << sliced_model.error().message;
  const ir::Graph& a = whole->main();
  const ir::Graph& b = sliced_model->main();
  ASSERT_EQ(a.nodes.size(), b.nodes.size());
  for (size_t i = 0; i < a.nodes.size(); ++i) {
    EXPECT_EQ(a.nodes[i].name, b.nodes[i].name);
    EXPECT_EQ(a.nodes[i].op_type, b.nodes[i].op_type);
    EXPECT_EQ(a.nodes[i].inputs.size(), b.nodes[i].inputs.size());
  }
  EXPECT_EQ(a.initializers.size(), b.initializers.size());
  EXPECT_EQ(whole->opTypes(), sliced_model->opTypes());
}

TEST(ReadJob, TruncatedFileGivesTheReadersClearError) {
  const std::string bytes = onnx::makeSampleModel().substr(0, 5000);
  auto source = std::make_shared<MemorySource>(std::vector<uint8_t>(bytes.begin(), bytes.end()));
  onnx::ReadJob job(source, "cut.onnx");
  while (!job.step(0)) {
  }
  auto r = job.take();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("truncated"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message, onnx::readModel(source, "cut.onnx").error().message);
}

}  // namespace
}  // namespace nf
