// ampd.ini: the daemon's configuration, read and validated in one place.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "auth/network_acl.hpp"
#include "auth/users.hpp"
#include "wire/wire_format.hpp"

namespace ampd {

struct LoggingConfig {
  std::string target = "console";  // console | file | syslog
  std::string file;                // for target = file
  std::string level = "information";
};

struct AsteriskConfig {
  std::string name;
  std::string host = "127.0.0.1";
  int port = 5038;
  std::string username;
  std::string secret;
  unsigned connect_timeout_ms = 5000;
  unsigned action_timeout_ms = 10000;
  unsigned ping_interval_ms = 20000;
  unsigned reconnect_max_ms = 5000;
  unsigned command_connections = 2;
};

struct Config {
  std::string path;
  std::vector<std::string> listen{"127.0.0.1:5040"};
  std::vector<std::string> listen_tls;       // TLS listeners ("" = none); need the two below
  std::string tls_certificate;               // PEM certificate chain, leaf first
  std::string tls_key;                       // its unencrypted PEM private key
  std::vector<std::string> listen_ws;        // WebSocket listeners (they also serve web_root)
  std::vector<std::string> listen_wss;       // the same over TLS; need the two above
  std::vector<std::string> allowed_origins;  // browser origins for WebSockets; empty: same origin
  std::string web_root;                      // "" = the installed wallboard page
  WireFormat format = WireFormat::Native;
  std::string users_file = "/etc/ampd/users.ini";
  std::string plugin_dir;
  bool trust = false;
  NetworkAcl trusted_networks;
  // Unless set, clients see the default Asterisk server's own banner once ampd has seen it,
  // and this one until then.
  std::string banner = "Asterisk Call Manager/1.1";
  bool banner_configured = false;
  WireLimits limits;
  unsigned max_clients = 20000;       // connections beyond are refused with an error
  unsigned max_in_flight = 32;        // commands one client may have running at once
  unsigned login_timeout_ms = 10000;  // a client must log in this soon after connecting (0 off)
  unsigned idle_timeout_ms = 0;       // logged-in clients that send no message this long are closed
  unsigned message_timeout_ms = 30000;  // from a message's first byte to its end (0 off)
  // The login throttle (auth/login_throttle.hpp): limits per key, then exponential backoff.
  unsigned login_attempts = 5;          // failed logins per (address, username); 0 turns it off
  unsigned login_user_attempts = 20;    // per username, from every address
  unsigned login_spray_attempts = 100;  // unknown usernames, per address
  unsigned login_backoff_initial_ms = 1000;
  unsigned login_backoff_max_ms = 300000;
  unsigned login_window_ms = 60000;  // a key without failures for this long is forgotten
  std::size_t client_output_cap = 4 * 1024 * 1024;  // bytes queued for one client
  bool disconnect_slow_clients = false;             // else drop events, with a counted notice
  // Older names of [plugin.statistics] file and interval (0 = not set), carried over to it.
  std::string statistics_file;
  unsigned statistics_interval_ms = 0;
  unsigned shutdown_timeout_ms = 5000;  // SIGTERM: how long commands in flight may finish
  // An asynchronous plugin command not finished after this is given up (logged, answered).
  unsigned command_timeout_ms = 60000;
  unsigned worker_threads = 16;
  unsigned worker_queue = 1024;
  // Reactor threads for clients: 1 keeps everything on the main reactor; more spread the
  // clients over that many threads while the main one keeps Asterisk, commands and statistics.
  unsigned io_threads = 1;
  LoggingConfig logging;
  std::vector<AsteriskConfig> asterisk;  // the first is the default server
  // [permissions]: command name -> the client type it needs, overriding the plugin's default.
  std::vector<std::pair<std::string, ClientType>> permissions;
  // [passthrough] deny: Asterisk actions nobody may send through ampd.
  std::vector<std::string> passthrough_deny;
  // [plugin.NAME]: lowercase plugin name -> its settings (lowercase key -> value).
  std::map<std::string, std::map<std::string, std::string>> plugin_sections;
};

// Reads `path` into `out`. Every problem (unreadable file, syntax, unknown section or key, bad
// value) is appended as "file:line: [section] key: text". Returns true when there were none.
// Relative paths in the file are taken relative to the file's directory.
bool load_config(const std::string& path, Config& out, std::vector<std::string>& problems);

}  // namespace ampd
