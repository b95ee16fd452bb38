// Login: checks a Login/register request against the users store. Pure apart from the secret
// hashing, which is slow on purpose, so callers run it on a worker thread.
#pragma once

#include <string>
#include <vector>

#include "auth/users.hpp"
#include "wire/message.hpp"
#include "wire/wire_format.hpp"

namespace ampd {

struct Identity {
  std::string user;
  ClientType type = ClientType::Monitor;
  std::string agent_id;
  std::vector<std::string> interfaces;           // the agent's own, from the profile
  EventClasses read_classes = kAllEventClasses;  // the profile's read=
  EventFilterList event_filters;                 // the profile's eventfilter lines
};

struct LoginResult {
  bool ok = false;
  bool bad_credentials = false;  // unknown user or wrong secret: what login throttling counts
  std::string message;           // "Authentication accepted" or why not
  Identity identity;
  WireFormat format = WireFormat::Native;
  bool is_flash = false;
};

class LoginCache;

struct LoginPolicy {
  WireFormat default_format = WireFormat::Native;
  bool peer_trusted = false;    // trust is on and the peer is in trusted_networks
  LoginCache* cache = nullptr;  // skips the slow hash for a secret verified before
  std::string challenge;        // handed out by Action: Challenge, for AuthType: MD5
};

// The user a login names: Username, or User as some libraries send it.
std::string username_of(const Message& request);

// A fresh random decimal challenge, as Asterisk's Challenge action gives.
std::string random_challenge();

// The answer format for a login exchange, readable before the secret is checked: the request's
// Format if valid, else the user's profile format, else the server default.
WireFormat login_reply_format(const Message& request, const UserStore& users,
                              WireFormat default_format);

LoginResult check_login(const Message& request, const UserStore& users, const LoginPolicy& policy);

}  // namespace ampd
