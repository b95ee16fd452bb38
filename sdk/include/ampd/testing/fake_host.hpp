// A stand-in for the daemon, so a plugin's handlers are unit-tested in-process: load the
// plugin's load function, build a request, script what Asterisk answers, run a command, and
// look at the reply and at every action the handler sent.
//
//   ampd::sdk::testing::FakeHost host;
//   host.load(my_plugin_load);
//   host.on_ami([](const ampd::sdk::AmiAction& a) { return FakeHost::Answer::success({...}); });
//   auto reply = host.run("ServerVersion", {{"ActionID", "1"}});
//   EXPECT_EQ(reply.get("AsteriskVersion"), "20.1.0");
//
// It checks neither privilege nor required arguments: the daemon does that before a handler
// runs. Use command() to check what a plugin declared. An asynchronous command runs the same
// way: its ami() answers come after the handler has returned, in the order asked, and run()
// checks that the reply was finished exactly once.
#pragma once

#include <ampd/plugin_abi.h>

#include <ampd/sdk.hpp>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ampd::sdk::testing {

using FieldList = std::vector<std::pair<std::string, std::string>>;

inline std::string find_in(const FieldList& fields, std::string_view name,
                           std::string_view fallback = {}) {
  for (const auto& [n, v] : fields) {
    if (detail::iequals(n, name)) return v;
  }
  return std::string(fallback);
}

inline std::vector<std::string> find_all_in(const FieldList& fields, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [n, v] : fields) {
    if (detail::iequals(n, name)) out.push_back(v);
  }
  return out;
}

// The reply a handler built.
struct FakeReply {
  struct Record {
    std::string name;
    FieldList fields;
    std::string get(std::string_view n) const { return find_in(fields, n); }
  };
  bool success = true;
  std::string message;
  FieldList fields;
  bool is_list = false;
  std::vector<Record> records;

  std::string get(std::string_view name) const { return find_in(fields, name); }
  std::vector<std::string> get_all(std::string_view name) const {
    return find_all_in(fields, name);
  }
};

// What a plugin declared for one command.
struct FakeCommand {
  std::string name;
  Privilege privilege = Privilege::Monitor;
  std::vector<Arg> args;
  std::string summary;
  ampd_handler_fn handler = nullptr;
  ampd_async_handler_fn async_handler = nullptr;
  void* user_data = nullptr;
  void (*free_user_data)(void*) = nullptr;

  bool requires_arg(std::string_view arg) const {
    for (const auto& a : args) {
      if (a.required && detail::iequals(a.name, arg)) return true;
    }
    return false;
  }
};

// A scripted AMI answer.
struct AmiAnswer {
  AmiStatus status = AmiStatus::Ok;
  std::string error;  // for a status other than Ok
  FieldList response;
  std::vector<FieldList> events;
  FieldList complete;
  std::vector<std::string> output;

  static AmiAnswer success(FieldList fields = {}) {
    AmiAnswer a;
    a.response.emplace_back("Response", "Success");
    for (auto& f : fields) a.response.push_back(std::move(f));
    return a;
  }
  static AmiAnswer asterisk_error(std::string message) {
    AmiAnswer a;
    a.response = {{"Response", "Error"}, {"Message", std::move(message)}};
    return a;
  }
  static AmiAnswer failure(AmiStatus status, std::string error) {
    AmiAnswer a;
    a.status = status;
    a.error = std::move(error);
    return a;
  }
};

// Who asks.
struct Caller {
  std::string user = "tester";
  ClientType type = ClientType::Administrator;
  std::string agent_id;
};

class FakeHost {
 public:
  using Answer = AmiAnswer;
  using Who = Caller;
  using Script = std::function<Answer(const AmiAction&)>;

  FakeHost() = default;
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;
  ~FakeHost() {
    for (auto& c : commands_) {
      if (c.free_user_data) c.free_user_data(c.user_data);
    }
    for (auto& s : subscriptions_) {
      if (s.free_user_data) s.free_user_data(s.user_data);
    }
    for (auto& s : link_subscriptions_) {
      if (s.free_user_data) s.free_user_data(s.user_data);
    }
    if (unload_) unload_();
  }

