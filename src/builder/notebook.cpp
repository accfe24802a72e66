// builder/notebook.cpp - see notebook.h. Cells are plain strings; the notebook JSON is
// written with nlohmann::json so every source line is escaped properly.
#include "builder/notebook.h"

#include <nlohmann/json.hpp>

#include "builder/codegen.h"
#include "builder/codegen_internal.h"

namespace nf::builder {

namespace {

using nlohmann::json;

json sourceLines(const std::string& text) {
  json lines = json::array();
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    end = end == std::string::npos ? text.size() : end + 1;
    lines.push_back(text.substr(start, end - start));
    start = end;
  }
  if (!lines.empty()) {  // nbformat convention: no newline after the last line
    std::string last = lines.back();
    if (!last.empty() && last.back() == '\n') last.pop_back();
    lines.back() = last;
  }
  return lines;
}

json markdown(const std::string& text) {
  return {{"cell_type", "markdown"}, {"metadata", json::object()}, {"source", sourceLines(text)}};
}
json code(const std::string& text) {
  return {{"cell_type", "code"}, {"execution_count", nullptr}, {"metadata", json::object()},
          {"outputs", json::array()}, {"source", sourceLines(text)}};
}

struct Dataset {
  std::string name;          // "MNIST" / "CIFAR10"; "" when the model does not fit one
  std::string normalize;     // transforms.Normalize(...)
  std::string resize;        // transforms.Resize((h, w)) or ""
  bool flatten = false;
};

// Which torchvision dataset fits the model's one input and one output.
Dataset datasetFor(const CodePlan& plan) {
  if (plan.input_nodes.size() != 1 || plan.output_nodes.size() != 1) return {};
  const TensorInfo& in = plan.out(plan.input_nodes[0]);
  const TensorInfo& out = plan.out(plan.output_nodes[0]);
  if (in.dtype != DType::Float32 || out.rank() != 1 || out.dims[0] < 10) return {};
  if (out.dims == in.dims) return {};  // a reconstruction (autoencoder), not class scores
  const IntList dims = in.dimsFor(Framework::PyTorch);
  const Dataset mnist{"MNIST", "transforms.Normalize((0.1307,), (0.3081,))", "", false};
  const Dataset cifar{"CIFAR10", "transforms.Normalize((0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616))", "", false};
  if (dims.size() == 1) {
    Dataset d = dims[0] == 784 ? mnist : dims[0] == 3072 ? cifar : Dataset{};
    d.flatten = !d.name.empty();
    return d;
  }
  if (dims.size() != 3 || (dims[0] != 1 && dims[0] != 3)) return {};
  Dataset d = dims[0] == 1 ? mnist : cifar;
  const int64_t native = dims[0] == 1 ? 28 : 32;
  if (dims[1] != native || dims[2] != native)
    d.resize = "transforms.Resize((" + pyInt(dims[1]) + ", " + pyInt(dims[2]) + "))";
  return d;
}

std::string dataCell(const Dataset& d) {
  std::string steps = "transforms.ToTensor(), ";
  if (!d.resize.empty()) steps += d.resize + ", ";
  steps += d.normalize;
  if (d.flatten) steps += ", transforms.Lambda(torch.flatten)";
  std::string s;
  s += "import torch\nfrom torchvision import datasets, transforms\n\n";
  s += "transform = transforms.Compose([" + steps + "])\n";
  s += "train_set = datasets." + d.name + "(\"data\", train=True, download=True, transform=transform)\n";
  s += "test_set = datasets." + d.name + "(\"data\", train=False, download=True, transform=transform)\n";
  s += "train_loader = torch.utils.data.DataLoader(train_set, batch_size=64, shuffle=True, num_workers=2)\n";
  s += "test_loader = torch.utils.data.DataLoader(test_set, batch_size=256, num_workers=2)\n";
  s += "print(len(train_set), \"training and\", len(test_set), \"test images\")";
  return s;
}

std::string trainingCell(const std::string& class_name) {
  std::string s;
  s += "device = torch.device(\"cuda\" if torch.cuda.is_available() else \"cpu\")\n";
  s += "model = " + class_name + "().to(device)\n";
  s += "optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)\n";
  s += "loss_fn = torch.nn.CrossEntropyLoss()\n";
  s += "epochs = 2\n\n";
  s += "for epoch in range(epochs):\n";
  s += "    model.train()\n";
  s += "    for step, (images, labels) in enumerate(train_loader):\n";
  s += "        images, labels = images.to(device), labels.to(device)\n";
  s += "        optimizer.zero_grad()\n";
  s += "        loss = loss_fn(model(images), labels)\n";
  s += "        loss.backward()\n";
  s += "        optimizer.step()\n";
  s += "        if step % 100 == 0:\n";
  s += "            print(f\"epoch {epoch + 1} step {step}: loss {loss.item():.4f}\")\n";
  s += "    model.eval()\n";
  s += "    correct = total = 0\n";
  s += "    with torch.no_grad():\n";
  s += "        for images, labels in test_loader:\n";
  s += "            images, labels = images.to(device), labels.to(device)\n";
  s += "            correct += (model(images).argmax(dim=1) == labels).sum().item()\n";
  s += "            total += labels.numel()\n";
  s += "    print(f\"epoch {epoch + 1}: test accuracy {correct / total:.3f}\")";
  return s;
}

}  // namespace

