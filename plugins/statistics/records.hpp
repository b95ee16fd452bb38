// The statistics' own copies of what they read and answer: an event's headers and a command's
// answer. The SDK's Fields and Reply are views that live for one call; the model keeps neither.
#pragma once

#include <ampd/sdk.hpp>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ampd_statistics {

using ampd::sdk::iequals;
using ampd::sdk::to_lower;
using ampd::sdk::trim;

// Ordered headers; names compare case-insensitively, the first of a repeated name counts.
class Message {
 public:
  Message() = default;
  Message(std::initializer_list<std::pair<std::string, std::string>> headers) : headers_(headers) {}
  static Message copy_of(const ampd::sdk::Fields& fields) {
    Message m;
    for (const auto& f : fields) m.add(std::string(f.name), std::string(f.value));
    return m;
  }

  void add(std::string name, std::string value) {
    headers_.emplace_back(std::move(name), std::move(value));
  }
  const std::string* find(std::string_view name) const {
    for (const auto& [n, v] : headers_) {
      if (iequals(n, name)) return &v;
    }
    return nullptr;
  }
  std::string get(std::string_view name) const {
    const auto* v = find(name);
    return v ? *v : std::string();
  }
  const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }

 private:
  std::vector<std::pair<std::string, std::string>> headers_;
};

// StatisticInfo's and AgentActivity's answer: always a list, or an error.
struct Reply {
  struct Record {
    std::string name;  // the record's Event name (native) or element name (XML)
    Message fields;
  };
  bool success = true;
  std::string message;
  bool is_list = false;
  std::vector<Record> records;
};

inline Reply failed_reply(std::string message) {
  Reply reply;
  reply.success = false;
  reply.message = std::move(message);
  return reply;
}

}  // namespace ampd_statistics
