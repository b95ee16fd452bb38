// Failed logins per peer address: after `attempts` failures within `window`, further logins
// from that address are refused without checking the secret until the window has passed.
// Thread-safe: sessions on every I/O thread consult it.
#pragma once

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ampd {

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  LoginThrottle(unsigned attempts, std::chrono::milliseconds window)
      : attempts_(attempts), window_(window) {}
  void configure(unsigned attempts, std::chrono::milliseconds window);

  // Seconds until `address` may try again; 0 when it may try now.
  long blocked_for(const std::string& address, Clock::time_point now = Clock::now());
  void failed(const std::string& address, Clock::time_point now = Clock::now());

  // "1.2.3.4:5678" or "[::1]:5678" -> the address without the port.
  static std::string address_of(std::string_view peer);

 private:
  void forget_old(std::deque<Clock::time_point>& times, Clock::time_point now) const;

  std::mutex mutex_;
  unsigned attempts_;
  std::chrono::milliseconds window_;
  std::unordered_map<std::string, std::deque<Clock::time_point>> failures_;
};

}  // namespace ampd
