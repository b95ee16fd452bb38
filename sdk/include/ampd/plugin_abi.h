/* The binary boundary between ampd and its command plugins: plain C, so a plugin built with
 * another compiler or standard library still loads.
 *
 * A plugin is a shared object that exports one symbol, ampd_plugin_entry, returning its
 * descriptor. It links nothing from the daemon: every host service arrives as a function pointer
 * in the ampd_host table handed to load() (the Redis module model), so the daemon needs no
 * -rdynamic and a plugin has no undefined symbols against it.
 *
 * Compatibility: AMPD_PLUGIN_ABI_VERSION changes only when an existing struct or function
 * changes meaning. New host functions are appended to ampd_host and new fields to the end of the
 * size-tagged structs; each such struct starts with struct_size, so either side can tell what the
 * other knows about. A plugin built against a newer header loads on an older daemon as long as
 * it calls only what that daemon has: it checks AMPD_HOST_HAS(host, function) before calling a
 * function newer than ABI version 1's first table (the C++ SDK does this for you).
 *
 * Strings are NUL-terminated UTF-8. Strings and views the host returns stay valid for the call
 * to the handler that obtained them (request data) or until the owning handle is freed (AMI
 * results). Host functions may be called from any worker thread; one request's handles must be
 * used by the thread running its handler only. Exceptions never cross this boundary.
 *
 * Asynchronous commands (async_handler) run on ampd's I/O thread instead of a worker, so that a
 * command which only forwards to Asterisk costs no thread hand-over. Such a handler must never
 * block: it asks Asterisk with ami_call_async, whose callback runs later on the I/O thread, and
 * ends with reply_finish. Its request and reply handles stay valid until reply_finish. */
#ifndef AMPD_PLUGIN_ABI_H
#define AMPD_PLUGIN_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AMPD_PLUGIN_ABI_VERSION 1u
#define AMPD_PLUGIN_ENTRY_SYMBOL "ampd_plugin_entry"

#if defined(__GNUC__)
#define AMPD_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define AMPD_PLUGIN_EXPORT
#endif

/* The privilege a command needs; also a client's type. Ordered: administrator > agent > monitor. */
#define AMPD_PRIVILEGE_MONITOR 0
#define AMPD_PRIVILEGE_AGENT 1
#define AMPD_PRIVILEGE_ADMINISTRATOR 2

#define AMPD_LOG_ERROR 0
#define AMPD_LOG_WARNING 1
#define AMPD_LOG_INFO 2
#define AMPD_LOG_DEBUG 3

/* How an AMI call ended. OK means Asterisk answered (which may still be Response: Error). */
#define AMPD_AMI_OK 0
#define AMPD_AMI_TIMEOUT 1
#define AMPD_AMI_DOWN 2
#define AMPD_AMI_BUSY 3
#define AMPD_AMI_NO_SERVER 4

/* The type of a plugin setting ([plugin.NAME] in ampd.ini), checked by the host. */
#define AMPD_SETTING_STRING 0
#define AMPD_SETTING_INTEGER 1 /* a decimal integer, optionally negative */
#define AMPD_SETTING_BOOLEAN 2 /* yes/no, true/false, on/off, 1/0; config_get gives "1" or "0" */

/* Opaque handles; only the host knows their layout. */
typedef struct ampd_plugin ampd_plugin;         /* the host's record of one loaded plugin */
typedef struct ampd_request ampd_request;       /* one client command being handled */
typedef struct ampd_reply ampd_reply;           /* the answer a handler builds */
typedef struct ampd_message ampd_message;       /* read-only ordered Name: value fields */
typedef struct ampd_ami_action ampd_ami_action; /* an action to send to Asterisk */
typedef struct ampd_ami_result ampd_ami_result; /* what Asterisk answered */

