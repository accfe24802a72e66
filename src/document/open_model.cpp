#include "document/open_model.h"

#include <limits>


namespace nf::document {

namespace {
std::string baseName(const std::string& path) {
  auto slash = path.find_last_of("/\\");
  return slash == std::string::npos ? path : path.substr(slash + 1);
}
}  // namespace

OpenJob::OpenJob(std::vector<IncomingFile> files) : files_(std::move(files)) {
  if (files_.empty()) {
    result_ = Error{"no file was given"};
    return;
  }
  std::vector<FileProbe> probes;
  probes.reserve(files_.size());
  for (const IncomingFile& f : files_) probes.push_back(probeOf(f.name, *f.bytes, f.media_type));
  const FileRouting routing = routeModelBatch(probes);
  notes_ = routing.problems();
  if (!routing.model) {
    result_ = Error{notes_.empty() ? files_[0].name + ": not an ONNX model. " + kAcceptedFiles : notes_[0]};
    return;
  }
  model_index_ = *routing.model;
  roles_ = routing.roles;
  onnx::ExternalResolver resolver = [this](const std::string& location) -> std::shared_ptr<const ByteSource> {
    for (size_t i = 0; i < files_.size(); ++i) {
      if (roles_[i] != FileRole::ExternalData) continue;
      if (files_[i].name == location || files_[i].name == baseName(location)) return files_[i].bytes;
    }
    missing_.insert(location);
    return nullptr;
  };
  const IncomingFile& model_file = files_[model_index_];
  reader_ = std::make_unique<onnx::ReadJob>(model_file.bytes, model_file.name, std::move(resolver));
}

OpenJob::~OpenJob() = default;

const char* OpenJob::phaseLabel() const { return reader_ ? reader_->phaseLabel() : "done"; }

bool OpenJob::step(double budget_ms) {
  if (!reader_) return true;
  if (!reader_->step(budget_ms)) return false;
  finish();
  return true;
}

void OpenJob::finish() {
  auto model = reader_->take();
  reader_.reset();
  const IncomingFile& model_file = files_[model_index_];
  if (!model) {
    result_ = Error{model_file.name + ": " + model.error().message};
    return;
  }
  OpenedModel out;
  out.model = std::move(*model);
  out.file_name = model_file.name;
  out.file_size = model_file.bytes->size();
  for (size_t i = 0; i < files_.size(); ++i)
    if (roles_[i] == FileRole::ExternalData) out.data_files.push_back(files_[i].name);
  out.missing_data.assign(missing_.begin(), missing_.end());
  out.notes = notes_;
  result_ = std::move(out);
}

size_t OpenedModel::nodeCount() const {
  if (!node_count_) node_count_ = model.graphs.empty() ? 0 : model.nodeCountIncludingSubgraphs();
  return *node_count_;
}

size_t OpenedModel::opTypeCount() const {
  if (!op_type_count_) op_type_count_ = model.graphs.empty() ? 0 : model.opTypes().size();
  return *op_type_count_;
}

Result<OpenedModel> OpenJob::take() {
  Result<OpenedModel> out = std::move(result_);
  result_ = Error{"the model was already taken"};
  return out;
}

Result<OpenedModel> openModelFromFiles(const std::vector<IncomingFile>& files) {
  OpenJob job(files);
  while (!job.step(std::numeric_limits<double>::infinity())) {
  }
  return job.take();
}

}  // namespace nf::document
