// --events-per-second: synthetic ~300-byte Newstate events for benchmarks, each with a
// monotonically increasing SequenceNumber and a microsecond wall-clock Timestamp.
//  * N > 0: a global sequence at a fixed rate to every session; slow readers are
//    dropped by the server's output cap rather than slowing the others.
//  * max: each session is topped up whenever its socket has drained (its own sequence),
//    so nothing is buffered beyond what the reader keeps up with.
#pragma once

#include <cstdint>
#include <string>

#include "server.h"

namespace sim {

class LoadGen {
 public:
  explicit LoadGen(Server& srv) : srv_(srv) {}
  void start();

 private:
  void tick();
  std::string make_event(uint64_t seq) const;

  Server& srv_;
  Server::Clock::time_point started_;
  uint64_t emitted_ = 0;
};

}  // namespace sim
