// builder/codegen_keras_json.cpp - the Keras layers of a plan (planKeras) as Keras 2's
// `model.to_json()` config, and that config as a TensorFlow.js `model.json`
// (tf.loadLayersModel: a layers-model topology without weights, so the model starts
// from Keras's initialisers). Arguments at Keras's defaults are left out, as a config
// written by hand would; Keras and tfjs-layers fill them in.
#include "builder/codegen.h"
#include "builder/codegen_internal.h"

namespace nf::builder {

namespace detail {

namespace {

using nlohmann::json;

json layerConfig(const KerasLayer& l) {
  json config = json::object();
  config["name"] = l.name;
  config["trainable"] = true;
  config["dtype"] = "float32";
  for (const KerasArg& a : l.args) {
    config[a.key] = a.layer ? json{{"class_name", a.layer->cls}, {"config", layerConfig(*a.layer)}} : a.value;
  }
  if (l.cls == "Bidirectional") config["merge_mode"] = "concat";
  return config;
}

json history(const std::string& layer) { return json::array({layer, 0, 0}); }

}  // namespace

json kerasConfig(const CodePlan& plan, const KerasModel& model) {
  json layers = json::array();
  for (const KerasLayer& l : model.layers) {
    json entry = {{"class_name", l.cls}, {"name", l.name}};
    json inbound = json::array();
    if (l.call == KerasLayer::Call::Input) {
      json shape = json::array({nullptr});
      std::string dtype = "float32";
      for (const KerasArg& a : l.args) {
        if (a.key == "shape") shape.insert(shape.end(), a.value.begin(), a.value.end());
        if (a.key == "dtype") dtype = a.value.get<std::string>();
      }
      entry["config"] = {{"batch_input_shape", shape}, {"dtype", dtype}, {"sparse", false}, {"ragged", false},
                         {"name", l.name}};
    } else {
      entry["config"] = layerConfig(l);
      json call = json::array();
      if (l.call == KerasLayer::Call::Attention) {
        // Keras 2 keeps the tensors after the first as the call's keyword arguments.
        json kwargs = {{"value", history(l.inputs[1])}};
        if (l.inputs.size() > 2) kwargs["key"] = history(l.inputs[2]);
        call.push_back(json::array({l.inputs[0], 0, 0, kwargs}));
      } else {
        for (const std::string& from : l.inputs) call.push_back(json::array({from, 0, 0, json::object()}));
      }
      inbound.push_back(call);
    }
    entry["inbound_nodes"] = inbound;
    layers.push_back(entry);
  }
  json ins = json::array(), outs = json::array();
  for (const std::string& n : model.inputs) ins.push_back(history(n));
  for (const std::string& n : model.outputs) outs.push_back(history(n));
  return {{"class_name", "Functional"},
          {"config", {{"name", plan.modelName}, {"trainable", true}, {"layers", layers}, {"input_layers", ins},
                      {"output_layers", outs}}},
          {"keras_version", "2.15.0"},
          {"backend", "tensorflow"}};
}

}  // namespace detail

Result<std::string> generateKerasJson(const Document& doc, KerasJsonForm form) {
  auto plan = makeCodePlan(doc, Framework::Keras);
  if (!plan) return plan.error();
  const detail::KerasModel model = detail::planKeras(*plan);
  nlohmann::json config = detail::kerasConfig(*plan, model);
  if (form == KerasJsonForm::TfjsModel) {
    config = {{"format", "layers-model"},
              {"generatedBy", "NetForge"},
              {"convertedBy", nullptr},
              {"modelTopology", std::move(config)}};
  }
  return config.dump(1) + "\n";
}

std::string kerasJsonFileName(const Document& doc, KerasJsonForm form) {
  return form == KerasJsonForm::TfjsModel ? std::string("model.json")
                                          : sanitizeIdentifier(doc.name, "model") + "_keras.json";
}

}  // namespace nf::builder
