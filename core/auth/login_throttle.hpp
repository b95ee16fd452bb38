// Failed logins, counted so that they stop a guesser and not the users beside it:
//   - per (address, username): a user who mistypes, or a guesser aiming at one user from one
//     address;
//   - per username, from every address: a guesser aiming at one user from many addresses;
//   - per address, for usernames that do not exist: a spray of guessed names, with a much
//     higher limit.
// A key that reaches its limit is refused for login_backoff_initial, doubled at each further
// failure up to login_backoff_max; it is forgotten after `window` without a failure. A known
// username is never refused because of the failures of other usernames, so users who share an
// address (NAT, a terminal server, a web backend) are not locked out by one brute-forcer.
// Thread-safe: sessions on every I/O thread consult it.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ampd {

struct ThrottlePolicy {
  unsigned attempts = 5;          // per (address, username); 0 turns throttling off
  unsigned user_attempts = 20;    // per username, every address
  unsigned spray_attempts = 100;  // unknown usernames, per address
  std::chrono::milliseconds backoff_initial{1000};
  std::chrono::milliseconds backoff_max{300000};
  std::chrono::milliseconds window{60000};
};

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  explicit LoginThrottle(ThrottlePolicy policy = {}) : policy_(policy) {}
  void configure(const ThrottlePolicy& policy);

  // Seconds until `user` may try again from `address`; 0 when it may try now. `known` tells
  // whether the username exists.
  long blocked_for(const std::string& address, std::string_view user, bool known,
                   Clock::time_point now = Clock::now());
  void failed(const std::string& address, std::string_view user, bool known,
              Clock::time_point now = Clock::now());
  // A correct secret: this user's failures from this address are forgotten.
  void succeeded(const std::string& address, std::string_view user);

  // "1.2.3.4:5678" or "[::1]:5678" -> the address without the port.
  static std::string address_of(std::string_view peer);

 private:
  struct Failures {
    unsigned count = 0;
    Clock::time_point last;
    Clock::time_point blocked_until;
  };
  using Table = std::unordered_map<std::string, Failures>;

  long left(Table& table, const std::string& key, Clock::time_point now);
  void count(Table& table, const std::string& key, unsigned limit, const std::string& what,
             Clock::time_point now);
  bool stale(const Failures& f, Clock::time_point now) const;
  void make_room(Table& table, Clock::time_point now);

  std::mutex mutex_;
  ThrottlePolicy policy_;
  Table per_address_user_;
  Table per_user_;
  Table unknown_per_address_;
};

}  // namespace ampd
