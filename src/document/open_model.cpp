#include "document/open_model.h"

#include <set>

#include "document/file_routing.h"
#include "onnx/reader.h"

namespace nf::document {

namespace {
std::string baseName(const std::string& path) {
  auto slash = path.find_last_of("/\\");
  return slash == std::string::npos ? path : path.substr(slash + 1);
}
}  // namespace

Result<OpenedModel> openModelFromFiles(const std::vector<IncomingFile>& files) {
  if (files.empty()) return Error{"no file was given"};
  std::vector<FileProbe> probes;
  probes.reserve(files.size());
  for (const IncomingFile& f : files) probes.push_back(probeOf(f.name, *f.bytes, f.media_type));
  const FileRouting routing = routeModelBatch(probes);
  if (!routing.model) {
    const auto problems = routing.problems();
    return Error{problems.empty() ? files[0].name + ": not an ONNX model. " + kAcceptedFiles : problems[0]};
  }
  const size_t model_index = *routing.model;
  const IncomingFile& model_file = files[model_index];

  std::set<std::string> missing;
  onnx::ExternalResolver resolver = [&](const std::string& location) -> std::shared_ptr<const ByteSource> {
    for (size_t i = 0; i < files.size(); ++i) {
      if (routing.roles[i] != FileRole::ExternalData) continue;
      if (files[i].name == location || files[i].name == baseName(location)) return files[i].bytes;
    }
    missing.insert(location);
    return nullptr;
  };

  auto model = onnx::readModel(model_file.bytes, model_file.name, resolver);
  if (!model) return Error{model_file.name + ": " + model.error().message};

  OpenedModel out;
  out.model = std::move(*model);
  out.file_name = model_file.name;
  out.file_size = model_file.bytes->size();
  for (size_t i = 0; i < files.size(); ++i)
    if (routing.roles[i] == FileRole::ExternalData) out.data_files.push_back(files[i].name);
  out.missing_data.assign(missing.begin(), missing.end());
  out.notes = routing.problems();
  return out;
}

}  // namespace nf::document
