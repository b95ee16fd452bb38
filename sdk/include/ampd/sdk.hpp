// The C++ face of the plugin ABI: header-only, compiled into each plugin, so no C++ type ever
// crosses the .so boundary (only the C structs of plugin_abi.h do).
//
//   void load(ampd::sdk::Registrar& r) {
//     r.command("Hello", ampd::sdk::Privilege::Monitor, {ampd::sdk::optional("Name")},
//               [](const ampd::sdk::Request& req, ampd::sdk::Reply& reply) {
//                 reply.message("Hello, " + req.get("Name", "world"));
//               }, "Answers a greeting");
//   }
//   AMPD_PLUGIN("hello", "1.0", load)
//
// A command that only forwards to Asterisk can be asynchronous (Registrar::async_command): it
// runs on ampd's I/O thread, costs no worker and no thread hand-over, and must never block:
//
//   r.async_command("Uptime", Privilege::Monitor, {}, [](ampd::sdk::AsyncRequest call) {
//     call.ami(ampd::sdk::AmiAction("CoreStatus"), [](AsyncRequest call, AmiResult result) {
//       if (!result.success()) return call.reply().error(result.error());
//       call.reply().add("Since", result.response().get("CoreStartupTime"));
//     });  // the reply goes out when the last copy of `call` is gone
//   });
#pragma once

#include <ampd/plugin_abi.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ampd::sdk {

// The privilege a command needs, and a client's type.
enum class Privilege : std::int32_t {
  Monitor = AMPD_PRIVILEGE_MONITOR,
  Agent = AMPD_PRIVILEGE_AGENT,
  Administrator = AMPD_PRIVILEGE_ADMINISTRATOR
};
using ClientType = Privilege;

enum class LogLevel : std::int32_t {
  Error = AMPD_LOG_ERROR,
  Warning = AMPD_LOG_WARNING,
  Info = AMPD_LOG_INFO,
  Debug = AMPD_LOG_DEBUG
};

enum class AmiStatus : std::int32_t {
  Ok = AMPD_AMI_OK,
  Timeout = AMPD_AMI_TIMEOUT,
  Down = AMPD_AMI_DOWN,
  Busy = AMPD_AMI_BUSY,
  NoServer = AMPD_AMI_NO_SERVER
};

struct Arg {
  std::string name;
  bool required = false;
};
inline Arg required(std::string name) { return {std::move(name), true}; }
inline Arg optional(std::string name) { return {std::move(name), false}; }

// String helpers for plugins: AMI names and values compare without regard to ASCII case.
inline char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}
inline bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}
inline std::string to_lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = ascii_lower(c);
  return out;
}
inline std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}
// "a, b,,c" -> {"a", "b", "c"}: each part trimmed, empty parts left out.
inline std::vector<std::string> split(std::string_view text, char separator = ',') {
  std::vector<std::string> out;
  while (true) {
    const auto end = text.find(separator);
    if (const auto part = trim(text.substr(0, end)); !part.empty()) out.emplace_back(part);
    if (end == std::string_view::npos) return out;
    text.remove_prefix(end + 1);
  }
}
// yes/no, true/false, on/off, 1/0 (any case); nullopt for anything else.
inline std::optional<bool> parse_bool(std::string_view text) {
  text = trim(text);
  for (const char* yes : {"yes", "true", "on", "1"}) {
    if (iequals(text, yes)) return true;
  }
  for (const char* no : {"no", "false", "off", "0"}) {
    if (iequals(text, no)) return false;
  }
  return std::nullopt;
}
// The version in the first line of Asterisk's `core show version`:
// "Asterisk 1.4.44 built by ..." -> "1.4.44"; "" when the line is not such a banner.
inline std::string cli_banner_version(std::string_view line) {
  constexpr std::string_view prefix = "Asterisk ";
  if (line.substr(0, prefix.size()) != prefix) return {};
  line.remove_prefix(prefix.size());
  return std::string(line.substr(0, line.find(' ')));
}

struct Field {
  std::string_view name;
  std::string_view value;
};

// A read-only view of ordered Name: value fields (a request, a response, an event).
class Fields {
 public:
  Fields(const ampd_host* host, const ampd_message* message) : host_(host), message_(message) {}

