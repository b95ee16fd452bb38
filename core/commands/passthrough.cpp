#include "commands/passthrough.hpp"

#include <algorithm>
#include <array>

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

bool in(std::string_view lower, const auto& table) {
  return std::find(table.begin(), table.end(), lower) != table.end();
}

}  // namespace

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

std::string PassThroughPolicy::check(const Identity& who, const Message& request) const {
  const auto action = request.get("Action");
  if (denied_.count(to_lower(action)) != 0) {
    return "Permission denied: " + action + " may not be sent through ampd";
  }
  const auto needed = privilege(action);
  if (static_cast<int>(who.type) < static_cast<int>(needed)) {
    return "Permission denied: " + action + " requires " + client_type_name(needed) + " privilege";
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
