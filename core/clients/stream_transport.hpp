// A client on a plain TCP or TLS byte stream: messages are delimited by the wire format itself.
#pragma once

#include <memory>

#include "clients/client_transport.hpp"

namespace ampd {

class StreamTransport : public ClientTransport, private ConnectionHandler {
 public:
  explicit StreamTransport(std::unique_ptr<Connection> connection);
  ~StreamTransport() override;

  void set_sink(TransportSink* sink) override { sink_ = sink; }
  bool message_framed() const override { return false; }
  void send(std::string_view message) override { connection_->write(message); }
  void send_shared(const SharedBytes& message) override { connection_->write_shared(message); }
  std::size_t pending_output() const override { return connection_->pending_output(); }
  void hold_input(bool held) override { connection_->pause_reading(held); }
  void notify_when_drained(std::size_t low_water) override {
    connection_->notify_when_drained(low_water);
  }
  bool reading_fast() const override { return connection_->reading_fast(); }
  void close_after_flush() override { connection_->close_after_flush(); }
  void close() override { connection_->close(); }
  bool closed() const override { return connection_->closed(); }
  const std::string& peer() const override { return connection_->peer(); }

 private:
  void on_data(std::string_view bytes) override;
  void on_closed(const std::string& reason) override;
  void on_drained() override;

  std::unique_ptr<Connection> connection_;
  TransportSink* sink_ = nullptr;
};

}  // namespace ampd
