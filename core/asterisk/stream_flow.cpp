#include "asterisk/stream_flow.hpp"

namespace ampd {

bool StreamFlow::hold() { return held_.fetch_add(1) + 1 >= kHighMark && !paused_.load(); }

void StreamFlow::release() {
  if (held_.fetch_sub(1) - 1 == kLowMark && paused_.load()) {
    reactor_.post([self = shared_from_this()] { self->resume(); });
  }
}

void StreamFlow::pause(AmiConnection& connection) {
  paused_ = true;
  paused_connection_ = &connection;
  connection.pause_reading(true);
  // The consumer may have caught up meanwhile, past the mark that would have resumed it.
  if (held_.load() <= kLowMark) resume();
}

void StreamFlow::end() { resume(); }

void StreamFlow::resume() {
  if (!paused_.exchange(false) || paused_connection_ == nullptr) return;
  paused_connection_->pause_reading(false);
  paused_connection_ = nullptr;
}

}  // namespace ampd
