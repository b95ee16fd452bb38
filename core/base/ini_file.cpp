#include "base/ini_file.hpp"

#include <fstream>
#include <sstream>

#include "base/text.hpp"

namespace ampd {

const IniEntry* IniSection::find(std::string_view key) const {
  for (const auto& e : entries) {
    if (iequals(e.key, key)) return &e;
  }
  return nullptr;
}

void IniSection::set(std::string_view key, std::string_view value) {
  for (auto& e : entries) {
    if (iequals(e.key, key)) {
      e.value = value;
      return;
    }
  }
  entries.push_back({std::string(key), std::string(value), 0});
}

IniFile IniFile::parse(std::string_view text, std::string path,
                       std::vector<std::string>& problems) {
  IniFile ini;
  ini.path = std::move(path);
  int line_no = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const auto raw = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    const auto line = trim(raw);
    if (line.empty() || line.front() == ';' || line.front() == '#') continue;
    if (line.front() == '[') {
      if (line.back() != ']' || trim(line.substr(1, line.size() - 2)).empty()) {
        problems.push_back(ini.where(line_no) + ": malformed section header '" + std::string(line) +
                           "'");
        continue;
      }
      ini.sections.push_back({std::string(trim(line.substr(1, line.size() - 2))), line_no, {}});
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      problems.push_back(ini.where(line_no) + ": expected 'key = value', got '" +
                         std::string(line) + "'");
      continue;
    }
    if (ini.sections.empty()) {
      problems.push_back(ini.where(line_no) + ": key outside of any [section]");
      continue;
    }
    ini.sections.back().entries.push_back(
        {std::string(trim(line.substr(0, eq))), std::string(trim(line.substr(eq + 1))), line_no});
  }
  return ini;
}

bool IniFile::load(const std::string& path, IniFile& out, std::vector<std::string>& problems) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problems.push_back(path + ": cannot be read");
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  out = parse(text.str(), path, problems);
  return true;
}

const IniSection* IniFile::find(std::string_view name) const {
  for (const auto& s : sections) {
    if (iequals(s.name, name)) return &s;
  }
  return nullptr;
}

std::string IniFile::serialize() const {
  std::string out;
  for (const auto& s : sections) {
    if (!out.empty()) out += "\n";
    out += "[" + s.name + "]\n";
    for (const auto& e : s.entries) out += e.key + " = " + e.value + "\n";
  }
  return out;
}

}  // namespace ampd
