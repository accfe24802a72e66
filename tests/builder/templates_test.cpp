// The template gallery: every template is a valid model in both frameworks it targets,
// laid out top to bottom, and the well-known ones have their published sizes.
#include <set>

#include "builder/analysis.h"
#include "builder/editor.h"
#include "builder/serialize.h"
#include "builder/templates.h"
#include "builder_test_util.h"

namespace nf::builder {
namespace {

TEST(BuilderTemplates, GalleryHasTheTwelveTheIssueNames) {
  for (const char* name : {"MLP", "CIFAR-10 CNN", "LeNet-5", "VGG-11", "ResNet-18", "MobileNetV2 block", "U-Net (small)",
                           "LSTM text classifier", "Transformer encoder classifier", "GPT-mini decoder", "Autoencoder",
                           "GAN generator"}) {
    EXPECT_NE(findTemplate(name), nullptr) << name;
  }
  EXPECT_EQ(findTemplate("resnet-18"), findTemplate("ResNet-18"));  // the CLI takes any case
  EXPECT_EQ(findTemplate("ResNet-19"), nullptr);
}

TEST(BuilderTemplates, EveryTemplateAnalysesWithoutErrorsAndHasParameters) {
  std::set<std::string> names;
  for (const Template& t : templates()) {
    EXPECT_TRUE(names.insert(t.name).second) << t.name;
    EXPECT_FALSE(t.description.empty()) << t.name;
    EXPECT_EQ(t.description.find('\n'), std::string::npos) << t.name;
    Document doc = t.build();
    // Parameters in their canonical kinds: saving and loading changes nothing.
    auto reloaded = loadJson(saveJson(doc));
    ASSERT_TRUE(reloaded.ok()) << t.name;
    EXPECT_EQ(*reloaded, doc) << t.name;
    Analysis a = analyze(doc, Framework::PyTorch);
    EXPECT_EQ(a.errors, 0) << t.name << ": " << (a.errors ? errorLines(doc, a).front() : "");
    EXPECT_GT(a.total.trainable, 0) << t.name;
    EXPECT_EQ(a.outputs.size(), 1u) << t.name;
    // Top to bottom: a layer is never above one that feeds it.
    for (const Edge& e : doc.edges()) EXPECT_LT(doc.node(e.from)->pos.y, doc.node(e.to)->pos.y) << t.name;
  }
}

TEST(BuilderTemplates, ResNet18HasTheTorchvisionSizeAndEightResidualAdds) {
  Document doc = findTemplate("ResNet-18")->build();
  Analysis a = analyze(doc, Framework::PyTorch);
  ASSERT_EQ(a.errors, 0);
  EXPECT_EQ(a.total.trainable, int64_t{11689512});  // torchvision.models.resnet18().parameters()
  int adds = 0;
  for (const Node& n : doc.nodes()) adds += n.type == "Add";
  EXPECT_EQ(adds, 8);
  const NodeReport* out = a.find(a.outputs.front());
  ASSERT_TRUE(out && out->output);
  EXPECT_EQ(out->output->dims, (IntList{1000}));
}

TEST(BuilderTemplates, LeNet5HasItsClassicSize) {
  Analysis a = analyze(findTemplate("LeNet-5")->build(), Framework::PyTorch);
  ASSERT_EQ(a.errors, 0);
  EXPECT_EQ(a.total.trainable, int64_t{61706});
}

}  // namespace
}  // namespace nf::builder

namespace nf::builder {
namespace {

TEST(BuilderTemplates, PickingATemplateIsOneUndoStepThatBringsTheUsersModelBack) {
  Editor editor;
  ASSERT_TRUE(editor.addNode("Input", Vec2{0, 0}).ok());
  ASSERT_TRUE(editor.appendAfter(editor.document().nodes()[0].id, "Linear").ok());
  ASSERT_TRUE(editor.setModelName("Mine").ok());
  const Document mine = editor.document();
  const Document resnet = findTemplate("ResNet-18")->build();
  ASSERT_TRUE(editor.replaceDocument(resnet, "Template ResNet-18").ok());
  EXPECT_EQ(editor.document(), resnet);
  EXPECT_TRUE(editor.undo());
  EXPECT_EQ(editor.document(), mine);
  EXPECT_TRUE(editor.redo());
  EXPECT_EQ(editor.document(), resnet);
  // New nodes after the template get fresh ids.
  auto added = editor.addNode("ReLU", Vec2{0, 0});
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(added->index, resnet.nodes().size() + 1);
}

}  // namespace
}  // namespace nf::builder
