// UTF-8 as ampd writes it: Asterisk may send Latin-1 (a caller's name, a DB value), and every
// text format ampd writes (XML, JSON, WebSocket) must stay valid UTF-8, so invalid bytes become
// U+FFFD, one for each byte.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ampd {

inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

// The length of the valid UTF-8 sequence at s[i] (its code point in `cp`), or 0 if invalid:
// an ASCII byte, truncated, overlong, a surrogate or past U+10FFFF.
std::size_t utf8_sequence(std::string_view s, std::size_t i, char32_t& cp);

// `text` with each byte that is not part of a valid UTF-8 sequence replaced by U+FFFD.
std::string valid_utf8_copy(std::string_view text);

}  // namespace ampd
