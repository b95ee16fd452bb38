#include "config/config.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <filesystem>
#include <functional>
#include <map>

#include "base/ini_file.hpp"
#include "base/text.hpp"
#include "net/tls_context.hpp"

namespace ampd {

namespace {

using Setter = std::function<bool(const std::string& value, std::string& error)>;

bool parse_unsigned(const std::string& value, unsigned long long min, unsigned long long max,
                    unsigned long long& out, std::string& error) {
  const auto r = std::from_chars(value.data(), value.data() + value.size(), out);
  if (r.ec != std::errc() || r.ptr != value.data() + value.size() || out < min || out > max) {
    error = "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max);
    return false;
  }
  return true;
}

template <typename T>
Setter number(T& target, unsigned long long min, unsigned long long max) {
  return [&target, min, max](const std::string& v, std::string& error) {
    unsigned long long n = 0;
    if (!parse_unsigned(v, min, max, n, error)) return false;
    target = static_cast<T>(n);
    return true;
  };
}

Setter text(std::string& target) {
  return [&target](const std::string& v, std::string&) {
    target = v;
    return true;
  };
}

Setter path(std::string& target, const std::filesystem::path& base) {
  return [&target, base](const std::string& v, std::string&) {
    target = v.empty() ? v : (base / v).lexically_normal().string();
    return true;
  };
}

std::map<std::string, Setter> server_keys(Config& c, const std::filesystem::path& base) {
  return {
      {"listen",
       [&c](const std::string& v, std::string& error) {
         c.listen = split_list(v);
         if (c.listen.empty()) error = "needs at least one host:port";
         return !c.listen.empty();
       }},
      {"listen_tls",
       [&c](const std::string& v, std::string&) {
         c.listen_tls = split_list(v);
         return true;
       }},
      {"listen_ws",
       [&c](const std::string& v, std::string&) {
         c.listen_ws = split_list(v);
         return true;
       }},
      {"listen_wss",
       [&c](const std::string& v, std::string&) {
         c.listen_wss = split_list(v);
         return true;
       }},
      {"allowed_origins",
       [&c](const std::string& v, std::string& error) {
         c.allowed_origins = split_list(v);
         for (const auto& origin : c.allowed_origins) {
           if (origin != "*" && origin.find("://") == std::string::npos) {
             error = "each origin is scheme://host[:port] or *, not '" + origin + "'";
           }
         }
         return error.empty();
       }},
      {"web_root", path(c.web_root, base)},
      {"tls_certificate", path(c.tls_certificate, base)},
      {"tls_key", path(c.tls_key, base)},
      {"format",
       [&c](const std::string& v, std::string& error) {
         const auto f = parse_wire_format(v);
         if (!f) error = "must be asterisk, xml or json";
         if (f) c.format = *f;
         return f.has_value();
       }},
      {"users", path(c.users_file, base)},
      {"plugins", path(c.plugin_dir, base)},
      {"trust",
       [&c](const std::string& v, std::string& error) {
         if (!parse_bool(v, c.trust)) error = "must be on or off";
         return error.empty();
       }},
      {"trusted_networks", [&c](const std::string& v,
                                std::string& error) { return c.trusted_networks.parse(v, error); }},
      {"banner",
       [&c](const std::string& v, std::string& error) {
         c.banner = v;
         c.banner_configured = true;
         if (v.find_first_of("\r\n") != std::string::npos) error = "must be one line";
         return error.empty();
       }},
      {"max_message_size", number(c.limits.max_message, 1024, 16 * 1024 * 1024)},
      {"max_headers", number(c.limits.max_headers, 8, 100000)},
      {"max_line_length", number(c.limits.max_line, 256, 16 * 1024 * 1024)},
      {"max_clients", number(c.max_clients, 1, 1000000)},
      {"max_in_flight", number(c.max_in_flight, 1, 100000)},
      {"login_timeout", number(c.login_timeout_ms, 0, 3600000)},
      {"idle_timeout", number(c.idle_timeout_ms, 0, 86400000)},
      {"message_timeout", number(c.message_timeout_ms, 0, 3600000)},
      {"login_attempts", number(c.login_attempts, 0, 1000000)},
      {"login_window", number(c.login_window_ms, 1000, 86400000)},
      {"login_user_attempts", number(c.login_user_attempts, 0, 1000000)},
      {"login_spray_attempts", number(c.login_spray_attempts, 0, 1000000)},
      {"login_backoff_initial", number(c.login_backoff_initial_ms, 100, 3600000)},
      {"login_backoff_max", number(c.login_backoff_max_ms, 100, 86400000)},
      {"client_output_cap", number(c.client_output_cap, 64 * 1024, 1024ull * 1024 * 1024)},
      {"slow_client_policy",
       [&c](const std::string& v, std::string& error) {
         c.disconnect_slow_clients = iequals(v, "disconnect");
         if (!c.disconnect_slow_clients && !iequals(v, "drop"))
           error = "must be drop or disconnect";
         return error.empty();
       }},
      {"shutdown_timeout", number(c.shutdown_timeout_ms, 0, 600000)},
      {"command_timeout", number(c.command_timeout_ms, 100, 3600000)},
      {"statistics_file", path(c.statistics_file, base)},
      {"statistics_interval", number(c.statistics_interval_ms, 1000, 3600000)},
      {"worker_threads", number(c.worker_threads, 1, 256)},
      {"io_threads", number(c.io_threads, 1, 64)},
      {"worker_queue", number(c.worker_queue, 1, 1000000)},
  };
}

// [server] statistics_file and statistics_interval came before the statistics plugin: they are
// still read, and given to it as [plugin.statistics] file and interval unless those are set.
void carry_statistics_keys(Config& c) {
  if (c.statistics_file.empty() && c.statistics_interval_ms == 0) return;
  auto& section = c.plugin_sections["statistics"];
  if (!c.statistics_file.empty()) section.try_emplace("file", c.statistics_file);
  if (c.statistics_interval_ms != 0) {
    section.try_emplace("interval", std::to_string(c.statistics_interval_ms));
  }
}

std::map<std::string, Setter> logging_keys(LoggingConfig& l, const std::filesystem::path& base) {
  return {
      {"target",
       [&l](const std::string& v, std::string& error) {
         l.target = to_lower(v);
         if (l.target != "console" && l.target != "file" && l.target != "syslog") {
           error = "must be console, file or syslog";
         }
         return error.empty();
       }},
      {"file", path(l.file, base)},
      {"level",
       [&l](const std::string& v, std::string& error) {
         static const char* levels[] = {"fatal",  "critical",    "error", "warning",
                                        "notice", "information", "debug", "trace"};
         l.level = to_lower(v);
         for (const char* level : levels) {
           if (l.level == level) return true;
         }
         error =
             "must be one of fatal, critical, error, warning, notice, information, debug, trace";
         return false;
       }},
  };
}

std::map<std::string, Setter> asterisk_keys(AsteriskConfig& a) {
  return {
      {"host",
       [&a](const std::string& v, std::string& error) {
         in6_addr probe;
         a.host = v;
         if (v != "localhost" && inet_pton(AF_INET, v.c_str(), &probe) != 1 &&
             inet_pton(AF_INET6, v.c_str(), &probe) != 1) {
           error = "must be a numeric IPv4/IPv6 address or localhost";
         }
         return error.empty();
       }},
      {"port", number(a.port, 1, 65535)},
      {"username", text(a.username)},
      {"secret", text(a.secret)},
      {"connect_timeout", number(a.connect_timeout_ms, 100, 600000)},
      {"action_timeout", number(a.action_timeout_ms, 100, 3600000)},
      {"ping_interval", number(a.ping_interval_ms, 1000, 3600000)},
      {"reconnect_max", number(a.reconnect_max_ms, 100, 3600000)},
      {"command_connections", number(a.command_connections, 1, 64)},
  };
}

// With listen_tls or listen_wss set, the certificate and key must be given and load: checked here
// so that --check-config reports them and ampd refuses to start, each at the line of its key.
void check_tls(const IniFile& ini, const Config& c, std::vector<std::string>& problems) {
  if (c.listen_tls.empty() && c.listen_wss.empty()) return;
  const char* listen_key = c.listen_tls.empty() ? "listen_wss" : "listen_tls";
  auto where = [&ini](std::string_view key) {
    int line = 0;  // the last [server] entry of that name wins, as in apply()
    for (const auto& section : ini.sections) {
      if (!iequals(section.name, "server")) continue;
      for (const auto& e : section.entries) {
        if (iequals(e.key, key)) line = e.line;
      }
    }
    return line > 0 ? ini.where(line) : ini.path;
  };
  bool complete = true;
  auto require = [&](const char* key, const std::string& value) {
    if (!value.empty()) return;
    problems.push_back(where(listen_key) + ": [server] " + key + ": required when " + listen_key +
                       " is set");
    complete = false;
  };
  require("tls_certificate", c.tls_certificate);
  require("tls_key", c.tls_key);
  if (!complete) return;
  TlsLoadError error;
  if (!TlsContext::load(c.tls_certificate, c.tls_key, error)) {
    problems.push_back(where(error.key) + ": [server] " + error.key + ": " + error.text);
  }
}

void apply(const IniFile& ini, const IniSection& section, std::map<std::string, Setter> keys,
           std::vector<std::string>& problems) {
  for (const auto& e : section.entries) {
    const auto it = keys.find(to_lower(e.key));
    std::string error = "unknown key";
    if (it != keys.end()) {
      error.clear();
      if (it->second(e.value, error)) continue;
    }
    problems.push_back(ini.where(e.line) + ": [" + section.name + "] " + e.key + ": " + error);
  }
}

}  // namespace

bool load_config(const std::string& file, Config& out, std::vector<std::string>& problems) {
  const auto before = problems.size();
  out.path = file;
  IniFile ini;
  if (!IniFile::load(file, ini, problems)) return false;
  const auto base = std::filesystem::absolute(file).parent_path();
  for (const auto& section : ini.sections) {
    const auto name = to_lower(section.name);
    if (name == "server") {
      apply(ini, section, server_keys(out, base), problems);
    } else if (name == "logging") {
      apply(ini, section, logging_keys(out.logging, base), problems);
    } else if (name == "permissions") {
      for (const auto& e : section.entries) {
        const auto type = parse_client_type(e.value);
        if (type) {
          out.permissions.emplace_back(e.key, *type);
        } else {
          problems.push_back(ini.where(e.line) + ": [permissions] " + e.key +
                             ": must be monitor, agent or administrator");
        }
      }
    } else if (name == "passthrough") {
      for (const auto& e : section.entries) {
        if (iequals(e.key, "deny")) {
          const auto names = split_list(e.value);
          out.passthrough_deny.insert(out.passthrough_deny.end(), names.begin(), names.end());
        } else {
          problems.push_back(ini.where(e.line) + ": [passthrough] " + e.key + ": unknown key");
        }
      }
    } else if (name.starts_with("plugin.") && name.size() > 7) {
      // Checked against what the plugin declares when it loads (and by --check-config).
      auto& values = out.plugin_sections[name.substr(7)];
      for (const auto& e : section.entries) values[to_lower(e.key)] = e.value;
    } else if (name.starts_with("asterisk.") && name.size() > 9) {
      AsteriskConfig server;
      server.name = section.name.substr(9);
      apply(ini, section, asterisk_keys(server), problems);
      if (server.username.empty()) {
        problems.push_back(ini.where(section.line) + ": [" + section.name + "] username: missing");
      }
      out.asterisk.push_back(std::move(server));
    } else {
      problems.push_back(ini.where(section.line) + ": [" + section.name + "]: unknown section");
    }
  }
  check_tls(ini, out, problems);
  carry_statistics_keys(out);
  if (out.logging.target == "file" && out.logging.file.empty()) {
    problems.push_back(file + ": [logging] file: required when target = file");
  }
  return problems.size() == before;
}

}  // namespace ampd
