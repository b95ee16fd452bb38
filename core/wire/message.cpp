#include "wire/message.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "base/text.hpp"

namespace ampd {

namespace {
constexpr std::size_t kFirstTextBytes = 256;
constexpr std::size_t kFirstHeaders = 12;
}  // namespace

Message::Message(std::initializer_list<Header> headers) {
  std::size_t bytes = 0;
  for (const auto& h : headers) bytes += h.name.size() + h.value.size() + 2;
  reserve(headers.size(), bytes);
  for (const auto& h : headers) add(h.name, h.value);
}

void Message::reserve(std::size_t count, std::size_t bytes) {
  spans_.reserve(count);
  text_.reserve(bytes);
}

std::uint32_t Message::append(std::string_view text) {
  // Offsets are 32-bit; no frame ampd accepts comes near 4 GiB.
  if (text_.size() + text.size() + 1 > UINT32_MAX) throw std::length_error("message too large");
  const auto at = static_cast<std::uint32_t>(text_.size());
  // Most messages are a few hundred bytes: start there rather than doubling up from SSO size.
  if (text_.size() + text.size() + 1 > text_.capacity()) {
    text_.reserve(
        std::max({kFirstTextBytes, 2 * text_.capacity(), text_.size() + text.size() + 1}));
  }
  text_.append(text);
  text_.push_back('\0');
  return at;
}

bool Message::points_inside(std::string_view text) const {
  return !text.empty() && text.data() >= text_.data() && text.data() < text_.data() + text_.size();
}

void Message::add(std::string_view name, std::string_view value) {
  // Copying a header within one message: text_ may move while appending, copy first.
  if (points_inside(name) || points_inside(value)) {
    const std::string name_copy(name), value_copy(value);
    return add(name_copy, value_copy);
  }
  Span span{};
  span.name_size = static_cast<std::uint32_t>(name.size());
  span.value_size = static_cast<std::uint32_t>(value.size());
  span.name_at = append(name);
  span.value_at = append(value);
  if (spans_.size() == spans_.capacity()) {
    spans_.reserve(std::max(kFirstHeaders, 2 * spans_.capacity()));
  }
  spans_.push_back(span);
}

void Message::set(std::string_view name, std::string_view value) {
  for (std::size_t i = 0; i < spans_.size(); ++i) {
    if (!iequals(view(i).name, name)) continue;
    auto& s = spans_[i];
    if (points_inside(value)) {
      const std::string copy(value);
      return set(name, copy);
    }
    if (value.size() <= s.value_size) {
      // Fits where the old value was: overwrite it.
      if (!value.empty()) std::memcpy(text_.data() + s.value_at, value.data(), value.size());
      text_[s.value_at + value.size()] = '\0';
      dead_ += s.value_size - value.size();
    } else {
      s.value_at = append(value);
      dead_ += s.value_size + 1;
    }
    s.value_size = static_cast<std::uint32_t>(value.size());
    compact_if_wasteful();
    return;
  }
  add(name, value);
}

void Message::remove(std::string_view name) {
  const auto removed = std::remove_if(spans_.begin(), spans_.end(), [&](const Span& s) {
    if (!iequals(std::string_view(text_.data() + s.name_at, s.name_size), name)) return false;
    dead_ += s.name_size + s.value_size + 2;
    return true;
  });
  spans_.erase(removed, spans_.end());
  compact_if_wasteful();
}

// A long-lived message changed often (statistics records) must not grow without bound.
void Message::compact_if_wasteful() {
  if (dead_ < 1024 || dead_ * 2 < text_.size()) return;
  Message compact;
  compact.reserve(spans_.size(), text_.size() - dead_);
  for (const auto h : headers()) compact.add(h.name, h.value);
  *this = std::move(compact);
}

std::optional<std::string_view> Message::find(std::string_view name) const {
  for (const auto h : headers()) {
    if (iequals(h.name, name)) return h.value;
  }
  return std::nullopt;
}

std::string Message::get(std::string_view name, std::string_view fallback) const {
  return std::string(find(name).value_or(fallback));
}

std::vector<std::string> Message::get_all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto h : headers()) {
    if (iequals(h.name, name)) out.emplace_back(h.value);
  }
  return out;
}

}  // namespace ampd
