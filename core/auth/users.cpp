#include "auth/users.hpp"

#include <algorithm>

#include "auth/secret_hash.hpp"
#include "base/text.hpp"

namespace ampd {

std::optional<ClientType> parse_client_type(std::string_view name) {
  if (iequals(name, "monitor")) return ClientType::Monitor;
  if (iequals(name, "agent")) return ClientType::Agent;
  if (iequals(name, "administrator") || iequals(name, "admin")) return ClientType::Administrator;
  return std::nullopt;
}

const char* client_type_name(ClientType type) {
  switch (type) {
    case ClientType::Monitor:
      return "monitor";
    case ClientType::Agent:
      return "agent";
    case ClientType::Administrator:
      return "administrator";
  }
  return "?";
}

bool UserProfile::allows(ClientType type) const {
  return std::find(types.begin(), types.end(), type) != types.end();
}

std::shared_ptr<const UserStore> UserStore::load(const std::string& path,
                                                 std::vector<std::string>& problems) {
  IniFile ini;
  if (!IniFile::load(path, ini, problems)) return nullptr;
  return from_ini(ini, problems);
}

std::shared_ptr<const UserStore> UserStore::from_ini(const IniFile& ini,
                                                     std::vector<std::string>& problems) {
  auto store = std::make_shared<UserStore>();
  for (const auto& section : ini.sections) {
    const auto report = [&](int line, std::string_view key, std::string_view text) {
      problems.push_back(ini.where(line) + ": [" + section.name + "] " + std::string(key) + ": " +
                         std::string(text));
    };
    if (store->find(section.name) != nullptr) {
      report(section.line, "section", "duplicate user (names are case-insensitive)");
      continue;
    }
    UserProfile user;
    user.name = section.name;
    bool ok = true;
    for (const auto& e : section.entries) {
      if (iequals(e.key, "secret")) {
        user.secret_hash = e.value;
        if (!is_secret_hash(e.value)) {
          report(e.line, e.key, "not a hashed secret; create one with 'ampd --hash-secret'");
          ok = false;
        }
      } else if (iequals(e.key, "types")) {
        for (const auto& t : split_list(e.value)) {
          const auto type = parse_client_type(t);
          if (!type) {
            report(e.line, e.key, "unknown type '" + t + "' (monitor, agent, administrator)");
            ok = false;
          } else if (!user.allows(*type)) {
            user.types.push_back(*type);
          }
        }
      } else if (iequals(e.key, "agentid")) {
        user.agent_id = e.value;
      } else if (iequals(e.key, "challenge_secret")) {
        user.challenge_secret = e.value;
      } else if (iequals(e.key, "interface")) {
        user.interfaces = split_list(e.value);
      } else if (iequals(e.key, "read")) {
        std::string error;
        if (const auto classes = parse_event_classes(e.value, error)) {
          user.read_classes = *classes;
        } else {
          report(e.line, e.key, error);
          ok = false;
        }
      } else if (iequals(e.key, "eventfilter") ||
                 (e.key.size() > 12 && iequals(e.key.substr(0, 12), "eventfilter(") &&
                  e.key.back() == ')')) {
        std::string error;
        const auto filter =
            e.key.size() == 11
                ? EventFilter::legacy(e.value, error)
                : EventFilter::advanced(std::string_view(e.key).substr(12, e.key.size() - 13),
                                        e.value, error);
        if (filter) {
          user.event_filters.push_back(filter);
        } else {
          report(e.line, "eventfilter", error);
          ok = false;
        }
      } else if (iequals(e.key, "format")) {
        user.format = parse_wire_format(e.value);
        if (!user.format) {
          report(e.line, e.key, "must be asterisk, xml or json");
          ok = false;
        }
      } else {
        report(e.line, e.key, "unknown key");
      }
    }
    if (user.secret_hash.empty()) {
      report(section.line, "secret", "missing");
      ok = false;
    }
    if (user.types.empty()) {
      report(section.line, "types", "missing: give at least one of monitor, agent, administrator");
      ok = false;
    }
    if (ok) store->users_.push_back(std::move(user));
  }
  return store;
}

const UserProfile* UserStore::find(std::string_view name) const {
  for (const auto& u : users_) {
    if (iequals(u.name, name)) return &u;
  }
  return nullptr;
}

}  // namespace ampd
