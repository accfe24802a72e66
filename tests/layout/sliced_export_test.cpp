// The sliced job on a real transformer export, as the app drives it: the display
// graph of ../shared/repro/encoder128.onnx (a 128-layer nn.TransformerEncoder that
// once stayed "laying-out" forever in the browser), stepped with slices far shorter
// than any phase's work. Every phase must resume where it stopped, so the job ends
// in a bounded number of steps with the same bytes as one unsliced call.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "layout/layout.h"
#include "layout_test_util.h"
#include "support/test_support.h"

#if NF_HAVE_SCENE
#include "ir/model.h"
#include "onnx/reader.h"
#include "scene/display_graph.h"
#include "scene/scene_layout.h"
#endif

namespace nf::layout {
namespace {

#if NF_HAVE_SCENE
std::string reproPath(const std::string& name) {
  // repro/ lies beside corpus/ in the shared folder.
  return (std::filesystem::path(NETFORGE_CORPUS_DIR).parent_path().parent_path() / "repro" / name).string();
}

// The flat graph's layout input, exactly as the app builds it.
Graph displayGraphInput(const std::string& path) {
  Result<ir::Model> model = onnx::readModelFile(path);
  EXPECT_TRUE(model.ok()) << path;
  if (!model.ok()) return {};
  Result<scene::DisplayGraph> dg = scene::buildDisplayGraph(*model, ir::GraphId{0});
  EXPECT_TRUE(dg.ok());
  return dg.ok() ? scene::layoutInput(*dg) : Graph{};
}
#endif

TEST(LayoutJobSliced, TransformerExportFinishesInTinySlicesWithTheSameLayout) {
#if !NF_HAVE_SCENE
  GTEST_SKIP() << "the scene module is not part of this build";
#else
  const std::string path = reproPath("encoder128.onnx");
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no " << path;
  const Graph g = displayGraphInput(path);
  ASSERT_GT(g.nodes.size(), 5000u);
  const Options o = scene::defaultLayoutOptions();

  Result<Layout> direct = layoutGraph(g, o);
  ASSERT_TRUE(direct.ok()) << direct.error().message;

  // Each step stops at its first budget check (every Budget::kCheckEvery units), so
  // the steps needed are about the total work / kCheckEvery: a few thousand here.
  // A phase that restarted a unit when its slice ran out would never finish.
  LayoutJob sliced(g, o);
  uint64_t steps = 0;
  const uint64_t max_steps = 200000;
  while (!sliced.step(1e-6) && steps < max_steps) ++steps;
  ASSERT_TRUE(sliced.finished()) << "still in phase " << phaseName(sliced.phase()) << " after " << steps
                                 << " slices";
  ASSERT_TRUE(sliced.succeeded()) << sliced.status().message();
  EXPECT_EQ(test::serialize(*sliced.layout()), test::serialize(*direct));
  RecordProperty("slices", static_cast<int>(steps));
#endif
}

}  // namespace
}  // namespace nf::layout
