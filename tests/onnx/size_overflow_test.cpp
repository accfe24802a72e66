// External data without a length: the reader derives it from the dims, which may
// claim more than 64 bits hold; that is a warning, never a wrapped length.
#include <gtest/gtest.h>

#include "onnx.pb.h"
#include "onnx/reader.h"

namespace nf {
namespace {

TEST(SizeOverflow, ExternalTensorWithOverflowingDimsAndNoLength) {
  ::onnx::ModelProto mp;
  mp.set_ir_version(8);
  mp.add_opset_import()->set_version(17);
  auto* g = mp.mutable_graph();
  g->set_name("g");
  auto* t = g->add_initializer();
  t->set_name("w");
  t->set_data_type(11);  // DOUBLE: 2^58 of them are 2^64 bytes
  t->add_dims(int64_t{1} << 58);
  t->set_data_location(::onnx::TensorProto::EXTERNAL);
  auto* loc = t->add_external_data();
  loc->set_key("location");
  loc->set_value("w.bin");
  g->add_output()->set_name("w");
  std::string bytes = mp.SerializeAsString();
  auto r = onnx::readModel(std::make_shared<MemorySource>(std::vector<uint8_t>(bytes.begin(), bytes.end())), "m.onnx");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->main().initializers.size(), 1u);
  EXPECT_EQ(r->main().initializers[0].storage, ir::Tensor::Storage::None);
  bool warned = false;
  for (const auto& w : r->warnings) warned = warned || w.find("does not fit in 64 bits") != std::string::npos;
  EXPECT_TRUE(warned);
}

}  // namespace
}  // namespace nf
