// Tensors whose dims multiply past 2^64 bits: the size check must see the real
// size (not a wrapped one), so decoding and statistics refuse instead of reading
// past the few bytes the file holds.
#include <gtest/gtest.h>

#include <memory>
#include <tuple>

#include "base/checked.h"
#include "onnx.pb.h"
#include "onnx/reader.h"
#include "weights/decode.h"
#include "weights/stats.h"

namespace nf::weights {
namespace {

constexpr int64_t k2p58 = int64_t{1} << 58;
constexpr int64_t k2p62 = int64_t{1} << 62;

ir::Tensor inlineTensor(ir::ElemType t, std::vector<int64_t> dims, size_t nbytes) {
  ir::Tensor x;
  x.elem = t;
  x.dims = std::move(dims);
  x.bytes.assign(nbytes, 0x11);
  x.storage = ir::Tensor::Storage::Inline;
  return x;
}

void expectOverflowError(const ir::Tensor& t) {
  ir::Model m;
  auto stats = computeStats(m, t);
  ASSERT_FALSE(stats.ok());
  EXPECT_NE(stats.error().message.find("does not fit in 64 bits"), std::string::npos) << stats.error().message;
  auto elems = readElements(m, t, 0, 1);
  ASSERT_FALSE(elems.ok());
  EXPECT_NE(elems.error().message.find("does not fit in 64 bits"), std::string::npos) << elems.error().message;
  EXPECT_FALSE(t.checkedByteSize().has_value());
  EXPECT_TRUE(isOverflow(t.byteSize()));
}

TEST(SizeOverflow, DoubleOfTwoTo58ElementsWithEightBytes) {
  // 2^58 * 64 bits = 2^64: wrapped, the old check "needed" 0 bytes.
  expectOverflowError(inlineTensor(ir::ElemType::Double, {k2p58}, 8));
}

TEST(SizeOverflow, Int4OfTwoTo62Elements) {
  // 2^62 * 4 bits = 2^64 bits: the same wrap for a packed sub-byte type.
  expectOverflowError(inlineTensor(ir::ElemType::Int4, {k2p62}, 1));
}

TEST(SizeOverflow, DimsWhoseProductOverflows) {
  expectOverflowError(inlineTensor(ir::ElemType::Float, {int64_t{1} << 40, int64_t{1} << 40}, 4));
  // A zero dim makes the tensor empty however large the others are.
  ir::Tensor empty = inlineTensor(ir::ElemType::Float, {int64_t{1} << 40, int64_t{1} << 40, 0}, 0);
  EXPECT_EQ(empty.elementCount(), 0);
  EXPECT_EQ(empty.checkedByteSize(), std::optional<uint64_t>(0));
}

TEST(SizeOverflow, LargestSizeThatFitsStillChecksTheData) {
  // 2^60 int4 elements need 2^59 bytes: representable, so the message is the
  // ordinary "holds N bytes but needs M", not an overflow.
  ir::Model m;
  auto r = readElements(m, inlineTensor(ir::ElemType::Int4, {int64_t{1} << 60}, 8), 0, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("576460752303423488"), std::string::npos) << r.error().message;
}

TEST(SizeOverflow, CraftedOnnxFileGivesAnErrorNotACrash) {
  // The same tensors as an initializer in a real file, through the reader.
  for (auto [type, dim, raw] : {std::tuple{11 /* DOUBLE */, k2p58, std::string(8, '\x01')},
                                std::tuple{22 /* INT4 */, k2p62, std::string(1, '\x01')}}) {
    ::onnx::ModelProto mp;
    mp.set_ir_version(8);
    mp.add_opset_import()->set_version(17);
    auto* g = mp.mutable_graph();
    g->set_name("g");
    auto* t = g->add_initializer();
    t->set_name("w");
    t->set_data_type(type);
    t->add_dims(dim);
    t->set_raw_data(raw);
    auto* out = g->add_output();
    out->set_name("w");
    std::string bytes = mp.SerializeAsString();
    auto model = onnx::readModel(std::make_shared<MemorySource>(std::vector<uint8_t>(bytes.begin(), bytes.end())),
                                 "crafted.onnx");
    ASSERT_TRUE(model.ok()) << model.error().message;
    ASSERT_EQ(model->main().initializers.size(), 1u);
    auto stats = computeStats(*model, model->main().initializers[0]);
    ASSERT_FALSE(stats.ok());
    EXPECT_NE(stats.error().message.find("does not fit in 64 bits"), std::string::npos) << stats.error().message;
  }
}

}  // namespace
}  // namespace nf::weights
