#include "commands/plugin_host.hpp"

#include <Poco/Logger.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "base/text.hpp"

namespace ampd {

namespace {

struct AsyncCommand;

// The state behind ampd_request: the call plus the server info, fetched once when asked.
struct RequestState {
  const HandlerCall& call;
  AsyncCommand* async = nullptr;  // set for an asynchronous command
  std::optional<AsteriskInfo> info{};
};

// The state behind ampd_reply.
struct ReplyState {
  Reply& reply;
  AsyncCommand* async = nullptr;
};

// An asynchronous command from its start to reply_finish; deletes itself when finished.
struct AsyncCommand {
  AsyncCommand(const Command& command, AsyncCall owned_call, AsteriskGateway& gateway,
               std::function<void(Reply)> on_done)
      : owned(std::move(owned_call)),
        call{command, owned.fields, owned.who, owned.server, owned.context, gateway},
        request{call, this},
        reply_state{reply, this},
        done(std::move(on_done)) {}

  AsyncCall owned;
  HandlerCall call;
  RequestState request;
  Reply reply;
  ReplyState reply_state;
  std::function<void(Reply)> done;
  bool starting = true;  // the handler has not returned yet
  bool finished = false;
};

struct ResultState {
  AmiResult result;
  std::string error;
  bool success = false;
};

PluginState& plugin(ampd_plugin* p) { return *reinterpret_cast<PluginState*>(p); }
const Message& msg(const ampd_message* m) { return *reinterpret_cast<const Message*>(m); }
const ampd_message* handle(const Message& m) { return reinterpret_cast<const ampd_message*>(&m); }
RequestState& req(const ampd_request* r) {
  return *reinterpret_cast<RequestState*>(const_cast<ampd_request*>(r));
}
ResultState& res(const ampd_ami_result* r) {
  return *reinterpret_cast<ResultState*>(const_cast<ampd_ami_result*>(r));
}
Reply& rep(ampd_reply* r) { return reinterpret_cast<ReplyState*>(r)->reply; }
Message& act(ampd_ami_action* a) { return *reinterpret_cast<Message*>(a); }
const char* str(const char* s) { return s ? s : ""; }

const AsteriskInfo* server_info(RequestState& r) {
  if (!r.info) r.info = r.call.gateway.info(r.call.server);
  return &*r.info;
}

// Older plugins' definitions end before async_handler.
ampd_async_handler_fn async_handler_of(const ampd_command_def& def) {
  return def.struct_size >= sizeof(ampd_command_def) ? def.async_handler : nullptr;
}

int register_command(ampd_plugin* self, const ampd_command_def* def, char* error,
                     std::size_t size) {
  auto& p = plugin(self);
  std::string why;
  if (!p.loading) {
    why = "commands can be registered only while the plugin loads";
  } else if (def == nullptr || def->struct_size < AMPD_COMMAND_DEF_V1_SIZE) {
    why = "command definition too small (built against another SDK?)";
  } else if (def->name == nullptr || *def->name == '\0') {
    why = "command without a name";
  } else if ((def->handler == nullptr) == (async_handler_of(*def) == nullptr)) {
    why = std::string("command ") + def->name + " needs exactly one of handler and async_handler";
  } else if (def->privilege < AMPD_PRIVILEGE_MONITOR ||
             def->privilege > AMPD_PRIVILEGE_ADMINISTRATOR) {
    why = std::string("command ") + def->name + " has an unknown privilege";
  }
  if (why.empty()) {
    Command c;
    c.name = def->name;
    c.privilege = static_cast<ClientType>(def->privilege);
    for (std::uint32_t i = 0; i < def->arg_count; ++i) {
      c.args.push_back({str(def->args[i].name), def->args[i].required != 0});
    }
    c.summary = str(def->summary);
    c.plugin = p.name;
    c.handler = def->handler;
    c.async_handler = async_handler_of(*def);
    c.user_data = def->user_data;
    c.free_user_data = def->free_user_data;
    if (p.registry->add(std::move(c), why)) {
      p.commands.emplace_back(def->name);
      return 0;
    }
  }
  // Remembered so the loader refuses the plugin even if its load() ignores the failure.
  if (p.registration_error.empty()) p.registration_error = why;
  copy_error(why, error, size);
  return 1;
}

void log(ampd_plugin* self, std::int32_t level, const char* text) {
  auto& logger = Poco::Logger::get("ampd.plugin." + plugin(self).name);
  switch (level) {
    case AMPD_LOG_ERROR:
      logger.error(str(text));
      break;
    case AMPD_LOG_WARNING:
      logger.warning(str(text));
      break;
    case AMPD_LOG_INFO:
      logger.information(str(text));
      break;
    default:
      logger.debug(str(text));
  }
}

AmiResult link_error(std::string error) {
  return failed_result(AmiResult::Status::Down, std::move(error));
}

ampd_ami_result* new_result(AmiResult result) {
  auto* state = new ResultState{std::move(result), {}, false};
  const auto& r = state->result;
  state->success = r.success();
  if (!r.ok()) {
    state->error = r.error.empty() ? "Asterisk did not answer" : r.error;
  } else if (!state->success) {
    state->error = r.response.get("Message", "Asterisk answered Error");
  }
  return reinterpret_cast<ampd_ami_result*>(state);
}

ampd_ami_result* ami_call(const ampd_request* r, const ampd_ami_action* a,
                          std::uint32_t timeout_ms) {
  auto& call = req(r).call;
  try {
    return new_result(call.gateway.call(call.context, call.server,
                                        *reinterpret_cast<const Message*>(a),
                                        std::chrono::milliseconds(timeout_ms)));
  } catch (const std::exception& e) {
    return new_result(link_error(e.what()));
  }
}

void ami_call_async(const ampd_request* r, const ampd_ami_action* a, std::uint32_t timeout_ms,
                    ampd_ami_done_fn done, void* user_data) {
  auto& state = req(r);
  if (state.async == nullptr || state.async->finished) {
    return done(user_data, new_result(link_error("ami_call_async needs an asynchronous command "
                                                 "whose reply is not finished")));
  }
  const auto& call = state.call;
  try {
    call.gateway.call_async(
        call.context, call.server, *reinterpret_cast<const Message*>(a),
        std::chrono::milliseconds(timeout_ms),
        [done, user_data](AmiResult result) { done(user_data, new_result(std::move(result))); });
  } catch (const std::exception& e) {  // nothing may cross the C boundary
    done(user_data, new_result(link_error(e.what())));
  }
}

// Hands the reply over: to start_async_handler if its handler has not returned yet, else to
// the command's `done`. A worker's reply goes out when its handler returns, so this is a no-op.
void reply_finish(ampd_reply* r) {
  auto* command = reinterpret_cast<ReplyState*>(r)->async;
  if (command == nullptr || command->finished) return;
  command->finished = true;
  if (command->starting) return;
  auto done = std::move(command->done);
  Reply reply = std::move(command->reply);
  delete command;
  done(std::move(reply));
}

ampd_host make_table() {
  ampd_host h{};
  h.struct_size = sizeof h;
  h.abi_version = AMPD_PLUGIN_ABI_VERSION;
  h.register_command = &register_command;
  h.log = &log;
  h.message_size = [](const ampd_message* m) { return msg(m).headers().size(); };
  h.message_at = [](const ampd_message* m, std::size_t i, const char** n, const char** v) -> int {
    const auto& headers = msg(m).headers();
    if (i >= headers.size()) return 1;
    *n = headers[i].name.data();  // NUL-terminated (Message)
    *v = headers[i].value.data();
    return 0;
  };
  h.message_get = [](const ampd_message* m, const char* name, std::size_t nth) -> const char* {
    for (const auto& header : msg(m).headers()) {
      if (iequals(header.name, str(name)) && nth-- == 0) return header.value.data();
    }
    return nullptr;
  };
  h.request_fields = [](const ampd_request* r) { return handle(req(r).call.fields); };
  h.request_command = [](const ampd_request* r) { return req(r).call.command.name.c_str(); };
  h.request_user = [](const ampd_request* r) { return req(r).call.who.user.c_str(); };
  h.request_client_type = [](const ampd_request* r) {
    return static_cast<std::int32_t>(req(r).call.who.type);
  };
  h.request_agent_id = [](const ampd_request* r) { return req(r).call.who.agent_id.c_str(); };
  h.request_server_info = [](const ampd_request* r, ampd_server_info* out) -> int {
    const auto* info = server_info(req(r));
    // Fill only what the caller's struct has room for, so older plugins keep working.
    ampd_server_info full{};
    full.struct_size = out->struct_size;
    full.connected = info->connected ? 1 : 0;
    full.major = info->major;
    full.name = info->name.c_str();
    full.asterisk_version = info->asterisk_version.c_str();
    full.ami_version = info->ami_version.c_str();
    std::memcpy(out, &full, std::min<std::size_t>(out->struct_size, sizeof full));
    return info->name.empty() ? 1 : 0;
  };
  h.action_new = [](const char* name) {
    auto* m = new Message;
    m->add("Action", str(name));
    return reinterpret_cast<ampd_ami_action*>(m);
  };
  h.action_add = [](ampd_ami_action* a, const char* n, const char* v) {
    act(a).add(str(n), str(v));
  };
  h.action_free = [](ampd_ami_action* a) { delete &act(a); };
  h.ami_call = &ami_call;
  h.result_status = [](const ampd_ami_result* r) {
    return static_cast<std::int32_t>(res(r).result.status);
  };
  h.result_success = [](const ampd_ami_result* r) -> int { return res(r).success ? 1 : 0; };
  h.result_error = [](const ampd_ami_result* r) { return res(r).error.c_str(); };
  h.result_response = [](const ampd_ami_result* r) { return handle(res(r).result.response); };
  h.result_event_count = [](const ampd_ami_result* r) { return res(r).result.events.size(); };
  h.result_event = [](const ampd_ami_result* r, std::size_t i) -> const ampd_message* {
    const auto& events = res(r).result.events;
    static const Message empty;
    return handle(i < events.size() ? events[i] : empty);
  };
  h.result_complete = [](const ampd_ami_result* r) { return handle(res(r).result.complete); };
  h.result_output_count = [](const ampd_ami_result* r) { return res(r).result.output.size(); };
  h.result_output = [](const ampd_ami_result* r, std::size_t i) -> const char* {
    const auto& output = res(r).result.output;
    return i < output.size() ? output[i].c_str() : "";
  };
  h.result_free = [](ampd_ami_result* r) { delete &res(r); };
  h.reply_set_error = [](ampd_reply* r, const char* m) {
    rep(r).success = false;
    rep(r).message = str(m);
  };
  h.reply_set_message = [](ampd_reply* r, const char* m) { rep(r).message = str(m); };
  h.reply_add_field = [](ampd_reply* r, const char* n, const char* v) {
    rep(r).fields.add(str(n), str(v));
  };
  h.reply_set_list = [](ampd_reply* r, int on) { rep(r).is_list = on != 0; };
  h.reply_add_record = [](ampd_reply* r, const char* name) {
    rep(r).is_list = true;
    rep(r).records.push_back({str(name), {}});
    return rep(r).records.size() - 1;
  };
  h.reply_record_add_field = [](ampd_reply* r, std::size_t i, const char* n, const char* v) {
    auto& records = rep(r).records;
    if (i < records.size()) records[i].fields.add(str(n), str(v));
  };
  h.ami_call_async = &ami_call_async;
  h.reply_finish = &reply_finish;
  add_extension_functions(h);
  return h;
}

}  // namespace

void copy_error(const std::string& text, char* error, std::size_t size) {
  if (error == nullptr || size == 0) return;
  const auto n = std::min(text.size(), size - 1);
  std::memcpy(error, text.data(), n);
  error[n] = '\0';
}

const ampd_host* plugin_host_table() {
  static const ampd_host table = make_table();
  return &table;
}

namespace {

// Drops whatever a handler built before it threw, so no half-made answer goes out.
void fail(Reply& reply, const std::string& message) {
  reply.success = false;
  reply.message = message;
  reply.fields = {};
  reply.is_list = false;
  reply.records.clear();
}

}  // namespace

void run_handler(const HandlerCall& call, Reply& reply) {
  RequestState state{call};
  ReplyState answer{reply};
  try {
    call.command.handler(call.command.user_data, reinterpret_cast<const ampd_request*>(&state),
                         reinterpret_cast<ampd_reply*>(&answer));
  } catch (const std::exception& e) {
    fail(reply, call.command.name + " failed: " + e.what());
  } catch (...) {
    fail(reply, call.command.name + " failed");
  }
}

std::optional<Reply> start_async_handler(const Command& command, AsyncCall call,
                                         AsteriskGateway& gateway,
                                         std::function<void(Reply)> done) {
  auto* started = new AsyncCommand(command, std::move(call), gateway, std::move(done));
  started->reply.action = command.name;
  // A plugin that throws out anyway still owes reply_finish (its SDK wrapper makes sure).
  try {
    command.async_handler(command.user_data,
                          reinterpret_cast<const ampd_request*>(&started->request),
                          reinterpret_cast<ampd_reply*>(&started->reply_state));
  } catch (const std::exception& e) {
    fail(started->reply, command.name + " failed: " + e.what());
  } catch (...) {
    fail(started->reply, command.name + " failed");
  }
  started->starting = false;
  if (!started->finished) return std::nullopt;
  Reply reply = std::move(started->reply);
  delete started;
  return reply;
}

}  // namespace ampd
