// Event filters as Asterisk's manager.conf and Filter action have them. Two syntaxes:
//   legacy    "REGEX" includes the events whose text matches, "!REGEX" excludes them
//             (POSIX extended regex against the whole event, "Key: Value\r\n" lines);
//   advanced  "action(include|exclude),name(EVENT),header(NAME),method(M)" and a value: the
//             event named EVENT (any name if left out) whose header NAME (the whole event if
//             left out) matches the value by M: regex (default), exact, starts_with,
//             ends_with, contains, or none (the name alone decides).
// A set passes an event when no filter is given; with include filters only when one of them
// matches; then, with exclude filters, only when none of them matches.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wire/message.hpp"

namespace ampd {

class EventFilter {
 public:
  // "REGEX" or "!REGEX". Nothing (and why in `error`) when the regex does not compile.
  static std::shared_ptr<const EventFilter> legacy(std::string_view text, std::string& error);
  // `params` as in "eventfilter(PARAMS) = VALUE", without the parentheses around them.
  static std::shared_ptr<const EventFilter> advanced(std::string_view params,
                                                     std::string_view value, std::string& error);
  // Either form, as the Filter action's Filter header or a users.ini line carries it: the
  // advanced form is "action(...),...(...) = VALUE" (its first key is one of the four).
  static std::shared_ptr<const EventFilter> parse(std::string_view text, std::string& error);

  bool excludes() const { return exclude_; }
  // `text` is the event in native format.
  bool matches(const Message& event, std::string_view text) const;
  const std::string& source() const { return source_; }

  ~EventFilter();
  EventFilter(const EventFilter&) = delete;
  EventFilter& operator=(const EventFilter&) = delete;

 private:
  enum class Method { Regex, Exact, StartsWith, EndsWith, Contains, None };
  EventFilter() = default;
  bool compile(std::string& error);
  bool value_matches(std::string_view subject) const;

  bool exclude_ = false;
  std::string event_name_;  // empty: any event
  std::string header_;      // empty: the whole event text
  Method method_ = Method::Regex;
  std::string value_;
  std::string source_;
  struct Compiled;
  std::unique_ptr<Compiled> regex_;
};

using EventFilterList = std::vector<std::shared_ptr<const EventFilter>>;

// Whether `event` passes `filters` (see the top of this file).
bool passes_filters(const EventFilterList& filters, const Message& event, std::string_view text);

}  // namespace ampd
