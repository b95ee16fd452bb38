#include "cli.h"

#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <sstream>

namespace sim {
namespace {

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string join(const std::vector<std::string>& w, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to && i < w.size(); ++i) {
    if (!out.empty()) out += ' ';
    out += w[i];
  }
  return out;
}

std::string fmt(const char* f, ...) __attribute__((format(printf, 1, 2)));
std::string fmt(const char* f, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, f);
  std::vsnprintf(buf, sizeof buf, f, ap);
  va_end(ap);
  return buf;
}

void core_show_version(const Options& opt, std::vector<std::string>& out) {
  out.push_back("Asterisk " + opt.asterisk_version +
                " built by root @ vm on a x86_64 running Linux on 2026-11-26 22:52:43 UTC");
}

// main/db.c handle_cli_database_show: "%-50s: %-25s" per entry, then the count.
void database_show(SimState& st, const std::vector<std::string>& w, std::vector<std::string>& out) {
  std::string prefix;
  if (w.size() >= 3) prefix = "/" + w[2];
  if (w.size() >= 4) prefix += "/" + w[3];
  int n = 0;
  for (const auto& [key, val] : st.db) {
    if (!prefix.empty() && key.compare(0, prefix.size(), prefix) != 0) continue;
    if (!prefix.empty() && key.size() > prefix.size() && key[prefix.size()] != '/') continue;
    out.push_back(fmt("%-50s: %-25s", key.c_str(), val.c_str()));
    ++n;
  }
  out.push_back(fmt("%d results found.", n));
}

// main/db.c handle_cli_database_del.
void database_del(SimState& st, const std::vector<std::string>& w, std::vector<std::string>& out) {
  if (w.size() != 4) return out.push_back("Usage: database del <family> <key>");
  const bool gone = st.db.erase("/" + w[2] + "/" + w[3]) > 0;
  out.push_back(gone ? "Database entry removed." : "Database entry does not exist.");
}

// main/db.c handle_cli_database_deltree; 1.4 did not count the entries.
void database_deltree(SimState& st, const Options& opt, const std::vector<std::string>& w,
                      std::vector<std::string>& out) {
  if (w.size() != 3 && w.size() != 4)
    return out.push_back("Usage: database deltree <family> [keytree]");
  const std::string prefix = "/" + w[2] + (w.size() == 4 ? "/" + w[3] : "");
  int n = 0;
  for (auto it = st.db.begin(); it != st.db.end();) {
    const bool under = it->first.compare(0, prefix.size(), prefix) == 0 &&
                       (it->first.size() == prefix.size() || it->first[prefix.size()] == '/');
    if (!under) {
      ++it;
      continue;
    }
    it = st.db.erase(it);
    ++n;
  }
  if (n == 0) return out.push_back("Database entries do not exist.");
  out.push_back(opt.modern() ? fmt("%d database entries removed.", n)
                             : std::string("Database entries removed."));
}

// chan_sip "sip show peers", text copied from the Asterisk 20 transcript.
void sip_show_peers(SimState& st, std::vector<std::string>& out) {
  out.push_back(fmt("%-25s %-39s %-3s %-10s %-10s %-3s %-8s %-11s %-32s %s", "Name/username",
                    "Host", "Dyn", "Forcerport", "Comedia", "ACL", "Port", "Status", "Description",
                    ""));
  for (const auto& p : st.sip_peers)
    out.push_back(fmt("%-25s %-39s %-3s %-10s %-10s %-3s %-8d %-11s %-32s %s", p.name.c_str(),
                      p.host.c_str(), " D", "Auto (No)", "No", "", 0, "Unmonitored", "", ""));
  out.push_back(
      fmt("%zu sip peers [Monitored: 0 online, 0 offline Unmonitored: 0 online, %zu "
          "offline]",
          st.sip_peers.size(), st.sip_peers.size()));
}

void pjsip_show_endpoints(SimState& st, std::vector<std::string>& out) {
  out.push_back("");
  out.push_back(
      " Endpoint:  <Endpoint/CID.....................................>  <State.....>  "
      "<Channels.>");
  out.push_back(
      "    I/OAuth:  <AuthId/UserName...........................................................>");
  out.push_back("        Aor:  <Aor............................................>  <MaxContact>");
  out.push_back(
      "      Contact:  <Aor/ContactUri..........................> <Hash....> <Status> "
      "<RTT(ms)..>");
  out.push_back(
      "  Transport:  <TransportId........>  <Type>  <cos>  <tos>  <BindAddress..........."
      "......>");
  out.push_back(
      "   Identify:  <Identify/Endpoint.........................................................>");
  out.push_back("        Match:  <criteria.........................>");
  out.push_back(
      "    Channel:  <ChannelId......................................>  <State.....>  "
      "<Time.....>");
  out.push_back("        Exten: <DialedExten...........>  CLCID: <ConnectedLineCID.......>");
  out.push_back(
      "==========================================================================="
      "==============");
  out.push_back("");
  for (const auto& e : st.pjsip_endpoints) {
    out.push_back(fmt(" Endpoint:  %-53s %-12s  %d of inf", e.name.c_str(), "Unavailable", 0));
    out.push_back(fmt("        Aor:  %-48s %d", e.name.c_str(), 1));
    out.push_back("");
  }
  out.push_back(fmt("Objects found: %zu", st.pjsip_endpoints.size()));
  out.push_back("");
}

