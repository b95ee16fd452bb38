// One AMI client connection and its protocol state.
#pragma once

#include <cstdint>
#include <ctime>
#include <deque>
#include <string>

#include "parser.h"

namespace sim {

struct Session {
  uint64_t id = 0;
  int fd = -1;  // -1: internal session (the --script runner); output is discarded
  std::string peer;
  uint16_t local_port = 0;
  time_t connected = 0;

  RequestParser parser;
  std::deque<RequestParser::Item> inbox;  // parsed actions waiting their turn

  std::string out;  // bytes not yet written; out_off of them already sent
  size_t out_off = 0;
  std::string held;  // events produced while an action runs; sent after its response

  bool authenticated = false;
  std::string username;
  uint32_t event_mask = 0;  // event classes this session reads (0 = events off)
  std::string challenge;    // last MD5 challenge handed out

  bool in_action = false;    // an action is running (or held): events go to `held`
  bool held_action = false;  // the running action finishes later (sync Originate, SimSleep)
  bool closing = false;      // close once `out` is flushed (Logoff, failed login)
  bool dead = false;         // close now (socket error, output cap exceeded)
  uint64_t load_seq = 0;     // per-session SequenceNumber in --events-per-second max mode

  size_t pending_out() const { return out.size() - out_off; }
};

}  // namespace sim