  std::size_t size() const { return host_->message_size(message_); }
  bool empty() const { return size() == 0; }
  Field operator[](std::size_t index) const {
    const char* name = "";
    const char* value = "";
    host_->message_at(message_, index, &name, &value);
    return {name, value};
  }
  // The nth value named `name` (case-insensitive), or nullptr.
  const char* find(const std::string& name, std::size_t nth = 0) const {
    return host_->message_get(message_, name.c_str(), nth);
  }
  bool has(const std::string& name) const { return find(name) != nullptr; }
  std::string get(const std::string& name, std::string_view fallback = {}) const {
    const char* v = find(name);
    return v ? std::string(v) : std::string(fallback);
  }
  std::vector<std::string> get_all(const std::string& name) const {
    std::vector<std::string> out;
    for (const char* v = find(name); v != nullptr; v = find(name, out.size())) out.emplace_back(v);
    return out;
  }

  class iterator {
   public:
    iterator(const Fields* fields, std::size_t index) : fields_(fields), index_(index) {}
    Field operator*() const { return (*fields_)[index_]; }
    iterator& operator++() {
      ++index_;
      return *this;
    }
    bool operator!=(const iterator& other) const { return index_ != other.index_; }

   private:
    const Fields* fields_;
    std::size_t index_;
  };
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, size()}; }

 private:
  const ampd_host* host_;
  const ampd_message* message_;
};

// An action to send to Asterisk: its name and fields in order. A plain value, so tests can
// compare what a handler sent.
class AmiAction {
 public:
  explicit AmiAction(std::string action) : action_(std::move(action)) {}
  AmiAction& add(std::string name, std::string value) {
    fields_.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  const std::string& action() const { return action_; }
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }
  // The first value named `name` (case-insensitive), `fallback` if none.
  std::string get(std::string_view name, std::string_view fallback = {}) const;

 private:
  std::string action_;
  std::vector<std::pair<std::string, std::string>> fields_;
};

// What Asterisk answered; owns the host's result handle.
class AmiResult {
 public:
  AmiResult(const ampd_host* host, ampd_ami_result* result) : host_(host), result_(result) {}
  AmiResult(AmiResult&& other) noexcept
      : host_(other.host_), result_(std::exchange(other.result_, nullptr)) {}
  AmiResult(const AmiResult&) = delete;
  AmiResult& operator=(const AmiResult&) = delete;
  AmiResult& operator=(AmiResult&&) = delete;
  ~AmiResult() {
    if (result_) host_->result_free(result_);
  }

  AmiStatus status() const { return static_cast<AmiStatus>(host_->result_status(result_)); }
  bool ok() const { return status() == AmiStatus::Ok; }
  // Asterisk answered and did not say Response: Error.
  bool success() const { return host_->result_success(result_) != 0; }
  // The link's error (timeout, down, ...) or Asterisk's own Message for Response: Error.
  std::string error() const { return host_->result_error(result_); }
  Fields response() const { return {host_, host_->result_response(result_)}; }
  std::size_t event_count() const { return host_->result_event_count(result_); }
  Fields event(std::size_t index) const { return {host_, host_->result_event(result_, index)}; }
  std::vector<Fields> events() const {
    std::vector<Fields> out;
    for (std::size_t i = 0; i < event_count(); ++i) out.push_back(event(i));
    return out;
  }
  Fields complete() const { return {host_, host_->result_complete(result_)}; }
  std::vector<std::string> output() const {
    std::vector<std::string> out;
    const auto n = host_->result_output_count(result_);
    for (std::size_t i = 0; i < n; ++i) out.emplace_back(host_->result_output(result_, i));
    return out;
  }

 private:
  const ampd_host* host_;
  ampd_ami_result* result_;
};

struct ServerInfo {
  std::string name;
  bool connected = false;
  int major = 0;  // Asterisk major version (1 for 1.4), 0 if unknown
  std::string asterisk_version;
  std::string ami_version;
};

// One client command being handled: its fields, who asks, and the way to Asterisk.
class Request {
 public:
  Request(const ampd_host* host, ampd_plugin* self, const ampd_request* request)
      : host_(host), self_(self), request_(request) {}

  Fields fields() const { return {host_, host_->request_fields(request_)}; }
  bool has(const std::string& name) const { return fields().has(name); }
  std::string get(const std::string& name, std::string_view fallback = {}) const {
    return fields().get(name, fallback);
  }
  std::vector<std::string> get_all(const std::string& name) const { return fields().get_all(name); }

