// The listeners and what they accept: each connection becomes a ClientSession on its shard,
// over a byte stream or WebSocket, plain or TLS. Main reactor, except where it says otherwise.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "clients/session_host.hpp"
#include "clients/shards.hpp"
#include "clients/websocket_transport.hpp"
#include "net/listener.hpp"
#include "net/tls_context.hpp"

namespace ampd {

class Acceptor {
 public:
  enum class Transport { Stream, TlsStream, WebSocket, TlsWebSocket };

  Acceptor(Reactor& main, Shards& shards, SessionHost& host)
      : reactor_(main), shards_(shards), host_(host) {}

  // Binds every address; throws std::runtime_error naming the one that failed. `log_format`
  // gets the address and the port bound.
  void listen(const std::vector<std::string>& addresses, Transport transport,
              const char* log_format);
  // For the clients accepted from now on; connected ones keep what they had.
  void set_tls(std::shared_ptr<const TlsContext> tls) { tls_ = std::move(tls); }
  const std::shared_ptr<const TlsContext>& tls() const { return tls_; }
  void set_websocket_options(std::shared_ptr<const WebSocketOptions> options) {
    websocket_ = std::move(options);
  }
  bool serves_websocket() const { return websocket_ != nullptr; }
  void set_max_clients(std::size_t max) { max_clients_ = max; }
  // Shutdown: no more connections are taken.
  void pause();

  // Plain listeners first, then TLS, WebSocket and secure WebSocket, as listen() was called.
  const std::vector<int>& ports() const { return ports_; }
  // Connected, on every shard; any thread.
  std::size_t clients() const { return clients_.load(); }
  // A session's connection is gone (its shard's thread): it is destroyed once its callback
  // has returned.
  void session_closed(std::uint64_t id, const std::string& reason);

 private:
  void accept(int fd, std::string peer, Transport transport);
  void open_session(IoShard& shard, std::uint64_t id, int fd, const std::string& peer,
                    Transport transport, bool full, const std::shared_ptr<const TlsContext>& tls,
                    const std::shared_ptr<const WebSocketOptions>& websocket);

  Reactor& reactor_;
  Shards& shards_;
  SessionHost& host_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::vector<int> ports_;
  std::shared_ptr<const TlsContext> tls_;              // with listen_tls or listen_wss
  std::shared_ptr<const WebSocketOptions> websocket_;  // with listen_ws or listen_wss
  std::size_t max_clients_ = 0;
  std::atomic<std::size_t> clients_{0};
  std::uint64_t next_session_id_ = 1;
};

}  // namespace ampd
