#include "clients/io_shard.hpp"

#include "clients/client_session.hpp"

namespace ampd {

IoShard::IoShard(Reactor& main) : reactor_(&main) {}

IoShard::IoShard() : own_reactor_(std::make_unique<Reactor>()), reactor_(own_reactor_.get()) {}

IoShard::~IoShard() {
  stop();
  sessions_.clear();  // before the reactor their connections live on
}

void IoShard::start() {
  if (own_reactor_ && !thread_.joinable()) thread_ = std::thread([this] { reactor_->run(); });
}

void IoShard::stop() {
  if (!thread_.joinable()) return;
  // From inside the loop: a loopbreak before the thread has entered it would be forgotten.
  reactor_->post([reactor = reactor_] { reactor->stop(); });
  thread_.join();
}

ClientSession* IoShard::find(std::uint64_t id) {
  const auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second.get();
}

void IoShard::add(std::uint64_t id, std::unique_ptr<ClientSession> session) {
  sessions_.emplace(id, std::move(session));
}

bool IoShard::erase(std::uint64_t id) { return sessions_.erase(id) > 0; }

void IoShard::clear() { sessions_.clear(); }

void IoShard::scan_clients() {
  bool behind = false;
  for (auto& [id, session] : sessions_) behind = behind || session->holds_back_events();
  clients_behind.store(behind, std::memory_order_relaxed);
  scan_posted.store(false, std::memory_order_relaxed);
}

}  // namespace ampd
