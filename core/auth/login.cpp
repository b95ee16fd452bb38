#include "auth/login.hpp"

#include <Poco/MD5Engine.h>
#include <Poco/RandomStream.h>

#include "auth/login_cache.hpp"
#include "auth/secret_hash.hpp"
#include "base/text.hpp"

namespace ampd {

namespace {

constexpr const char* kAuthFailed = "Authentication failed";

LoginResult fail(std::string message) {
  LoginResult r;
  r.message = std::move(message);
  r.bad_credentials = r.message == kAuthFailed;
  return r;
}

std::string md5_hex(const std::string& text) {
  Poco::MD5Engine md5;
  md5.update(text);
  return Poco::DigestEngine::digestToHex(md5.digest());
}

// Type, agent id: the checks after the user is known to be who it says.
LoginResult finish_login(const Message& request, const UserProfile& profile, LoginResult result) {
  const auto* user = &profile;
  auto type_name = request.find("Type");
  std::optional<ClientType> type;
  if (type_name && !type_name->empty()) {
    type = parse_client_type(*type_name);
    if (!type)
      return fail("Type must be monitor, agent or administrator, not '" + std::string(*type_name) +
                  "'");
    if (!user->allows(*type)) {
      return fail("Type " + std::string(client_type_name(*type)) + " is not allowed for this user");
    }
  } else if (user->types.size() == 1) {
    type = user->types.front();  // lets stock AMI libraries log in without a Type header
  } else {
    std::string allowed;
    for (auto t : user->types)
      allowed += (allowed.empty() ? "" : ", ") + std::string(client_type_name(t));
    return fail("Login requires Type: this user may log in as " + allowed);
  }

  result.identity.user = user->name;
  result.identity.type = *type;
  result.identity.read_classes = user->read_classes;
  result.identity.event_filters = user->event_filters;
  if (*type == ClientType::Agent) {
    const auto requested = request.get("AgentID");
    if (!requested.empty() && !user->agent_id.empty() && requested != user->agent_id) {
      return fail("AgentID " + requested + " does not match this user's profile");
    }
    result.identity.agent_id = requested.empty() ? user->agent_id : requested;
    result.identity.interfaces = user->interfaces;
    if (result.identity.agent_id.empty()) return fail("Type agent requires AgentID");
  }
  result.ok = true;
  result.message = "Authentication accepted";
  return result;
}

}  // namespace

std::string username_of(const Message& request) {
  auto user = request.find("Username");
  return user ? std::string(*user) : request.get("User");
}

std::string random_challenge() {
  unsigned value = 0;
  Poco::RandomInputStream().read(reinterpret_cast<char*>(&value), sizeof value);
  return std::to_string(value % 900000000u + 100000000u);
}

WireFormat login_reply_format(const Message& request, const UserStore& users,
                              WireFormat default_format) {
  if (auto f = request.find("Format")) {
    if (const auto parsed = parse_wire_format(*f)) return *parsed;
  }
  if (const auto* user = users.find(username_of(request)); user && user->format) {
    return *user->format;
  }
  return default_format;
}

LoginResult check_login(const Message& request, const UserStore& users, const LoginPolicy& policy) {
  const auto name = username_of(request);
  if (name.empty()) return fail("Login requires Username (or User)");

  LoginResult result;
  result.format = login_reply_format(request, users, policy.default_format);
  if (auto f = request.find("Format"); f && !parse_wire_format(*f)) {
    return fail("Format must be xml, json or asterisk, not '" + std::string(*f) + "'");
  }
  if (auto flash = request.find("isFlash"); flash && !parse_bool(*flash, result.is_flash)) {
    return fail("isFlash must be true or false, not '" + std::string(*flash) + "'");
  }

  if (iequals(request.get("AuthType"), "MD5")) {
    const auto* user = users.find(name);
    if (policy.challenge.empty()) return fail("Send Action: Challenge before an MD5 login");
    if (user == nullptr || user->challenge_secret.empty() ||
        !iequals(md5_hex(policy.challenge + user->challenge_secret), request.get("Key"))) {
      return fail(kAuthFailed);
    }
    return finish_login(request, *user, std::move(result));
  }
  auto secret = request.find("Secret");
  const bool has_secret = secret && !secret->empty();
  if (!has_secret && !policy.peer_trusted) return fail("Login requires Secret");

  const auto* user = users.find(name);
  if (user == nullptr) {
    // Spend the same time as a real check so timing does not reveal which users exist.
    static const std::string dummy = hash_secret("dummy");
    verify_secret(has_secret ? *secret : "", dummy);
    return fail(kAuthFailed);
  }
  if (has_secret) {
    const bool cached = policy.cache && policy.cache->known(user->name, *secret, user->secret_hash);
    if (!cached && !verify_secret(*secret, user->secret_hash)) return fail(kAuthFailed);
    if (!cached && policy.cache) policy.cache->remember(user->name, *secret, user->secret_hash);
  }

  return finish_login(request, *user, std::move(result));
}

}  // namespace ampd