  // [plugin.NAME] as the operator wrote it; call before load(). Types are not checked here
  // (the daemon checks them), only that load() declares every key.
  void configure(std::string key, std::string value) { configured_[lower(key)] = std::move(value); }
  // A declared setting's value as the plugin reads it ("" if undeclared).
  std::string setting(const std::string& key) const {
    const auto it = settings_.find(lower(key));
    return it == settings_.end() ? std::string() : it->second;
  }
  // State as a previous instance kept it (before load()), and what this one keeps.
  void set_kept_state(std::string state) { kept_ = std::move(state); }
  const std::optional<std::string>& kept_state() const { return kept_; }
  // An Asterisk event from `server`, to every subscription that wants it.
  void emit(const std::string& server, FieldList event) {
    const MessageState message{std::move(event)};
    const auto name = find_in(message.fields, "Event");
    for (const auto& s : subscriptions_) {
      if (s.event.empty() || detail::iequals(s.event, name)) {
        s.fn(s.user_data, server.c_str(), handle(message));
      }
    }
  }

  // A server's link going up or down at `since_ms`; before load(), the state it will find.
  void set_link(const std::string& server, bool up, std::int64_t since_ms) {
    links_[server] = {up, since_ms};
    for (const auto& s : link_subscriptions_) s.fn(s.user_data, server.c_str(), up, since_ms, 1);
  }
  // What server_counters() gives the plugin.
  void set_counters(ampd_server_counters counters) { counters_ = counters; }

  // Runs a plugin's C++ load function; throws std::runtime_error with its error.
  void load(LoadFn load) { finish_load(detail::run_load(load, table(), self(), error_, kError)); }
  // Loads through the exported descriptor, as the daemon does.
  void load(const ampd_plugin_descriptor* descriptor) {
    finish_load(descriptor->load(table(), self(), error_, kError));
    unload_ = descriptor->unload;
  }

  void on_ami(Script script) { script_ = std::move(script); }
  void set_server(ServerInfo server) { server_ = std::move(server); }
  void set_no_server() { server_.reset(); }

  // Runs a command as the daemon would after its own checks; `fields` are the client's.
  FakeReply run(std::string_view command, FieldList fields = {}, Who who = {}) {
    const FakeCommand* c = this->command(command);
    if (c == nullptr) throw std::runtime_error("no command " + std::string(command));
    RequestState r{this, c->name, {std::move(fields)}, std::move(who), c->async_handler != nullptr};
    ReplyState reply;
    const auto* request = reinterpret_cast<const ampd_request*>(&r);
    auto* answer = reinterpret_cast<ampd_reply*>(&reply);
    if (!r.async) {
      c->handler(c->user_data, request, answer);
      return std::move(reply.reply);
    }
    c->async_handler(c->user_data, request, answer);
    while (!answers_.empty()) {
      auto next = std::move(answers_.front());
      answers_.pop_front();
      next.done(next.user_data, reinterpret_cast<ampd_ami_result*>(make_result(next.answer)));
    }
    if (reply.finishes != 1) {
      throw std::runtime_error(c->name + " finished its reply " + std::to_string(reply.finishes) +
                               " times");
    }
    return std::move(reply.reply);
  }

  const FakeCommand* command(std::string_view name) const {
    for (const auto& c : commands_) {
      if (detail::iequals(c.name, name)) return &c;
    }
    return nullptr;
  }
  const std::vector<FakeCommand>& commands() const { return commands_; }
  // Every action handlers sent, in order.
  const std::vector<AmiAction>& actions() const { return actions_; }
  const std::vector<std::string>& log() const { return log_; }

 private:
  static constexpr std::size_t kError = 256;

  struct MessageState {
    FieldList fields;
  };
  struct RequestState {
    FakeHost* host;
    std::string command;
    MessageState fields;
    Who who;
    bool async = false;
  };
  struct ReplyState {
    FakeReply reply;
    int finishes = 0;
  };
  struct AsyncAnswer {
    Answer answer;
    ampd_ami_done_fn done;
    void* user_data;
  };
  struct ResultState {
    Answer answer;
    MessageState response;
    std::vector<MessageState> events;
    MessageState complete;
    std::string error;
  };

