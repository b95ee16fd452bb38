// Reference-counted bytes that many threads and connections may hold at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>

namespace ampd {

// Bytes shared by many connections' output buffers without copying (one rendered event). The
// count lives with the bytes, so handing them to one more client costs no allocation of ours.
class SharedBytes {
 public:
  SharedBytes() = default;
  explicit SharedBytes(std::string bytes) : block_(new Block{{1}, std::move(bytes)}) {}
  SharedBytes(const SharedBytes& other) : block_(other.block_) { retain(); }
  SharedBytes& operator=(SharedBytes other) {
    std::swap(block_, other.block_);
    return *this;
  }
  ~SharedBytes() { release(block_); }
  explicit operator bool() const { return block_ != nullptr; }
  const std::string& str() const { return block_->bytes; }

 private:
  friend class TlsConnection;  // hands its block to libevent
  struct Block {
    std::atomic<std::uint32_t> refs;
    std::string bytes;
  };
  void retain() const {
    if (block_) block_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  static void release(Block* block) {
    if (block && block->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete block;
  }
  Block* block_ = nullptr;
};

}  // namespace ampd
