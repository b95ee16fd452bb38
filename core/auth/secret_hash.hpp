// Secrets in the users file are stored as salted PBKDF2-HMAC-SHA256:
//   pbkdf2-sha256$<iterations>$<salt, base64>$<derived key, base64>
#pragma once

#include <string>
#include <string_view>

namespace ampd {

constexpr unsigned kDefaultSecretIterations = 20000;

std::string hash_secret(std::string_view secret, unsigned iterations = kDefaultSecretIterations);
// False for a wrong secret or a stored value that is not in the form above.
bool verify_secret(std::string_view secret, std::string_view stored);
// True when `stored` has the form above (checked by --check-config).
bool is_secret_hash(std::string_view stored);

}  // namespace ampd
