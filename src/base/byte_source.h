// base/byte_source.h - random access to the bytes of one opened file.
//
// Model files can be hundreds of megabytes: the reader walks them through a
// ByteSource and only copies the small parts; weights stay where they are
// (a native file, or a browser ArrayBuffer held by JavaScript) and are read on
// demand. Implementations must be safe for reads past the end (they fail).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace nf {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual uint64_t size() const = 0;
  // Copies [offset, offset+n) into dst. Returns false if the range is out of bounds
  // or the underlying storage fails; dst is then unspecified.
  virtual bool read(uint64_t offset, void* dst, size_t n) const = 0;
  // If the bytes are already addressable in this process, a pointer to them (no copy).
  virtual const uint8_t* data() const { return nullptr; }
};

// Owns its bytes (tests, small files, data already in memory).
class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}
  uint64_t size() const override { return bytes_.size(); }
  bool read(uint64_t offset, void* dst, size_t n) const override;
  const uint8_t* data() const override { return bytes_.data(); }

 private:
  std::vector<uint8_t> bytes_;
};

// A native file, read with pread-like calls; the file stays open while referenced.
std::shared_ptr<ByteSource> openFileSource(const std::string& path, std::string* error);

// Reads a whole small file (used for test data); empty optional semantics via ok flag.
bool readWholeFile(const std::string& path, std::vector<uint8_t>* out, std::string* error);

}  // namespace nf
