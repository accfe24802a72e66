#include "base/byte_source.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace nf {

bool MemorySource::read(uint64_t offset, void* dst, size_t n) const {
  if (offset > bytes_.size() || n > bytes_.size() - offset) return false;
  if (n) std::memcpy(dst, bytes_.data() + offset, n);
  return true;
}

namespace {
class FileSource final : public ByteSource {
 public:
  FileSource(std::FILE* f, uint64_t size) : f_(f), size_(size) {}
  ~FileSource() override { std::fclose(f_); }
  uint64_t size() const override { return size_; }
  bool read(uint64_t offset, void* dst, size_t n) const override {
    if (offset > size_ || n > size_ - offset) return false;
    if (n == 0) return true;
    if (std::fseek(f_, static_cast<long>(offset), SEEK_SET) != 0) return false;
    return std::fread(dst, 1, n, f_) == n;
  }

 private:
  std::FILE* f_;
  uint64_t size_;
};
}  // namespace

std::shared_ptr<ByteSource> openFileSource(const std::string& path, std::string* error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    if (error) *error = "cannot open '" + path + "': " + std::strerror(errno);
    return nullptr;
  }
  if (std::fseek(f, 0, SEEK_END) != 0) {
    std::fclose(f);
    if (error) *error = "cannot read '" + path + "' (not a regular file?)";
    return nullptr;
  }
  long end = std::ftell(f);
  if (end < 0) {
    std::fclose(f);
    if (error) *error = "cannot read '" + path + "' (not a regular file?)";
    return nullptr;
  }
  return std::make_shared<FileSource>(f, static_cast<uint64_t>(end));
}

bool readWholeFile(const std::string& path, std::vector<uint8_t>* out, std::string* error) {
  auto src = openFileSource(path, error);
  if (!src) return false;
  out->resize(src->size());
  if (!src->read(0, out->data(), out->size())) {
    if (error) *error = "cannot read '" + path + "'";
    return false;
  }
  return true;
}

}  // namespace nf
