// builder/templates.cpp - the template gallery: classic architectures as builder documents.
//
// Each template is written as a chain of layers with a tiny helper that places every
// new layer one row below the previous one (side branches one column to the right),
// so the documents need no layout pass.
#include "builder/templates.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <stdexcept>

namespace nf::builder {

namespace {

constexpr float kRow = 80.0F;
constexpr float kColumn = 260.0F;

// Appends layers to a document; a bad type or parameter is a programming error in this
// file, caught by the template test, so it throws rather than returning a status.
class Sketch {
 public:
  explicit Sketch(std::string name) { doc_.name = std::move(name); }

  // Adds `type` with `params` over the defaults, fed by `inputs` (ports in order).
  NodeId add(std::string_view type, ParamMap params, std::initializer_list<NodeId> inputs,
             std::string name = "", int column = 0) {
    auto made = makeNode(doc_, type, Vec2{column * kColumn, row_ * kRow});
    if (!made.ok()) throw std::logic_error(made.error().message);
    Node n = std::move(made.value());
    // Coerced as the loaders do (a scalar 3 for a tuple becomes (3, 3)): the editor and
    // the emitters expect each parameter in its spec's kind.
    const LayerSpec* spec = catalog().find(n.type);
    for (auto& [key, value] : params) {
      const ParamSpec* p = spec->param(key);
      auto coerced = p ? p->coerce(value) : std::nullopt;
      if (!coerced || !p->validate(*coerced).ok()) throw std::logic_error("template parameter " + key + " of " + n.type);
      n.params[key] = std::move(*coerced);
    }
    if (!name.empty()) n.name = doc_.uniqueName(name);
    NodeId id = n.id;
    if (!doc_.insertNode(std::move(n)).ok()) throw std::logic_error("template node rejected");
    int port = 0;
    for (NodeId from : inputs) {
      if (!doc_.insertEdge(Edge{from, id, port++}).ok()) throw std::logic_error("template edge rejected");
    }
    ++row_;
    return id;
  }
  // The common case: one input, the previous layer.
  NodeId then(std::string_view type, ParamMap params = {}, std::string name = "") {
    last_ = add(type, std::move(params), {last_}, std::move(name));
    return last_;
  }
  NodeId input(IntList shape, std::string dtype = "float32", std::string name = "input") {
    ParamMap p{{"shape", std::move(shape)}};
    if (dtype != "float32") p["dtype"] = std::move(dtype);
    last_ = add("Input", std::move(p), {}, std::move(name));
    return last_;
  }
  NodeId last() const { return last_; }
  void setLast(NodeId id) { last_ = id; }
  Document take() { return std::move(doc_); }

