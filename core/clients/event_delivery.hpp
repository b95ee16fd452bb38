// Fans each Asterisk event out to every client that wants it, on every shard, and holds event
// intake back while the clients cannot keep up. Main reactor.
#pragma once

#include <functional>
#include <memory>

#include "clients/shards.hpp"
#include "net/timer.hpp"
#include "wire/message.hpp"

namespace ampd {

class EventDelivery {
 public:
  // `pause_intake(true)` stops reading events from Asterisk, `(false)` resumes.
  EventDelivery(Reactor& main, Shards& shards, std::function<void(bool)> pause_intake)
      : reactor_(main), shards_(shards), pause_intake_(std::move(pause_intake)) {}

  void deliver(const Message& event);

 private:
  void check_intake();

  Reactor& reactor_;
  Shards& shards_;
  std::function<void(bool)> pause_intake_;
  std::unique_ptr<Timer> intake_timer_;  // polls the shards while event intake is paused
  bool intake_paused_ = false;
};

}  // namespace ampd
