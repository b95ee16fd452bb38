#include "net/output_queue.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>

namespace ampd {

void OutputQueue::append(std::string_view bytes) {
  if (bytes.empty()) return;
  if (head_ < chunks_.size() && !chunks_.back().shared &&
      chunks_.back().owned.size() + bytes.size() <= kMaxCopiedChunk) {
    chunks_.back().owned.append(bytes);
  } else {
    Chunk chunk;
    // Already a chunk behind: this one will fill up too, so it gets its full size at once.
    // Grown by doubling, a backlog's chunks left as much memory again in freed steps (a
    // client that did not read took twice its output cap).
    if (bytes_ >= kMaxCopiedChunk) chunk.owned.reserve(kMaxCopiedChunk);
    chunk.owned.append(bytes);
    chunks_.push_back(std::move(chunk));
  }
  bytes_ += bytes.size();
}

void OutputQueue::append_shared(const SharedBytes& shared) {
  if (!shared || shared.str().empty()) return;
  chunks_.push_back(Chunk{shared, {}});
  bytes_ += shared.str().size();
}

void OutputQueue::clear() {
  constexpr std::size_t kKeptCapacity = 64;  // a backlog's worth is not kept once sent
  if (chunks_.capacity() > kKeptCapacity) {
    std::vector<Chunk>().swap(chunks_);
  } else {
    chunks_.clear();
  }
  head_ = 0;
  front_sent_ = 0;
  bytes_ = 0;
}

void OutputQueue::pop_front() {
  chunks_[head_] = Chunk{};  // releases the bytes now
  front_sent_ = 0;
  if (++head_ == chunks_.size()) return clear();
  // Sent chunks are dropped from the front once they are the larger part.
  if (head_ >= 64 && head_ * 2 >= chunks_.size()) {
    chunks_.erase(chunks_.begin(), chunks_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

OutputQueue::Sent OutputQueue::send_to(int fd, std::size_t budget) {
  constexpr std::size_t kMaxIovecs = 64;
  std::size_t sent_total = 0;
  while (bytes_ > 0) {
    if (sent_total >= budget) return Sent::Full;
    iovec vec[kMaxIovecs];
    std::size_t count = 0;
    std::size_t offered = 0;
    for (auto i = head_; i < chunks_.size() && count < kMaxIovecs; ++i, ++count) {
      auto view = chunks_[i].view();
      if (count == 0) view.remove_prefix(front_sent_);
      vec[count].iov_base = const_cast<char*>(view.data());
      vec[count].iov_len = view.size();
      offered += view.size();
    }
    msghdr message{};
    message.msg_iov = vec;
    message.msg_iovlen = count;
    const auto sent = ::sendmsg(fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0) {
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK ? Sent::Full : Sent::Error;
    }
    auto left = static_cast<std::size_t>(sent);
    sent_total += left;
    bytes_ -= left;
    while (left > 0) {
      const auto rest = chunks_[head_].view().size() - front_sent_;
      if (left < rest) {
        front_sent_ += left;
        break;
      }
      left -= rest;
      pop_front();
    }
    if (static_cast<std::size_t>(sent) < offered) return Sent::Full;  // the socket is full
  }
  return Sent::All;
}

}  // namespace ampd