/* Runs on a worker thread; may block in ami_call. Must not throw. */
typedef void (*ampd_handler_fn)(void* user_data, const ampd_request* request, ampd_reply* reply);
/* Runs on the I/O thread; must not block (no ami_call) and must not throw. Must lead to exactly
 * one reply_finish(reply), now or from an ami_call_async callback: until then the command counts
 * as in flight (its client waits, plugins are not reloaded, shutdown waits its timeout). */
typedef void (*ampd_async_handler_fn)(void* user_data, const ampd_request* request,
                                      ampd_reply* reply);
/* The answer to ami_call_async, on the I/O thread; the callee owns (and frees) the result. */
typedef void (*ampd_ami_done_fn)(void* user_data, ampd_ami_result* result);

/* An Asterisk event for a subscriber, on ampd's main reactor thread: must not block and must
 * not throw. `server` names the Asterisk server; both handles are valid for the call only. */
typedef void (*ampd_event_fn)(void* user_data, const char* server, const ampd_message* event);

/* An Asterisk server's link went up or down (`changed` 1), or, while the plugin subscribes, the
 * state it is in (`changed` 0). `since_ms`: when it took that state, in ms since the epoch. On
 * ampd's main reactor thread; must not block and must not throw. */
typedef void (*ampd_link_fn)(void* user_data, const char* server, int32_t up, int64_t since_ms,
                             int32_t changed);

/* The daemon's own figures, for a plugin that reports them. */
typedef struct ampd_server_counters {
  uint32_t struct_size; /* set by the caller to sizeof(ampd_server_counters) */
  uint32_t reserved;
  int64_t started_ms;         /* when ampd started, ms since the epoch */
  uint64_t clients_logged_in; /* now */
  uint64_t actions_run;       /* answered since ampd started */
  uint64_t events_delivered;  /* to clients since ampd started */
} ampd_server_counters;

typedef struct ampd_setting_def {
  uint32_t struct_size; /* sizeof(ampd_setting_def) */
  const char* name;     /* the key in [plugin.NAME], matched case-insensitively */
  int32_t type;         /* AMPD_SETTING_* */
  const char* default_value;
  const char* summary;
} ampd_setting_def;

typedef struct ampd_arg_def {
  const char* name;
  int32_t required; /* non-zero: the core refuses the command without it */
} ampd_arg_def;

typedef struct ampd_command_def {
  uint32_t struct_size; /* sizeof(ampd_command_def) */
  const char* name;     /* matched case-insensitively; this spelling is the canonical one */
  int32_t privilege;    /* AMPD_PRIVILEGE_* */
  const ampd_arg_def* args;
  uint32_t arg_count;
  const char* summary;
  ampd_handler_fn handler; /* exactly one of handler and async_handler is set */
  void* user_data;
  /* May be NULL. The host owns user_data only once registration succeeded, and then calls this
   * before the plugin is closed; after a refused registration the plugin still owns it. */
  void (*free_user_data)(void* user_data);
  /* Added with asynchronous commands: read by the host only when struct_size covers it. */
  ampd_async_handler_fn async_handler;
} ampd_command_def;

/* The size of ampd_command_def before async_handler, which hosts still accept. */
#define AMPD_COMMAND_DEF_V1_SIZE offsetof(ampd_command_def, async_handler)

typedef struct ampd_server_info {
  uint32_t struct_size; /* set by the caller to sizeof(ampd_server_info) */
  int32_t connected;
  int32_t major; /* Asterisk major version (1 for 1.4), 0 if unknown */
  const char* name;
  const char* asterisk_version; /* e.g. "20.20.1", "" if unknown */
  const char* ami_version;      /* from the banner, e.g. "9.0.0" */
} ampd_server_info;

