// ModelDocument: generations, the shared analysis, the load states as the app drives
// them, and failures that keep the previous model (src/document/model_document.h).
#include "document/model_document.h"

#include <gtest/gtest.h>

#include "document_test_util.h"

namespace nf::document {
namespace {

using test::file;
using test::reluModel;

class Doc : public ::testing::Test {
 protected:
  double now = 1000;
  ModelDocument doc{[this] { return now; }};

  // One drop: queued, a frame with "Opening ..." shown, then opened at the next frame.
  void drop(std::vector<IncomingFile> files) {
    doc.queueOpen(std::move(files));
    doc.beforeFrame();
    doc.frameRendered(1);
    now += 10;
    doc.beforeFrame();
  }
  // The graph view lays the open model out and draws it.
  void layOutAndDraw() {
    doc.layoutStarted();
    now += 5;
    doc.laidOut(5);
    doc.frameRendered(2);
  }
};

TEST_F(Doc, StartsEmpty) {
  EXPECT_EQ(doc.state(), LoadState::Idle);
  EXPECT_STREQ(doc.publishedState(), "empty");
  EXPECT_EQ(doc.generation(), 0u);
  EXPECT_EQ(doc.current(), nullptr);
  EXPECT_EQ(doc.inference(), nullptr);
  EXPECT_EQ(doc.analysis(), nullptr);
  EXPECT_FALSE(doc.busy());
}

TEST_F(Doc, OpensAfterTheLoadingFrameAndWalksTheStates) {
  doc.queueOpen({file("a.onnx", reluModel())});
  EXPECT_EQ(doc.state(), LoadState::Reading);
  EXPECT_EQ(doc.loadingLabel(), "a.onnx");
  doc.beforeFrame();
  EXPECT_EQ(doc.current(), nullptr) << "not before a frame showed \"Opening ...\"";
  doc.frameRendered(1);
  doc.beforeFrame();
  ASSERT_NE(doc.current(), nullptr);
  EXPECT_EQ(doc.current()->file_name, "a.onnx");
  EXPECT_EQ(doc.state(), LoadState::Analysing);
  EXPECT_STREQ(doc.publishedState(), "laying-out");
  EXPECT_TRUE(doc.busy());
  doc.layoutStarted();
  EXPECT_EQ(doc.state(), LoadState::LayingOut);
  doc.laidOut(7);
  EXPECT_EQ(doc.state(), LoadState::LayingOut) << "drawn only once a frame showed it";
  doc.frameRendered(3);
  EXPECT_EQ(doc.state(), LoadState::Drawn);
  EXPECT_DOUBLE_EQ(doc.timings().layout_ms, 7);
  EXPECT_DOUBLE_EQ(doc.timings().draw_ms, 3);
  EXPECT_EQ(doc.lastOperation().rfind("opened in ", 0), 0u) << doc.lastOperation();
  EXPECT_FALSE(doc.busy());
}

TEST_F(Doc, GenerationIncrementsOnEverySuccessfulOpenOnly) {
  drop({file("a.onnx", reluModel())});
  EXPECT_EQ(doc.generation(), 1u);
  layOutAndDraw();
  drop({file("b.onnx", reluModel())});
  EXPECT_EQ(doc.generation(), 2u);
  layOutAndDraw();
  // A failed open: the model and its generation stay.
  const uint64_t version = doc.version();
  drop({file("photo.onnx", "\x89PNG\r\n\x1a\n....")});
  EXPECT_EQ(doc.generation(), 2u);
  EXPECT_EQ(doc.current()->file_name, "b.onnx");
  EXPECT_EQ(doc.state(), LoadState::Failed);
  EXPECT_STREQ(doc.publishedState(), "error");
  EXPECT_NE(doc.lastError().find("photo.onnx"), std::string::npos);
  EXPECT_NE(doc.lastError().find("PNG"), std::string::npos);
  EXPECT_GT(doc.version(), version);
  // The same bytes opened again are a new model: a new number.
  drop({file("b.onnx", reluModel())});
  EXPECT_EQ(doc.generation(), 3u);
  EXPECT_TRUE(doc.lastError().empty()) << "a new load clears the error";
}

TEST_F(Doc, NodeTimesBelongToTheModelTheyWereMeasuredOn) {
  EXPECT_TRUE(doc.nodeTimesMs().empty());
  drop({file("a.onnx", reluModel())});
  layOutAndDraw();
  const uint64_t a = doc.generation();
  doc.setNodeTimes(a, {0.5});
  ASSERT_EQ(doc.nodeTimesMs().size(), 1u);
  EXPECT_DOUBLE_EQ(doc.nodeTimesMs()[0], 0.5);
  EXPECT_EQ(doc.nodeTimesVersion(), 1u);
  drop({file("b.onnx", reluModel())});
  EXPECT_TRUE(doc.nodeTimesMs().empty()) << "another model has no times yet";
  doc.setNodeTimes(a, {9.0});  // a run of the old model finishing late
  EXPECT_TRUE(doc.nodeTimesMs().empty());
  EXPECT_EQ(doc.nodeTimesVersion(), 1u);
}

TEST_F(Doc, AnalysisIsComputedOnceAndShared) {
  drop({file("a.onnx", reluModel())});
  const shapes::InferenceResult* first = doc.inference();
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(doc.inferenceRuns(), 1u);
  EXPECT_EQ(doc.inference(), first) << "the graph pipeline and the views get the same result";
  const ModelAnalysis* a = doc.analysis();
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(&a->inference, first);
  EXPECT_TRUE(a->has_metrics);
  EXPECT_TRUE(a->error.empty());
  EXPECT_EQ(doc.analysis(), a);
  EXPECT_EQ(doc.inferenceRuns(), 1u);
  // What it computed is real: y = Relu(x) is float[1,4].
  const auto y = doc.current()->model.main().find("y");
  ASSERT_TRUE(y.valid());
  EXPECT_EQ(first->type(ir::GraphId{0}, y).shape.dims.size(), 2u);
  // A new model gets its own analysis.
  layOutAndDraw();
  drop({file("b.onnx", reluModel())});
  EXPECT_NE(doc.inference(), nullptr);
  EXPECT_EQ(doc.inferenceRuns(), 2u);
}

TEST_F(Doc, StageFailureRestoresThePreviousModelWithItsGenerationAndAnalysis) {
  drop({file("a.onnx", reluModel())});
  const shapes::InferenceResult* a_inference = doc.inference();
  layOutAndDraw();
  drop({file("b.onnx", reluModel())});
  doc.layoutStarted();
  EXPECT_EQ(doc.generation(), 2u);
  doc.stageFailed("graph view: layout failed");
  EXPECT_EQ(doc.current()->file_name, "b.onnx") << "applied at the next frame, not under the caller";
  doc.beforeFrame();
  ASSERT_NE(doc.current(), nullptr);
  EXPECT_EQ(doc.current()->file_name, "a.onnx");
  EXPECT_EQ(doc.generation(), 1u) << "views see the number change back and lay a.onnx out again";
  EXPECT_EQ(doc.state(), LoadState::Failed);
  EXPECT_NE(doc.lastError().find("b.onnx: graph view: layout failed (a.onnx stays open)"), std::string::npos)
      << doc.lastError();
  EXPECT_EQ(doc.inference(), a_inference);
  EXPECT_EQ(doc.inferenceRuns(), 1u) << "a.onnx's analysis came back with it";
  // The view lays the restored model out again; the load completes.
  layOutAndDraw();
  EXPECT_EQ(doc.state(), LoadState::Drawn);
  // The next open takes a fresh number, never one given out before.
  drop({file("c.onnx", reluModel())});
  EXPECT_EQ(doc.generation(), 3u);
}

TEST_F(Doc, StageFailureWithoutAPreviousModelKeepsTheModel) {
  drop({file("a.onnx", reluModel())});
  doc.layoutStarted();
  doc.stageFailed("graph view: boom");
  doc.beforeFrame();
  ASSERT_NE(doc.current(), nullptr);
  EXPECT_EQ(doc.generation(), 1u);
  EXPECT_EQ(doc.state(), LoadState::Failed);
  EXPECT_EQ(doc.lastError(), "graph view: boom");
  doc.clearErrors();
  EXPECT_EQ(doc.state(), LoadState::Drawn);
  EXPECT_TRUE(doc.errors().empty());
  EXPECT_EQ(doc.errorsReported(), 1u) << "the count only grows";
}

TEST_F(Doc, AFailedReadKeepsLaterBatchesQueued) {
  doc.beginLoading("x.onnx (1 KiB)");
  doc.queueOpen({file("a.onnx", reluModel())});
  doc.reportError("x.onnx: the file could not be read");
  EXPECT_EQ(doc.state(), LoadState::Reading) << "a.onnx is still to be opened";
  doc.frameRendered(1);
  doc.beforeFrame();
  ASSERT_NE(doc.current(), nullptr);
  EXPECT_EQ(doc.current()->file_name, "a.onnx");
  // Without a queue a page error is the state; clearing it goes back to empty.
  ModelDocument fresh;
  fresh.reportError("sample.onnx: HTTP 404");
  EXPECT_EQ(fresh.state(), LoadState::Failed);
  fresh.clearErrors();
  EXPECT_EQ(fresh.state(), LoadState::Idle);
}

// Missing external data is a notice (a graph shared without its weights is normal);
// an unused second model is a logged problem; neither fails the open.
TEST_F(Doc, MissingDataIsANoticeAndUnusedFilesAreLogged) {
  drop({file("ext.onnx", reluModel("ext.weights")), file("b.onnx", reluModel())});
  ASSERT_NE(doc.current(), nullptr);
  EXPECT_EQ(doc.state(), LoadState::Analysing);
  EXPECT_TRUE(doc.lastError().empty());
  EXPECT_EQ(doc.missingDataNotice(), "weights not included: structure only");
  ASSERT_EQ(doc.errors().size(), 1u);
  EXPECT_NE(doc.errors()[0].message.find("b.onnx"), std::string::npos);
}

TEST_F(Doc, CancelledLayoutCompletesTheLoad) {
  drop({file("a.onnx", reluModel())});
  doc.layoutStarted();
  doc.laidOut(2, /*cancelled=*/true);
  doc.frameRendered(1);
  EXPECT_EQ(doc.state(), LoadState::Cancelled);
  EXPECT_STREQ(doc.publishedState(), "drawn");
  EXPECT_FALSE(doc.busy());
  // Laying out again (the user asked) is allowed from there.
  doc.layoutStarted();
  EXPECT_EQ(doc.state(), LoadState::LayingOut);
}

TEST_F(Doc, LayoutEventsOutOfTurnAreIgnored) {
  doc.layoutStarted();  // no model
  EXPECT_EQ(doc.state(), LoadState::Idle);
  drop({file("a.onnx", reluModel())});
  layOutAndDraw();
  doc.beginLoading("b.onnx");
  doc.layoutStarted();  // e.g. an options change while b.onnx is read
  EXPECT_EQ(doc.state(), LoadState::Reading) << "the load of b.onnx is not forgotten";
  doc.laidOut(1);
  doc.frameRendered(1);
  EXPECT_EQ(doc.state(), LoadState::Reading);
}

TEST_F(Doc, RoutingADropReportsWhatIsNotOpened) {
  // Nothing of the drop is used: the error, and the open model stays.
  drop({file("a.onnx", reluModel())});
  layOutAndDraw();
  auto roles = doc.routeDrop({test::probe("notes.docx", "PK\x03\x04 and more")}, DropTarget::Page);
  EXPECT_EQ(roles, (std::vector<FileRole>{FileRole::Unsupported}));
  EXPECT_EQ(doc.state(), LoadState::Failed);
  EXPECT_EQ(doc.lastError().rfind("notes.docx: ", 0), 0u) << doc.lastError();
  EXPECT_EQ(doc.generation(), 1u);
  doc.clearErrors();
  // Two models: the first is routed to be opened, the second logged, nothing failed.
  roles = doc.routeDrop({test::probe("b.onnx", reluModel()), test::probe("c.onnx", reluModel())}, DropTarget::Page);
  EXPECT_EQ(roles, (std::vector<FileRole>{FileRole::Model, FileRole::Unsupported}));
  EXPECT_EQ(doc.state(), LoadState::Drawn);
  ASSERT_EQ(doc.errors().size(), 1u);
  EXPECT_NE(doc.errors()[0].message.find("c.onnx"), std::string::npos);
  // With a model open a .pb is a Run panel tensor; without one it may be a model.
  EXPECT_EQ(doc.routeDrop({test::probe("in.pb", "\x08\x01")}, DropTarget::Page)[0], FileRole::RunTensor);
  ModelDocument empty;
  EXPECT_EQ(empty.routeDrop({test::probe("m.pb", reluModel())}, DropTarget::Page)[0], FileRole::Model);
  EXPECT_TRUE(empty.routeDrop({}, DropTarget::Page).empty());
  EXPECT_EQ(empty.state(), LoadState::Idle) << "an empty drop changes nothing";
}

}  // namespace
}  // namespace nf::document

