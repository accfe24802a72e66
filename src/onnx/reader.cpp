#include "onnx/reader.h"

#include <algorithm>
#include <limits>

#include "base/strings.h"
#include "onnx.pb.h"
#include "onnx/convert.h"
#include "onnx/skeleton.h"

namespace nf::onnx {

Result<ir::Model> readModel(std::shared_ptr<const ByteSource> file, const std::string& file_name,
                            const ExternalResolver& resolve_external, const ReadOptions& options) {
  if (!file) return Error{"no file"};
  uint8_t head[4096];
  size_t n = static_cast<size_t>(std::min<uint64_t>(sizeof head, file->size()));
  if (n && !file->read(0, head, n)) return Error{"the file could not be read"};
  SniffResult sniff = sniffFormat(head, n, file->size());
  if (!sniff.maybe_onnx) return Error{sniff.description};

  auto skeleton = detail::buildSkeleton(*file, options);
  if (!skeleton) return skeleton.error();
  if (skeleton->bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()))
    return Error{"the model structure is larger than 2 GiB, which protobuf cannot decode"};

  ::onnx::ModelProto proto;
  if (!proto.ParseFromArray(skeleton->bytes.data(), static_cast<int>(skeleton->bytes.size())))
    return Error{"the file is not a valid ONNX model (protobuf decoding failed: truncated, corrupt, or nested too deeply)"};
  std::string().swap(skeleton->bytes);  // free the skeleton before building the IR
  return detail::convertModel(proto, std::move(file), file_name, resolve_external, options);
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

Result<ir::Model> readModelFile(const std::string& path, const ReadOptions& options) {
  std::string err;
  auto src = openFileSource(path, &err);
  if (!src) return Error{err};
  std::string dir = directoryOf(path);
  ExternalResolver resolver = [dir](const std::string& location) -> std::shared_ptr<const ByteSource> {
    if (!safeRelativeLocation(location)) return nullptr;
    std::string ignored;
    return openFileSource(dir + "/" + location, &ignored);
  };
  std::string name = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  return readModel(std::move(src), name, resolver, options);
}

}  // namespace nf::onnx
