#include "clients/shards.hpp"

namespace ampd {

Shards::Shards(Reactor& main, unsigned io_threads) {
  if (io_threads <= 1) {
    shards_.push_back(std::make_unique<IoShard>(main));
    return;
  }
  for (unsigned i = 0; i < io_threads; ++i) shards_.push_back(std::make_unique<IoShard>());
}

void Shards::publish(const std::shared_ptr<const SessionSettings>& settings) {
  for (auto& shard : shards_) {
    shard->run([shard = shard.get(), settings] { shard->set_settings(settings); });
  }
}

void Shards::start() {
  for (auto& shard : shards_) shard->start();
}

void Shards::stop() {
  for (auto& shard : shards_) shard->stop();
}

void Shards::clear() {
  for (auto& shard : shards_) shard->clear();
}

}  // namespace ampd
