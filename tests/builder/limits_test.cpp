// One node limit for the editor and the loaders (builder/limits.h): whatever the
// editor makes, the loader reads back, and one node more is refused by both.
#include "builder/editor.h"
#include "builder/limits.h"
#include "builder/serialize.h"
#include "builder_test_util.h"

namespace nf::builder {
namespace {

// A saved document of `count` ReLU nodes.
std::string reluJson(size_t count) {
  std::string json = R"({"format":"netforge-builder","version":1,"nodes":[)";
  for (size_t i = 1; i <= count; ++i) {
    if (i > 1) json += ',';
    json += R"({"id":)" + std::to_string(i) + R"(,"type":"ReLU"})";
  }
  return json + "]}";
}

Document reluDocument(size_t count) {
  auto doc = loadJson(reluJson(count));
  EXPECT_TRUE(doc.ok()) << (doc.ok() ? "" : doc.error().message);
  return doc.ok() ? std::move(*doc) : Document{};
}

TEST(BuilderLimits, EditorStopsAtTheLimitTheLoaderReadsBack) {
  Editor ed(reluDocument(kMaxDocumentNodes - 1));
  ASSERT_EQ(ed.document().nodes().size(), kMaxDocumentNodes - 1);
  ASSERT_TRUE(ed.addNode("ReLU", {}).ok());  // the limit-th node is fine
  ASSERT_EQ(ed.document().nodes().size(), kMaxDocumentNodes);
  const std::string saved = saveJson(ed.document());
  ASSERT_TRUE(loadJson(saved).ok()) << "a document at the limit reads back";
  ASSERT_TRUE(loadCompact(saveCompact(ed.document())).ok());

  // One more, by every way the editor adds nodes: refused with a message, nothing changed.
  const uint64_t revision = ed.revision();
  auto added = ed.addNode("ReLU", {});
  ASSERT_FALSE(added.ok());
  EXPECT_NE(added.error().message.find(std::to_string(kMaxDocumentNodes)), std::string::npos) << added.error().message;
  const NodeId first = ed.document().nodes().front().id;
  EXPECT_FALSE(ed.appendAfter(first, "ReLU").ok());
  EXPECT_FALSE(ed.duplicate({first}).ok());
  EXPECT_FALSE(ed.paste(ed.copy({first}), {10, 10}).ok());
  EXPECT_EQ(ed.revision(), revision);
  EXPECT_EQ(ed.document().nodes().size(), kMaxDocumentNodes);

  // And the loaders refuse the (limit + 1)-node document with the same sentence.
  auto refused = loadJson(reluJson(kMaxDocumentNodes + 1));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find(nodeLimitMessage()), std::string::npos) << refused.error().message;
}

TEST(BuilderLimits, PasteThatWouldPassTheLimitIsRefusedWhole) {
  Editor ed(reluDocument(kMaxDocumentNodes - 2));
  const std::string three = ed.copy({NodeId{1}, NodeId{2}, NodeId{3}});
  auto pasted = ed.paste(three, {40, 40});
  ASSERT_FALSE(pasted.ok());
  EXPECT_EQ(ed.document().nodes().size(), kMaxDocumentNodes - 2);  // not 2 of the 3
  EXPECT_TRUE(ed.paste(ed.copy({NodeId{1}, NodeId{2}}), {40, 40}).ok());
}

TEST(BuilderEditor, NewIsOneUndoableStep) {
  Editor ed;
  NodeId in = *ed.addNode("Input", {});
  ASSERT_TRUE(ed.appendAfter(in, "Flatten").ok());
  ASSERT_TRUE(ed.setModelName("Mine").ok());
  const Document before = ed.document();
  ASSERT_TRUE(ed.clear().ok());
  EXPECT_TRUE(ed.document().nodes().empty());
  EXPECT_TRUE(ed.document().edges().empty());
  EXPECT_EQ(ed.document().name, Document{}.name);
  ASSERT_TRUE(ed.undo());
  EXPECT_EQ(ed.document(), before);
  ASSERT_TRUE(ed.redo());
  EXPECT_TRUE(ed.document().nodes().empty());
}

}  // namespace
}  // namespace nf::builder
