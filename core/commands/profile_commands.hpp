// ProfileList, ProfileGet, ProfileUpdate and ProfileDelete: administrators manage the users file
// while ampd runs. Edits are serialised and each re-reads the file, so concurrent updates from
// several administrators (or an operator's own edit) are never lost; the file is replaced
// atomically and secrets are hashed before they are written, never returned or logged.
// These run on a worker thread (hashing and fsync are slow).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "auth/users.hpp"
#include "commands/command_registry.hpp"
#include "wire/message.hpp"
#include "wire/reply.hpp"

namespace ampd {

class ProfileCommands {
 public:
  explicit ProfileCommands(std::string users_file) : users_file_(std::move(users_file)) {}
  void set_users_file(std::string path);

  struct Outcome {
    Reply reply;
    std::shared_ptr<const UserStore> users;  // set when the file changed
    std::string deleted_user;                // set by ProfileDelete
  };
  // `verb` is one of the four Profile commands; `by` names the administrator for the log.
  Outcome run(CoreVerb verb, const Message& request, const std::string& by);

 private:
  Outcome list();
  Outcome get(const Message& request);
  Outcome update(const Message& request, const std::string& by);
  Outcome remove(const Message& request, const std::string& by);

  std::mutex mutex_;  // one edit of the users file at a time
  std::string users_file_;
};

}  // namespace ampd
