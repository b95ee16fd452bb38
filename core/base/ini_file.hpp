// A small ini reader/writer that keeps section order and line numbers. Poco's
// IniFileConfiguration sorts sections and forgets lines, but ampd needs both: the first
// [asterisk.*] section is the default server, and --check-config names the line of each problem.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ampd {

struct IniEntry {
  std::string key;
  std::string value;
  int line = 0;
};

struct IniSection {
  std::string name;
  int line = 0;
  std::vector<IniEntry> entries;

  const IniEntry* find(std::string_view key) const;
  void set(std::string_view key, std::string_view value);
};

struct IniFile {
  std::string path;
  std::vector<IniSection> sections;

  // Problems (syntax errors) are appended as "path:line: text".
  static IniFile parse(std::string_view text, std::string path, std::vector<std::string>& problems);
  // False with a problem appended when the file cannot be read.
  static bool load(const std::string& path, IniFile& out, std::vector<std::string>& problems);

  const IniSection* find(std::string_view name) const;
  std::string serialize() const;
  std::string where(int line) const { return path + ":" + std::to_string(line); }
};

}  // namespace ampd