  std::string command() const { return host_->request_command(request_); }
  std::string user() const { return host_->request_user(request_); }
  ClientType client_type() const {
    return static_cast<ClientType>(host_->request_client_type(request_));
  }
  std::string agent_id() const { return host_->request_agent_id(request_); }

  // The Asterisk server this request addresses; nullopt if no such server is configured.
  std::optional<ServerInfo> server() const {
    ampd_server_info info{};
    info.struct_size = sizeof info;
    if (host_->request_server_info(request_, &info) != 0) return std::nullopt;
    return ServerInfo{info.name ? info.name : "", info.connected != 0, info.major,
                      info.asterisk_version ? info.asterisk_version : "",
                      info.ami_version ? info.ami_version : ""};
  }

  // Sends `action` to the request's server and waits; timeout 0 = the server's own. Not in an
  // asynchronous command (use AsyncRequest::ami).
  AmiResult call(const AmiAction& action, std::chrono::milliseconds timeout = {}) const {
    ampd_ami_action* a = to_host(action);
    ampd_ami_result* r = host_->ami_call(request_, a, static_cast<std::uint32_t>(timeout.count()));
    host_->action_free(a);
    return {host_, r};
  }

  void log(LogLevel level, const std::string& text) const {
    host_->log(self_, static_cast<std::int32_t>(level), text.c_str());
  }

 private:
  friend class AsyncRequest;
  ampd_ami_action* to_host(const AmiAction& action) const {
    ampd_ami_action* a = host_->action_new(action.action().c_str());
    for (const auto& [name, value] : action.fields()) {
      host_->action_add(a, name.c_str(), value.c_str());
    }
    return a;
  }

  const ampd_host* host_;
  ampd_plugin* self_;
  const ampd_request* request_;
};

// The answer a handler builds: Success (the default) or an error, a message, fields, and for
// list commands records. The core renders it in the client's format.
class Reply {
 public:
  Reply(const ampd_host* host, ampd_reply* reply) : host_(host), reply_(reply) {}

  // After AsyncRequest::finish() the handle is gone and these do nothing.
  void error(const std::string& message) {
    if (reply_) host_->reply_set_error(reply_, message.c_str());
  }
  void message(const std::string& message) {
    if (reply_) host_->reply_set_message(reply_, message.c_str());
  }
  Reply& add(const std::string& name, const std::string& value) {
    if (reply_) host_->reply_add_field(reply_, name.c_str(), value.c_str());
    return *this;
  }
  // Answer in list shape even when there are no records.
  void list(bool on = true) {
    if (reply_) host_->reply_set_list(reply_, on ? 1 : 0);
  }

  class Record {
   public:
    Record(const ampd_host* host, ampd_reply* reply, std::size_t index)
        : host_(host), reply_(reply), index_(index) {}
    Record& add(const std::string& name, const std::string& value) {
      if (reply_) host_->reply_record_add_field(reply_, index_, name.c_str(), value.c_str());
      return *this;
    }

   private:
    const ampd_host* host_;
    ampd_reply* reply_;
    std::size_t index_;
  };
  // Appends a record named `name` (native: its Event name; XML: its element name).
  Record record(const std::string& name) {
    return {host_, reply_, reply_ ? host_->reply_add_record(reply_, name.c_str()) : 0};
  }

 private:
  const ampd_host* host_;
  ampd_reply* reply_;
};

using Handler = std::function<void(const Request&, Reply&)>;

// An asynchronous command in progress: its request, the reply being built, and Asterisk
// without waiting. A cheap copyable handle; the reply goes to the client when the last copy is
// gone, so a pending ami() keeps it open and finishing is never forgotten. Everything runs on
// ampd's I/O thread: never block here (no Request::call, no sleeping, no slow I/O).
class AsyncRequest {
 public:
  using Then = std::function<void(AsyncRequest, AmiResult)>;

  AsyncRequest(const ampd_host* host, ampd_plugin* self, const ampd_request* request,
               ampd_reply* reply)
      : state_(std::make_shared<State>(host, self, request, reply)) {}

  const Request& request() const { return state_->request; }
  Reply& reply() const { return state_->reply; }

