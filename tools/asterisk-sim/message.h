// An AMI message: an ordered list of "Name: value" headers.
// Order matters (Asterisk emits headers in a fixed order) and names repeat
// (Output:, Variable:), so this is an ordered multimap, not a map.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sim {

bool iequals(std::string_view a, std::string_view b);

class Message {
 public:
  using Header = std::pair<std::string, std::string>;

  Message& add(std::string name, std::string value);
  Message& add(std::string name, long long value);

  // First value of a header, case-insensitive; empty when absent (like astman_get_header).
  std::string get(std::string_view name) const;
  bool has(std::string_view name) const;
  // All values of a (repeatable) header, in order.
  std::vector<std::string> get_all(std::string_view name) const;

  const std::vector<Header>& headers() const { return headers_; }
  bool empty() const { return headers_.empty(); }

  // Wire form: each header as "Name: value\r\n", then the terminating "\r\n".
  std::string serialize() const;
  void serialize_to(std::string& out) const;

 private:
  std::vector<Header> headers_;
};

}  // namespace sim
