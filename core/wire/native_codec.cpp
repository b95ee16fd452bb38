#include "wire/native_codec.hpp"

#include <algorithm>

#include "base/text.hpp"

namespace ampd {

std::string parse_native_block(std::string_view block, const WireLimits& limits, Message& out) {
  const auto newlines = static_cast<std::size_t>(std::count(block.begin(), block.end(), '\n'));
  out.reserve(std::min(newlines + 1, limits.max_headers), block.size());
  std::size_t lines = 0;
  while (!block.empty()) {
    const auto nl = block.find('\n');
    auto line = block.substr(0, nl);
    block.remove_prefix(nl == std::string_view::npos ? block.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.size() > limits.max_line) {
      return "Line too long (limit " + std::to_string(limits.max_line) + " bytes)";
    }
    if (++lines > limits.max_headers) {
      return "Too many headers in message (limit " + std::to_string(limits.max_headers) + ")";
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || trim(line.substr(0, colon)).empty()) {
      return "Malformed line (expected 'Key: Value'): " + std::string(line.substr(0, 80));
    }
    // Like Asterisk, skip the spaces after the colon but keep the value otherwise as sent.
    auto value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    out.add(trim(line.substr(0, colon)), value);
  }
  return {};
}

namespace {

void render_native_from(const Message& message, std::size_t first, std::string& out) {
  // One allocation: the exact size, plus the NUL a Flash client's copy appends.
  const auto headers = message.headers();
  std::size_t size = out.size() + 3;
  for (std::size_t i = first; i < headers.size(); ++i) {
    size += headers[i].name.size() + headers[i].value.size() + 4;
  }
  out.reserve(size);
  for (std::size_t i = first; i < headers.size(); ++i) {
    const auto h = headers[i];
    out.append(h.name).append(": ").append(h.value).append("\r\n");
  }
  out.append("\r\n");
}

}  // namespace

void render_native(const Message& message, std::string& out) {
  render_native_from(message, 0, out);
}

void render_native_asterisk(const Message& message, std::string& out) {
  const auto headers = message.headers();
  const bool reference_shape = headers.size() >= 2 && iequals(headers[0].name, "Action") &&
                               iequals(headers[1].name, "Response");
  render_native_from(message, reference_shape ? 1 : 0, out);
}

}  // namespace ampd
