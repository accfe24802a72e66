// app/model_analysis.h - shape inference and metrics of the open model, computed
// once per opened model on first use and shared by the views that show them.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "shapes/inference.h"
#include "shapes/metrics.h"

namespace nf::app {

struct OpenedModel;

struct ModelAnalysis {
  shapes::InferenceResult inference;
  shapes::Metrics metrics;
  double ms = 0;      // time taken by inference + metrics
  std::string error;  // set when the analysis failed: inference/metrics are then empty
};

// The analysis of `opened`, computing it if this model has none yet. Null for null.
// Runs inside guardStage: a failure leaves an empty analysis with `error` set (the
// views' lookups are range-checked, so they show nothing) and is reported once to
// the sink set below.
const ModelAnalysis* analysisOf(const OpenedModel* opened);

// Where a failed analysis is reported (the app passes Session::stageFailed).
void setAnalysisFailureSink(std::function<void(const std::string&)> sink);

}  // namespace nf::app
