// Numeric socket addresses as ampd's configuration writes them ("host:port", "[v6]:port"),
// and the options ampd sets on its TCP sockets.
#pragma once

#include <sys/socket.h>

#include <string>

namespace ampd {

// Parses `address` into `out` and `length`; false with `error` set if it is not numeric.
bool parse_socket_address(const std::string& address, sockaddr_storage& out, int& length,
                          std::string& error);
// "1.2.3.4:5" or "[::1]:5"; "unknown" for other families.
std::string format_peer(const sockaddr* addr);
// Answers and events are small and latency-bound: no Nagle delay.
void set_nodelay(int fd);

}  // namespace ampd
