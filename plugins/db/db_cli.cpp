#include "db_cli.hpp"

using ampd::sdk::AmiAction;
using ampd::sdk::AmiResult;
using ampd::sdk::Request;

namespace db_plugin {

std::string cli_word(const std::string& word) {
  if (!word.empty() && word.find_first_of(" \t\"\\") == std::string::npos) return word;
  std::string quoted = "\"";
  for (const char c : word) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

bool unknown_action(const AmiResult& result) {
  return result.ok() && !result.success() &&
         result.error().find("Invalid/unknown command") != std::string::npos;
}

namespace {

std::string first_text(const std::vector<std::string>& lines) {
  for (const auto& line : lines) {
    if (!line.empty()) return line;
  }
  return {};
}

}  // namespace

CliAnswer run_cli(const Request& request, const std::string& command) {
  const auto result = request.call(AmiAction("Command").add("Command", command));
  CliAnswer answer;
  answer.lines = result.output();
  // Modern Asterisk answers an unknown CLI command with Error and the reason as output; 1.4
  // answers Follows with the same complaint as text.
  const std::string text = first_text(answer.lines);
  if (!result.success()) {
    answer.error = result.ok() && !text.empty() ? text : result.error();
  } else if (text.rfind("No such command", 0) == 0) {
    answer.error = text;
  } else {
    answer.ok = true;
  }
  return answer;
}

bool split_path(const std::string& path, DbEntry& entry) {
  if (path.size() < 2 || path[0] != '/') return false;
  const auto slash = path.find('/', 1);
  if (slash == std::string::npos) return false;
  entry.family = path.substr(1, slash - 1);
  entry.key = path.substr(slash + 1);
  return true;
}

namespace {

std::string trim_right(std::string text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.pop_back();
  return text;
}

}  // namespace

// main/db.c prints "%-50s: %-25s": the key path padded to 50, ": ", the value padded to 25.
// A shorter key puts the separator at column 50 whatever the key holds; a longer one right
// after the key. Padding is trimmed, so a value's own trailing blanks are lost on this path.
std::vector<DbEntry> parse_database_show(const std::vector<std::string>& lines) {
  constexpr std::size_t kKeyWidth = 50;
  std::vector<DbEntry> entries;
  for (const auto& line : lines) {
    const auto colon = line.size() > kKeyWidth && line.compare(kKeyWidth, 2, ": ") == 0
                           ? kKeyWidth
                           : line.find(": ");
    if (colon == std::string::npos) continue;
    DbEntry entry;
    if (!split_path(trim_right(line.substr(0, colon)), entry)) continue;
    entry.val = trim_right(line.substr(colon + 2));
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace db_plugin