Result<std::string> generateNotebook(const Document& doc) {
  auto plan = makeCodePlan(doc, Framework::PyTorch);
  if (!plan) return plan.error();
  const Dataset data = datasetFor(*plan);
  CodegenOptions options;
  options.framework = Framework::PyTorch;
  options.main_block = false;
  options.training_loop = data.name.empty();  // random-data train() when no dataset fits
  auto model_code = generateCode(doc, options);
  if (!model_code) return model_code.error();

  // The model cell ends by running one random batch, so "Run all" shows the shapes first.
  std::string check = "\n\nmodel = " + plan->class_name + "()\nexample = (";
  for (int i : plan->input_nodes) {
    const TensorInfo& t = plan->out(i);
    std::string dims = "2";
    for (int64_t d : t.dimsFor(Framework::PyTorch)) dims += ", " + pyInt(d);
    check += t.dtype == DType::Float32 ? "torch.randn(" + dims + "), " : "torch.zeros(" + dims + ", dtype=torch.long), ";
  }
  check += ")\nwith torch.no_grad():\n    outputs = model(*example)\n";
  check += "for out in outputs if isinstance(outputs, tuple) else (outputs,):\n    print(\"output\", tuple(out.shape))\n";
  check += "print(\"parameters\", count_parameters(model))";

  json cells = json::array();
  cells.push_back(markdown("# " + plan->title + "\n\nGenerated by NetForge from the builder model. The model (PyTorch), " +
                           (data.name.empty() ? std::string("a training run on random data of its shapes")
                                              : "a " + std::string(data.name == "MNIST" ? "MNIST" : "CIFAR-10") +
                                                    " loader from `torchvision.datasets` and a training loop") +
                           ". Runs in Jupyter or Colab (Runtime > Run all)."));
  cells.push_back(markdown("## Model\n\n" + detail::outputSummary(*plan, Framework::PyTorch) + "."));
  cells.push_back(code(*model_code + check));
  if (!data.name.empty()) {
    cells.push_back(markdown("## Data\n\n`torchvision.datasets." + data.name +
                             "` downloads the images into `data/` on the first run."));
    cells.push_back(code(dataCell(data)));
    cells.push_back(markdown("## Training\n\nAdam and cross-entropy; the test accuracy after each epoch."));
    cells.push_back(code(trainingCell(plan->class_name)));
  } else {
    cells.push_back(markdown("## Training\n\nNo torchvision dataset fits this model's inputs and outputs, so "
                             "`make_batch()` makes random data of the right shapes: replace it with your data."));
    cells.push_back(code("train(model)"));
  }
  const json notebook = {
      {"cells", cells},
      {"metadata",
       {{"kernelspec", {{"display_name", "Python 3"}, {"language", "python"}, {"name", "python3"}}},
        {"language_info", {{"name", "python"}}}}},
      {"nbformat", 4},
      {"nbformat_minor", 4}};
  return notebook.dump(1) + "\n";
}

std::string notebookFileName(const Document& doc) { return sanitizeIdentifier(doc.name, "model") + ".ipynb"; }

}  // namespace nf::builder
