// A logged-in ampd client for the command tests: asks one command in native or XML form and
// returns its whole answer (native lists up to their Complete message). Every read is bounded
// by the Client's timeout.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ampd_instance.hpp"

namespace ampd::test {

using Fields = std::vector<std::pair<std::string, std::string>>;

class AmpdSession {
 public:
  // Logs in as `user` with `type`; events off unless `events`.
  AmpdSession(const AmpdInstance& ampd, bool xml, const std::string& user = "admin",
              const std::string& type = "administrator", bool events = false)
      : client_(ampd.connect()), xml_(xml) {
    client_->read_line();  // the banner
    const std::string answer =
        xml ? ask_raw("<command action=\"login\" user=\"" + user + "\" secret=\"secret\" type=\"" +
                      type + "\" format=\"xml\" events=\"" + (events ? "on" : "off") + "\"/>")
            : ask_raw("Action: Login\r\nUsername: " + user + "\r\nSecret: secret\r\nType: " + type +
                      "\r\nEvents: " + (events ? "on" : "off") + "\r\n\r\n");
    EXPECT_NE(answer.find("Authentication accepted"), std::string::npos) << answer;
  }

  bool xml() const { return xml_; }
  Client& client() { return *client_; }

  // Sends `action` with `fields` (and ActionID `id`) in this session's format.
  std::string ask(const std::string& action, const Fields& fields = {},
                  const std::string& id = "t1") {
    return ask_raw(xml_ ? xml_request(action, fields, id) : native_request(action, fields, id));
  }

  // Sends raw bytes and reads one whole answer.
  std::string ask_raw(const std::string& bytes) {
    client_->send(bytes);
    return read_answer();
  }

  std::string read_answer() {
    if (xml_) return client_->read_xml();
    std::string answer = client_->read_native();
    if (answer.find("EventList: start") == std::string::npos) return answer;
    while (true) {
      const std::string next = client_->read_native();
      answer += next;
      if (next.empty() || next.find("EventList: Complete") != std::string::npos) return answer;
    }
  }

  // Reads native messages until one contains `needle`; "" if none in time.
  std::string read_message_with(const std::string& needle, int max_messages = 100) {
    for (int i = 0; i < max_messages; ++i) {
      const auto m = xml_ ? client_->read_xml() : client_->read_native();
      if (m.empty()) return {};
      if (m.find(needle) != std::string::npos) return m;
    }
    return {};
  }

  static std::string native_request(const std::string& action, const Fields& fields,
                                    const std::string& id) {
    std::string out = "Action: " + action + "\r\n";
    if (!id.empty()) out += "ActionID: " + id + "\r\n";
    for (const auto& [name, value] : fields) out += name + ": " + value + "\r\n";
    return out + "\r\n";
  }

  static std::string xml_request(const std::string& action, const Fields& fields,
                                 const std::string& id) {
    std::string out = "<command action=\"" + action + "\"";
    if (!id.empty()) out += " actionid=\"" + escape(id) + "\"";
    for (const auto& [name, value] : fields) out += " " + name + "=\"" + escape(value) + "\"";
    return out + "/>";
  }

  static std::string escape(const std::string& value) {
    std::string out;
    for (char c : value) {
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        default:
          out += c;
      }
    }
    return out;
  }

 private:
  std::unique_ptr<Client> client_;
  bool xml_;
};

// True when `text` contains `needle`; for EXPECT_PRED-free readable checks.
inline bool has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

}  // namespace ampd::test
