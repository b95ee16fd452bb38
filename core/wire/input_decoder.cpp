#include "wire/input_decoder.hpp"

#include "wire/json_codec.hpp"
#include "wire/native_codec.hpp"
#include "wire/xml_codec.hpp"

namespace ampd {

namespace {
bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0'; }
}  // namespace

void InputDecoder::reset_scan() {
  in_message_ = false;
  line_start_ = scan_;
  xml_state_ = XmlState::Text;
  quote_ = prev_ = 0;
  closing_tag_ = false;
  depth_ = 0;
  in_string_ = escaped_ = false;
  max_depth_ = 0;
}

std::optional<Decoded> InputDecoder::next() {
  if (!in_message_) {
    // Blank lines and NULs (isFlash clients terminate with NUL) between messages are ignored.
    while (start_ < buffer_.size() && is_blank(buffer_[start_])) ++start_;
    if (start_ == buffer_.size()) {
      buffer_.clear();
      start_ = 0;
    }
    if (start_ >= buffer_.size()) return std::nullopt;
    in_message_ = true;
    const char first = buffer_[start_];
    format_ = first == '<' ? WireFormat::Xml : first == '{' ? WireFormat::Json : WireFormat::Native;
    scan_ = line_start_ = start_;
  }

  std::string error;
  const auto end = format_ == WireFormat::Xml    ? scan_xml(error)
                   : format_ == WireFormat::Json ? scan_json()
                                                 : scan_native();
  if (!error.empty()) {
    Decoded fatal{Decoded::Kind::Fatal, format_, {}, error};
    buffer_.clear();
    start_ = scan_ = 0;
    reset_scan();
    return fatal;
  }
  if (!end) {
    if (buffered() > limits_.max_message) {
      Decoded fatal{Decoded::Kind::Fatal,
                    format_,
                    {},
                    "Message too large (limit " + std::to_string(limits_.max_message) +
                        " bytes) and not terminated"};
      buffer_.clear();
      start_ = scan_ = 0;
      reset_scan();
      return fatal;
    }
    return std::nullopt;
  }
  return take(*end, scan_);
}

// Returns the end of the message (exclusive of its terminator) once a blank line or NUL is seen;
// scan_ is then just past the terminator.
std::optional<std::size_t> InputDecoder::scan_native() {
  for (; scan_ < buffer_.size(); ++scan_) {
    const char c = buffer_[scan_];
    if (c == '\0') {
      const auto end = scan_++;
      return end;
    }
    if (c != '\n') continue;
    const auto line_len = scan_ - line_start_;
    const bool blank = line_len == 0 || (line_len == 1 && buffer_[line_start_] == '\r');
    if (blank) {
      const auto end = line_start_;
      ++scan_;
      return end;
    }
    line_start_ = scan_ + 1;
  }
  return std::nullopt;
}

// Follows tags (quotes, comments, processing instructions, declarations) until the first element
// closes. Returns its end, just past '>'.
std::optional<std::size_t> InputDecoder::scan_xml(std::string& error) {
  for (; scan_ < buffer_.size(); ++scan_) {
    const char c = buffer_[scan_];
    switch (xml_state_) {
      case XmlState::Text:
        if (c == '<') xml_state_ = XmlState::Open;
        break;
      case XmlState::Open:
        closing_tag_ = c == '/';
        xml_state_ = c == '?' ? XmlState::Pi : c == '!' ? XmlState::Decl : XmlState::Tag;
        prev_ = c;
        break;
      case XmlState::Tag:
        if (c == '"' || c == '\'') {
          quote_ = c;
          xml_state_ = XmlState::Quote;
        } else if (c == '>') {
          xml_state_ = XmlState::Text;
          if (closing_tag_) {
            --depth_;
          } else if (prev_ != '/') {
            if (++depth_ > limits_.max_xml_depth) {
              error = "XML nested too deeply (limit " + std::to_string(limits_.max_xml_depth) + ")";
              return std::nullopt;
            }
          }
          if (depth_ <= 0) return ++scan_;
        }
        prev_ = c;
        break;
      case XmlState::Quote:
        if (c == quote_) xml_state_ = XmlState::Tag;
        break;
      case XmlState::Pi:
        if (prev_ == '?' && c == '>') xml_state_ = XmlState::Text;
        prev_ = c;
        break;
      case XmlState::Decl:
        // "<!--" starts a comment; any other declaration (DOCTYPE) ends at '>'.
        if (prev_ == '!' && c == '-') {
          xml_state_ = XmlState::Comment;
          prev_ = 0;
        } else if (c == '>') {
          xml_state_ = XmlState::Text;
        } else {
          prev_ = c;
        }
        break;
      case XmlState::Comment:
        if (c == '>' && scan_ >= 2 && buffer_[scan_ - 1] == '-' && buffer_[scan_ - 2] == '-') {
          xml_state_ = XmlState::Text;
        }
        break;
    }
  }
  return std::nullopt;
}

// Follows strings (and their escapes) and counts braces and brackets until the first object
// closes. Returns its end, just past '}'. Too deep nesting is an error of this message only
// (take() reports it): the framing itself stays sound.
std::optional<std::size_t> InputDecoder::scan_json() {
  for (; scan_ < buffer_.size(); ++scan_) {
    const char c = buffer_[scan_];
    if (in_string_) {
      if (escaped_) {
        escaped_ = false;
      } else if (c == '\\') {
        escaped_ = true;
      } else if (c == '"') {
        in_string_ = false;
      }
    } else if (c == '"') {
      in_string_ = true;
    } else if (c == '{' || c == '[') {
      if (++depth_ > max_depth_) max_depth_ = depth_;
    } else if ((c == '}' || c == ']') && --depth_ <= 0) {
      return ++scan_;
    }
  }
  return std::nullopt;
}

namespace {

// AMI is line-based: a CR or LF in a value (possible as an XML entity or a JSON escape) would
// end the header on the Asterisk side and let the rest pass as headers of its own.
std::string line_break_error(const Message& message) {
  for (const auto& h : message.headers()) {
    constexpr std::string_view kForbidden("\r\n\0", 3);
    if (h.name.find_first_of(kForbidden) != std::string::npos ||
        h.value.find_first_of(kForbidden) != std::string::npos) {
      return "Header '" + std::string(h.name.substr(0, h.name.find_first_of(kForbidden))) +
             "' contains a line break or NUL, which AMI cannot carry";
    }
  }
  return {};
}

}  // namespace

std::string InputDecoder::parse(std::string_view text, Message& out) const {
  std::string error;
  switch (format_) {
    case WireFormat::Xml:
      error = parse_xml_command(text, limits_, out);
      break;
    case WireFormat::Json:
      error = parse_json_object(text, limits_, out);
      break;
    case WireFormat::Native:
      error = parse_native_block(text, limits_, out);
      break;
  }
  return error.empty() ? line_break_error(out) : error;
}

Decoded InputDecoder::take(std::size_t end, std::size_t skip) {
  const std::string_view text(buffer_.data() + start_, end - start_);
  Decoded d;
  d.format = format_;
  if (text.size() > limits_.max_message) {
    d.kind = Decoded::Kind::Error;
    d.error = "Message too large (limit " + std::to_string(limits_.max_message) + " bytes)";
  } else if (format_ == WireFormat::Json && max_depth_ > limits_.max_json_depth) {
    d.kind = Decoded::Kind::Error;
    d.error = "JSON nested too deeply (limit " + std::to_string(limits_.max_json_depth) + ")";
  } else {
    d.error = parse(text, d.message);
    if (!d.error.empty()) d.kind = Decoded::Kind::Error;
  }
  start_ = scan_ = skip;
  reset_scan();
  // Compact once the consumed prefix dominates, so the buffer never grows with history.
  if (start_ > 4096 && start_ * 2 > buffer_.size()) {
    buffer_.erase(0, start_);
    start_ = scan_ = line_start_ = 0;
  }
  return d;
}

void InputDecoder::append_whole_message(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return;
  buffer_.append(text);
  if (text[first] == '<' || text[first] == '{') return;
  // Native: end it with exactly one blank line, whatever line ends it came with.
  while (!buffer_.empty() && (buffer_.back() == '\n' || buffer_.back() == '\r')) {
    buffer_.pop_back();
  }
  buffer_.append("\r\n\r\n");
}

void InputDecoder::discard() {
  buffer_.clear();
  start_ = scan_ = 0;
  reset_scan();
}

}  // namespace ampd
