// File routing: what each file of a drop is for (src/document/file_routing.h).
#include "document/file_routing.h"

#include <gtest/gtest.h>

#include "document/open_model.h"
#include "document_test_util.h"

namespace nf::document {
namespace {

using test::probe;
using test::reluModel;

const RoutingContext kPage{DropTarget::Page, false};
const RoutingContext kPageWithModel{DropTarget::Page, true};

const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(32, '\0');
const std::string kSavedBuilderDoc = "{\n  \"format\": \"netforge-builder\",\n  \"version\": 1, \"layers\": []\n}";
const std::string kCompactBuilderDoc = "\xEF\xBB\xBF  { \"v\" : 1, \"l\": [] }";

TEST(FileRouting, EmptyListRoutesNothing) {
  const FileRouting r = routeFiles({}, kPage);
  EXPECT_TRUE(r.roles.empty());
  EXPECT_FALSE(r.model);
  EXPECT_FALSE(r.nothingOpens());
  EXPECT_TRUE(r.problems().empty());
}

TEST(FileRouting, ModelAndExternalDataInAnyOrder) {
  const FileRouting r = routeFiles({probe("model.onnx.data", test::twelveBytes()),
                                    probe("MODEL.ONNX", reluModel("model.onnx.data"))}, kPage);
  ASSERT_TRUE(r.model);
  EXPECT_EQ(*r.model, 1u);
  EXPECT_EQ(r.roles, (std::vector<FileRole>{FileRole::ExternalData, FileRole::Model}));
  EXPECT_TRUE(r.problems().empty());
}

TEST(FileRouting, ModelWithoutOnnxExtensionIsFoundByItsBytes) {
  // No model open: a lone .pb may be a model; it sniffs as one.
  FileRouting r = routeFiles({probe("weights.bin", "0123456789"), probe("model.pb", reluModel())}, kPage);
  ASSERT_TRUE(r.model);
  EXPECT_EQ(*r.model, 1u);
  EXPECT_EQ(r.roles[0], FileRole::ExternalData);
  // With a model open, a lone .pb is a tensor for the Run panel.
  r = routeFiles({probe("input_0.pb", reluModel())}, kPageWithModel);
  EXPECT_EQ(r.roles, (std::vector<FileRole>{FileRole::RunTensor}));
  EXPECT_FALSE(r.model);
}

TEST(FileRouting, BuilderDocumentsSavedAndCompact) {
  EXPECT_EQ(routeFiles({probe("net.json", kSavedBuilderDoc)}, kPage).roles[0], FileRole::BuilderDocument);
  EXPECT_EQ(routeFiles({probe("net.JSON", kCompactBuilderDoc)}, kPage).roles[0], FileRole::BuilderDocument);
  // Any other JSON is not a builder document, and not a model: it is refused with a reason.
  const FileRouting other = routeFiles({probe("config.json", "{\"model_type\": \"bert\"}")}, kPage);
  EXPECT_EQ(other.roles[0], FileRole::Unsupported);
  EXPECT_TRUE(other.nothingOpens());
  // A builder document among other files is not opened in the builder.
  const FileRouting two = routeFiles({probe("net.json", kSavedBuilderDoc), probe("m.onnx", reluModel())}, kPage);
  EXPECT_EQ(two.roles[0], FileRole::ExternalData);
  EXPECT_EQ(two.roles[1], FileRole::Model);
}

TEST(FileRouting, RunPanelInputs) {
  const FileRouting r = routeFiles({probe("cat.PNG", kPng), probe("photo", kPng, "image/jpeg"),
                                    probe("x.npy", "\x93NUMPY"), probe("labels.txt", "cat\ndog\n")}, kPage);
  EXPECT_EQ(r.roles, (std::vector<FileRole>{FileRole::RunImage, FileRole::RunImage, FileRole::RunTensor,
                                            FileRole::RunLabels}));
  EXPECT_FALSE(r.model);
  EXPECT_FALSE(r.nothingOpens());
  // The Run panel's own chooser: a .pb is always a tensor; anything else is refused.
  const FileRouting chosen = routeFiles({probe("in.pb", "xx"), probe("m.onnx", reluModel())}, {DropTarget::RunPanel, false});
  EXPECT_EQ(chosen.roles, (std::vector<FileRole>{FileRole::RunTensor, FileRole::Unsupported}));
  EXPECT_NE(chosen.notes[1].find("m.onnx"), std::string::npos);
  EXPECT_NE(chosen.notes[1].find(".npy"), std::string::npos);
}

TEST(FileRouting, JunkFileIsRefusedNamingItAndWhatIsAccepted) {
  const FileRouting r = routeFiles({probe("notes.docx", std::string("PK\x03\x04", 4) + std::string(60, 'x'))}, kPage);
  EXPECT_TRUE(r.nothingOpens());
  ASSERT_EQ(r.problems().size(), 1u);
  const std::string m = r.problems()[0];
  EXPECT_EQ(m.rfind("notes.docx: ", 0), 0u) << m;
  EXPECT_NE(m.find("not an ONNX model"), std::string::npos) << m;
  EXPECT_NE(m.find(".onnx"), std::string::npos) << m;
  EXPECT_NE(m.find("builder"), std::string::npos) << m;
  // An empty file says so.
  const FileRouting empty = routeFiles({probe("empty.bin", "")}, kPage);
  EXPECT_NE(empty.problems().at(0).find("empty"), std::string::npos);
}

TEST(FileRouting, PngNamedOnnxGoesToTheReaderWhichExplains) {
  // By name it is the model; the reader then says what it really is (see OpenModel).
  const FileRouting r = routeFiles({probe("photo.onnx", kPng)}, kPage);
  EXPECT_EQ(r.roles[0], FileRole::Model);
}

TEST(FileRouting, TwoModelsOpenTheFirstAndExplainTheSecond) {
  const FileRouting r = routeFiles({probe("a.onnx", reluModel()), probe("b.onnx", reluModel())}, kPage);
  ASSERT_TRUE(r.model);
  EXPECT_EQ(*r.model, 0u);
  EXPECT_EQ(r.roles[1], FileRole::Unsupported);
  ASSERT_EQ(r.problems().size(), 1u);
  EXPECT_NE(r.problems()[0].find("b.onnx"), std::string::npos);
  EXPECT_NE(r.problems()[0].find("one model"), std::string::npos);
}

TEST(FileRouting, HostileNamesAreHandledAndShownSafely) {
  const std::string long_name(100000, 'a');
  const std::string control = std::string("evil\n\x1b[31mred\0.bin", 18);
  const FileRouting r = routeFiles({probe(long_name, "junk junk"), probe(control, "\x01\x02"), probe("", ""),
                                    probe("../../etc/passwd", "root:x:0:0")}, kPage);
  EXPECT_TRUE(r.nothingOpens());
  ASSERT_EQ(r.problems().size(), 4u);
  for (const std::string& m : r.problems()) {
    EXPECT_LT(m.size(), 600u) << "a note stays short whatever the name";
    EXPECT_EQ(m.find('\n'), std::string::npos) << "one line: " << m;
    EXPECT_EQ(m.find('\x1b'), std::string::npos) << "no terminal escapes";
  }
  EXPECT_NE(r.problems()[2].find("without a name"), std::string::npos);
  // Names that are only an extension, or odd cases, still route by it.
  EXPECT_EQ(routeFiles({probe(".onnx", reluModel())}, kPage).roles[0], FileRole::Model);
  EXPECT_EQ(routeFiles({probe("a/b\\c.OnNx", reluModel())}, kPage).roles[0], FileRole::Model);
}

TEST(FileRouting, RoleNames) {
  EXPECT_STREQ(fileRoleName(FileRole::Model), "model");
  EXPECT_STREQ(fileRoleName(FileRole::ExternalData), "data");
  EXPECT_STREQ(fileRoleName(FileRole::BuilderDocument), "builder");
  EXPECT_STREQ(fileRoleName(FileRole::RunImage), "run-image");
  EXPECT_STREQ(fileRoleName(FileRole::RunTensor), "run-tensor");
  EXPECT_STREQ(fileRoleName(FileRole::RunLabels), "run-labels");
  EXPECT_STREQ(fileRoleName(FileRole::Unsupported), "unsupported");
}

TEST(OpenModel, ExternalDataResolvedFromTheBatch) {
  auto opened = openModelFromFiles({test::file("w.bin", test::twelveBytes()),
                                    test::file("ext.onnx", reluModel("weights/w.bin"))});
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(opened->file_name, "ext.onnx");
  EXPECT_EQ(opened->data_files, (std::vector<std::string>{"w.bin"}));
  EXPECT_TRUE(opened->missing_data.empty());
  EXPECT_EQ(opened->model.main().nodes.size(), 1u);
}

TEST(OpenModel, MissingExternalDataIsListedAndTheModelStillOpens) {
  auto opened = openModelFromFiles({test::file("ext.onnx", reluModel("ext.weights"))});
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(opened->missing_data, (std::vector<std::string>{"ext.weights"}));
}

TEST(OpenModel, ErrorsNameTheFile) {
  auto png = openModelFromFiles({test::file("photo.onnx", kPng)});
  ASSERT_FALSE(png.ok());
  EXPECT_EQ(png.error().message.rfind("photo.onnx: ", 0), 0u) << png.error().message;
  EXPECT_NE(png.error().message.find("PNG"), std::string::npos);
  auto junk = openModelFromFiles({test::file("a.txt", "hello")});
  ASSERT_FALSE(junk.ok());
  EXPECT_EQ(junk.error().message.rfind("a.txt: ", 0), 0u) << junk.error().message;
  EXPECT_FALSE(openModelFromFiles({}).ok());
}

TEST(OpenModel, ASecondModelIsNotedNotUsedAsData) {
  auto opened = openModelFromFiles({test::file("a.onnx", reluModel()), test::file("b.onnx", reluModel())});
  ASSERT_TRUE(opened.ok());
  EXPECT_TRUE(opened->data_files.empty());
  ASSERT_EQ(opened->notes.size(), 1u);
  EXPECT_NE(opened->notes[0].find("b.onnx"), std::string::npos);
}

}  // namespace
}  // namespace nf::document
