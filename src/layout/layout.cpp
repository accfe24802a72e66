#include "layout/layout.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

#include "layout/budget.h"
#include "layout/cycles.h"
#include "layout/layering.h"
#include "layout/ordering.h"
#include "layout/placement.h"
#include "layout/routing.h"
#include "layout/splitting.h"

namespace nf::layout {

namespace {
// Share of the total work per phase, for the progress bar (measured on big graphs).
constexpr float kWeights[kPhaseCount] = {0.02f, 0.18f, 0.05f, 0.50f, 0.15f, 0.10f};
// Fan-out bundles trade crossings for size: a trunk passes on one side of everything
// between, separate edges can each take their own side. Measured: a DenseNet block
// pair crossed 444 times bundled and 364 unbundled, a transformer 0 bundled and 13
// unbundled. So when the unbundled proper graph stays this small, both are ordered
// and the one with fewer crossings wins (at most ~2x the ordering time of a graph
// that is cheap to order anyway).
constexpr uint64_t kUnbundledTrialMaxDummies = 32768;
}  // namespace

const char* phaseName(Phase phase) {
  switch (phase) {
    case Phase::Cycles: return "cycles";
    case Phase::Layering: return "layering";
    case Phase::Splitting: return "splitting";
    case Phase::Ordering: return "ordering";
    case Phase::Placement: return "placement";
    case Phase::Routing: return "routing";
  }
  return "?";
}

Status validateGraph(const Graph& graph) {
  if (graph.nodes.size() >= 0x7FFFFFFFu || graph.edges.size() >= 0x7FFFFFFFu)
    return Error{"graph too large to lay out"};
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const NodeSpec& n = graph.nodes[i];
    if (!std::isfinite(n.width) || !std::isfinite(n.height) || n.width < 0 || n.height < 0)
      return Error{"node " + std::to_string(i) + " has an invalid size"};
    if (n.in_ports > kMaxPorts || n.out_ports > kMaxPorts)
      return Error{"node " + std::to_string(i) + " has more than " + std::to_string(kMaxPorts) + " ports"};
  }
  const uint32_t n = static_cast<uint32_t>(graph.nodes.size());
  for (size_t i = 0; i < graph.edges.size(); ++i) {
    const EdgeSpec& e = graph.edges[i];
    if (e.from >= n || e.to >= n)
      return Error{"edge " + std::to_string(i) + " refers to a node that does not exist"};
    if (e.from_port != kFreePort && graph.nodes[e.from].out_ports > 0 && e.from_port >= graph.nodes[e.from].out_ports)
      return Error{"edge " + std::to_string(i) + " leaves output port " + std::to_string(e.from_port) + " of node " +
                   std::to_string(e.from) + ", which has " + std::to_string(graph.nodes[e.from].out_ports)};
    if (e.to_port != kFreePort && graph.nodes[e.to].in_ports > 0 && e.to_port >= graph.nodes[e.to].in_ports)
      return Error{"edge " + std::to_string(i) + " enters input port " + std::to_string(e.to_port) + " of node " +
                   std::to_string(e.to) + ", which has " + std::to_string(graph.nodes[e.to].in_ports)};
  }
  return {};
}

// [SECTION] LayoutJob ---------------------------------------------------------------

LayoutJob::LayoutJob(Graph graph, Options options, const std::atomic<bool>* cancel)
    : graph_(std::move(graph)), options_(options), external_cancel_(cancel) {}

LayoutJob::~LayoutJob() = default;

const AcyclicGraph* LayoutJob::acyclic() const { return phaseDone(Phase::Cycles) ? &cycles_->result() : nullptr; }
const Ranking* LayoutJob::ranking() const { return phaseDone(Phase::Layering) ? &layering_->result() : nullptr; }
const ProperGraph* LayoutJob::proper() const { return phaseDone(Phase::Splitting) ? &splitting_->result() : nullptr; }
const Ordering* LayoutJob::ordering() const { return phaseDone(Phase::Ordering) ? &ordering_->result() : nullptr; }
const Placement* LayoutJob::placement() const { return phaseDone(Phase::Placement) ? &placement_->result() : nullptr; }
const Layout* LayoutJob::layout() const { return layout_ready_ ? &layout_ : nullptr; }

Layout LayoutJob::takeLayout() {
  Layout out = std::move(layout_);
  out.stats = stats_;
  layout_ready_ = false;
  return out;
}

float LayoutJob::progress() const {
  if (finished_) return 1.0f;
  float done = 0.0f;
  const int current = static_cast<int>(phase_);
  for (int p = 0; p < current; ++p) done += kWeights[p];
  float within = 0.0f;
  switch (phase_) {
    case Phase::Cycles: within = cycles_ ? cycles_->progress() : 0.0f; break;
    case Phase::Layering: within = layering_ ? layering_->progress() : 0.0f; break;
    case Phase::Splitting: within = splitting_ ? splitting_->progress() : 0.0f; break;
    case Phase::Ordering:
      within = ordering_ ? ordering_->progress() : 0.0f;
      if (try_unbundled_) within = ordering_done_ ? 0.5f + 0.5f * (alt_ordering_ ? alt_ordering_->progress() : 0.0f)
                                                 : 0.5f * within;
      break;
    case Phase::Placement: within = placement_ ? placement_->progress() : 0.0f; break;
    case Phase::Routing: within = routing_ ? routing_->progress() : 0.0f; break;
  }
  float total = 0.0f;
  for (int p = 0; p <= static_cast<int>(options_.stop_after); ++p) total += kWeights[p];
  return std::min(1.0f, (done + kWeights[current] * within) / total);
}