  // Sends the reply now, even while copies of this request are still held (say, by a
  // subscription waiting for an event). Without it the reply goes when the last copy is gone.
  // Afterwards reply() does nothing, and request() and ami() must not be used. A command never
  // finished is given up by ampd after [server] command_timeout, with a line in its log.
  void finish() const { state_->finish(); }
  bool finished() const { return state_->finished; }

  // Sends `action` to the request's server; `then` runs later with this request and the result
  // (also on a timeout or a link failure). An exception from `then` becomes an error reply.
  void ami(const AmiAction& action, Then then, std::chrono::milliseconds timeout = {}) const {
    if (state_->finished) throw std::logic_error("AsyncRequest::ami() after finish()");
    const auto& request = state_->request;
    ampd_ami_action* a = request.to_host(action);
    auto* pending = new Pending{state_, std::move(then)};
    request.host_->ami_call_async(request.request_, a, static_cast<std::uint32_t>(timeout.count()),
                                  &on_answer, pending);
    request.host_->action_free(a);
  }

 private:
  struct State {
    State(const ampd_host* host, ampd_plugin* self, const ampd_request* r, ampd_reply* handle)
        : request(host, self, r), reply(host, handle), host(host), handle(handle) {}
    State(const State&) = delete;
    State& operator=(const State&) = delete;
    ~State() { finish(); }
    void finish() {
      if (finished) return;
      finished = true;
      reply = Reply(host, nullptr);  // the handle is the host's again
      host->reply_finish(handle);
    }

    Request request;
    Reply reply;
    const ampd_host* host;
    ampd_reply* handle;
    bool finished = false;
  };
  struct Pending {
    std::shared_ptr<State> state;
    Then then;
  };

  explicit AsyncRequest(std::shared_ptr<State> state) : state_(std::move(state)) {}

  static void on_answer(void* user_data, ampd_ami_result* result) noexcept {
    std::unique_ptr<Pending> pending(static_cast<Pending*>(user_data));
    const AsyncRequest owner(std::move(pending->state));
    AmiResult answer(owner.state_->host, result);
    try {
      pending->then(owner, std::move(answer));
    } catch (const std::exception& e) {
      owner.reply().error(e.what());
    } catch (...) {
      owner.reply().error("Command failed");
    }
  }

  std::shared_ptr<State> state_;
};

using AsyncHandler = std::function<void(AsyncRequest)>;

// An Asterisk event for a subscriber (Registrar::on_event): the server it came from and its
// fields, valid for the call only.
struct Event {
  std::string_view server;
  Fields fields;
  std::string name() const { return fields.get("Event"); }
};
using EventHandler = std::function<void(const Event&)>;

// An Asterisk server's link went up or down (`changed`), or, while the plugin subscribes
// (Registrar::on_link), the state it is already in.
struct LinkState {
  std::string_view server;
  bool up = false;
  std::chrono::system_clock::time_point since;  // when it took this state
  bool changed = false;
};
using LinkHandler = std::function<void(const LinkState&)>;

// ampd's own figures (server_counters()).
struct ServerCounters {
  std::chrono::system_clock::time_point started;
  std::uint64_t clients_logged_in = 0;
  std::uint64_t actions_run = 0;  // answered since ampd started
  std::uint64_t events_delivered = 0;
};

