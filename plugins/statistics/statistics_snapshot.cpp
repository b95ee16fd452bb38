// The statistics' snapshot text, restored only when whole (format in statistics.hpp); the plugin
// writes it to its file atomically through ampd.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

#include "statistics.hpp"
#include "statistics_support.hpp"

namespace ampd_statistics {

using namespace support;

namespace {

constexpr std::string_view kMagic = "ampd-statistics";
constexpr std::string_view kVersion = "1";

// ---- snapshot text: TAB-separated fields, backslash escapes in strings

std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

bool unescape(std::string_view s, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out += s[i];
      continue;
    }
    if (++i == s.size()) return false;
    switch (s[i]) {
      case '\\':
        out += '\\';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'n':
        out += '\n';
        break;
      default:
        return false;
    }
  }
  return true;
}

// One snapshot line: Line(out, "kind").s(text).n(number); the newline is added when the
// temporary dies at the end of the statement.
class Line {
 public:
  explicit Line(std::string& out, std::string_view kind) : out_(out) { out_ += kind; }
  ~Line() { out_ += '\n'; }
  Line& s(std::string_view v) { return out_.append("\t").append(escape(v)), *this; }
  Line& n(std::int64_t v) { return out_.append("\t").append(std::to_string(v)), *this; }
  Line& b(bool v) { return n(v ? 1 : 0); }

 private:
  std::string& out_;
};

}  // namespace

// ---------------------------------------------------------------- persistence

std::string Statistics::snapshot() const {
  std::lock_guard lock(mutex_);
  return snapshot_locked();
}

std::string Statistics::snapshot_locked() const {
  std::string out;
  Line(out, kMagic).s(kVersion);
  for (const auto& [key, q] : data_.queues) {
    Line(out, "queue")
        .s(key.first)
        .s(key.second)
        .n(q.waiting)
        .n(q.entered)
        .n(q.answered)
        .n(q.abandoned)
        .n(q.completed)
        .n(q.longest_wait)
        .n(q.hold_sum)
        .n(q.talk_sum);
    for (const auto& c : q.callers)
      Line(out, "caller").s(key.first).s(key.second).s(c.uniqueid).s(c.channel).n(c.joined_ms);
  }
  for (const auto& [key, a] : data_.agents) {
    Line(out, "agent")
        .s(key.first)
        .s(key.second)
        .b(a.pool)
        .b(a.logged_in)
        .s(a.state)
        .n(a.calls_taken)
        .n(a.talk_time)
        .n(a.paused_ms)
        .n(a.pause_start_ms)
        .n(a.last_call_ms)
        .s(a.paused_reason);
    for (const auto& [queue, paused] : a.queues)
      Line(out, "member").s(key.first).s(key.second).s(queue).b(paused);
    for (const auto& e : a.activity)
      Line(out, "activity")
          .s(key.first)
          .s(key.second)
          .n(e.time_ms)
          .s(e.activity)
          .s(e.queue)
          .s(e.reason);
  }
  Line(out, "end");
  return out;
}

