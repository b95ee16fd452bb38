#include "auth/login_throttle.hpp"

namespace ampd {

namespace {
constexpr std::size_t kMaxAddresses = 100000;  // bounds memory under a spray of addresses
}

void LoginThrottle::configure(unsigned attempts, std::chrono::milliseconds window) {
  std::lock_guard lock(mutex_);
  attempts_ = attempts;
  window_ = window;
}

std::string LoginThrottle::address_of(std::string_view peer) {
  if (!peer.empty() && peer.front() == '[') return std::string(peer.substr(1, peer.find(']') - 1));
  return std::string(peer.substr(0, peer.rfind(':')));
}

void LoginThrottle::forget_old(std::deque<Clock::time_point>& times, Clock::time_point now) const {
  while (!times.empty() && now - times.front() >= window_) times.pop_front();
}

long LoginThrottle::blocked_for(const std::string& address, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (attempts_ == 0) return 0;
  const auto it = failures_.find(address);
  if (it == failures_.end()) return 0;
  forget_old(it->second, now);
  if (it->second.empty()) {
    failures_.erase(it);
    return 0;
  }
  if (it->second.size() < attempts_) return 0;
  const auto left = window_ - (now - it->second.front());
  return std::chrono::ceil<std::chrono::seconds>(left).count();
}

void LoginThrottle::failed(const std::string& address, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (attempts_ == 0) return;
  if (failures_.size() >= kMaxAddresses && !failures_.contains(address)) failures_.clear();
  auto& times = failures_[address];
  forget_old(times, now);
  times.push_back(now);
  if (times.size() > attempts_) times.pop_front();
}

}  // namespace ampd
