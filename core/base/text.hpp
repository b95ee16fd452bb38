// Small string helpers shared by the codecs and the config code.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ampd {

// ASCII case folding: the protocol's names are ASCII, and std::tolower is a locale-dependent
// library call per character on the hottest paths.
inline char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view s);
std::string_view trim(std::string_view s);
// Splits on `sep`, trims each piece and drops empty pieces.
std::vector<std::string> split_list(std::string_view s, char sep = ',');
// Parses "on/off/yes/no/true/false/1/0"; returns false when `s` is none of them.
bool parse_bool(std::string_view s, bool& out);

// Hash for unordered containers keyed by std::string, so that they are searched by
// string_view without building a string (use with std::equal_to<>).
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace ampd
