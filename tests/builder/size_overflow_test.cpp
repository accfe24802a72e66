// Parameter totals of documents with huge (but individually allowed) dims: a
// total past INT64_MAX is an error on the layer where it stops fitting, and the
// total reads kOverflow, never a wrapped negative number.
#include "base/checked.h"
#include "builder/serialize.h"
#include "builder_test_util.h"

namespace nf::builder {
namespace {

using namespace test;

// One 10^6 x 10^6 input flattened into `branches` Linear layers of 2^20 units:
// each holds 10^12 * 2^20 + 2^20 ~ 1.05e18 parameters, nine of them pass 2^63.
Document hugeBranches(int branches) {
  Document d;
  NodeId x = input(d, {1000000, 1000000});
  NodeId fl = add(d, "Flatten", {}, {x});
  for (int k = 0; k < branches; ++k) add(d, "Linear", {{"out_features", I(1048576)}}, {fl});
  return d;
}

TEST(BuilderSizeOverflow, ParameterTotalPastInt64IsAnErrorNotANegativeNumber) {
  const Analysis a = analyze(hugeBranches(9), Framework::PyTorch);
  EXPECT_TRUE(isOverflow(a.total.trainable)) << a.total.trainable;
  EXPECT_TRUE(a.total.overflow());
  EXPECT_GT(a.total.total(), 0);
  EXPECT_EQ(a.errors, 1);
  bool named = false;
  for (const NodeReport& r : a.nodes)
    for (const Issue& is : r.issues) named = named || contains(is.message, "does not fit in 64 bits");
  EXPECT_TRUE(named);
}

TEST(BuilderSizeOverflow, LargeTotalThatFitsIsExact) {
  const Analysis a = analyze(hugeBranches(8), Framework::PyTorch);
  EXPECT_EQ(a.errors, 0);
  const int64_t per = int64_t{1000000000000} * 1048576 + 1048576;
  EXPECT_EQ(a.total.trainable, 8 * per);
}

TEST(BuilderSizeOverflow, SavedDocumentReloadsWithTheSameOverflowError) {
  // The same model as a document file (what a shared link or autosave holds).
  auto doc = loadJson(saveJson(hugeBranches(9)));
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  const Analysis a = analyze(*doc, Framework::Keras);
  EXPECT_TRUE(a.total.overflow());
  EXPECT_EQ(a.errors, 1);
}

}  // namespace
}  // namespace nf::builder
