// Asterisk's own actions that ampd has no command for are passed through to Asterisk: who may
// send which, by one table that follows Asterisk's write classes (doc/commands.md gives it).
//   monitor        actions that only read (QueueStatus, Status, CoreShowChannels, Agents, ...)
//   agent          queue member actions, and an agent only on its own interfaces
//   administrator  everything else, and any action the table does not know
// [permissions] overrides any entry; [passthrough] deny names actions nobody may send.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "auth/login.hpp"
#include "wire/message.hpp"

namespace ampd {

// Whether ampd's command of this name is one of Asterisk's own actions (DBGet, Command,
// QueueAdd, Originate, ...), not a name of the protocol reference's own (QueueInfo, Custom, ...).
// Clients written for Asterisk get Asterisk's answer to those: they are passed through.
bool is_asterisk_action(std::string_view name);

// How long to wait for the answer to `action` passed through: 0 (the server's action_timeout),
// but for a synchronous Originate, which Asterisk answers only once the call is answered or
// given up: its Timeout (Asterisk's default 30 s) and a margin.
std::chrono::milliseconds answer_wait(const Message& action);

class PassThroughPolicy {
 public:
  // `overrides`: [permissions] entries for actions ampd has no command for; `denied`:
  // [passthrough] deny.
  PassThroughPolicy(const std::vector<std::pair<std::string, ClientType>>& overrides,
                    const std::vector<std::string>& denied);
  PassThroughPolicy() : PassThroughPolicy({}, {}) {}

  // The privilege `action` needs when passed through.
  ClientType privilege(std::string_view action) const;
  // Empty when `who` may send `request` through to Asterisk, else the error for the client.
  // `needed`: the privilege of ampd's own command of that name, when there is one.
  std::string check(const Identity& who, const Message& request,
                    std::optional<ClientType> needed = std::nullopt) const;

 private:
  std::map<std::string, ClientType> overrides_;  // by lowercase name
  std::set<std::string> denied_;                 // lowercase names
};

}  // namespace ampd
