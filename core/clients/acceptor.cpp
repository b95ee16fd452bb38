#include "clients/acceptor.hpp"

#include <Poco/Logger.h>
#include <unistd.h>

#include <utility>

#include "clients/stream_transport.hpp"

namespace ampd {

void Acceptor::listen(const std::vector<std::string>& addresses, Transport transport,
                      const char* log_format) {
  for (const auto& address : addresses) {
    listeners_.push_back(std::make_unique<Listener>(
        reactor_, address,
        [this, transport](int fd, std::string peer) { accept(fd, std::move(peer), transport); }));
    ports_.push_back(listeners_.back()->port());
    Poco::Logger::get("ampd").information(log_format, address, listeners_.back()->port());
  }
}

void Acceptor::pause() {
  for (auto& listener : listeners_) listener->pause();
}

void Acceptor::accept(int fd, std::string peer, Transport transport) {
  const auto id = next_session_id_++;
  const bool full = clients_.fetch_add(1) >= max_clients_;
  auto& shard = shards_.of(id);
  if (shard.is_main()) return open_session(shard, id, fd, peer, transport, full, tls_, websocket_);
  // The socket is the task's until the shard takes it: closed if the task is dropped unrun.
  auto socket = std::shared_ptr<int>(new int(fd), [](int* owned) {
    if (*owned >= 0) ::close(*owned);
    delete owned;
  });
  shard.run([this, &shard, id, socket, peer = std::move(peer), transport, full, tls = tls_,
             websocket = websocket_] {
    open_session(shard, id, std::exchange(*socket, -1), peer, transport, full, tls, websocket);
  });
}

// On the shard's thread: its connections must be made on its own event_base.
void Acceptor::open_session(IoShard& shard, std::uint64_t id, int fd, const std::string& peer,
                            Transport transport, bool full,
                            const std::shared_ptr<const TlsContext>& tls,
                            const std::shared_ptr<const WebSocketOptions>& websocket) {
  const bool secure = transport == Transport::TlsStream || transport == Transport::TlsWebSocket;
  auto connection = secure ? Connection::accept_tls(shard.reactor(), fd, peer, *tls)
                           : Connection::accept(shard.reactor(), fd, peer);
  Poco::Logger::get("ampd.client").debug("client %s connected", connection->peer());
  std::unique_ptr<ClientTransport> framing;
  if (transport == Transport::WebSocket || transport == Transport::TlsWebSocket) {
    framing = std::make_unique<WebSocketTransport>(std::move(connection), websocket);
  } else {
    framing = std::make_unique<StreamTransport>(std::move(connection));
  }
  auto session = std::make_unique<ClientSession>(host_, shard, id, std::move(framing));
  session->start();
  if (full) {
    session->close_with_error("Too many clients (limit " +
                                  std::to_string(shard.config().max_clients) + "), try again later",
                              "too many clients");
  }
  shard.add(id, std::move(session));
}

void Acceptor::session_closed(std::uint64_t id, const std::string& reason) {
  Poco::Logger::get("ampd.client").debug("client %Lu closed: %s", id, reason);
  // The session is inside its own callback: destroy it once the callback has returned.
  auto& shard = shards_.of(id);
  shard.reactor().post([this, &shard, id] {
    if (shard.erase(id)) clients_.fetch_sub(1);
  });
}

}  // namespace ampd
