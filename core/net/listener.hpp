// A listening socket on a reactor's loop; hands each accepted socket to its handler.
#pragma once

#include <functional>
#include <string>

#include "net/reactor.hpp"

struct evconnlistener;
struct sockaddr;

namespace ampd {

class Listener {
 public:
  using AcceptHandler = std::function<void(int fd, std::string peer)>;
  // `address` is "host:port" ("[::1]:5040" for IPv6). Throws std::runtime_error on failure.
  Listener(Reactor& reactor, const std::string& address, AcceptHandler on_accept);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  int port() const { return port_; }
  void pause();

 private:
  static void on_accept(evconnlistener*, int fd, ::sockaddr* addr, int len, void* self);
  evconnlistener* listener_ = nullptr;
  AcceptHandler handler_;
  int port_ = 0;
};

}  // namespace ampd