// app_queue "queue show": one block per queue, ending with a blank line.
void queue_show(SimState& st, const std::vector<std::string>& w, std::vector<std::string>& out) {
  const time_t now = std::time(nullptr);
  const std::string only = w.size() >= 3 ? w[2] : "";
  bool any = false;
  for (const auto& q : st.queues) {
    if (!only.empty() && q.name != only) continue;
    any = true;
    int sl = q.completed ? 100 : 0;
    out.push_back(
        fmt("%s has %zu calls (max unlimited) in '%s' strategy (%ds holdtime, %ds "
            "talktime), W:%d, C:%d, A:%d, SL:%d.0%%, SL2:%d.0%% within %ds",
            q.name.c_str(), q.callers.size(), q.strategy.c_str(), q.holdtime, q.talktime, q.weight,
            q.completed, q.abandoned, sl, sl, q.servicelevel));
    if (q.members.empty()) {
      out.push_back("   No Members");
    } else {
      out.push_back("   Members: ");
      for (const auto& m : q.members) {
        std::string line = "      " + m.name;
        if (m.name != m.interface) line += " (" + m.interface + " from " + m.state_interface + ")";
        line += m.ringinuse ? " (ringinuse enabled)" : " (ringinuse disabled)";
        if (m.dynamic) line += " (dynamic)";
        if (m.paused)
          line += m.paused_reason.empty() ? " (paused)" : " (paused:" + m.paused_reason + ")";
        line += m.incall ? " (In use)" : " (Not in use)";
        if (m.calls)
          line += fmt(" has taken %d calls (last was %ld secs ago)", m.calls,
                      static_cast<long>(now - m.lastcall));
        else
          line += " has taken no calls yet";
        line += fmt(" (login was %ld secs ago)", static_cast<long>(now - m.logintime));
        out.push_back(line);
      }
    }
    if (q.callers.empty()) {
      out.push_back("   No Callers");
    } else {
      out.push_back("   Callers: ");
      int pos = 1;
      for (const auto& c : q.callers) {
        const long wait = static_cast<long>(now - c.joined);
        out.push_back(fmt("      %d. %s (wait: %ld:%02ld, prio: 0)", pos++, c.channel.c_str(),
                          wait / 60, wait % 60));
      }
    }
    out.push_back("");
  }
  if (!any) out.push_back(only.empty() ? "No queues." : "No such queue: " + only + ".");
}

void core_show_channels(SimState& st, std::vector<std::string>& out) {
  out.push_back(fmt("%-64.64s %-32.32s %-7.7s %-30.30s", "Channel", "Location", "State",
                    "Application(Data)"));
  for (const auto& c : st.channels) {
    std::string loc = c.exten + "@" + c.context + ":" + std::to_string(c.priority);
    std::string app = c.application + "(" + c.data + ")";
    out.push_back(fmt("%-64.64s %-32.32s %-7.7s %-30.30s", c.name.c_str(), loc.c_str(),
                      state_desc(c.state), app.c_str()));
  }
  int calls = 0;
  for (const auto& c : st.channels)
    if (c.name.size() < 2 || c.name.substr(c.name.size() - 2) != ";2") ++calls;
  out.push_back(
      fmt("%zu active channel%s", st.channels.size(), st.channels.size() == 1 ? "" : "s"));
  out.push_back(fmt("%d active call%s", calls, calls == 1 ? "" : "s"));
  out.push_back(fmt("%d call%s processed", st.processed_calls, st.processed_calls == 1 ? "" : "s"));
}

}  // namespace

bool run_cli(SimState& st, const Options& opt, const std::string& command,
             std::vector<std::string>& lines) {
  const auto w = words(command);
  const std::string two = join(w, 0, 2), three = join(w, 0, 3);
  // 1.4 accepted the old "show version"/"show channels" spellings too.
  if (three == "core show version" || (!opt.modern() && two == "show version")) {
    core_show_version(opt, lines);
  } else if (two == "database show") {
    database_show(st, w, lines);
  } else if (two == "database del") {
    database_del(st, w, lines);
  } else if (two == "database deltree") {
    database_deltree(st, opt, w, lines);
  } else if (three == "sip show peers" && (opt.chan_sip || !opt.modern())) {
    sip_show_peers(st, lines);
  } else if (three == "pjsip show endpoints" && opt.modern()) {
    pjsip_show_endpoints(st, lines);
  } else if (two == "queue show" || (!opt.modern() && w.size() >= 1 && w[0] == "queues")) {
    queue_show(st, w, lines);
  } else if (three == "core show channels" || (!opt.modern() && two == "show channels")) {
    core_show_channels(st, lines);
  } else {
    if (opt.modern()) {
      // Observed: the help hint repeats the first two words ("sip show", "no such").
      lines.push_back("No such command '" + command + "' (type 'core show help " + join(w, 0, 2) +
                      "' for other possible commands)");
    } else {
      lines.push_back("No such command '" + command + "' (type 'help' for help)");  // 1.4 cli.c
    }
    return false;
  }
  return true;
}

}  // namespace sim