// Runs the current phase within the budget; on completion records its statistics,
// creates the next phase and returns true.
bool LayoutJob::runPhase(Budget& budget) {
  switch (phase_) {
    case Phase::Cycles:
      if (!cycles_) cycles_ = std::make_unique<CycleBreaking>(graph_);
      if (!cycles_->run(budget)) return false;
      stats_.reversed_edges = cycles_->result().reversed_count;
      stats_.self_loops = cycles_->result().self_loop_count;
      return true;
    case Phase::Layering:
      if (!layering_) layering_ = std::make_unique<Layering>(graph_, cycles_->result(), options_);
      if (!layering_->run(budget)) return false;
      stats_.rank_count = static_cast<uint32_t>(layering_->result().rank_count);
      stats_.network_simplex = layering_->result().network_simplex;
      stats_.simplex_iterations = layering_->result().simplex_iterations;
      stats_.simplex_converged = layering_->result().simplex_converged;
      return true;
    case Phase::Splitting:
      if (!splitting_)
        splitting_ = std::make_unique<Splitting>(graph_, cycles_->result(), layering_->result(), options_);
      if (!splitting_->run(budget)) return false;
      stats_.dummy_count = splitting_->result().dummyCount();
      if (options_.bundle_fanout) {
        const AcyclicGraph& a = cycles_->result();
        const std::vector<int32_t>& rank = layering_->result().rank;
        uint64_t separate = 0;  // dummies without bundles
        for (uint32_t e : a.out_edges) separate += static_cast<uint64_t>(rank[a.head[e]] - rank[a.tail[e]] - 1);
        try_unbundled_ = stats_.dummy_count < separate && separate <= kUnbundledTrialMaxDummies;
        unbundled_options_ = options_;
        unbundled_options_.bundle_fanout = false;
      }
      return true;
    case Phase::Ordering:
      if (!ordering_) ordering_ = std::make_unique<CrossingMinimization>(splitting_->result(), options_);
      if (!ordering_done_) {
        if (!ordering_->run(budget)) return false;
        ordering_done_ = true;
      }
      if (try_unbundled_) {
        if (!alt_splitting_)
          alt_splitting_ = std::make_unique<Splitting>(graph_, cycles_->result(), layering_->result(), unbundled_options_);
        if (!alt_splitting_->run(budget)) return false;
        if (!alt_ordering_)
          alt_ordering_ = std::make_unique<CrossingMinimization>(alt_splitting_->result(), unbundled_options_);
        if (!alt_ordering_->run(budget)) return false;
        if (alt_ordering_->result().crossings < ordering_->result().crossings) {
          std::swap(splitting_, alt_splitting_);
          std::swap(ordering_, alt_ordering_);
        }
        alt_ordering_.reset();
        alt_splitting_.reset();
        try_unbundled_ = false;
      }
      stats_.dummy_count = splitting_->result().dummyCount();
      stats_.crossings = ordering_->result().crossings;
      stats_.ordering_sweeps = ordering_->result().sweeps;
      return true;
    case Phase::Placement:
      if (!placement_)
        placement_ = std::make_unique<Positioning>(splitting_->result(), ordering_->result(), options_);
      return placement_->run(budget);
    case Phase::Routing:
      if (!routing_)
        routing_ = std::make_unique<Routing>(graph_, cycles_->result(), splitting_->result(), placement_->result(),
                                             options_);
      if (!routing_->run(budget)) return false;
      layout_ = std::move(routing_->result());
      stats_.edge_length = layout_.stats.edge_length;
      layout_ready_ = true;
      return true;
  }
  return true;
}

bool LayoutJob::step(double budget_ms) {
  if (finished_) return true;
  using Clock = std::chrono::steady_clock;
  if (!validated_) {
    status_ = validateGraph(graph_);
    validated_ = true;
    if (!status_.ok()) {
      finished_ = true;
      return true;
    }
  }
  Budget budget(budget_ms, &cancelled_flag_, external_cancel_);
  while (!finished_) {
    const Clock::time_point start = Clock::now();
    const bool done = runPhase(budget);
    stats_.phase_ms[static_cast<int>(phase_)] +=
        std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (budget.cancelled()) {
      status_ = Error{"layout cancelled"};
      finished_ = true;
      break;
    }
    if (!done) break;  // slice over
    ++work_done_;  // a finished phase is progress even if its last slice ticked nothing
    done_through_ = phase_;
    any_done_ = true;
    if (phase_ == options_.stop_after) {
      finished_ = true;
      break;
    }
    phase_ = static_cast<Phase>(static_cast<int>(phase_) + 1);
    if (budget.stopped()) break;
  }
  work_done_ += budget.worked();
  if (!finished_ && stall_.stalled(work_done_)) {
    status_ = Error{std::string("layout made no progress in phase ") + phaseName(phase_) + " for " +
                    std::to_string(stall_.limit()) + " slices"};
    finished_ = true;
  }
  if (layout_ready_) layout_.stats = stats_;
  return finished_;
}

// [SECTION] Synchronous entry point ------------------------------------------------

Result<Layout> layoutGraph(const Graph& graph, const Options& options, const Hooks& hooks) {
  LayoutJob job(graph, options, hooks.cancel);
  const double slice = hooks.progress ? hooks.slice_ms : 0.0;
  while (!job.step(slice)) {
    if (hooks.progress) hooks.progress(job.phase(), job.progress());
  }
  if (!job.succeeded()) return Error{job.status().message()};
  if (hooks.progress) hooks.progress(job.phase(), 1.0f);
  Layout out = job.layout() ? job.takeLayout() : Layout{};
  out.stats = job.stats();
  return out;
}

}  // namespace nf::layout
