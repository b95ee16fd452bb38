#include "clients/event_delivery.hpp"

#include <algorithm>

#include "clients/event_fanout.hpp"

namespace ampd {

void EventDelivery::deliver(const Message& event) {
  if (shards_.main_only()) {
    auto& shard = **shards_.begin();
    RenderedEvent rendered(event);
    bool behind = false;
    shard.for_each([&rendered, &behind](ClientSession& s) {
      s.deliver_event(rendered);
      behind = behind || s.holds_back_events();
    });
    shard.clients_behind.store(behind, std::memory_order_relaxed);
    if (behind && !intake_paused_) check_intake();
    return;
  }
  // Every shard delivers the one copy; each variant is still rendered once, by whichever
  // shard needs it first.
  auto shared = std::make_shared<SharedEvent>(event);
  for (auto& shard : shards_) {
    shard->event_backlog.fetch_add(1, std::memory_order_relaxed);
    shard->run([shard = shard.get(), shared] {
      bool behind = false;
      shard->for_each([&shared, &behind](ClientSession& s) {
        s.deliver_event(shared->rendered);
        behind = behind || s.holds_back_events();
      });
      shard->clients_behind.store(behind, std::memory_order_relaxed);
      shard->event_backlog.fetch_sub(1, std::memory_order_relaxed);
    });
  }
  if (!intake_paused_) check_intake();
}

// Events that come faster than the clients take them would fill every client's output to its
// cap and then be dropped, although each client reads as fast as it can. Paused, Asterisk waits
// instead, as it would for a direct client. What holds intake back: a shard far behind in
// delivering (an I/O thread slower than the main reactor), or a client behind that has been
// taking its output fast; a client that reads slowly or not at all does not (it meets its cap,
// and the others go on). Reading one 8 KiB block adds at most ~40 events to a backlog.
void EventDelivery::check_intake() {
  constexpr std::int64_t kPauseAt = 2048;
  constexpr std::int64_t kResumeAt = 256;
  std::int64_t worst = 0;
  bool behind = false;
  for (const auto& shard : shards_) {
    worst = std::max(worst, shard->event_backlog.load(std::memory_order_relaxed));
    behind = behind || shard->clients_behind.load(std::memory_order_relaxed);
  }
  if (!intake_paused_ && (worst >= kPauseAt || behind)) {
    intake_paused_ = true;
    pause_intake_(true);
    if (!intake_timer_) {
      intake_timer_ = std::make_unique<Timer>(reactor_, [this] { check_intake(); });
    }
    intake_timer_->start(1, true);
  } else if (intake_paused_ && worst <= kResumeAt && !behind) {
    intake_paused_ = false;
    intake_timer_->cancel();
    pause_intake_(false);
  } else if (intake_paused_) {
    // Nothing is delivered while paused: the shards look at their clients again.
    for (auto& shard : shards_) {
      if (shard->scan_posted.exchange(true, std::memory_order_relaxed)) continue;
      shard->run([shard = shard.get()] { shard->scan_clients(); });
    }
  }
}

}  // namespace ampd
