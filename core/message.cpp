#include "message.hpp"

#include <algorithm>

#include "text.hpp"

namespace ampd {

void Message::add(std::string_view name, std::string_view value) {
  headers_.push_back({std::string(name), std::string(value)});
}

void Message::set(std::string_view name, std::string_view value) {
  for (auto& h : headers_) {
    if (iequals(h.name, name)) {
      h.value = value;
      return;
    }
  }
  add(name, value);
}

void Message::remove(std::string_view name) {
  std::erase_if(headers_, [&](const Header& h) { return iequals(h.name, name); });
}

const std::string* Message::find(std::string_view name) const {
  for (const auto& h : headers_) {
    if (iequals(h.name, name)) return &h.value;
  }
  return nullptr;
}

std::string Message::get(std::string_view name, std::string_view fallback) const {
  const auto* v = find(name);
  return v ? *v : std::string(fallback);
}

std::vector<std::string> Message::get_all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& h : headers_) {
    if (iequals(h.name, name)) out.push_back(h.value);
  }
  return out;
}

}  // namespace ampd
