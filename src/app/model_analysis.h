// app/model_analysis.h - shape inference and metrics of the open model, computed
// once per opened model on first use and shared by the views that show them.
#pragma once
#include <memory>

#include "shapes/inference.h"
#include "shapes/metrics.h"

namespace nf::app {

struct OpenedModel;

struct ModelAnalysis {
  shapes::InferenceResult inference;
  shapes::Metrics metrics;
  double ms = 0;  // time taken by inference + metrics
};

// The analysis of `opened`, computing it if this model has none yet. Null for null.
const ModelAnalysis* analysisOf(const OpenedModel* opened);

}  // namespace nf::app
