#include "wire/json_codec.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Handler.h>
#include <Poco/JSON/Parser.h>

#include <charconv>
#include <vector>

#include "base/text.hpp"
#include "base/utf8.hpp"

namespace ampd {

namespace {

// Turns the parser's callbacks straight into headers: no DOM, document order and repeated keys
// kept. Allowed shapes: scalars in the top object, and arrays of scalars there.
class HeaderHandler : public Poco::JSON::Handler {
 public:
  HeaderHandler(const WireLimits& limits, Message& out) : limits_(limits), out_(out) {}

  std::string error;

  void reset() override {}
  void startObject() override { open(false); }
  void endObject() override { --level_; }
  void startArray() override { open(true); }
  void endArray() override { --level_; }
  void key(const std::string& k) override { key_ = k; }
  void null() override { add(""); }
  void value(int v) override { add(std::to_string(v)); }
  void value(unsigned v) override { add(std::to_string(v)); }
  void value(Poco::Int64 v) override { add(std::to_string(v)); }
  void value(Poco::UInt64 v) override { add(std::to_string(v)); }
  void value(const std::string& v) override { add(v); }
  void value(bool b) override { add(b ? "true" : "false"); }
  void value(double d) override {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, d);  // shortest text that reads back
    add(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
  }

 private:
  void open(bool array) {
    ++level_;
    if (level_ == 2) level2_array_ = array;
    if (level_ > 1 && !(level_ == 2 && array)) {
      fail("JSON values must be strings, numbers, booleans or arrays of them");
    }
  }
  void add(std::string_view value) {
    // Values inside a rejected nested container are skipped; the scalars around it still
    // count, so an error answer can carry the ActionID.
    if (level_ != 1 && !(level_ == 2 && level2_array_)) return;
    if (key_.empty()) return fail("JSON keys must not be empty");
    if (++count_ > limits_.max_headers) {
      return fail("Too many headers in message (limit " + std::to_string(limits_.max_headers) +
                  ")");
    }
    out_.add(key_, value);
  }
  void fail(const std::string& why) {
    if (error.empty()) error = why;
  }

  const WireLimits& limits_;
  Message& out_;
  std::string key_;
  int level_ = 0;
  bool level2_array_ = false;
  std::size_t count_ = 0;
};

void append_control_escape(unsigned char c, std::string& out) {
  switch (c) {
    case '"':
      out.append("\\\"");
      return;
    case '\\':
      out.append("\\\\");
      return;
    case '\b':
      out.append("\\b");
      return;
    case '\f':
      out.append("\\f");
      return;
    case '\n':
      out.append("\\n");
      return;
    case '\r':
      out.append("\\r");
      return;
    case '\t':
      out.append("\\t");
      return;
    default:
      static constexpr char kHex[] = "0123456789abcdef";
      out.append("\\u00");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
  }
}

}  // namespace

std::string parse_json_object(std::string_view object, const WireLimits& limits, Message& out) {
  auto* handler = new HeaderHandler(limits, out);
  Poco::JSON::Handler::Ptr keep(handler);
  Poco::JSON::Parser parser(keep);
  // The framing already rejected deeper input; this keeps the parser's recursion bounded anyway.
  parser.setDepth(static_cast<std::size_t>(limits.max_json_depth) + 1);
  try {
    parser.parse(std::string(object));
  } catch (const Poco::Exception& e) {
    return "Malformed JSON: " + (e.message().empty() ? e.displayText() : e.message());
  } catch (const std::exception& e) {
    return std::string("Malformed JSON: ") + e.what();
  }
  return handler->error;
}

void append_json_string(std::string_view value, std::string& out) {
  out.push_back('"');
  std::size_t run = 0;  // start of the bytes not yet copied; copied in runs, not one by one
  for (std::size_t i = 0; i < value.size();) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c < 0x80) {
      out.append(value.substr(run, i - run));
      append_control_escape(c, out);
      run = ++i;
      continue;
    }
    char32_t cp = 0;
    const auto n = utf8_sequence(value, i, cp);
    // U+2028/U+2029 are valid JSON but end lines in JavaScript source: escaped for old parsers.
    if (n > 0 && cp != 0x2028 && cp != 0x2029) {
      i += n;
      continue;
    }
    out.append(value.substr(run, i - run));
    if (n == 0) {
      out.append(kReplacementCharacter);  // for one invalid byte (Asterisk may send Latin-1)
      i += 1;
    } else {
      out.append(cp == 0x2028 ? "\\u2028" : "\\u2029");
      i += n;
    }
    run = i;
  }
  out.append(value.substr(run));
  out.push_back('"');
}

void append_json_members(const Message& message, std::string& out) {
  const auto& headers = message.headers();
  std::vector<bool> done(headers.size());  // repeats already written in an earlier array
  bool first = true;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    if (done[i]) continue;
    const auto& name = headers[i].name;
    if (!first) out.push_back(',');
    first = false;
    append_json_string(iequals(name, "Event") ? std::string_view("event") : name, out);
    out.push_back(':');
    std::size_t next = i + 1;
    while (next < headers.size() && !iequals(headers[next].name, name)) ++next;
    if (next == headers.size()) {
      append_json_string(headers[i].value, out);
      continue;
    }
    out.push_back('[');
    append_json_string(headers[i].value, out);
    for (std::size_t j = next; j < headers.size(); ++j) {
      if (done[j] || !iequals(headers[j].name, name)) continue;
      done[j] = true;
      out.push_back(',');
      append_json_string(headers[j].value, out);
    }
    out.push_back(']');
  }
}

void append_json_object(const Message& message, std::string& out) {
  out.push_back('{');
  append_json_members(message, out);
  out.push_back('}');
}

void render_json(const Message& message, std::string& out) {
  append_json_object(message, out);
  out.append("\r\n");
}

}  // namespace ampd