  // Like the daemon, a failed load keeps none of the plugin's commands.
  void finish_load(int rc) {
    loading_ = false;
    if (rc == 0) {
      for (const auto& [key, value] : configured_) {
        if (!settings_.count(key)) throw std::runtime_error(key + ": no such setting");
      }
      return;
    }
    while (commands_.size() > loaded_before_) {
      auto& c = commands_.back();
      if (c.free_user_data) c.free_user_data(c.user_data);
      commands_.pop_back();
    }
    throw std::runtime_error(error_[0] ? error_ : "load failed");
  }

  ampd_plugin* self() {
    loading_ = true;
    loaded_before_ = commands_.size();
    return reinterpret_cast<ampd_plugin*>(this);
  }
  static FakeHost& host_of(ampd_plugin* self) { return *reinterpret_cast<FakeHost*>(self); }
  static std::string lower(const std::string& text) { return to_lower(text); }
  static const MessageState& msg(const ampd_message* m) {
    return *reinterpret_cast<const MessageState*>(m);
  }
  static const ampd_message* handle(const MessageState& m) {
    return reinterpret_cast<const ampd_message*>(&m);
  }
  static const RequestState& req(const ampd_request* r) {
    return *reinterpret_cast<const RequestState*>(r);
  }
  static ResultState& res(const ampd_ami_result* r) {
    return *reinterpret_cast<ResultState*>(const_cast<ampd_ami_result*>(r));
  }
  static FakeReply& rep(ampd_reply* r) { return reinterpret_cast<ReplyState*>(r)->reply; }
  static AmiAction& act(ampd_ami_action* a) { return *reinterpret_cast<AmiAction*>(a); }

  static int register_command(ampd_plugin* self, const ampd_command_def* def, char* error,
                              std::size_t size) {
    auto& host = host_of(self);
    if (!host.loading_) {
      detail::copy_error("commands can be registered only while loading", error, size);
      return 1;
    }
    if (host.command(def->name) != nullptr) {
      const std::string text = std::string("command ") + def->name + " is already registered";
      detail::copy_error(text.c_str(), error, size);
      return 1;
    }
    // An older definition ends before async_handler.
    const auto async = def->struct_size >= sizeof(ampd_command_def) ? def->async_handler : nullptr;
    if ((def->handler == nullptr) == (async == nullptr)) {
      const std::string text =
          std::string("command ") + def->name + " needs exactly one of handler and async_handler";
      detail::copy_error(text.c_str(), error, size);
      return 1;
    }
    FakeCommand c;
    c.name = def->name;
    c.privilege = static_cast<Privilege>(def->privilege);
    for (std::uint32_t i = 0; i < def->arg_count; ++i) {
      c.args.push_back({def->args[i].name, def->args[i].required != 0});
    }
    c.summary = def->summary ? def->summary : "";
    c.handler = def->handler;
    c.async_handler = async;
    c.user_data = def->user_data;
    c.free_user_data = def->free_user_data;
    host.commands_.push_back(std::move(c));
    return 0;
  }

  Answer answer(const ampd_ami_action* a) {
    const auto& action = *reinterpret_cast<const AmiAction*>(a);
    actions_.push_back(action);
    return script_ ? script_(action) : Answer::failure(AmiStatus::Down, "no script");
  }

  static ResultState* make_result(const Answer& answer) {
    auto* r = new ResultState{answer, {answer.response}, {}, {answer.complete}, {}};
    for (const auto& e : answer.events) r->events.push_back({e});
    if (answer.status != AmiStatus::Ok) {
      r->error = answer.error;
    } else if (detail::iequals(find_in(answer.response, "Response"), "Error")) {
      r->error = find_in(answer.response, "Message");
    }
    return r;
  }