 private:
  Document doc_;
  NodeId last_;
  int row_ = 0;
};

ParamMap conv(int64_t out, int64_t k, int64_t stride = 1, int64_t pad = -1, bool bias = true) {
  ParamMap p{{"out_channels", out}, {"kernel_size", k}};
  if (stride != 1) p["stride"] = stride;
  if (pad < 0) {
    p["padding"] = std::string("same");
  } else if (pad > 0) {
    p["padding"] = std::string("custom");
    p["padding_size"] = IntList{pad, pad};
  }
  if (!bias) p["bias"] = false;
  return p;
}

ParamMap linear(int64_t out) { return ParamMap{{"out_features", out}}; }

Document mlp() {
  Sketch s("MLP");
  s.input({784}, "float32", "pixels");
  s.then("Linear", linear(256));
  s.then("ReLU");
  s.then("Dropout", {{"p", 0.2}});
  s.then("Linear", linear(128));
  s.then("ReLU");
  s.then("Linear", linear(10), "logits");
  return s.take();
}

Document cifarCnn() {
  Sketch s("Cifar10Cnn");
  s.input({32, 32, 3}, "float32", "image");
  for (int64_t ch : {32, 64}) {
    s.then("Conv2d", conv(ch, 3));
    s.then("BatchNorm2d");
    s.then("ReLU");
    s.then("MaxPool2d", {{"kernel_size", IntList{2, 2}}});
  }
  s.then("Flatten");
  s.then("Linear", linear(128));
  s.then("ReLU");
  s.then("Dropout", {{"p", 0.5}});
  s.then("Linear", linear(10), "logits");
  return s.take();
}

Document lenet5() {
  Sketch s("LeNet5");
  s.input({32, 32, 1}, "float32", "image");
  s.then("Conv2d", conv(6, 5, 1, 0));
  s.then("Tanh");
  s.then("AvgPool2d", {{"kernel_size", IntList{2, 2}}});
  s.then("Conv2d", conv(16, 5, 1, 0));
  s.then("Tanh");
  s.then("AvgPool2d", {{"kernel_size", IntList{2, 2}}});
  s.then("Flatten");
  s.then("Linear", linear(120));
  s.then("Tanh");
  s.then("Linear", linear(84));
  s.then("Tanh");
  s.then("Linear", linear(10), "logits");
  return s.take();
}

Document vgg11() {
  Sketch s("Vgg11");
  s.input({32, 32, 3}, "float32", "image");
  constexpr int kPool = 0;
  for (int ch : {64, kPool, 128, kPool, 256, 256, kPool, 512, 512, kPool, 512, 512, kPool}) {
    if (ch == kPool) {
      s.then("MaxPool2d", {{"kernel_size", IntList{2, 2}}});
      continue;
    }
    s.then("Conv2d", conv(ch, 3, 1, 1));
    s.then("BatchNorm2d");
    s.then("ReLU");
  }
  s.then("Flatten");
  for (int i = 0; i < 2; ++i) {
    s.then("Linear", linear(512));
    s.then("ReLU");
    s.then("Dropout", {{"p", 0.5}});
  }
  s.then("Linear", linear(10), "logits");
  return s.take();
}

// A ResNet basic block: two 3x3 convolutions plus the shortcut, merged by Add.
void basicBlock(Sketch& s, int64_t ch, int64_t stride, const std::string& name) {
  NodeId in = s.last();
  s.then("Conv2d", conv(ch, 3, stride, 1, false), name + "_conv1");
  s.then("BatchNorm2d", {}, name + "_bn1");
  s.then("ReLU", {}, name + "_relu1");
  s.then("Conv2d", conv(ch, 3, 1, 1, false), name + "_conv2");
  NodeId main = s.then("BatchNorm2d", {}, name + "_bn2");
  NodeId shortcut = in;
  if (stride != 1) {
    NodeId down = s.add("Conv2d", conv(ch, 1, stride, 0, false), {in}, name + "_down", 1);
    shortcut = s.add("BatchNorm2d", {}, {down}, name + "_down_bn", 1);
  }
  s.setLast(s.add("Add", {}, {main, shortcut}, name + "_add"));
  s.then("ReLU", {}, name + "_out");
}

Document resnet18() {
  Sketch s("ResNet18");
  s.input({224, 224, 3}, "float32", "image");
  s.then("Conv2d", conv(64, 7, 2, 3, false), "stem");
  s.then("BatchNorm2d", {}, "stem_bn");
  s.then("ReLU", {}, "stem_relu");
  s.then("MaxPool2d", {{"kernel_size", IntList{3, 3}}, {"stride", IntList{2, 2}}, {"padding", std::string("same")}},
         "stem_pool");
  int stage = 1;
  for (int64_t ch : {64, 128, 256, 512}) {
    basicBlock(s, ch, ch == 64 ? 1 : 2, "layer" + std::to_string(stage) + "_0");
    basicBlock(s, ch, 1, "layer" + std::to_string(stage) + "_1");
    ++stage;
  }
  s.then("GlobalAvgPool2d");
  s.then("Linear", linear(1000), "fc");
  return s.take();
}

Document mobilenetV2Block() {
  Sketch s("MobileNetV2Block");
  NodeId in = s.input({56, 56, 24}, "float32", "features");
  s.then("Conv2d", conv(144, 1, 1, 0, false), "expand");
  s.then("BatchNorm2d", {}, "expand_bn");
  s.then("ReLU6", {}, "expand_relu6");
  s.then("DepthwiseConv2d", {{"kernel_size", int64_t{3}}, {"padding", std::string("same")}, {"bias", false}},
         "depthwise");
  s.then("BatchNorm2d", {}, "depthwise_bn");
  s.then("ReLU6", {}, "depthwise_relu6");
  s.then("Conv2d", conv(24, 1, 1, 0, false), "project");
  NodeId project = s.then("BatchNorm2d", {}, "project_bn");
  s.add("Add", {}, {project, in}, "residual");
  return s.take();
}

Document unetSmall() {
  Sketch s("UNetSmall");
  s.input({64, 64, 1}, "float32", "image");
  auto doubleConv = [&s](int64_t ch, const std::string& name) {
    s.then("Conv2d", conv(ch, 3), name + "_conv1");
    s.then("ReLU", {}, name + "_relu1");
    s.then("Conv2d", conv(ch, 3), name + "_conv2");
    return s.then("ReLU", {}, name + "_relu2");
  };
  NodeId skip1 = doubleConv(16, "enc1");
  s.then("MaxPool2d", {}, "pool1");
  NodeId skip2 = doubleConv(32, "enc2");
  s.then("MaxPool2d", {}, "pool2");
  doubleConv(64, "bottleneck");
  NodeId up2 = s.then("ConvTranspose2d", {{"out_channels", int64_t{32}}, {"kernel_size", int64_t{2}}, {"stride", int64_t{2}}},
                      "up2");
  s.setLast(s.add("Concatenate", {}, {up2, skip2}, "cat2"));
  doubleConv(32, "dec2");
  NodeId up1 = s.then("ConvTranspose2d", {{"out_channels", int64_t{16}}, {"kernel_size", int64_t{2}}, {"stride", int64_t{2}}},
                      "up1");
  s.setLast(s.add("Concatenate", {}, {up1, skip1}, "cat1"));
  doubleConv(16, "dec1");
  s.then("Conv2d", conv(1, 1, 1, 0), "mask");
  s.then("Sigmoid");
  return s.take();
}

Document lstmClassifier() {
  Sketch s("LstmTextClassifier");
  s.input({100}, "int64", "tokens");
  s.then("Embedding", {{"num_embeddings", int64_t{10000}}, {"embedding_dim", int64_t{128}}});
  s.then("LSTM", {{"hidden_size", int64_t{128}}, {"bidirectional", true}});
  s.then("Dropout", {{"p", 0.3}});
  s.then("Linear", linear(4), "logits");
  return s.take();
}

Document transformerClassifier() {
  Sketch s("TransformerClassifier");
  s.input({64}, "int64", "tokens");
  s.then("Embedding", {{"num_embeddings", int64_t{8000}}, {"embedding_dim", int64_t{128}}});
  for (int i = 1; i <= 2; ++i) {
    s.then("TransformerEncoderLayer", {{"nhead", int64_t{4}}, {"dim_feedforward", int64_t{256}}},
           "encoder" + std::to_string(i));
  }
  s.then("GlobalAvgPool1d", {}, "pool");
  s.then("Linear", linear(2), "logits");
  return s.take();
}

Document gptMini() {
  Sketch s("GptMini");
  s.input({128}, "int64", "tokens");
  s.then("Embedding", {{"num_embeddings", int64_t{5000}}, {"embedding_dim", int64_t{128}}}, "token_embedding");
  for (int i = 1; i <= 4; ++i) {
    s.then("TransformerEncoderLayer",
           {{"nhead", int64_t{4}}, {"dim_feedforward", int64_t{512}}, {"activation", std::string("gelu")},
            {"norm_first", true}},
           "block" + std::to_string(i));
  }
  s.then("LayerNorm", {}, "final_norm");
  s.then("Linear", linear(5000), "lm_head");
  return s.take();
}

Document autoencoder() {
  Sketch s("Autoencoder");
  s.input({784}, "float32", "pixels");
  s.then("Linear", linear(256), "enc1");
  s.then("ReLU");
  s.then("Linear", linear(32), "code");
  s.then("ReLU");
  s.then("Linear", linear(256), "dec1");
  s.then("ReLU");
  s.then("Linear", linear(784), "reconstruction");
  s.then("Sigmoid");
  return s.take();
}

Document ganGenerator() {
  Sketch s("GanGenerator");
  s.input({100}, "float32", "latent");
  s.then("Linear", linear(4 * 4 * 256), "project");
  s.then("Reshape", {{"shape", IntList{4, 4, 256}}});
  s.then("BatchNorm2d");
  s.then("ReLU");
  for (int64_t ch : {128, 64, 3}) {
    s.then("ConvTranspose2d", {{"out_channels", ch},
                               {"kernel_size", int64_t{4}},
                               {"stride", int64_t{2}},
                               {"padding", std::string("custom")},
                               {"padding_size", IntList{1, 1}},
                               {"bias", false}});
    if (ch == 3) break;
    s.then("BatchNorm2d");
    s.then("ReLU");
  }
  s.then("Tanh", {}, "image");
  return s.take();
}

}  // namespace

const std::vector<Template>& templates() {
  static const std::vector<Template> all = {
      {"MLP", "Multilayer perceptron for 28x28 digits: two hidden Linear layers with ReLU and dropout", mlp},
      {"CIFAR-10 CNN", "Two conv-BN-ReLU-pool stages and a dense head for 32x32 colour images", cifarCnn},
      {"LeNet-5", "LeCun's 1998 digit network: 5x5 convolutions, average pooling, tanh", lenet5},
      {"VGG-11", "VGG configuration A with batch norm, sized for 32x32 images", vgg11},
      {"ResNet-18", "ImageNet ResNet-18: eight basic blocks whose residuals are Add merges (11.7M parameters)", resnet18},
      {"MobileNetV2 block", "Inverted residual: 1x1 expand, 3x3 depthwise, 1x1 project, Add shortcut", mobilenetV2Block},
      {"U-Net (small)", "Two-level U-Net for 64x64 segmentation masks with Concatenate skip connections", unetSmall},
      {"LSTM text classifier", "Token embedding, bidirectional LSTM and a linear head", lstmClassifier},
      {"Transformer encoder classifier", "Token embedding, two encoder layers, mean pooling, linear head",
       transformerClassifier},
      {"GPT-mini decoder", "GPT-style stack of four pre-norm blocks and an LM head (no causal mask: apply it in training)",
       gptMini},
      {"Autoencoder", "Dense autoencoder squeezing 784 pixels to a 32-value code and back", autoencoder},
      {"GAN generator", "DCGAN generator: 100-value latent to a 32x32 RGB image through transposed convolutions",
       ganGenerator},
  };
  return all;
}

const Template* findTemplate(std::string_view name) {
  auto lower = [](std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
  };
  const std::string wanted = lower(name);
  for (const Template& t : templates()) {
    if (lower(t.name) == wanted) return &t;
  }
  return nullptr;
}

}  // namespace nf::builder
