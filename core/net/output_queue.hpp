// A plain socket's output: copied bytes and shared (referenced) event bytes, in order, sent with
// sendmsg straight from where they lie. One queued event costs a deque slot, not the 1 KiB
// chain libevent allocates for every evbuffer_add_reference, so a client's queue costs about
// what its bytes do and the output cap bounds memory as it says.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/shared_bytes.hpp"

namespace ampd {

class OutputQueue {
 public:
  enum class Sent { All, Full, Error };

  void append(std::string_view bytes);
  void append_shared(const SharedBytes& shared);
  std::size_t size() const { return bytes_; }
  bool empty() const { return bytes_ == 0; }
  void clear();
  // Sends until the queue is empty, the socket is full or `budget` bytes have gone (then Full,
  // for fairness between connections). On Error, errno says why.
  Sent send_to(int fd, std::size_t budget);

 private:
  struct Chunk {
    SharedBytes shared;  // set for shared bytes
    std::string owned;   // else the copied bytes
    std::string_view view() const { return shared ? std::string_view(shared.str()) : owned; }
  };
  // Copies are appended to the last copied chunk up to this size, so a run of small writes
  // (answers, frame headers) stays one chunk.
  static constexpr std::size_t kMaxCopiedChunk = 64 * 1024;
  void pop_front();
  // A vector from head_, not a deque: an empty std::deque already holds ~600 bytes, which
  // 10,000 idle clients would pay for.
  std::vector<Chunk> chunks_;
  std::size_t head_ = 0;        // chunks before it are sent
  std::size_t front_sent_ = 0;  // bytes of chunks_[head_] already sent
  std::size_t bytes_ = 0;       // unsent bytes in all chunks
};

}  // namespace ampd
