// builder/notebook.h - a Jupyter notebook (.ipynb, nbformat 4) for a builder document:
// the PyTorch model, a torchvision data loader and a training loop, ready for Jupyter
// or Colab.
//
// The data follows the model's input: one image input with 1 channel trains on MNIST,
// 3 channels on CIFAR-10 (resized to the input's height and width when they differ; a
// flat input of 784 or 3,072 values gets the flattened images), when the model has one
// class-score output with at least 10 classes (an output shaped like the input is a
// reconstruction, not class scores). Any other model gets the generated
// train() on random data of its shapes, and a note saying where its data goes.
#pragma once
#include <string>

#include "base/result.h"
#include "builder/document.h"

namespace nf::builder {

Result<std::string> generateNotebook(const Document& doc);
// "<model>.ipynb"
std::string notebookFileName(const Document& doc);

}  // namespace nf::builder
