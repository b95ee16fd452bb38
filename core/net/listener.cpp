#include "net/listener.hpp"

#include <event2/listener.h>
#include <event2/util.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "net/socket_address.hpp"

namespace ampd {

Listener::Listener(Reactor& reactor, const std::string& address, AcceptHandler on_accept)
    : handler_(std::move(on_accept)) {
  sockaddr_storage ss;
  int len = 0;
  std::string error;
  if (!parse_socket_address(address, ss, len, error)) throw std::runtime_error(error);
  listener_ = evconnlistener_new_bind(reactor.base(), &Listener::on_accept, this,
                                      LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 1024,
                                      reinterpret_cast<sockaddr*>(&ss), len);
  if (listener_ == nullptr) {
    throw std::runtime_error("cannot listen on " + address + ": " + std::strerror(errno));
  }
  sockaddr_storage bound;
  socklen_t bound_len = sizeof bound;
  getsockname(evconnlistener_get_fd(listener_), reinterpret_cast<sockaddr*>(&bound), &bound_len);
  port_ = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                      : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
}

Listener::~Listener() {
  if (listener_ != nullptr) evconnlistener_free(listener_);
}

void Listener::pause() { evconnlistener_disable(listener_); }

void Listener::on_accept(evconnlistener*, int fd, sockaddr* addr, int, void* self) {
  evutil_make_socket_nonblocking(fd);
  static_cast<Listener*>(self)->handler_(fd, format_peer(addr));
}

}  // namespace ampd
