#include "loadgen.h"

#include <cstdio>

#include "clock.h"
#include "events.h"

namespace sim {
namespace {

constexpr int kTickMs = 5;
constexpr uint64_t kMaxPerTick = 200'000;  // bound the work of one tick when far behind
constexpr size_t kRefillBytes = 512 * 1024;

}  // namespace

void LoadGen::start() {
  if (srv_.opt().events_max) {
    srv_.refill = [this](Session& s) {
      std::string batch;
      while (batch.size() < kRefillBytes) batch += make_event(++s.load_seq);
      srv_.send_raw(s, batch);
    };
    return;
  }
  if (srv_.opt().events_per_second <= 0) return;
  started_ = Server::Clock::now();
  srv_.after(kTickMs, [this] { tick(); });
}

void LoadGen::tick() {
  const double elapsed = std::chrono::duration<double>(Server::Clock::now() - started_).count();
  const auto due =
      static_cast<uint64_t>(elapsed * static_cast<double>(srv_.opt().events_per_second));
  uint64_t n = due > emitted_ ? due - emitted_ : 0;
  if (n > kMaxPerTick) n = kMaxPerTick;
  const uint32_t cls = class_bit("call");
  for (uint64_t i = 0; i < n; ++i) srv_.broadcast_raw(cls, make_event(++emitted_));
  srv_.after(kTickMs, [this] { tick(); });
}

// The caller name is Latin-1 (é as the byte 0xE9), as a SIP caller's can reach a real Asterisk:
// ampd must still give XML and JSON clients valid UTF-8.
std::string LoadGen::make_event(uint64_t seq) const {
  char buf[640];
  const unsigned long long s = static_cast<unsigned long long>(seq);
  const std::string ts = timestamp_us();
  int n;
  if (srv_.opt().modern()) {
    n = std::snprintf(buf, sizeof buf,
                      "Event: Newstate\r\nPrivilege: call,all\r\nChannel: PJSIP/load-%08llx\r\n"
                      "ChannelState: 6\r\nChannelStateDesc: Up\r\nCallerIDNum: %llu\r\n"
                      "CallerIDName: Jos\xe9 %llu\r\nConnectedLineNum: <unknown>\r\n"
                      "ConnectedLineName: <unknown>\r\nLanguage: en\r\nAccountCode: \r\n"
                      "Context: default\r\nExten: 100\r\nPriority: 1\r\nUniqueid: load.%llu\r\n"
                      "Linkedid: load.%llu\r\nSequenceNumber: %llu\r\nTimestamp: %s\r\n\r\n",
                      s, s, s, s, s, s, ts.c_str());
  } else {
    n = std::snprintf(buf, sizeof buf,
                      "Event: Newstate\r\nPrivilege: call,all\r\nChannel: SIP/load-%08llx\r\n"
                      "State: Up\r\nCallerID: %llu\r\nCallerIDName: Jos\xe9 %llu\r\n"
                      "Uniqueid: load.%llu\r\nSequenceNumber: %llu\r\nTimestamp: %s\r\n\r\n",
                      s, s, s, s, s, ts.c_str());
  }
  std::string event(buf, n > 0 ? static_cast<size_t>(n) : 0);
  if (srv_.opt().event_variables > 0 && event.size() >= 2) {
    // Long values (past any small-string buffer): ampd's cost must not grow per header.
    event.resize(event.size() - 2);  // reopen the message before its blank line
    for (int i = 0; i < srv_.opt().event_variables; ++i) {
      event += "ChanVariable: LOAD_VARIABLE_" + std::to_string(i) + "=value of load event " +
               std::to_string(seq) + "\r\n";
    }
    event += "\r\n";
  }
  return event;
}

}  // namespace sim
