#include "commands/profile_commands.hpp"

#include <Poco/Logger.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>

#include "auth/secret_hash.hpp"
#include "base/atomic_file.hpp"
#include "base/ini_file.hpp"
#include "base/text.hpp"

namespace ampd {

namespace {

std::string join_types(const UserProfile& user) {
  std::string out;
  for (auto t : user.types) out += (out.empty() ? "" : ",") + std::string(client_type_name(t));
  return out;
}

void describe(const UserProfile& user, Message& out) {
  out.add("Username", user.name);
  out.add("Types", join_types(user));
  out.add("AgentID", user.agent_id);
  std::string interfaces;
  for (const auto& i : user.interfaces) interfaces += (interfaces.empty() ? "" : ",") + i;
  out.add("Interface", interfaces);
  out.add("Format", user.format ? wire_format_name(*user.format) : "");
}

bool read_text(const std::string& path, std::string& text, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "Cannot read the users file " + path;
    return false;
  }
  std::ostringstream s;
  s << in.rdbuf();
  text = s.str();
  return true;
}

// The users file as lines, edited in place so that operators' comments and layout survive.
class UsersText {
 public:
  explicit UsersText(const std::string& text) {
    std::string_view rest(text);
    while (!rest.empty()) {
      const auto nl = rest.find('\n');
      lines_.emplace_back(rest.substr(0, nl));
      rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    }
  }

  // Sets keys of `section` (an empty value removes the key); appends the section if missing.
  void set(const IniFile& ini, const std::string& user,
           const std::vector<std::pair<std::string, std::string>>& values) {
    const auto* section = ini.find(user);
    if (section == nullptr) {
      if (!lines_.empty() && !trim(lines_.back()).empty()) lines_.emplace_back();
      lines_.push_back("[" + user + "]");
      for (const auto& [k, v] : values) {
        if (!v.empty()) lines_.push_back(k + " = " + v);
      }
      return;
    }
    std::size_t last = static_cast<std::size_t>(section->line);  // 1-based line of the header
    std::vector<std::string> added;
    for (const auto& [k, v] : values) {
      const auto* entry = section->find(k);
      if (entry != nullptr) {
        lines_[static_cast<std::size_t>(entry->line) - 1] = v.empty() ? kErased : k + " = " + v;
      } else if (!v.empty()) {
        added.push_back(k + " = " + v);
      }
    }
    for (const auto& e : section->entries) last = std::max(last, static_cast<std::size_t>(e.line));
    lines_.insert(lines_.begin() + static_cast<long>(last), added.begin(), added.end());
  }

  void erase_section(const IniFile& ini, const std::string& user) {
    const auto* section = ini.find(user);
    if (section == nullptr) return;
    std::size_t end = lines_.size();
    for (const auto& s : ini.sections) {
      if (s.line > section->line) end = std::min(end, static_cast<std::size_t>(s.line) - 1);
    }
    for (auto i = static_cast<std::size_t>(section->line) - 1; i < end; ++i) lines_[i] = kErased;
  }

  std::string text() const {
    std::string out;
    for (const auto& l : lines_) {
      if (l != kErased) out += l + "\n";
    }
    return out;
  }

 private:
  static inline const std::string kErased = std::string(1, '\0');
  std::vector<std::string> lines_;
};

}  // namespace

void ProfileCommands::set_users_file(std::string path) {
  std::lock_guard lock(mutex_);
  users_file_ = std::move(path);
}

ProfileCommands::Outcome ProfileCommands::run(CoreVerb verb, const Message& request,
                                              const std::string& by) {
  std::lock_guard lock(mutex_);
  if (verb == CoreVerb::ProfileList) return list();
  if (verb == CoreVerb::ProfileGet) return get(request);
  if (verb == CoreVerb::ProfileUpdate) return update(request, by);
  return remove(request, by);
}

ProfileCommands::Outcome ProfileCommands::list() {
  Outcome out;
  out.reply.action = "ProfileList";
  std::vector<std::string> problems;
  const auto users = UserStore::load(users_file_, problems);
  if (!users) {
    out.reply = failed_reply("ProfileList", "Cannot read the users file " + users_file_);
    return out;
  }
  out.reply.is_list = true;
  out.reply.message = "Profiles will follow";
  for (const auto& user : users->users()) {
    out.reply.records.push_back({"Profile", {}});
    describe(user, out.reply.records.back().fields);
  }
  return out;
}

