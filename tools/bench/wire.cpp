#include "wire.hpp"

#include <cstring>

#include "servers.hpp"

namespace bench {

std::size_t frame_length(Wire wire, std::string_view in) {
  if (wire == Wire::Native) {
    const auto* p = static_cast<const char*>(memmem(in.data(), in.size(), "\r\n\r\n", 4));
    return p == nullptr ? 0 : static_cast<std::size_t>(p - in.data()) + 4;
  }
  const auto* p = static_cast<const char*>(std::memchr(in.data(), '\n', in.size()));
  return p == nullptr ? 0 : static_cast<std::size_t>(p - in.data()) + 1;
}

bool find_field(Wire wire, std::string_view message, std::string_view name,
                std::string_view& value) {
  char key[64];
  if (name.size() + 3 > sizeof key) return false;
  const char* begin = message.data();
  const char* end = begin + message.size();
  std::size_t key_len = 0;
  if (wire == Wire::Native) {
    // "\nName: " finds every line but the first; the first is checked apart.
    key[0] = '\n';
    std::memcpy(key + 1, name.data(), name.size());
    std::memcpy(key + 1 + name.size(), ": ", 2);
    key_len = name.size() + 3;
    if (message.size() >= key_len - 1 && std::memcmp(begin, key + 1, key_len - 1) == 0) {
      const char* v = begin + key_len - 1;
      const char* e = static_cast<const char*>(std::memchr(v, '\r', end - v));
      value = std::string_view(v, (e == nullptr ? end : e) - v);
      return true;
    }
  } else {
    key[0] = ' ';
    std::memcpy(key + 1, name.data(), name.size());
    std::memcpy(key + 1 + name.size(), "=\"", 2);
    key_len = name.size() + 3;
  }
  const auto* at = static_cast<const char*>(memmem(begin, message.size(), key, key_len));
  if (at == nullptr) return false;
  const char* v = at + key_len;
  const char stop = wire == Wire::Native ? '\r' : '"';
  const char* e = static_cast<const char*>(std::memchr(v, stop, end - v));
  value = std::string_view(v, (e == nullptr ? end : e) - v);
  return true;
}

bool is_event(Wire wire, std::string_view message) {
  return wire == Wire::Native ? message.starts_with("Event: ") : message.starts_with("<event ");
}

bool parse_u64(std::string_view text, std::uint64_t& out) {
  if (text.empty() || text.size() > 19) return false;
  std::uint64_t v = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  out = v;
  return true;
}

std::int64_t parse_timestamp_us(std::string_view text) {
  const auto dot = text.find('.');
  if (dot == std::string_view::npos || text.size() - dot - 1 != 6) return 0;
  std::uint64_t sec = 0, usec = 0;
  if (!parse_u64(text.substr(0, dot), sec) || !parse_u64(text.substr(dot + 1), usec)) return 0;
  return static_cast<std::int64_t>(sec * 1000000 + usec);
}

std::string direct_login(bool events) {
  return std::string("Action: Login\r\nActionID: login\r\nUsername: ") + kSimUser +
         "\r\nSecret: " + kSimSecret + "\r\n" + (events ? "" : "Events: off\r\n") + "\r\n";
}

std::string ampd_login(Wire wire, bool events) {
  if (wire == Wire::Xml) {
    return std::string("<command action=\"login\" actionid=\"login\" user=\"") + kAmpdUser +
           "\" secret=\"" + kAmpdSecret + "\" type=\"monitor\" format=\"xml\"" +
           (events ? "" : " events=\"off\"") + "/>\r\n";
  }
  return std::string("Action: Login\r\nActionID: login\r\nUsername: ") + kAmpdUser +
         "\r\nSecret: " + kAmpdSecret + "\r\nType: monitor\r\n" +
         (events ? "" : "Events: off\r\n") + "\r\n";
}

std::string events_on_request(Wire wire) {
  return wire == Wire::Xml ? "<command action=\"events\" actionid=\"events\" eventmask=\"on\"/>\r\n"
                           : "Action: Events\r\nActionID: events\r\nEventMask: on\r\n\r\n";
}

std::string action_request(Wire wire, std::string_view action, std::string_view action_id) {
  std::string out;
  if (wire == Wire::Xml) {
    out.append("<command action=\"").append(action).append("\" actionid=\"");
    out.append(action_id).append("\"/>\r\n");
  } else {
    out.append("Action: ").append(action).append("\r\nActionID: ");
    out.append(action_id).append("\r\n\r\n");
  }
  return out;
}

}  // namespace bench
