// The runtime's kernels hang off the op registry (shapes/op_registry.h): every
// kernel's op has an entry, and findKernel finds each kernel through it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/kernel_context.h"
#include "shapes/op_registry.h"

using namespace nf;
using namespace nf::runtime;

TEST(KernelRegistry, EveryKernelHasARegistryEntry) {
  const std::vector<KernelEntry>* families[] = {
      &elementwiseKernels(), &reduceKernels(),  &convKernels(),    &linalgKernels(),    &shapeKernels(),
      &indexKernels(),       &normKernels(),    &rnnKernels(),     &controlKernels(),   &quantKernels(),
      &miscKernels(),        &attentionKernels(), &textKernels(),  &imageKernels(),     &trainingKernels()};
  int kernels = 0;
  std::string missing;
  for (const auto* family : families)
    for (const KernelEntry& e : *family) {
      ++kernels;
      const shapes::OpSpec* op = shapes::findOp(e.domain, e.op_type);
      if (!op) {
        missing += std::string(" ") + e.domain + "::" + e.op_type;
        continue;
      }
      EXPECT_EQ(findKernel(e.domain, e.op_type), e.fn) << e.op_type;
      // The runtime reads its shape inference from the same entry.
      EXPECT_TRUE(op->hasRule()) << e.domain << "::" << e.op_type << " runs but has no shape rule";
    }
  EXPECT_TRUE(missing.empty()) << "kernels without a registry entry:" << missing;
  EXPECT_TRUE(unregisteredKernels().empty());
  EXPECT_GT(kernels, 190);
  // "ai.onnx" is the default domain; an op without an entry or without a kernel has none.
  EXPECT_EQ(findKernel("ai.onnx", "Conv"), findKernel("", "Conv"));
  EXPECT_NE(findKernel("", "Conv"), nullptr);
  EXPECT_EQ(findKernel("", "NoSuchOp"), nullptr);
  EXPECT_EQ(findKernel("com.microsoft", "FusedConv"), nullptr);  // an entry, no kernel
}
