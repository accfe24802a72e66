#include "app/open_files.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "onnx/reader.h"

namespace nf::app {

namespace {

bool endsWithNoCase(const std::string& s, const std::string& suffix) {
  if (s.size() < suffix.size()) return false;
  return std::equal(suffix.rbegin(), suffix.rend(), s.rbegin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
}

std::string baseName(const std::string& path) {
  auto slash = path.find_last_of("/\\");
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool looksLikeOnnx(const ByteSource& bytes) {
  uint8_t head[4096];
  size_t n = static_cast<size_t>(std::min<uint64_t>(sizeof head, bytes.size()));
  if (n == 0 || !bytes.read(0, head, n)) return false;
  return onnx::sniffFormat(head, n, bytes.size()).maybe_onnx;
}

}  // namespace

size_t pickModelFile(const std::vector<IncomingFile>& files) {
  for (size_t i = 0; i < files.size(); ++i)
    if (endsWithNoCase(files[i].name, ".onnx")) return i;
  for (size_t i = 0; i < files.size(); ++i)
    if (looksLikeOnnx(*files[i].bytes)) return i;
  return 0;
}

Result<OpenedModel> openModelFromFiles(const std::vector<IncomingFile>& files) {
  if (files.empty()) return Error{"no file was given"};
  const size_t model_index = pickModelFile(files);
  const IncomingFile& model_file = files[model_index];

  std::set<std::string> missing;
  onnx::ExternalResolver resolver = [&](const std::string& location) -> std::shared_ptr<const ByteSource> {
    for (size_t i = 0; i < files.size(); ++i) {
      if (i == model_index) continue;
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
    if (i != model_index) out.data_files.push_back(files[i].name);
  out.missing_data.assign(missing.begin(), missing.end());
  return out;
}

}  // namespace nf::app
