#include "originate_plugin.hpp"

#include <charconv>
#include <chrono>
#include <string>

using ampd::sdk::AmiAction;
using ampd::sdk::iequals;
using ampd::sdk::Privilege;
using ampd::sdk::Reply;
using ampd::sdk::Request;

namespace {

// Asterisk's own default for Originate's Timeout (manager.c action_originate).
constexpr long kDefaultTimeoutMs = 30000;
// A synchronous Originate answers only when the call is answered or given up: wait that long
// plus this, so ampd's own action timeout does not cut it short.
constexpr long kAnswerMarginMs = 5000;

bool parse_flag(const std::string& text, bool& out) {
  for (const char* yes : {"true", "yes", "on", "1"}) {
    if (iequals(text, yes)) return out = true, true;
  }
  for (const char* no : {"false", "no", "off", "0"}) {
    if (iequals(text, no)) return out = false, true;
  }
  return false;
}

bool parse_ms(const std::string& text, long& out) {
  const char* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, out);
  return r.ec == std::errc() && r.ptr == end && out >= 0;
}

// The destination: a dialplan extension (Context, Exten, Priority) or an application (with
// Data). Returns an error text, or "" when the request names one.
std::string check_destination(const Request& request) {
  if (request.has("Application")) {
    if (request.get("Application").empty()) return "Originate: Application is empty";
    return {};
  }
  if (!request.has("Exten") && !request.has("Context")) {
    return "Originate needs a destination: Context, Exten and Priority (a dialplan extension) "
           "or Application and Data (an application)";
  }
  if (!request.has("Exten")) return "Originate to a dialplan extension requires Exten";
  if (!request.has("Context")) return "Originate to a dialplan extension requires Context";
  return {};
}

void pass(const Request& request, AmiAction& action, const std::string& name) {
  if (request.has(name)) action.add(name, request.get(name));
}

void originate(const Request& request, Reply& reply) {
  if (auto error = check_destination(request); !error.empty()) return reply.error(error);

  long timeout_ms = kDefaultTimeoutMs;
  if (request.has("Timeout") && !parse_ms(request.get("Timeout"), timeout_ms)) {
    return reply.error("Originate: Timeout must be a number of milliseconds, not '" +
                       request.get("Timeout") + "'");
  }
  bool async = false;
  if (request.has("Async") && !parse_flag(request.get("Async"), async)) {
    return reply.error("Originate: Async must be true or false, not '" + request.get("Async") +
                       "'");
  }

  AmiAction action("Originate");
  action.add("Channel", request.get("Channel"));
  if (request.has("Application")) {
    action.add("Application", request.get("Application"));
    pass(request, action, "Data");
  } else {
    action.add("Context", request.get("Context"));
    action.add("Exten", request.get("Exten"));
    action.add("Priority", request.get("Priority", "1"));
  }
  pass(request, action, "Timeout");
  pass(request, action, "CallerID");
  pass(request, action, "Account");
  // Each Variable header goes through as sent and in order; Asterisk splits "A=1,B=2" itself.
  for (const auto& variable : request.get_all("Variable")) action.add("Variable", variable);
  if (async) action.add("Async", "true");

  // Async: Asterisk answers at once and the core routes the later OriginateResponse (1.4:
  // OriginateSuccess/OriginateFailure) to this client with its ActionID.
  const auto wait = async ? std::chrono::milliseconds(0)
                          : std::chrono::milliseconds(timeout_ms + kAnswerMarginMs);
  const auto result = request.call(action, wait);
  if (!result.success()) return reply.error(result.error());
  reply.message(result.response().get("Message", "Originate successfully queued"));
}

}  // namespace

void load_originate_plugin(ampd::sdk::Registrar& r) {
  using ampd::sdk::optional;
  r.command("Originate", Privilege::Administrator,
            {ampd::sdk::required("Channel"), optional("Context"), optional("Exten"),
             optional("Priority"), optional("Application"), optional("Data"), optional("Timeout"),
             optional("CallerID"), optional("Account"), optional("Async"), optional("Variable")},
            originate,
            "Originate a call from Channel to a dialplan extension (Context, Exten, Priority) or "
            "an application (Application, Data)");
}
