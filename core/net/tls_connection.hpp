// A connection whose peer speaks TLS: the OpenSSL bufferevent runs the server handshake, then
// encrypts and writes all the output and decrypts the input.
#pragma once

#include "net/connection.hpp"

namespace ampd {

class TlsConnection final : public Connection {
 public:
  // Takes ownership of `fd` (closed on failure too).
  TlsConnection(Reactor& reactor, int fd, std::string peer, const TlsContext& tls);

  void write(std::string_view bytes) override;
  void write_shared(const SharedBytes& shared) override;
  std::size_t pending_output() const override;

 private:
  void set_reading(bool on) override;
  void close_when_flushed() override;
  void set_drain_mark(std::size_t low_water) override;
  void before_shut() override;
  void handle_event(short what) override;
  static void on_read(bufferevent*, void* self);
  static void on_write(bufferevent*, void* self);
};

}  // namespace ampd
