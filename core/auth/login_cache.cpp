#include "auth/login_cache.hpp"

#include <Poco/HMACEngine.h>
#include <Poco/RandomStream.h>

#include "auth/sha256_engine.hpp"

namespace ampd {

LoginCache::LoginCache(std::size_t capacity) : process_key_(32, '\0'), capacity_(capacity) {
  Poco::RandomInputStream().read(process_key_.data(), static_cast<std::streamsize>(32));
}

std::string LoginCache::key_for(std::string_view user, std::string_view secret,
                                std::string_view stored) const {
  Poco::HMACEngine<Sha256Engine> hmac(process_key_);
  for (auto part : {user, secret, stored}) {
    hmac.update(part.data(), static_cast<unsigned>(part.size()));
    hmac.update('\0');
  }
  const auto& digest = hmac.digest();
  return std::string(digest.begin(), digest.end());
}

bool LoginCache::known(std::string_view user, std::string_view secret,
                       std::string_view stored) const {
  const auto key = key_for(user, secret, stored);
  std::lock_guard lock(mutex_);
  return entries_.contains(key);
}

void LoginCache::remember(std::string_view user, std::string_view secret, std::string_view stored) {
  const auto key = key_for(user, secret, stored);
  std::lock_guard lock(mutex_);
  if (entries_.size() >= capacity_) entries_.clear();  // crude but bounded
  entries_.insert(key);
}

}  // namespace ampd
