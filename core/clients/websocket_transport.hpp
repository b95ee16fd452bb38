// A client on a WebSocket listener. The connection starts as HTTP: an upgrade request becomes a
// WebSocket (RFC 6455) carrying one ampd message per text message each way; any other GET is
// answered from the web root (the wallboard page) and closed.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "clients/client_transport.hpp"
#include "clients/http_request.hpp"
#include "clients/web_root.hpp"
#include "clients/websocket_frame.hpp"
#include "net/timer.hpp"

namespace ampd {

struct WebSocketOptions {
  std::vector<std::string> allowed_origins;  // empty: same origin only; "*": any
  std::shared_ptr<const WebRoot> web_root;
  std::size_t max_message = 64 * 1024;  // a frame's or a reassembled message's payload
};

class WebSocketTransport : public ClientTransport, private ConnectionHandler {
 public:
  WebSocketTransport(std::unique_ptr<Connection> connection,
                     std::shared_ptr<const WebSocketOptions> options);
  ~WebSocketTransport() override;

  void set_sink(TransportSink* sink) override { sink_ = sink; }
  bool message_framed() const override { return true; }
  void send(std::string_view message) override;
  void send_shared(const SharedBytes& message) override;
  std::size_t pending_output() const override { return connection_->pending_output(); }
  void hold_input(bool held) override;
  void notify_when_drained(std::size_t low_water) override {
    connection_->notify_when_drained(low_water);
  }
  bool reading_fast() const override { return connection_->reading_fast(); }
  void close_after_flush() override;
  void close() override { connection_->close(); }
  bool closed() const override { return connection_->closed(); }
  const std::string& peer() const override { return connection_->peer(); }

 private:
  enum class State { Request, Open, Closing };

  void on_data(std::string_view bytes) override;
  void on_closed(const std::string& reason) override;
  void on_drained() override;
  void handle_request();
  void serve_file(const HttpRequest& request);
  void handle_frames();
  // Ends the WebSocket with a close frame, then the connection once it is flushed.
  void finish(std::uint16_t code, std::string_view reason);
  void reply_http(std::string response);

  std::unique_ptr<Connection> connection_;
  std::shared_ptr<const WebSocketOptions> options_;
  TransportSink* sink_ = nullptr;
  State state_ = State::Request;
  HttpRequestReader request_;
  ws::FrameDecoder frames_;
  std::string close_reason_;  // what the session hears in on_closed, when ampd knows better
  std::string header_;        // reused for frame headers
  bool held_ = false;         // hold_input(): frames wait, decoded, in frames_
  Timer resume_;              // delivers the frames that waited, outside hold_input(false)
};

}  // namespace ampd
