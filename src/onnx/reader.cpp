#include "onnx/reader.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "base/strings.h"
#include "onnx.pb.h"
#include "base/timing.h"
#include "onnx/convert.h"
#include "onnx/proto_slices.h"
#include "onnx/skeleton.h"

namespace nf::onnx {

namespace {
constexpr const char* kUndecodable =
    "the file is not a valid ONNX model (protobuf decoding failed: truncated, corrupt, or nested too deeply)";
}  // namespace

struct ReadJob::State {
  std::unique_ptr<detail::SkeletonJob> walker;
  std::string skeleton;  // the ModelProto's bytes without large payloads
  ::onnx::ModelProto proto;
  std::unique_ptr<detail::ModelProtoSlices> decoder;
  std::unique_ptr<detail::ModelConversion> conversion;
  std::optional<Result<ir::Model>> converted;  // kept while the proto is freed
};

namespace {
// Frees up to `batch` of the decoded graph's biggest repeated fields; false once
// nothing is left. Destroying a 200k-node ModelProto at once takes tens of ms.
bool releaseSome(::onnx::ModelProto* proto, int batch) {
  if (!proto->has_graph()) return false;
  ::onnx::GraphProto* g = proto->mutable_graph();
  auto shrink = [batch](auto* field) {
    const int n = std::min(field->size(), batch);
    field->DeleteSubrange(field->size() - n, n);
  };
  if (g->node_size()) shrink(g->mutable_node());
  else if (g->value_info_size()) shrink(g->mutable_value_info());
  else if (g->initializer_size()) shrink(g->mutable_initializer());
  else return false;
  return true;
}
constexpr int kReleaseBatch = 2048;
}  // namespace

ReadJob::ReadJob(std::shared_ptr<const ByteSource> file, std::string file_name, ExternalResolver resolve_external,
                 ReadOptions options)
    : file_(std::move(file)),
      file_name_(std::move(file_name)),
      resolve_external_(std::move(resolve_external)),
      options_(options),
      state_(std::make_unique<State>()) {}

ReadJob::~ReadJob() = default;

void ReadJob::finish(Result<ir::Model> result) {
  result_ = std::move(result);
  state_.reset();
  phase_ = Phase::Done;
}

const char* ReadJob::phaseLabel() const {
  switch (phase_) {
    case Phase::Skeleton: return "reading the structure";
    case Phase::Decoding: return "decoding";
    case Phase::Converting: return "building the graph";
    case Phase::Releasing: return "freeing the decoded file";
    case Phase::Done: break;
  }
  return "done";
}

bool ReadJob::step(double budget_ms) {
  const auto t0 = SteadyClock::now();
  while (phase_ != Phase::Done) {
    const auto unit0 = SteadyClock::now();
    if (phase_ == Phase::Skeleton && !state_->walker) {
      if (!file_) {
        finish(Error{"no file"});
        break;
      }
      uint8_t head[4096];
      size_t n = static_cast<size_t>(std::min<uint64_t>(sizeof head, file_->size()));
      if (n && !file_->read(0, head, n)) {
        finish(Error{"the file could not be read"});
        break;
      }
      SniffResult sniff = sniffFormat(head, n, file_->size());
      if (!sniff.maybe_onnx) {
        finish(Error{sniff.description});
        break;
      }
      state_->walker = std::make_unique<detail::SkeletonJob>(*file_, options_);
    } else if (phase_ == Phase::Skeleton) {
      const bool walked = state_->walker->step(budget_ms - msSince(t0));
      timings_.skeleton_ms += msSince(unit0);
      if (!walked) break;
      auto skeleton = state_->walker->take();
      state_->walker.reset();
      if (!skeleton) {
        finish(skeleton.error());
        break;
      }
      if (skeleton->bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
        finish(Error{"the model structure is larger than 2 GiB, which protobuf cannot decode"});
        break;
      }
      state_->skeleton = std::move(skeleton->bytes);
      state_->decoder = std::make_unique<detail::ModelProtoSlices>(state_->skeleton, &state_->proto);
      phase_ = Phase::Decoding;
    } else if (phase_ == Phase::Decoding) {
      const double left = budget_ms - msSince(t0);
      state_->decoder->step(left);
      ++timings_.decode_slices;
      timings_.decode_ms += msSince(unit0);
      if (!state_->decoder->done()) break;
      if (state_->decoder->failed()) {
        finish(Error{kUndecodable});
        break;
      }
      state_->decoder.reset();
      std::string().swap(state_->skeleton);  // free the skeleton before building the IR
      state_->conversion = std::make_unique<detail::ModelConversion>(state_->proto, file_, file_name_,
                                                                     resolve_external_, options_);
      phase_ = Phase::Converting;
    } else if (phase_ == Phase::Converting) {
      const bool converted = state_->conversion->step(budget_ms - msSince(t0));
      timings_.convert_ms += msSince(unit0);
      if (!converted) break;
      state_->converted.emplace(state_->conversion->take());
      state_->conversion.reset();
      phase_ = Phase::Releasing;
    } else {
      bool more = true;
      while ((more = releaseSome(&state_->proto, kReleaseBatch)) && msSince(t0) < budget_ms) {
      }
      timings_.release_ms += msSince(unit0);
      if (more) break;  // out of time
      finish(std::move(*state_->converted));
    }
    if (msSince(t0) >= budget_ms) break;
  }
  return done();
}

Result<ir::Model> ReadJob::take() {
  Result<ir::Model> out = std::move(result_);
  result_ = Error{"the model was already taken"};
  return out;
}

Result<ir::Model> readModel(std::shared_ptr<const ByteSource> file, const std::string& file_name,
                            const ExternalResolver& resolve_external, const ReadOptions& options) {
  ReadJob job(std::move(file), file_name, resolve_external, options);
  while (!job.step(std::numeric_limits<double>::infinity())) {
  }
  return job.take();
}

namespace {
std::string directoryOf(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

// External data locations are relative paths next to the model. Refuse anything
// that could escape that folder: a model file must not make us read /etc/passwd.
bool safeRelativeLocation(const std::string& loc) {
  if (loc.empty() || loc[0] == '/' || loc.find('\\') != std::string::npos) return false;
  size_t start = 0;
  while (start <= loc.size()) {
    size_t end = loc.find('/', start);
    if (end == std::string::npos) end = loc.size();
    if (loc.compare(start, end - start, "..") == 0) return false;
    start = end + 1;
  }
  return loc.find('\0') == std::string::npos;
}
}  // namespace

ExternalResolver externalDataNextTo(const std::string& model_path) {
  std::string dir = directoryOf(model_path);
  return [dir](const std::string& location) -> std::shared_ptr<const ByteSource> {
    if (!safeRelativeLocation(location)) return nullptr;
    std::string ignored;
    return openFileSource(dir + "/" + location, &ignored);
  };
}

Result<ir::Model> readModelFile(const std::string& path, const ReadOptions& options) {
  std::string err;
  auto src = openFileSource(path, &err);
  if (!src) return Error{err};
  std::string name = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  return readModel(std::move(src), name, externalDataNextTo(path), options);
}

}  // namespace nf::onnx
