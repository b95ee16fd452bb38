#include "server.hpp"

#include <Poco/Logger.h>

#include <csignal>

namespace ampd {

Server::Server(Config config, std::shared_ptr<const UserStore> users)
    : config_(std::move(config)),
      users_(std::move(users)),
      workers_(config_.worker_threads, config_.worker_queue) {}

Server::~Server() {
  workers_.stop();  // workers post back to the reactor; stop them before it goes
  sessions_.clear();
}

void Server::start() {
  for (const auto& address : config_.listen) {
    listeners_.push_back(std::make_unique<Listener>(
        reactor_, address, [this](int fd, std::string peer) { accept(fd, std::move(peer)); }));
    ports_.push_back(listeners_.back()->port());
    Poco::Logger::get("ampd").information("listening on %s (port %d)", address,
                                          listeners_.back()->port());
  }
}

void Server::run() {
  auto stop = [this] {
    Poco::Logger::get("ampd").information("termination requested, stopping");
    reactor_.stop();
  };
  reactor_.on_signal(SIGINT, stop);
  reactor_.on_signal(SIGTERM, stop);
  sigset_t held;
  sigemptyset(&held);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&held, sig);
  pthread_sigmask(SIG_UNBLOCK, &held, nullptr);  // held since main(); see there
  reactor_.run();
}

void Server::accept(int fd, std::string peer) {
  const auto id = next_session_id_++;
  auto connection = std::make_unique<Connection>(reactor_, fd, std::move(peer));
  Poco::Logger::get("ampd.client").debug("client %s connected", connection->peer());
  auto session = std::make_unique<ClientSession>(*this, id, std::move(connection));
  session->start();
  sessions_.emplace(id, std::move(session));
}

void Server::session_closed(std::uint64_t id, const std::string& reason) {
  Poco::Logger::get("ampd.client").debug("client %Lu closed: %s", id, reason);
  // The session is inside its own callback: destroy it once the callback has returned.
  reactor_.post([this, id] { sessions_.erase(id); });
}

bool Server::check_login_async(ClientSession& session, const Message& request) {
  const LoginPolicy policy{config_.format,
                           config_.trust && config_.trusted_networks.contains_peer(session.peer())};
  const auto id = session.id();
  return workers_.try_post([this, id, request, policy, users = users_] {
    const auto result = check_login(request, *users, policy);
    reactor_.post([this, id, request, result] {
      const auto it = sessions_.find(id);
      if (it != sessions_.end()) it->second->on_login_checked(request, result);
    });
  });
}

}  // namespace ampd
