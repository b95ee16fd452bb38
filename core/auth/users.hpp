// The users/profiles store: one ini section per user.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/ini_file.hpp"
#include "wire/event_classes.hpp"
#include "wire/event_filter.hpp"
#include "wire/wire_format.hpp"

namespace ampd {

enum class ClientType { Monitor, Agent, Administrator };

std::optional<ClientType> parse_client_type(std::string_view name);
const char* client_type_name(ClientType type);

struct UserProfile {
  std::string name;
  std::string secret_hash;
  std::string challenge_secret;  // clear text, only for MD5 challenge logins (asterisk-java)
  std::vector<ClientType> types;
  std::string agent_id;
  std::vector<std::string> interfaces;  // e.g. PJSIP/1001: what an agent may act on and see
  std::optional<WireFormat> format;
  // manager.conf's read= and eventfilter lines: the most this user may ever see of events.
  EventClasses read_classes = kAllEventClasses;
  EventFilterList event_filters;

  bool allows(ClientType type) const;
};

// An immutable snapshot, shared by the reactor and the workers; a reload makes a new one.
class UserStore {
 public:
  // Reads and validates `path`. Every problem is appended (as "file:line: [user] key: text");
  // users with problems are left out.
  static std::shared_ptr<const UserStore> load(const std::string& path,
                                               std::vector<std::string>& problems);
  static std::shared_ptr<const UserStore> from_ini(const IniFile& ini,
                                                   std::vector<std::string>& problems);

  // Usernames match case-insensitively.
  const UserProfile* find(std::string_view name) const;
  const std::vector<UserProfile>& users() const { return users_; }

 private:
  std::vector<UserProfile> users_;
};

}  // namespace ampd
