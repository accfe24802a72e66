// builder/templates.h - ready-made documents to start from (New > From template, `netforge template`).
//
// Every template is built from catalog layers only, laid out top to bottom, and must
// analyse with no errors (tests/builder/templates_test.cpp; its PyTorch code runs in
// builder.pytorch_runs).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "builder/document.h"

namespace nf::builder {

struct Template {
  std::string name;         // shown in the gallery and accepted by the CLI (case-insensitive)
  std::string description;  // one line
  Document (*build)() = nullptr;
};

const std::vector<Template>& templates();
const Template* findTemplate(std::string_view name);  // case-insensitive; nullptr if unknown

}  // namespace nf::builder