namespace detail {

using ampd::sdk::iequals;  // was here before it became public API; kept for old plugins

// This plugin's host and handle, for what runs outside load() and a handler (unload()).
struct PluginContext {
  const ampd_host* host = nullptr;
  ampd_plugin* self = nullptr;
};
inline PluginContext& context() {
  static PluginContext current;  // one per plugin: the SDK is compiled into each .so
  return current;
}

inline void copy_error(const char* text, char* error, std::size_t size) {
  if (error == nullptr || size == 0) return;
  std::strncpy(error, text, size - 1);
  error[size - 1] = '\0';
}

// What a command's user_data points at: the handler and what it needs to talk to the host.
template <typename H>
struct HandlerBox {
  const ampd_host* host;
  ampd_plugin* self;
  H handler;
};

// The C handler: runs the C++ one and turns any exception into an error reply, because
// exceptions must not cross the C boundary.
inline void run_handler(void* user_data, const ampd_request* request, ampd_reply* reply) noexcept {
  auto* box = static_cast<HandlerBox<Handler>*>(user_data);
  Reply answer(box->host, reply);
  try {
    box->handler(Request(box->host, box->self, request), answer);
  } catch (const std::exception& e) {
    answer.error(e.what());
  } catch (...) {
    answer.error("Command failed");
  }
}

// The C async handler: the same, with an AsyncRequest whose last copy finishes the reply.
inline void run_async_handler(void* user_data, const ampd_request* request,
                              ampd_reply* reply) noexcept {
  auto* box = static_cast<HandlerBox<AsyncHandler>*>(user_data);
  try {
    AsyncRequest call(box->host, box->self, request, reply);
    try {
      box->handler(call);
    } catch (const std::exception& e) {
      call.reply().error(e.what());
    } catch (...) {
      call.reply().error("Command failed");
    }
  } catch (...) {  // no memory for the AsyncRequest itself
    box->host->reply_set_error(reply, "Command failed: out of memory");
    box->host->reply_finish(reply);
  }
}

template <typename H>
void free_handler(void* user_data) {
  delete static_cast<HandlerBox<H>*>(user_data);
}

// The C event function: an exception from the handler is logged, never let out.
inline void run_event_handler(void* user_data, const char* server,
                              const ampd_message* event) noexcept {
  auto* box = static_cast<HandlerBox<EventHandler>*>(user_data);
  try {
    box->handler(Event{server, Fields(box->host, event)});
  } catch (const std::exception& e) {
    box->host->log(box->self, AMPD_LOG_ERROR, (std::string("event handler: ") + e.what()).c_str());
  } catch (...) {
    box->host->log(box->self, AMPD_LOG_ERROR, "event handler threw an exception");
  }
}

// The C link function: as run_event_handler.
inline void run_link_handler(void* user_data, const char* server, std::int32_t up,
                             std::int64_t since_ms, std::int32_t changed) noexcept {
  auto* box = static_cast<HandlerBox<LinkHandler>*>(user_data);
  try {
    const std::chrono::system_clock::time_point since{std::chrono::milliseconds(since_ms)};
    box->handler(LinkState{server, up != 0, since, changed != 0});
  } catch (const std::exception& e) {
    box->host->log(box->self, AMPD_LOG_ERROR, (std::string("link handler: ") + e.what()).c_str());
  } catch (...) {
    box->host->log(box->self, AMPD_LOG_ERROR, "link handler threw an exception");
  }
}

}  // namespace detail

inline std::string AmiAction::get(std::string_view name, std::string_view fallback) const {
  if (iequals(name, "Action")) return action_;
  for (const auto& [n, v] : fields_) {
    if (iequals(n, name)) return v;
  }
  return std::string(fallback);
}

// Registers commands while the plugin loads. A refused registration throws, which fails load.
class Registrar {
 public:
  Registrar(const ampd_host* host, ampd_plugin* self) : host_(host), self_(self) {}

  // A command whose handler runs on a worker thread and may wait for Asterisk (Request::call).
  void command(const std::string& name, Privilege privilege, const std::vector<Arg>& args,
               Handler handler, const std::string& summary = {}) {
    add(name, privilege, args, summary, std::move(handler));
  }
  // A command whose handler runs on ampd's I/O thread and never blocks (AsyncRequest::ami):
  // the cheaper kind for commands that only forward to Asterisk.
  void async_command(const std::string& name, Privilege privilege, const std::vector<Arg>& args,
                     AsyncHandler handler, const std::string& summary = {}) {
    require(AMPD_HOST_HAS(host_, ami_call_async), "asynchronous commands");
    add(name, privilege, args, summary, std::move(handler));
  }

  // Settings of the plugin's own section, [plugin.NAME] of ampd.ini: each call declares one key
  // with its default and returns its value now. A configured value of the wrong type, or a key
  // in the section that load() never declares, refuses the plugin (and fails --check-config).
  // On SIGHUP the plugin is loaded again and reads the new values.
  std::string setting(const std::string& key, const std::string& fallback,
                      const std::string& summary = {}) {
    return declare(key, AMPD_SETTING_STRING, fallback, summary);
  }
  long long setting_int(const std::string& key, long long fallback,
                        const std::string& summary = {}) {
    return std::stoll(declare(key, AMPD_SETTING_INTEGER, std::to_string(fallback), summary));
  }
  bool setting_bool(const std::string& key, bool fallback, const std::string& summary = {}) {
    return declare(key, AMPD_SETTING_BOOLEAN, fallback ? "1" : "0", summary) == "1";
  }