  static const ampd_host* table() {
    static const ampd_host host = [] {
      ampd_host h{};
      h.struct_size = sizeof h;
      h.abi_version = AMPD_PLUGIN_ABI_VERSION;
      h.register_command = &register_command;
      h.log = [](ampd_plugin* self, std::int32_t level, const char* text) {
        static const char* const names[] = {"error", "warning", "info", "debug"};
        host_of(self).log_.push_back(std::string(level >= 0 && level < 4 ? names[level] : "?") +
                                     ": " + text);
      };
      h.message_size = [](const ampd_message* m) { return msg(m).fields.size(); };
      h.message_at = [](const ampd_message* m, std::size_t i, const char** n,
                        const char** v) -> int {
        const auto& f = msg(m).fields;
        if (i >= f.size()) return 1;
        *n = f[i].first.c_str();
        *v = f[i].second.c_str();
        return 0;
      };
      h.message_get = [](const ampd_message* m, const char* name, std::size_t nth) -> const char* {
        for (const auto& [n, v] : msg(m).fields) {
          if (detail::iequals(n, name) && nth-- == 0) return v.c_str();
        }
        return nullptr;
      };
      h.request_fields = [](const ampd_request* r) { return handle(req(r).fields); };
      h.request_command = [](const ampd_request* r) { return req(r).command.c_str(); };
      h.request_user = [](const ampd_request* r) { return req(r).who.user.c_str(); };
      h.request_client_type = [](const ampd_request* r) {
        return static_cast<std::int32_t>(req(r).who.type);
      };
      h.request_agent_id = [](const ampd_request* r) { return req(r).who.agent_id.c_str(); };
      h.request_server_info = [](const ampd_request* r, ampd_server_info* out) -> int {
        const auto& s = req(r).host->server_;
        if (!s) return 1;
        out->connected = s->connected ? 1 : 0;
        out->major = s->major;
        out->name = s->name.c_str();
        out->asterisk_version = s->asterisk_version.c_str();
        out->ami_version = s->ami_version.c_str();
        return 0;
      };
      h.action_new = [](const char* name) {
        return reinterpret_cast<ampd_ami_action*>(new AmiAction(name));
      };
      h.action_add = [](ampd_ami_action* a, const char* n, const char* v) { act(a).add(n, v); };
      h.action_free = [](ampd_ami_action* a) { delete &act(a); };
      h.ami_call = [](const ampd_request* r, const ampd_ami_action* a, std::uint32_t) {
        return reinterpret_cast<ampd_ami_result*>(make_result(req(r).host->answer(a)));
      };
      h.ami_call_async = [](const ampd_request* r, const ampd_ami_action* a, std::uint32_t,
                            ampd_ami_done_fn done, void* user_data) {
        if (!req(r).async) {
          const auto refused = Answer::failure(AmiStatus::Down, "not an asynchronous command");
          return done(user_data, reinterpret_cast<ampd_ami_result*>(make_result(refused)));
        }
        auto& host = *req(r).host;
        host.answers_.push_back({host.answer(a), done, user_data});
      };
      h.reply_finish = [](ampd_reply* r) { ++reinterpret_cast<ReplyState*>(r)->finishes; };
      h.declare_setting = [](ampd_plugin* self, const ampd_setting_def* def, char*,
                             std::size_t) -> int {
        auto& host = host_of(self);
        const auto key = lower(def->name);
        const auto it = host.configured_.find(key);
        host.settings_[key] = it != host.configured_.end() ? it->second : def->default_value;
        if (def->type == AMPD_SETTING_BOOLEAN) {
          host.settings_[key] = parse_bool(host.settings_[key]).value_or(false) ? "1" : "0";
        }
        return 0;
      };
      h.setting_value = [](ampd_plugin* self, const char* name) -> const char* {
        auto& settings = host_of(self).settings_;
        const auto it = settings.find(lower(name));
        return it == settings.end() ? nullptr : it->second.c_str();
      };
      h.keep_state = [](ampd_plugin* self, const void* data, std::size_t size) {
        host_of(self).kept_ = std::string(static_cast<const char*>(data), size);
      };
      h.kept_state = [](ampd_plugin* self, std::size_t* size) -> const void* {
        const auto& kept = host_of(self).kept_;
        *size = kept ? kept->size() : 0;
        return kept ? kept->data() : nullptr;
      };
      h.subscribe_events = [](ampd_plugin* self, const char* event, ampd_event_fn fn,
                              void* user_data, void (*free_user_data)(void*), char*,
                              std::size_t) -> int {
        host_of(self).subscriptions_.push_back({event ? event : "", fn, user_data, free_user_data});
        return 0;
      };
      h.subscribe_links = [](ampd_plugin* self, ampd_link_fn fn, void* user_data,
                             void (*free_user_data)(void*), char*, std::size_t) -> int {
        auto& host = host_of(self);
        host.link_subscriptions_.push_back({fn, user_data, free_user_data});
        for (const auto& [server, link] : host.links_) {
          fn(user_data, server.c_str(), link.first, link.second, 0);
        }
        return 0;
      };
      h.server_counters = [](ampd_plugin* self, ampd_server_counters* out) {
        const auto size = out->struct_size;
        *out = host_of(self).counters_;
        out->struct_size = size;
      };
      // Not atomic: enough for a test that reads the file back.
      h.write_file = [](ampd_plugin*, const char* path, const void* data, std::size_t size,
                        std::uint32_t, char* error, std::size_t error_size) -> int {
        std::FILE* f = std::fopen(path, "wb");
        const bool written = f && std::fwrite(data, 1, size, f) == size;
        const bool closed = f && std::fclose(f) == 0;
        if (written && closed) return 0;
        detail::copy_error("cannot write the file", error, error_size);
        return 1;
      };
      h.remove_interrupted_writes = [](ampd_plugin*, const char*) -> std::size_t { return 0; };
      h.result_status = [](const ampd_ami_result* r) {
        return static_cast<std::int32_t>(res(r).answer.status);
      };
      h.result_success = [](const ampd_ami_result* r) -> int {
        return res(r).answer.status == AmiStatus::Ok && res(r).error.empty() &&
               !detail::iequals(find_in(res(r).answer.response, "Response"), "Error");
      };
      h.result_error = [](const ampd_ami_result* r) { return res(r).error.c_str(); };
      h.result_response = [](const ampd_ami_result* r) { return handle(res(r).response); };
      h.result_event_count = [](const ampd_ami_result* r) { return res(r).events.size(); };
      h.result_event = [](const ampd_ami_result* r, std::size_t i) {
        return handle(res(r).events.at(i));
      };
      h.result_complete = [](const ampd_ami_result* r) { return handle(res(r).complete); };
      h.result_output_count = [](const ampd_ami_result* r) { return res(r).answer.output.size(); };
      h.result_output = [](const ampd_ami_result* r, std::size_t i) {
        return res(r).answer.output.at(i).c_str();
      };
      h.result_free = [](ampd_ami_result* r) { delete &res(r); };
      h.reply_set_error = [](ampd_reply* r, const char* m) {
        rep(r).success = false;
        rep(r).message = m;
      };
      h.reply_set_message = [](ampd_reply* r, const char* m) { rep(r).message = m; };
      h.reply_add_field = [](ampd_reply* r, const char* n, const char* v) {
        rep(r).fields.emplace_back(n, v);
      };
      h.reply_set_list = [](ampd_reply* r, int on) { rep(r).is_list = on != 0; };
      h.reply_add_record = [](ampd_reply* r, const char* name) {
        rep(r).is_list = true;
        rep(r).records.push_back({name, {}});
        return rep(r).records.size() - 1;
      };
      h.reply_record_add_field = [](ampd_reply* r, std::size_t i, const char* n, const char* v) {
        rep(r).records.at(i).fields.emplace_back(n, v);
      };
      return h;
    }();
    return &host;
  }

  std::vector<FakeCommand> commands_;
  struct Subscription {
    std::string event;
    ampd_event_fn fn;
    void* user_data;
    void (*free_user_data)(void*);
  };
  std::vector<Subscription> subscriptions_;
  struct LinkSubscription {
    ampd_link_fn fn;
    void* user_data;
    void (*free_user_data)(void*);
  };
  std::vector<LinkSubscription> link_subscriptions_;
  std::map<std::string, std::pair<bool, std::int64_t>> links_;  // server -> (up, since_ms)
  ampd_server_counters counters_{};
  std::map<std::string, std::string> configured_;
  std::map<std::string, std::string> settings_;
  std::optional<std::string> kept_;
  std::vector<AmiAction> actions_;
  std::deque<AsyncAnswer> answers_;
  std::vector<std::string> log_;
  Script script_;
  std::optional<ServerInfo> server_ = ServerInfo{"pbx", true, 20, "20.20.1", "9.0.0"};
  void (*unload_)() = nullptr;
  bool loading_ = false;
  std::size_t loaded_before_ = 0;
  char error_[kError] = "";
};

}  // namespace ampd::sdk::testing