ProfileCommands::Outcome ProfileCommands::get(const Message& request) {
  Outcome out;
  const auto name = request.get("Username");
  std::vector<std::string> problems;
  const auto users = UserStore::load(users_file_, problems);
  const auto* user = users ? users->find(name) : nullptr;
  if (user == nullptr) {
    out.reply = failed_reply("ProfileGet", users ? "No such user '" + name + "'"
                                                 : "Cannot read the users file " + users_file_);
    return out;
  }
  out.reply.action = "ProfileGet";
  describe(*user, out.reply.fields);
  return out;
}

ProfileCommands::Outcome ProfileCommands::update(const Message& request, const std::string& by) {
  Outcome out;
  const auto fail = [&](std::string message) {
    out.reply = failed_reply("ProfileUpdate", std::move(message));
    return out;
  };
  const auto name = std::string(trim(request.get("Username")));
  if (name.empty() || name.find_first_of("[]\r\n=") != std::string::npos) {
    return fail("Username must be non-empty and free of [ ] = and line breaks");
  }
  std::string text, read_error;
  if (!read_text(users_file_, text, read_error)) return fail(read_error);
  std::vector<std::string> before;
  const auto ini = IniFile::parse(text, users_file_, before);
  UserStore::from_ini(ini, before);
  const auto* existing = ini.find(name);
  const auto section_name = existing ? existing->name : name;

  std::vector<std::pair<std::string, std::string>> values;
  if (auto secret = request.find("Secret")) {
    if (secret->empty()) return fail("Secret must not be empty");
    values.emplace_back("secret", hash_secret(*secret));
  } else if (!existing) {
    return fail("ProfileUpdate of a new user requires Secret and Types");
  }
  if (auto types = request.find("Types")) {
    std::string normalised;
    for (const auto& t : split_list(*types)) {
      const auto type = parse_client_type(t);
      if (!type) return fail("Types: unknown type '" + t + "' (monitor, agent, administrator)");
      normalised += (normalised.empty() ? "" : ", ") + std::string(client_type_name(*type));
    }
    if (normalised.empty()) return fail("Types must name at least one type");
    values.emplace_back("types", normalised);
  } else if (!existing) {
    return fail("ProfileUpdate of a new user requires Secret and Types");
  }
  if (auto format = request.find("Format")) {
    if (!format->empty() && !parse_wire_format(*format))
      return fail("Format must be xml, json or asterisk");
    values.emplace_back("format", to_lower(*format));
  }
  if (auto agent = request.find("AgentID")) values.emplace_back("agentid", *agent);
  if (auto itf = request.find("Interface")) values.emplace_back("interface", *itf);

  UsersText edited(text);
  edited.set(ini, section_name, values);
  const auto new_text = edited.text();
  std::vector<std::string> after;
  const auto users = UserStore::from_ini(IniFile::parse(new_text, users_file_, after), after);
  if (after.size() > before.size() || users->find(name) == nullptr) {
    return fail("The profile would not be valid: " + (after.empty() ? "" : after.back()));
  }
  std::string write_error;
  if (!write_file_atomically(users_file_, new_text, write_error)) return fail(write_error);
  Poco::Logger::get("ampd.profiles")
      .information("profile %s %s by %s", section_name,
                   std::string(existing ? "updated" : "created"), by);
  out.reply.action = "ProfileUpdate";
  out.reply.message = existing ? "Profile updated" : "Profile created";
  out.users = users;
  return out;
}

ProfileCommands::Outcome ProfileCommands::remove(const Message& request, const std::string& by) {
  Outcome out;
  const auto name = request.get("Username");
  std::string text, read_error;
  if (!read_text(users_file_, text, read_error)) {
    out.reply = failed_reply("ProfileDelete", read_error);
    return out;
  }
  std::vector<std::string> problems;
  const auto ini = IniFile::parse(text, users_file_, problems);
  const auto* section = ini.find(name);
  if (section == nullptr) {
    out.reply = failed_reply("ProfileDelete", "No such user '" + name + "'");
    return out;
  }
  const auto deleted = section->name;
  UsersText edited(text);
  edited.erase_section(ini, deleted);
  const auto new_text = edited.text();
  std::string write_error;
  if (!write_file_atomically(users_file_, new_text, write_error)) {
    out.reply = failed_reply("ProfileDelete", write_error);
    return out;
  }
  std::vector<std::string> ignored;
  out.users = UserStore::from_ini(IniFile::parse(new_text, users_file_, ignored), ignored);
  out.deleted_user = deleted;
  out.reply.action = "ProfileDelete";
  out.reply.message = "Profile deleted";
  Poco::Logger::get("ampd.profiles").information("profile %s deleted by %s", deleted, by);
  return out;
}

}  // namespace ampd