bool Statistics::parse_snapshot(const std::string& text, Data& out, std::string& error) const {
  std::size_t line_no = 0, pos = 0;
  bool ended = false;
  const auto fail = [&](const std::string& what) {
    error = "statistics snapshot line " + std::to_string(line_no) + ": " + what;
    return false;
  };
  while (pos < text.size()) {
    const auto eol = text.find('\n', pos);
    if (eol == std::string::npos) return ++line_no, fail("unterminated line");
    const std::string_view line(text.data() + pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (ended) return fail("data after the end line");

    std::vector<std::string> f;
    for (std::size_t start = 0;;) {
      const auto tab = line.find('\t', start);
      std::string field;
      if (!unescape(line.substr(start, tab == std::string_view::npos ? tab : tab - start), field))
        return fail("bad escape");
      f.push_back(std::move(field));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    std::vector<std::int64_t> nums;
    // Fields at `indexes` must be non-negative integers; they land in `nums` in that order.
    const auto numbers = [&](std::initializer_list<std::size_t> indexes) {
      nums.clear();
      for (auto i : indexes) {
        std::int64_t v = 0;
        if (!parse_count(f[i], v) || f[i] != std::to_string(v)) return false;
        nums.push_back(v);
      }
      return true;
    };
    const auto flag = [](const std::string& s, bool& b) {
      b = s == "1";
      return s == "0" || s == "1";
    };
    const std::string& kind = f[0];

    if (line_no == 1) {
      if (kind != kMagic || f.size() != 2) return fail("not an ampd statistics snapshot");
      if (f[1] != kVersion) return fail("unsupported snapshot version '" + f[1] + "'");
      continue;
    }
    if (kind == "end" && f.size() == 1) {
      ended = true;
    } else if (kind == "queue" && f.size() == 11) {
      if (!numbers({3, 4, 5, 6, 7, 8, 9, 10})) return fail("bad number");
      auto [it, added] = out.queues.try_emplace({f[1], f[2]});
      if (!added) return fail("duplicate queue");
      auto& q = it->second;
      q.waiting = nums[0], q.entered = nums[1], q.answered = nums[2], q.abandoned = nums[3];
      q.completed = nums[4], q.longest_wait = nums[5], q.hold_sum = nums[6], q.talk_sum = nums[7];
    } else if (kind == "caller" && f.size() == 6) {
      auto it = out.queues.find({f[1], f[2]});
      if (it == out.queues.end()) return fail("caller of an unknown queue");
      if (!numbers({5})) return fail("bad number");
      it->second.callers.push_back({f[3], f[4], nums[0]});
    } else if (kind == "agent" && f.size() == 12) {
      auto [it, added] = out.agents.try_emplace({f[1], f[2]});
      if (!added) return fail("duplicate agent");
      auto& a = it->second;
      if (!flag(f[3], a.pool) || !flag(f[4], a.logged_in)) return fail("bad flag");
      if (f[5].empty()) return fail("empty state");
      if (!numbers({6, 7, 8, 9, 10})) return fail("bad number");
      a.state = f[5];
      a.calls_taken = nums[0], a.talk_time = nums[1], a.paused_ms = nums[2];
      a.pause_start_ms = nums[3], a.last_call_ms = nums[4];
      a.paused_reason = f[11];
    } else if (kind == "member" && f.size() == 5) {
      auto it = out.agents.find({f[1], f[2]});
      if (it == out.agents.end()) return fail("member of an unknown agent");
      bool paused = false;
      if (!flag(f[4], paused)) return fail("bad flag");
      if (!it->second.queues.try_emplace(f[3], paused).second) return fail("duplicate member");
    } else if (kind == "activity" && f.size() == 7) {
      auto it = out.agents.find({f[1], f[2]});
      if (it == out.agents.end()) return fail("activity of an unknown agent");
      if (!numbers({3})) return fail("bad number");
      if (!is_any(f[4], {"login", "logout", "pause", "unpause"})) return fail("bad activity");
      auto& history = it->second.activity;
      history.push_back({nums[0], f[4], f[5], f[6]});
      while (history.size() > activity_limit_) history.pop_front();
    } else {
      return fail("unknown or malformed record '" + kind + "'");
    }
  }
  if (line_no == 0) return fail("empty");
  if (!ended) return fail("incomplete snapshot (no end line)");
  return true;
}

bool Statistics::restore(const std::string& text, std::string& error) {
  Data fresh;
  if (!parse_snapshot(text, fresh, error)) return false;
  std::lock_guard lock(mutex_);
  data_ = std::move(fresh);
  ++changes_;
  return true;
}

bool Statistics::load_file(const std::string& path, std::string& error) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec) return true;
  std::ifstream in(path, std::ios::binary);
  if (!in) return error = "cannot open " + path, false;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return error = "cannot read " + path, false;
  if (!restore(text.str(), error)) return error = path + ": " + error, false;
  return true;
}

}  // namespace ampd_statistics
