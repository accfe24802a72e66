// base/byte_source.h - random access to the bytes of one opened file.
//
// Model files can be hundreds of megabytes: the reader walks them through a
// ByteSource and only copies the small parts; weights stay where they are
// (a native file, a browser ArrayBuffer, or a browser File read in slices) and are
// read on demand. Implementations must be safe for reads past the end (they fail).
//
// Asynchronous sources: the page cannot read a File synchronously, and wasm cannot
// wait, so a reader that may meet such a source asks for a range first:
//   fetch(offset, n) -> Pending   the page is reading the slice; ask again next frame
//                    -> Ready     read() of that range now succeeds (until the next fetch)
//                    -> Failed    *error says why (file removed, shorter than before)
// Synchronous sources are always Ready; plain read() works on them without fetch().
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace nf {

enum class FetchState : uint8_t { Ready, Pending, Failed };

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual uint64_t size() const = 0;
  // Copies [offset, offset+n) into dst. Returns false if the range is out of bounds
  // or the underlying storage fails; dst is then unspecified.
  virtual bool read(uint64_t offset, void* dst, size_t n) const = 0;
  // If the bytes are already addressable in this process, a pointer to them (no copy).
  virtual const uint8_t* data() const { return nullptr; }
  // False when bytes arrive later and must be asked for with fetch() before read().
  virtual bool synchronous() const { return true; }
  // Asks for [offset, offset+n) to be readable (see the top of this file).
  virtual FetchState fetch(uint64_t offset, uint64_t n, std::string* error) const {
    if (offset <= size() && n <= size() - offset) return FetchState::Ready;
    if (error) *error = "the data lies past the end of the file";
    return FetchState::Failed;
  }
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
