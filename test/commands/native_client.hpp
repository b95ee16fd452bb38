// Plain-socket helpers shared by the command tests that speak native AMI themselves: a logged-in
// client and the reading of a native list answer. Every read is bounded by the Client's timeout.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "ampd_instance.hpp"

namespace ampd::test {

inline constexpr const char* kAdmin = "Type: administrator\r\n";
// A login with Type keeps the protocol reference's answer shape ("Action:" first); one without
// gets Asterisk's own.
inline constexpr const char* kMonitor = "Type: monitor\r\n";
inline constexpr const char* kAgent = "Type: agent\r\n";
inline constexpr const char* kAdminXml = "Type: administrator\r\nFormat: xml\r\n";

// Logs in as `user` with events off; `extra` adds login headers (e.g. kAdmin).
inline std::unique_ptr<Client> login(const AmpdInstance& ampd, const std::string& user,
                                     const std::string& extra = "") {
  auto c = ampd.connect();
  c->read_line();
  c->send("Action: Login\r\nUsername: " + user + "\r\nSecret: secret\r\nEvents: off\r\n" + extra +
          "\r\n");
  const bool xml = user == "xmlmon" || extra.find("xml") != std::string::npos;
  const auto answer = c->read_until(xml ? "\r\n" : "\r\n\r\n");
  EXPECT_NE(answer.find("Authentication accepted"), std::string::npos) << answer;
  return c;
}

// A native list answer: every message up to and including the completion event.
inline std::string read_list(Client& c) {
  auto list = c.read_until("EventList: Complete\r\n");
  return list.empty() ? list : list + c.read_native();
}

}  // namespace ampd::test
