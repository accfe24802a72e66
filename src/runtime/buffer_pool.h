// runtime/buffer_pool.h - recycles the buffers of intermediate tensors.
//
// When a value's last consumer has run, the executor returns its buffer here (if
// nobody else shares it); the next output of a similar size takes it instead of
// allocating. Buffers are matched by capacity: at least the size asked, at most
// twice it, so a small tensor never pins a huge buffer.
#pragma once
#include <cstddef>
#include <map>
#include <memory>

#include "runtime/tensor.h"

namespace nf::runtime {

class BufferPool {
 public:
  // A buffer of exactly `bytes` bytes, zero-filled unless `zeroed` is false (then a
  // recycled buffer keeps old contents: for kernels that write every element).
  std::shared_ptr<Buffer> take(size_t bytes, bool zeroed = true);
  // Offers a buffer back; ignored unless `buffer` is its only owner.
  void give(std::shared_ptr<Buffer> buffer);
  size_t reused() const { return reused_; }
  size_t allocated() const { return allocated_; }
  size_t pooledBytes() const { return pooled_bytes_; }
  // Frees pooled buffers, the largest first, until at most `max_bytes` stay pooled.
  // In a CNN the largest come from the early layers and are seldom taken again.
  void trim(size_t max_bytes);

 private:
  std::multimap<size_t, std::shared_ptr<Buffer>> free_;  // by capacity
  size_t reused_ = 0, allocated_ = 0, pooled_bytes_ = 0;
};

}  // namespace nf::runtime
