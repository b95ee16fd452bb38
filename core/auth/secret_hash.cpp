#include "auth/secret_hash.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/HMACEngine.h>
#include <Poco/PBKDF2Engine.h>
#include <Poco/RandomStream.h>

#include <charconv>
#include <sstream>
#include <vector>

#include "auth/sha256_engine.hpp"

namespace ampd {

namespace {

using Pbkdf2 = Poco::PBKDF2Engine<Poco::HMACEngine<Sha256Engine>>;
constexpr std::string_view kScheme = "pbkdf2-sha256";

std::string base64(const std::string& bytes) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder << bytes;
  encoder.close();
  return out.str();
}

bool unbase64(const std::string& text, std::string& bytes) {
  try {
    std::istringstream in(text);
    Poco::Base64Decoder decoder(in);
    bytes.assign(std::istreambuf_iterator<char>(decoder), {});
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

std::string derive(std::string_view secret, const std::string& salt, unsigned iterations) {
  Pbkdf2 engine(salt, iterations);
  engine.update(secret.data(), static_cast<unsigned>(secret.size()));
  const auto& digest = engine.digest();
  return std::string(digest.begin(), digest.end());
}

struct Parsed {
  unsigned iterations = 0;
  std::string salt;
  std::string key;
};

bool parse(std::string_view stored, Parsed& out) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto pos = stored.find('$', start);
    parts.emplace_back(stored.substr(start, pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  if (parts.size() != 4 || parts[0] != kScheme) return false;
  const auto& it = parts[1];
  if (std::from_chars(it.data(), it.data() + it.size(), out.iterations).ec != std::errc() ||
      out.iterations == 0) {
    return false;
  }
  return unbase64(parts[2], out.salt) && unbase64(parts[3], out.key) && !out.salt.empty() &&
         out.key.size() == Sha256Engine::DIGEST_SIZE;
}

bool constant_time_equal(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

std::string hash_secret(std::string_view secret, unsigned iterations) {
  std::string salt(16, '\0');
  Poco::RandomInputStream random;
  random.read(salt.data(), static_cast<std::streamsize>(salt.size()));
  return std::string(kScheme) + "$" + std::to_string(iterations) + "$" + base64(salt) + "$" +
         base64(derive(secret, salt, iterations));
}

bool verify_secret(std::string_view secret, std::string_view stored) {
  Parsed p;
  if (!parse(stored, p)) return false;
  return constant_time_equal(derive(secret, p.salt, p.iterations), p.key);
}

bool is_secret_hash(std::string_view stored) {
  Parsed p;
  return parse(stored, p);
}

}  // namespace ampd