  // Asterisk events named `event` (case-insensitive), or every event when it is empty, from
  // every server. The handler runs on ampd's main reactor thread: it must never block.
  void on_event(const std::string& event, EventHandler handler) {
    require(AMPD_HOST_HAS(host_, subscribe_events), "event subscriptions");
    auto* box = new detail::HandlerBox<EventHandler>{host_, self_, std::move(handler)};
    char error[256] = "";
    if (host_->subscribe_events(self_, event.c_str(), &detail::run_event_handler, box,
                                &detail::free_handler<EventHandler>, error, sizeof error) != 0) {
      delete box;  // the host keeps user_data only for a subscription it took
      throw std::runtime_error(error[0] ? error : "cannot subscribe to " + event);
    }
  }

  // Every Asterisk link going up or down; the handler is also called at once, from here, for
  // each server whose link state is already known. On ampd's main reactor thread.
  void on_link(LinkHandler handler) {
    require(AMPD_HOST_HAS(host_, subscribe_links), "link subscriptions");
    auto* box = new detail::HandlerBox<LinkHandler>{host_, self_, std::move(handler)};
    char error[256] = "";
    if (host_->subscribe_links(self_, &detail::run_link_handler, box,
                               &detail::free_handler<LinkHandler>, error, sizeof error) != 0) {
      delete box;
      throw std::runtime_error(error[0] ? error : "cannot subscribe to links");
    }
  }

  void log(LogLevel level, const std::string& text) const {
    host_->log(self_, static_cast<std::int32_t>(level), text.c_str());
  }
  // What the previous instance of this plugin kept for it with keep_state() before a reload
  // (SIGHUP); nullopt when nothing was kept, or when the daemon is too old to keep state.
  std::optional<std::string> kept_state() const {
    if (!AMPD_HOST_HAS(host_, kept_state)) return std::nullopt;
    std::size_t size = 0;
    const void* data = host_->kept_state(self_, &size);
    if (data == nullptr) return std::nullopt;
    return std::string(static_cast<const char*>(data), size);
  }
  const ampd_host* host() const { return host_; }
  ampd_plugin* self() const { return self_; }

 private:
  // A plugin built against this SDK may meet an older daemon: what it lacks fails the load.
  void require(bool present, const char* what) const {
    if (!present) throw std::runtime_error(std::string("this ampd is too old for ") + what);
  }
  std::string declare(const std::string& key, std::int32_t type, const std::string& fallback,
                      const std::string& summary) {
    require(AMPD_HOST_HAS(host_, declare_setting), "plugin settings");
    ampd_setting_def def{};
    def.struct_size = sizeof def;
    def.name = key.c_str();
    def.type = type;
    def.default_value = fallback.c_str();
    def.summary = summary.c_str();
    char error[256] = "";
    if (host_->declare_setting(self_, &def, error, sizeof error) != 0) {
      throw std::runtime_error(error[0] ? error : "cannot declare setting " + key);
    }
    const char* value = host_->setting_value(self_, key.c_str());
    return value ? value : fallback;
  }

  template <typename H>
  void add(const std::string& name, Privilege privilege, const std::vector<Arg>& args,
           const std::string& summary, H handler) {
    std::vector<ampd_arg_def> defs;
    for (const auto& a : args) defs.push_back({a.name.c_str(), a.required ? 1 : 0});
    auto* box = new detail::HandlerBox<H>{host_, self_, std::move(handler)};
    ampd_command_def def{};
    def.struct_size = sizeof def;
    def.name = name.c_str();
    def.privilege = static_cast<std::int32_t>(privilege);
    def.args = defs.data();
    def.arg_count = static_cast<std::uint32_t>(defs.size());
    def.summary = summary.c_str();
    if constexpr (std::is_same_v<H, AsyncHandler>) {
      def.async_handler = &detail::run_async_handler;
    } else {
      def.handler = &detail::run_handler;
    }
    def.user_data = box;
    def.free_user_data = &detail::free_handler<H>;
    char error[256] = "";
    if (host_->register_command(self_, &def, error, sizeof error) != 0) {
      delete box;  // the host keeps user_data only for a registered command
      throw std::runtime_error(error[0] ? error : "cannot register " + name);
    }
  }

  const ampd_host* host_;
  ampd_plugin* self_;
};

using LoadFn = void (*)(Registrar&);

