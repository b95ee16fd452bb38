#include "commands/passthrough.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>

#include "base/text.hpp"

namespace ampd {

namespace {

// Actions that only read, as Asterisk registers them without a write class (or with reporting
// only). Lower case.
constexpr auto kReadOnly =
    std::to_array<std::string_view>({"agents",
                                     "bridgeinfo",
                                     "bridgelist",
                                     "bridgetechnologylist",
                                     "confbridgelist",
                                     "confbridgelistrooms",
                                     "coresettings",
                                     "coreshowchannelmap",
                                     "coreshowchannels",
                                     "corestatus",
                                     "dbget",
                                     "dbgettree",
                                     "devicestatelist",
                                     "extensionstate",
                                     "extensionstatelist",
                                     "faxsession",
                                     "faxsessions",
                                     "faxstats",
                                     "getvar",
                                     "iaxpeerlist",
                                     "iaxpeers",
                                     "iaxregistry",
                                     "listcommands",
                                     "mailboxcount",
                                     "mailboxstatus",
                                     "meetmelist",
                                     "meetmelistrooms",
                                     "parkedcalls",
                                     "parkinglots",
                                     "pjsipshowaors",
                                     "pjsipshowauths",
                                     "pjsipshowcontacts",
                                     "pjsipshowendpoint",
                                     "pjsipshowendpoints",
                                     "pjsipshowregistrationinboundcontactstatuses",
                                     "pjsipshowregistrationsinbound",
                                     "pjsipshowregistrationsoutbound",
                                     "pjsipshowresourcelists",
                                     "pjsipshowsubscriptionsinbound",
                                     "pjsipshowsubscriptionsoutbound",
                                     "presencestatelist",
                                     "queuerule",
                                     "queues",
                                     "queuestatus",
                                     "queuesummary",
                                     "showdialplan",
                                     "sipnotify_list",
                                     "sippeers",
                                     "sipqualifypeer_list",
                                     "sipshowpeer",
                                     "sipshowregistry",
                                     "status",
                                     "voicemailuserslist"});

// Queue member actions: an agent may send them for its own interfaces.
constexpr auto kQueueMember = std::to_array<std::string_view>(
    {"queueadd", "queuememberringinuse", "queuepause", "queuepenalty", "queueremove"});

// ampd's commands that are Asterisk's actions under the same name (doc/commands.md).
constexpr auto kAsteriskNamed =
    std::to_array<std::string_view>({"absolutetimeout", "agentcallbacklogin",
                                     "agentlogoff",     "changemonitor",
                                     "command",         "dbdel",
                                     "dbdeltree",       "dbget",
                                     "dbput",           "extensionstate",
                                     "getvar",          "hangup",
                                     "mailboxcount",    "mailboxstatus",
                                     "monitor",         "originate",
                                     "queueadd",        "queuepause",
                                     "queueremove",     "redirect",
                                     "setvar",          "sipshowpeer",
                                     "stopmonitor"});

// Agent actions: an agent may send them for its own agent id.
constexpr auto kOwnAgent = std::to_array<std::string_view>({"agentcallbacklogin", "agentlogoff"});

// Actions that act on the Asterisk session itself, which ampd shares between clients: never
// passed through (WaitEvent would hold a command session for its whole wait). Login, Logoff,
// Challenge, Events and Filter are ampd's own commands and never get here.
constexpr auto kSessionBound = std::to_array<std::string_view>({"waitevent"});

bool in(std::string_view lower, const auto& table) {
  return std::find(table.begin(), table.end(), lower) != table.end();
}

}  // namespace

bool is_asterisk_action(std::string_view name) { return in(to_lower(name), kAsteriskNamed); }

std::chrono::milliseconds answer_wait(const Message& action) {
  constexpr long kOriginateDefaultMs = 30000, kMarginMs = 5000;
  bool async = false;
  if (!iequals(action.get("Action"), "Originate") ||
      (parse_bool(action.get("Async"), async) && async)) {
    return std::chrono::milliseconds(0);
  }
  const auto timeout = action.get("Timeout");
  char* end = nullptr;
  const long ms = timeout.empty() ? kOriginateDefaultMs : std::strtol(timeout.c_str(), &end, 10);
  const bool valid = timeout.empty() || (end != nullptr && *end == '\0' && ms > 0);
  return std::chrono::milliseconds((valid ? std::min(ms, 3600000L) : kOriginateDefaultMs) +
                                   kMarginMs);
}

PassThroughPolicy::PassThroughPolicy(
    const std::vector<std::pair<std::string, ClientType>>& overrides,
    const std::vector<std::string>& denied) {
  for (const auto& [name, type] : overrides) overrides_[to_lower(name)] = type;
  for (const auto& name : denied) denied_.insert(to_lower(name));
}

ClientType PassThroughPolicy::privilege(std::string_view action) const {
  const auto lower = to_lower(action);
  if (const auto it = overrides_.find(lower); it != overrides_.end()) return it->second;
  if (in(lower, kReadOnly)) return ClientType::Monitor;
  if (in(lower, kQueueMember)) return ClientType::Agent;
  return ClientType::Administrator;
}

std::string PassThroughPolicy::check(const Identity& who, const Message& request,
                                     std::optional<ClientType> needed_by_command) const {
  const auto action = request.get("Action");
  if (in(to_lower(action), kSessionBound)) {
    return action + " acts on Asterisk's session, which ampd shares: not passed through";
  }
  if (denied_.count(to_lower(action)) != 0) {
    return "Permission denied: " + action + " may not be sent through ampd";
  }
  const auto needed = needed_by_command.value_or(privilege(action));
  if (static_cast<int>(who.type) < static_cast<int>(needed)) {
    return "Permission denied: " + action + " requires " + client_type_name(needed) + " privilege";
  }
  if (who.type == ClientType::Agent && in(to_lower(action), kOwnAgent)) {
    const auto agent = request.get("Agent");
    if (agent != who.agent_id && !iequals(agent, "Agent/" + who.agent_id)) {
      return "Permission denied: agent " + who.agent_id + " may only act on itself";
    }
  }
  if (who.type == ClientType::Agent && in(to_lower(action), kQueueMember)) {
    const auto itf = request.get("Interface");
    const bool own = iequals(itf, "Agent/" + who.agent_id) ||
                     std::any_of(who.interfaces.begin(), who.interfaces.end(),
                                 [&](const std::string& mine) { return iequals(itf, mine); });
    if (!own) return "Permission denied: an agent may only act on its own interface";
  }
  return {};
}

}  // namespace ampd