typedef struct ampd_host {
  uint32_t struct_size; /* sizeof(ampd_host) as the host knows it */
  uint32_t abi_version;

  /* Plugin: register_command only inside load(); returns 0, or non-zero with a reason in
   * `error` (name taken, bad definition, not loading). log works at any time. */
  int (*register_command)(ampd_plugin* self, const ampd_command_def* def, char* error,
                          size_t error_size);
  void (*log)(ampd_plugin* self, int32_t level, const char* text);

  /* Messages: fields in order; names compare case-insensitively; nth counts matches from 0. */
  size_t (*message_size)(const ampd_message* m);
  int (*message_at)(const ampd_message* m, size_t index, const char** name, const char** value);
  const char* (*message_get)(const ampd_message* m, const char* name, size_t nth); /* or NULL */

  /* The request: its fields as the client sent them, the command, and who asks. */
  const ampd_message* (*request_fields)(const ampd_request* r);
  const char* (*request_command)(const ampd_request* r); /* canonical command name */
  const char* (*request_user)(const ampd_request* r);
  int32_t (*request_client_type)(const ampd_request* r); /* AMPD_PRIVILEGE_* */
  const char* (*request_agent_id)(const ampd_request* r);
  /* The Asterisk server the request addresses (its Server field, else the default). Fills as
   * much of *out as out->struct_size allows; returns 0, non-zero if no such server. */
  int (*request_server_info)(const ampd_request* r, ampd_server_info* out);

  /* AMI: build an action, send it (blocking) to the request's server, read the result. */
  ampd_ami_action* (*action_new)(const char* action);
  void (*action_add)(ampd_ami_action* a, const char* name, const char* value);
  void (*action_free)(ampd_ami_action* a);
  /* timeout_ms 0: the server's configured action timeout. Never returns NULL. */
  ampd_ami_result* (*ami_call)(const ampd_request* r, const ampd_ami_action* a,
                               uint32_t timeout_ms);
  int32_t (*result_status)(const ampd_ami_result* res); /* AMPD_AMI_* */
  int (*result_success)(const ampd_ami_result* res);    /* answered, and not Response: Error */
  /* Why it failed: the link's error, or Asterisk's Message for Response: Error; else "". */
  const char* (*result_error)(const ampd_ami_result* res);
  const ampd_message* (*result_response)(const ampd_ami_result* res);
  size_t (*result_event_count)(const ampd_ami_result* res);
  const ampd_message* (*result_event)(const ampd_ami_result* res, size_t index);
  const ampd_message* (*result_complete)(const ampd_ami_result* res); /* empty if none */
  size_t (*result_output_count)(const ampd_ami_result* res);
  const char* (*result_output)(const ampd_ami_result* res, size_t index);
  void (*result_free)(ampd_ami_result* res);

  /* The reply; it starts as Success with no message, fields or records. */
  void (*reply_set_error)(ampd_reply* reply, const char* message);
  void (*reply_set_message)(ampd_reply* reply, const char* message);
  void (*reply_add_field)(ampd_reply* reply, const char* name, const char* value);
  void (*reply_set_list)(ampd_reply* reply, int is_list);
  /* Appends a record (and sets list shape); returns its index for reply_record_add_field. */
  size_t (*reply_add_record)(ampd_reply* reply, const char* record_name);
  void (*reply_record_add_field)(ampd_reply* reply, size_t record, const char* name,
                                 const char* value);

  /* Added with asynchronous commands (check struct_size). ami_call_async sends `a`
   * (copied; the caller still frees it) and returns at once; `done` runs exactly once, later,
   * on the I/O thread, also for a timeout or a link failure. Only from an async handler or a
   * done callback, and only before reply_finish; called otherwise (from a worker's handler, or
   * after reply_finish) it runs `done` at once with an error result instead. reply_finish sends the
   * reply; the request and reply handles are invalid after it. */
  void (*ami_call_async)(const ampd_request* r, const ampd_ami_action* a, uint32_t timeout_ms,
                         ampd_ami_done_fn done, void* user_data);
  void (*reply_finish)(ampd_reply* reply);

  /* Added with plugin settings and event subscriptions (check AMPD_HOST_HAS).
   * declare_setting, only inside load(): declares one key of the plugin's own section
   * [plugin.NAME] of ampd.ini, with its type and default, and checks the configured value;
   * returns 0, or non-zero with the reason in `error` (the host then refuses the plugin, as it
   * does a configured key that load() never declared). setting_value: a declared key's value
   * (its default when not configured), valid until the plugin is unloaded; NULL for an
   * undeclared key. On SIGHUP every plugin is loaded again, with the new values. */
  int (*declare_setting)(ampd_plugin* self, const ampd_setting_def* def, char* error,
                         size_t error_size);
  const char* (*setting_value)(ampd_plugin* self, const char* name);
  /* subscribe_events, only inside load(): `fn` gets every Asterisk event named `event`
   * (case-insensitive), or every event when `event` is NULL or "", from every server. The host
   * owns user_data once this returns 0 and frees it with free_user_data (may be NULL) before
   * the plugin is closed. */
  int (*subscribe_events)(ampd_plugin* self, const char* event, ampd_event_fn fn, void* user_data,
                          void (*free_user_data)(void* user_data), char* error, size_t error_size);

  /* Added with kept state (check AMPD_HOST_HAS). On SIGHUP every plugin is unloaded and loaded
   * again; what a plugin must not lose it keeps: keep_state, from unload() or before, copies
   * `size` bytes for the next plugin of the same name; kept_state, inside load(), returns them
   * (NULL with *size 0 when nothing was kept), valid until load() returns. Nothing is kept
   * across a restart of ampd. */
  void (*keep_state)(ampd_plugin* self, const void* data, size_t size);
  const void* (*kept_state)(ampd_plugin* self, size_t* size);

  /* Added with the statistics plugin (check AMPD_HOST_HAS). subscribe_links, only inside
   * load(): `fn` hears of every Asterisk link going up or down, and is called at once for each
   * server whose link state is already known (changed 0); user_data as for subscribe_events.
   * server_counters fills as much of *out as out->struct_size allows, from any thread.
   * write_file replaces `path` with `size` bytes so that a crash leaves the old or the new file,
   * never a part or a temporary file (mode as for open(2)); returns 0, or non-zero with the
   * reason in `error`; it blocks on the disk, so never call it on the reactor thread. */
  int (*subscribe_links)(ampd_plugin* self, ampd_link_fn fn, void* user_data,
                         void (*free_user_data)(void* user_data), char* error, size_t error_size);
  void (*server_counters)(ampd_plugin* self, ampd_server_counters* out);
  int (*write_file)(ampd_plugin* self, const char* path, const void* data, size_t size,
                    uint32_t mode, char* error, size_t error_size);
  /* Removes what a crash in the middle of write_file(path) left behind (its temporary files,
   * older than a few seconds), logging each; returns how many. For load(), before reading. */
  size_t (*remove_interrupted_writes)(ampd_plugin* self, const char* path);
} ampd_host;

/* Whether the host's table has `member` (a plugin built against a newer header may meet an
 * older daemon). */
#define AMPD_HOST_HAS(host, member) \
  ((host)->struct_size >= offsetof(ampd_host, member) + sizeof((host)->member))
/* The host table of ABI version 1 before asynchronous commands: what every daemon offers. */
#define AMPD_HOST_V1_SIZE offsetof(ampd_host, ami_call_async)

typedef struct ampd_plugin_descriptor {
  uint32_t struct_size; /* sizeof(ampd_plugin_descriptor) */
  uint32_t abi_version; /* AMPD_PLUGIN_ABI_VERSION the plugin was built against */
  const char* name;
  const char* version;
  /* Registers the plugin's commands. Returns 0, or non-zero with a reason in `error`; the host
   * then drops whatever was registered and closes the plugin. */
  int (*load)(const ampd_host* host, ampd_plugin* self, char* error, size_t error_size);
  void (*unload)(void); /* may be NULL; called once at shutdown, after the last handler */
} ampd_plugin_descriptor;

typedef const ampd_plugin_descriptor* (*ampd_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* AMPD_PLUGIN_ABI_H */
