// A manager message: an ordered multimap of headers with case-insensitive names.
// Order matters (Response/Event first) and names repeat (Variable, Output, ChanVariable).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ampd {

struct Header {
  std::string name;
  std::string value;
};

class Message {
 public:
  Message() = default;
  Message(std::initializer_list<Header> headers) : headers_(headers) {}

  void add(std::string_view name, std::string_view value);
  // Replaces the first header with this name, or appends one.
  void set(std::string_view name, std::string_view value);
  void remove(std::string_view name);
  // Room for `count` headers, so that filling a message grows its vector once.
  void reserve(std::size_t count) { headers_.reserve(count); }

  bool has(std::string_view name) const { return find(name) != nullptr; }
  const std::string* find(std::string_view name) const;
  std::string get(std::string_view name, std::string_view fallback = {}) const;
  std::vector<std::string> get_all(std::string_view name) const;

  const std::vector<Header>& headers() const { return headers_; }
  bool empty() const { return headers_.empty(); }

 private:
  std::vector<Header> headers_;
};

}  // namespace ampd