namespace nf::document {
namespace {

// A model made in memory (a comparison's merged graph) opens at once, takes the next
// generation and goes through the same states as a file.
TEST_F(Doc, ABuiltModelOpensAtOnceAndWalksTheSameStates) {
  drop({file("a.onnx", reluModel())});
  layOutAndDraw();
  const uint64_t before = doc.generation();
  auto built = std::make_unique<OpenedModel>();
  built->model = doc.current()->model;  // any model; the file's is at hand
  built->file_name = "a + b";
  doc.openBuilt(std::move(built));
  ASSERT_NE(doc.current(), nullptr);
  EXPECT_EQ(doc.current()->file_name, "a + b");
  EXPECT_EQ(doc.generation(), before + 1);
  EXPECT_STREQ(doc.publishedState(), "laying-out");
  ASSERT_NE(doc.inference(), nullptr) << "analysed like a file";
  layOutAndDraw();
  EXPECT_EQ(doc.state(), LoadState::Drawn);
  EXPECT_FALSE(doc.busy());
}

// x -> Relu -> ... -> Relu (n nodes), with the initializer w in weights.bin.
std::string reluChain(int n) {
  ::onnx::ModelProto m;
  ::onnx::ModelProto one;
  one.ParseFromString(test::reluModel("weights.bin"));
  m = one;
  auto* g = m.mutable_graph();
  g->clear_node();
  g->clear_output();
  std::string prev = "x";
  for (int i = 0; i < n; ++i) {
    auto* node = g->add_node();
    node->set_op_type("Relu");
    node->set_name("relu" + std::to_string(i));
    node->add_input(prev);
    prev = "v" + std::to_string(i);
    node->add_output(prev);
  }
  g->add_output()->set_name(prev);
  return m.SerializeAsString();
}

TEST(OpenJob, ZeroMsSlicesGiveTheModelOfOneCall) {
  const std::string model = reluChain(3000);
  const std::vector<IncomingFile> files{test::file("chain.onnx", model), test::file("weights.bin", std::string(12, '\0')),
                                        test::file("notes.txt", "hello")};
  auto whole = openModelFromFiles(files);
  ASSERT_TRUE(whole.ok()) << whole.error().message;
  OpenJob job(files);
  int steps = 0;
  while (!job.step(0)) ++steps;
  EXPECT_GT(steps, 10);  // the page's frames each get a slice
  auto sliced = job.take();
  ASSERT_TRUE(sliced.ok()) << sliced.error().message;
  EXPECT_EQ(sliced->model.main().nodes.size(), 3000u);
  EXPECT_EQ(sliced->model.main().nodes.size(), whole->model.main().nodes.size());
  EXPECT_EQ(sliced->model.main().nodes.back().name, "relu2999");
  EXPECT_EQ(sliced->model.main().values.size(), whole->model.main().values.size());
  EXPECT_EQ(sliced->data_files, whole->data_files);
  EXPECT_EQ(sliced->notes, whole->notes);
  EXPECT_TRUE(sliced->missing_data.empty());
  EXPECT_EQ(sliced->model.main().initializers[0].storage, ir::Tensor::Storage::Source);  // weights.bin resolved
}

TEST(OpenJob, ACutFileFailsInSlicesWithTheMessageOfOneCall) {
  const std::string model = reluChain(3000);
  const std::vector<IncomingFile> files{test::file("chain.onnx", model.substr(0, model.size() * 2 / 3))};
  OpenJob job(files);
  while (!job.step(0)) {
  }
  auto sliced = job.take();
  ASSERT_FALSE(sliced.ok());
  EXPECT_EQ(sliced.error().message, openModelFromFiles(files).error().message);
  EXPECT_EQ(sliced.error().message.rfind("chain.onnx: ", 0), 0u) << sliced.error().message;
}

}  // namespace
}  // namespace nf::document
