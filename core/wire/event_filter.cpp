#include "wire/event_filter.hpp"

#include <regex.h>

#include "base/text.hpp"

namespace ampd {

struct EventFilter::Compiled {
  regex_t regex{};
  ~Compiled() { regfree(&regex); }
};

EventFilter::~EventFilter() = default;

bool EventFilter::compile(std::string& error) {
  if (method_ != Method::Regex) return true;
  auto compiled = std::make_unique<Compiled>();
  // As Asterisk compiles them: extended syntax, no submatches needed.
  const int rc = regcomp(&compiled->regex, value_.c_str(), REG_EXTENDED | REG_NOSUB);
  if (rc != 0) {
    char text[256];
    regerror(rc, &compiled->regex, text, sizeof text);
    error = "bad regular expression '" + value_ + "': " + text;
    return false;
  }
  regex_ = std::move(compiled);
  return true;
}

std::shared_ptr<const EventFilter> EventFilter::legacy(std::string_view text, std::string& error) {
  std::shared_ptr<EventFilter> filter(new EventFilter);
  filter->source_ = std::string(text);
  if (!text.empty() && text.front() == '!') {
    filter->exclude_ = true;
    text.remove_prefix(1);
  }
  filter->value_ = std::string(text);
  if (!filter->compile(error)) return nullptr;
  return filter;
}

std::shared_ptr<const EventFilter> EventFilter::advanced(std::string_view params,
                                                         std::string_view value,
                                                         std::string& error) {
  std::shared_ptr<EventFilter> filter(new EventFilter);
  filter->source_ = "(" + std::string(params) + ") = " + std::string(value);
  filter->value_ = std::string(value);
  // key(argument),key(argument),...
  while (!(params = trim(params)).empty()) {
    const auto open = params.find('(');
    const auto close = params.find(')', open == std::string_view::npos ? 0 : open);
    if (open == std::string_view::npos || close == std::string_view::npos) {
      error = "eventfilter parameters must be key(value) pairs: '" + std::string(params) + "'";
      return nullptr;
    }
    const auto key = trim(params.substr(0, open));
    const auto argument = trim(params.substr(open + 1, close - open - 1));
    params.remove_prefix(close + 1);
    params = trim(params);
    if (!params.empty() && params.front() == ',') params.remove_prefix(1);
    if (iequals(key, "action")) {
      if (!iequals(argument, "include") && !iequals(argument, "exclude")) {
        error = "eventfilter action must be include or exclude";
        return nullptr;
      }
      filter->exclude_ = iequals(argument, "exclude");
    } else if (iequals(key, "name")) {
      filter->event_name_ = std::string(argument);
    } else if (iequals(key, "header")) {
      filter->header_ = std::string(argument);
    } else if (iequals(key, "method")) {
      static const std::pair<const char*, Method> methods[] = {{"regex", Method::Regex},
                                                               {"exact", Method::Exact},
                                                               {"starts_with", Method::StartsWith},
                                                               {"ends_with", Method::EndsWith},
                                                               {"contains", Method::Contains},
                                                               {"none", Method::None}};
      bool known = false;
      for (const auto& [name, method] : methods) {
        if (iequals(argument, name)) {
          filter->method_ = method;
          known = true;
        }
      }
      if (!known) {
        error = "eventfilter method must be regex, exact, starts_with, ends_with, contains or none";
        return nullptr;
      }
    } else {
      error =
          "unknown eventfilter parameter '" + std::string(key) + "' (action, name, header, method)";
      return nullptr;
    }
  }
  if (filter->method_ == Method::None && filter->event_name_.empty() && filter->header_.empty()) {
    error = "eventfilter method(none) needs name(...) or header(...)";
    return nullptr;
  }
  if (!filter->compile(error)) return nullptr;
  return filter;
}

std::shared_ptr<const EventFilter> EventFilter::parse(std::string_view text, std::string& error) {
  const auto trimmed = trim(text);
  for (const char* key : {"action(", "name(", "header(", "method("}) {
    const std::string_view prefix(key);
    if (trimmed.size() < prefix.size() || !iequals(trimmed.substr(0, prefix.size()), prefix)) {
      continue;
    }
    const auto equals =
        trimmed.find('=', trimmed.rfind(')') == std::string_view::npos ? 0 : trimmed.rfind(')'));
    if (equals == std::string_view::npos) {
      error = "an advanced eventfilter needs '= VALUE' after its parameters";
      return nullptr;
    }
    return advanced(trimmed.substr(0, equals), trim(trimmed.substr(equals + 1)), error);
  }
  return legacy(text, error);
}

bool EventFilter::value_matches(std::string_view subject) const {
  switch (method_) {
    case Method::Regex: {
      // REG_STARTEND: the subject needs no terminating NUL, so no copy.
      regmatch_t range{0, static_cast<regoff_t>(subject.size())};
      return regexec(&regex_->regex, subject.data(), 1, &range, REG_STARTEND) == 0;
    }
    case Method::Exact:
      return subject == value_;
    case Method::StartsWith:
      return subject.substr(0, value_.size()) == value_;
    case Method::EndsWith:
      return subject.size() >= value_.size() &&
             subject.substr(subject.size() - value_.size()) == value_;
    case Method::Contains:
      return subject.find(value_) != std::string_view::npos;
    case Method::None:
      return true;
  }
  return false;
}

bool EventFilter::matches(const Message& event, std::string_view text) const {
  if (!event_name_.empty()) {
    const auto name = event.find("Event");
    if (!name || !iequals(*name, event_name_)) return false;
  }
  if (header_.empty()) return value_matches(text);
  const auto value = event.find(header_);
  return value && value_matches(*value);
}

bool passes_filters(const EventFilterList& filters, const Message& event, std::string_view text) {
  bool any_include = false;
  bool included = false;
  for (const auto& filter : filters) {
    if (filter->excludes()) continue;
    any_include = true;
    if (filter->matches(event, text)) {
      included = true;
      break;
    }
  }
  if (any_include && !included) return false;
  for (const auto& filter : filters) {
    if (filter->excludes() && filter->matches(event, text)) return false;
  }
  return true;
}

}  // namespace ampd