namespace detail {

// The C load(): checks the host offers everything this header uses, then runs the C++ load.
inline int run_load(LoadFn load, const ampd_host* host, ampd_plugin* self, char* error,
                    std::size_t size) noexcept {
  // Newer functions are checked where they are used (Registrar::require).
  if (host == nullptr || host->struct_size < AMPD_HOST_V1_SIZE) {
    copy_error("the daemon's plugin host is older than plugin ABI version 1", error, size);
    return 1;
  }
  try {
    context() = {host, self};
    Registrar registrar(host, self);
    load(registrar);
    return 0;
  } catch (const std::exception& e) {
    copy_error(e.what(), error, size);
  } catch (...) {
    copy_error("load failed", error, size);
  }
  return 1;
}

}  // namespace detail

// Keeps `state` for the next instance of this plugin (Registrar::kept_state), across the
// reload SIGHUP makes; call it from unload() (or before). False when this daemon cannot.
inline bool keep_state(std::string_view state) {
  const auto& c = detail::context();
  if (c.host == nullptr || !AMPD_HOST_HAS(c.host, keep_state)) return false;
  c.host->keep_state(c.self, state.data(), state.size());
  return true;
}

// ampd's own counters, from any thread; nullopt when this daemon cannot tell them.
inline std::optional<ServerCounters> server_counters() {
  const auto& c = detail::context();
  if (c.host == nullptr || !AMPD_HOST_HAS(c.host, server_counters)) return std::nullopt;
  ampd_server_counters raw{};
  raw.struct_size = sizeof raw;
  c.host->server_counters(c.self, &raw);
  ServerCounters out;
  out.started = std::chrono::system_clock::time_point(std::chrono::milliseconds(raw.started_ms));
  out.clients_logged_in = raw.clients_logged_in;
  out.actions_run = raw.actions_run;
  out.events_delivered = raw.events_delivered;
  return out;
}

// Replaces the file at `path` with `content` so that a crash leaves the old or the new file and
// no temporary one. Blocks on the disk: never call it on the reactor thread (from an event or
// async handler). False, with the reason in `error`, when it fails or this daemon cannot.
inline bool write_file_atomically(const std::string& path, std::string_view content,
                                  std::string& error, unsigned mode = 0600) {
  const auto& c = detail::context();
  if (c.host == nullptr || !AMPD_HOST_HAS(c.host, write_file)) {
    error = "this ampd is too old to write files for plugins";
    return false;
  }
  char why[512] = "";
  if (c.host->write_file(c.self, path.c_str(), content.data(), content.size(), mode, why,
                         sizeof why) == 0) {
    return true;
  }
  error = why[0] ? why : "cannot write " + path;
  return false;
}

// Removes, with a log line each, the temporary files a crash in the middle of
// write_file_atomically(path) left; call it in load(), before reading `path`.
inline void remove_interrupted_writes(const std::string& path) {
  const auto& c = detail::context();
  if (c.host != nullptr && AMPD_HOST_HAS(c.host, remove_interrupted_writes)) {
    c.host->remove_interrupted_writes(c.self, path.c_str());
  }
}

}  // namespace ampd::sdk

// Defines the plugin's one exported symbol. LOAD_FN is `void fn(ampd::sdk::Registrar&)`;
// UNLOAD_FN (AMPD_PLUGIN_WITH_UNLOAD) is `void fn()`, run once at shutdown.
#define AMPD_PLUGIN_WITH_UNLOAD(NAME, VERSION, LOAD_FN, UNLOAD_FN)                      \
  extern "C" AMPD_PLUGIN_EXPORT const ampd_plugin_descriptor* ampd_plugin_entry(void) { \
    static const ampd_plugin_descriptor descriptor = {                                  \
        sizeof(ampd_plugin_descriptor),                                                 \
        AMPD_PLUGIN_ABI_VERSION,                                                        \
        NAME,                                                                           \
        VERSION,                                                                        \
        [](const ampd_host* host, ampd_plugin* self, char* error, size_t size) -> int { \
          return ::ampd::sdk::detail::run_load(LOAD_FN, host, self, error, size);       \
        },                                                                              \
        UNLOAD_FN};                                                                     \
    return &descriptor;                                                                 \
  }

#define AMPD_PLUGIN(NAME, VERSION, LOAD_FN) AMPD_PLUGIN_WITH_UNLOAD(NAME, VERSION, LOAD_FN, nullptr)
