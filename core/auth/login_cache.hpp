// Remembers logins that passed the (deliberately slow) PBKDF2 check, so a wallboard farm that
// reconnects, or ten thousand desktops logging in at 9:00, costs one hash per user and secret.
// Entries are keyed by an HMAC under a random per-process key: the cache holds no secret and
// nothing that helps guess one, and a changed users file (a new stored hash) misses it.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

namespace ampd {

class LoginCache {
 public:
  explicit LoginCache(std::size_t capacity = 65536);
  // True when `secret` was verified against `stored` for `user` before.
  bool known(std::string_view user, std::string_view secret, std::string_view stored) const;
  void remember(std::string_view user, std::string_view secret, std::string_view stored);

 private:
  std::string key_for(std::string_view user, std::string_view secret,
                      std::string_view stored) const;

  std::string process_key_;
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_set<std::string> entries_;
};

}  // namespace ampd
