#include "message.h"

#include <cctype>

namespace sim {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

Message& Message::add(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
  return *this;
}

Message& Message::add(std::string name, long long value) {
  return add(std::move(name), std::to_string(value));
}

std::string Message::get(std::string_view name) const {
  for (const auto& h : headers_)
    if (iequals(h.first, name)) return h.second;
  return {};
}

bool Message::has(std::string_view name) const {
  for (const auto& h : headers_)
    if (iequals(h.first, name)) return true;
  return false;
}

std::vector<std::string> Message::get_all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& h : headers_)
    if (iequals(h.first, name)) out.push_back(h.second);
  return out;
}

void Message::serialize_to(std::string& out) const {
  for (const auto& h : headers_) {
    out += h.first;
    out += ": ";
    out += h.second;
    out += "\r\n";
  }
  out += "\r\n";
}

std::string Message::serialize() const {
  std::string out;
  serialize_to(out);
  return out;
}

}  // namespace sim
