#include "auth/login_throttle.hpp"

#include <Poco/Logger.h>

#include <algorithm>

#include "base/text.hpp"

namespace ampd {

namespace {

constexpr std::size_t kMaxKeys = 100000;  // per table: bounds memory under a spray of addresses

std::string user_key(std::string_view user) { return to_lower(user); }

}  // namespace

void LoginThrottle::configure(const ThrottlePolicy& policy) {
  std::lock_guard lock(mutex_);
  policy_ = policy;
}

std::string LoginThrottle::address_of(std::string_view peer) {
  if (!peer.empty() && peer.front() == '[') return std::string(peer.substr(1, peer.find(']') - 1));
  return std::string(peer.substr(0, peer.rfind(':')));
}

bool LoginThrottle::stale(const Failures& f, Clock::time_point now) const {
  return now >= std::max(f.last, f.blocked_until) + policy_.window;
}

long LoginThrottle::left(Table& table, const std::string& key, Clock::time_point now) {
  const auto it = table.find(key);
  if (it == table.end()) return 0;
  if (stale(it->second, now)) {
    table.erase(it);
    return 0;
  }
  if (now >= it->second.blocked_until) return 0;
  return std::chrono::ceil<std::chrono::seconds>(it->second.blocked_until - now).count();
}

long LoginThrottle::blocked_for(const std::string& address, std::string_view user, bool known,
                                Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (policy_.attempts == 0) return 0;
  if (!known) return left(unknown_per_address_, address, now);
  const auto name = user_key(user);
  return std::max(left(per_address_user_, address + ' ' + name, now), left(per_user_, name, now));
}

void LoginThrottle::make_room(Table& table, Clock::time_point now) {
  if (table.size() < kMaxKeys) return;
  std::erase_if(table, [&](const auto& entry) { return stale(entry.second, now); });
  if (table.size() >= kMaxKeys) {
    std::erase_if(table, [&](const auto& entry) { return now >= entry.second.blocked_until; });
  }
  if (table.size() >= kMaxKeys) table.clear();
}

void LoginThrottle::count(Table& table, const std::string& key, unsigned limit,
                          const std::string& what, Clock::time_point now) {
  if (limit == 0) return;
  if (!table.contains(key)) make_room(table, now);
  auto& f = table[key];
  if (f.count > 0 && stale(f, now)) f = {};
  ++f.count;
  f.last = now;
  if (f.count < limit) return;
  // Doubling from the first refusal; the shift is bounded so that it cannot overflow.
  const auto doublings = std::min(f.count - limit, 30u);
  const std::chrono::milliseconds backoff = std::min<std::chrono::milliseconds>(
      policy_.backoff_initial * (1ll << doublings), policy_.backoff_max);
  f.blocked_until = now + backoff;
  Poco::Logger::get("ampd.auth")
      .warning("login throttle: %s refused for %s ms after %u failed logins", what,
               std::to_string(backoff.count()), f.count);
}

void LoginThrottle::failed(const std::string& address, std::string_view user, bool known,
                           Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (policy_.attempts == 0) return;
  if (!known) {
    return count(unknown_per_address_, address, policy_.spray_attempts,
                 "unknown usernames from " + address, now);
  }
  const auto name = user_key(user);
  count(per_address_user_, address + ' ' + name, policy_.attempts,
        "user '" + name + "' from " + address, now);
  count(per_user_, name, policy_.user_attempts, "user '" + name + "' from every address", now);
}

void LoginThrottle::succeeded(const std::string& address, std::string_view user) {
  std::lock_guard lock(mutex_);
  per_address_user_.erase(address + ' ' + user_key(user));
}

}  // namespace ampd
