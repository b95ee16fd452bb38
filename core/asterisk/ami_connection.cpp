#include "asterisk/ami_connection.hpp"

#include <Poco/Logger.h>
#include <Poco/RandomStream.h>

#include <algorithm>
#include <cstdio>

#include "base/text.hpp"

namespace ampd {

namespace {
Poco::Logger& log() { return Poco::Logger::get("ampd.asterisk"); }
constexpr unsigned kFirstBackoffMs = 250;
constexpr unsigned kBootWaitMs = 3000;
constexpr std::size_t kMaxPendingBytes = 64u
                                         << 20;  // 1.4 never sends FullyBooted; do not wait forever
}  // namespace

ActionIds::ActionIds() {
  unsigned char random[4];
  Poco::RandomInputStream().read(reinterpret_cast<char*>(random), sizeof random);
  char text[16];
  std::snprintf(text, sizeof text, "%02x%02x%02x%02x", random[0], random[1], random[2], random[3]);
  prefix_ = std::string("ampd-") + text + "-";
}

std::string ActionIds::next() { return prefix_ + std::to_string(++counter_); }

const char* ami_state_name(AmiConnection::State state) {
  switch (state) {
    case AmiConnection::State::Waiting:
      return "waiting to connect";
    case AmiConnection::State::Connecting:
      return "connecting";
    case AmiConnection::State::LoggingIn:
      return "logging in";
    case AmiConnection::State::Booting:
      return "waiting for FullyBooted";
    case AmiConnection::State::Ready:
      return "ready";
  }
  return "?";
}

AmiConnection::AmiConnection(Reactor& reactor, const AsteriskConfig& config, Role role,
                             std::string label, ActionIds& ids, Callbacks callbacks)
    : reactor_(reactor),
      config_(config),
      role_(role),
      label_(std::move(label)),
      ids_(ids),
      callbacks_(std::move(callbacks)),
      retry_timer_(reactor, [this] { connect_now(); }),
      phase_timer_(reactor,
                   [this] {
                     if (state_ == State::Booting) {
                       become_ready();  // no FullyBooted (Asterisk 1.4): carry on
                     } else {
                       restart(std::string("no answer while ") + ami_state_name(state_));
                     }
                   }),
      ping_timer_(reactor, [this] { send_ping(); }) {}

AmiConnection::~AmiConnection() {
  if (connection_) connection_->close();
}

void AmiConnection::start() { connect_now(); }

void AmiConnection::pause_reading(bool paused) {
  read_paused_ = paused;
  if (connection_) connection_->pause_reading(paused);
}

void AmiConnection::connect_now() {
  std::string error;
  parser_.reset();
  connection_ = Connection::connect(reactor_, config_.host, config_.port, error);
  if (!connection_) return lose(error);
  connection_->set_handler(this);
  connection_->pause_reading(read_paused_);
  state_ = State::Connecting;
  phase_timer_.start(config_.connect_timeout_ms);
}

void AmiConnection::on_connected() {
  state_ = State::LoggingIn;
  phase_timer_.start(config_.connect_timeout_ms);
}

void AmiConnection::on_data(std::string_view bytes) {
  parser_.append(bytes);
  if (banner_.empty() || state_ == State::LoggingIn) {
    if (auto banner = parser_.banner()) {
      banner_ = *banner;
      if (!banner_.starts_with("Asterisk Call Manager/")) {
        return restart("unexpected banner '" + banner_.substr(0, 80) + "'");
      }
      login_id_ = ids_.next();
      Message login{{"Action", "Login"},
                    {"ActionID", login_id_},
                    {"Username", config_.username},
                    {"Secret", config_.secret},
                    {"Events", role_ == Role::Events ? "on" : "off"}};
      send(login);
    }
  }
  while (connection_ && !connection_->closed()) {
    auto message = parser_.next();
    if (!message) break;
    handle(*message);
  }
  // A message that never ends (a Follows without --END COMMAND--) must not grow without bound.
  if (connection_ && parser_.buffered() > kMaxPendingBytes) {
    restart("Asterisk sent an unterminated message over " + std::to_string(kMaxPendingBytes >> 20) +
            " MiB");
  }
}

void AmiConnection::handle(Message& message) {
  auto id = message.find("ActionID");
  if (state_ == State::LoggingIn) {
    if (!id || *id != login_id_) return;  // nothing else matters before login
    if (iequals(message.get("Response"), "Success")) {
      backoff_ms_ = 0;
      const bool old_asterisk = banner_.starts_with("Asterisk Call Manager/1.");
      if (role_ == Role::Events && !old_asterisk) {
        state_ = State::Booting;
        phase_timer_.start(kBootWaitMs);
      } else {
        become_ready();
      }
    } else {
      log().error("asterisk %s: login as '%s' refused: %s", label_, config_.username,
                  message.get("Message", "no reason given"));
      backoff_ms_ = config_.reconnect_max_ms;  // wrong credentials do not fix themselves fast
      restart("login refused");
    }
    return;
  }
  if (state_ == State::Booting && iequals(message.get("Event"), "FullyBooted")) {
    become_ready();
    return;
  }
  if (id && !ping_id_.empty() && *id == ping_id_) {
    ping_id_.clear();
    suspect_ = false;
    phase_timer_.cancel();
    return;
  }
  if (state_ == State::Ready) callbacks_.message(*this, message);
}

void AmiConnection::become_ready() {
  state_ = State::Ready;
  phase_timer_.cancel();
  logged_lost_ = false;
  log().information("asterisk %s: connected and logged in (%s)", label_, banner_);
  ping_timer_.start(config_.ping_interval_ms, true);
  callbacks_.ready(*this);
}

void AmiConnection::probe() {
  if (state_ != State::Ready || suspect_) return;
  suspect_ = true;
  if (ping_id_.empty()) {
    ping_id_ = ids_.next();
    send(Message{{"Action", "Ping"}, {"ActionID", ping_id_}});
  }
  phase_timer_.start(std::min(kProbeMs, config_.action_timeout_ms));
}

void AmiConnection::send_ping() {
  if (state_ != State::Ready || !ping_id_.empty()) return;
  ping_id_ = ids_.next();
  send(Message{{"Action", "Ping"}, {"ActionID", ping_id_}});
  phase_timer_.start(config_.action_timeout_ms);
}

void AmiConnection::send(const Message& action) {
  if (!connection_ || connection_->closed()) return;
  send_buffer_.clear();  // keeps its capacity: no allocation per action
  for (const auto& h : action.headers())
    send_buffer_.append(h.name).append(": ").append(h.value).append("\r\n");
  send_buffer_.append("\r\n");
  connection_->write(send_buffer_);
}

void AmiConnection::on_closed(const std::string& reason) { lose(reason); }

void AmiConnection::restart(const std::string& reason) { lose(reason); }

void AmiConnection::lose(const std::string& reason) {
  const bool was_ready = state_ == State::Ready;
  if (connection_) {
    // We may be inside the connection's own callback: close now, free it later.
    connection_->close();
    reactor_.post([retired = std::shared_ptr<Connection>(std::move(connection_))] {});
  }
  state_ = State::Waiting;
  ping_id_.clear();
  suspect_ = false;
  phase_timer_.cancel();
  ping_timer_.cancel();
  backoff_ms_ =
      backoff_ms_ == 0 ? kFirstBackoffMs : std::min(backoff_ms_ * 2, config_.reconnect_max_ms);
  if (was_ready || !logged_lost_) {
    log().warning("asterisk %s: %s (%s); retrying in %u ms", label_,
                  std::string(was_ready ? "connection lost" : "cannot connect"), reason,
                  backoff_ms_);
    logged_lost_ = true;
  } else {
    log().debug("asterisk %s: still down (%s); retrying in %u ms", label_, reason, backoff_ms_);
  }
  retry_timer_.start(backoff_ms_);
  if (was_ready) callbacks_.lost(*this, reason);
}

}  // namespace ampd
