// app/views_setup.cpp - the table of contents of the app: every view, in drawing
// order (later views draw on top when they overlap).
#include "app/graph_view.h"
#include "app/views.h"
#include "app/views_inspect.h"
#include "app/view_builder.h"
#include "app/view_differences.h"
#include "app/view_run.h"

namespace nf::app {

void registerViews(ViewRegistry& views) {
  views.add<GraphView>();
  views.add<GraphView>(GraphPane::B);  // shown while comparing (app/comparison.h)
  views.add<GraphView>(GraphPane::Merged);  // a comparison's merged view, in place of both
  views.add<LoadingOverlayView>();
  views.add<DifferencesView>();
  views.add<ModelPropertiesView>();
  views.add<NodeListView>();
  views.add<NodeDetailsView>();
  views.add<TensorView>();
  views.add<RunView>();
  views.add<SummaryView>();
  views.add<ErrorPanelView>();
  views.add<RecentFileHintView>();
  views.add<ShortcutsView>();
  views.add<BuilderView>();
  views.add<AboutView>();
  views.add<StatusBarView>();
}

}  // namespace nf::app
