// onnx/sample_model.h - the model the app opens on first visit.
#pragma once
#include <string>

namespace nf::onnx {

// The CIFAR-10 CNN of the Flowpoints tutorial (conv-relu-pool x2, flatten, dense),
// built with the protobuf API and deterministic pseudo-random weights; returns the
// serialized ModelProto.
std::string makeSampleModel();

}  // namespace nf::onnx
