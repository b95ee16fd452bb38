#include "clients/websocket_transport.hpp"

#include <Poco/Logger.h>

#include "base/utf8.hpp"
#include "clients/http_response.hpp"
#include "clients/websocket_handshake.hpp"

namespace ampd {

WebSocketTransport::WebSocketTransport(std::unique_ptr<Connection> connection,
                                       std::shared_ptr<const WebSocketOptions> options)
    : connection_(std::move(connection)),
      options_(std::move(options)),
      frames_(options_->max_message),
      resume_(connection_->reactor(), [this] { handle_frames(); }) {
  connection_->set_handler(this);
}

void WebSocketTransport::hold_input(bool held) {
  if (held == held_) return;
  held_ = held;
  connection_->pause_reading(held);
  if (!held) resume_.start(0);
}

void WebSocketTransport::on_drained() {
  if (sink_) sink_->on_output_drained();
}

WebSocketTransport::~WebSocketTransport() { connection_->set_handler(nullptr); }

void WebSocketTransport::send(std::string_view message) {
  if (state_ != State::Open || connection_->closed()) return;
  if (!ws::is_valid_utf8(message)) {
    // Browsers drop a connection on invalid UTF-8 in a text message, and Asterisk may send
    // Latin-1 (a caller's name).
    const auto fixed = valid_utf8_copy(message);
    return send(fixed);
  }
  header_.clear();
  ws::append_frame_header(ws::Opcode::Text, message.size(), header_);
  connection_->write(header_);
  connection_->write(message);
}

void WebSocketTransport::send_shared(const SharedBytes& message) {
  if (state_ != State::Open || connection_->closed()) return;
  if (!ws::is_valid_utf8(message.str())) return send(message.str());
  header_.clear();
  ws::append_frame_header(ws::Opcode::Text, message.str().size(), header_);
  connection_->write(header_);
  connection_->write_shared(message);
}

void WebSocketTransport::close_after_flush() {
  if (state_ == State::Open) return finish(1000, "");
  state_ = State::Closing;
  connection_->close_after_flush();
}

void WebSocketTransport::finish(std::uint16_t code, std::string_view reason) {
  if (state_ == State::Open && !connection_->closed()) {
    connection_->write(ws::close_frame(code, reason));
  }
  state_ = State::Closing;
  connection_->close_after_flush();
}

void WebSocketTransport::reply_http(std::string response) {
  state_ = State::Closing;
  connection_->write(response);
  connection_->close_after_flush();
}

void WebSocketTransport::on_data(std::string_view bytes) {
  if (state_ == State::Closing) return;
  if (state_ == State::Open) {
    frames_.append(bytes);
    return handle_frames();
  }
  request_.append(bytes);
  handle_request();
}

void WebSocketTransport::on_closed(const std::string& reason) {
  if (sink_) sink_->on_closed(close_reason_.empty() ? reason : close_reason_);
}

void WebSocketTransport::handle_request() {
  const auto state = request_.state();
  if (state == HttpRequestReader::State::Incomplete) {
    if (sink_) sink_->on_partial_input(true);
    return;
  }
  if (state == HttpRequestReader::State::Error) {
    close_reason_ = "bad HTTP request: " + request_.error();
    return reply_http(http_response(request_.error_status(), "text/plain; charset=utf-8",
                                    request_.error() + "\n"));
  }
  const auto& request = request_.request();
  if (!ws::is_websocket_upgrade(request)) return serve_file(request);
  auto decision = ws::decide_websocket_handshake(request, options_->allowed_origins);
  if (!decision.accepted) {
    Poco::Logger::get("ampd.client")
        .notice("websocket handshake from %s refused: %s", peer(), decision.error);
    close_reason_ = "websocket handshake refused: " + decision.error;
    return reply_http(std::move(decision.response));
  }
  connection_->write(decision.response);
  state_ = State::Open;
  // A client may send its first frame right behind the request.
  frames_.append(request_.take_rest());
  handle_frames();
}

void WebSocketTransport::serve_file(const HttpRequest& request) {
  close_reason_ = "http " + request.method + " " + request.target;
  const bool head = request.method == "HEAD";
  if (request.method != "GET" && !head) {
    return reply_http(http_response(405, "text/plain; charset=utf-8",
                                    "Only GET and WebSocket upgrades are served here\n", false,
                                    "Allow: GET, HEAD\r\n"));
  }
  const auto* file = options_->web_root ? options_->web_root->find(request.target) : nullptr;
  if (file == nullptr) {
    return reply_http(http_response(404, "text/plain; charset=utf-8", "Not found\n", head));
  }
  reply_http(http_response(200, file->content_type, file->body, head));
}

void WebSocketTransport::handle_frames() {
  while (state_ == State::Open && !held_) {
    auto frame = frames_.next();
    if (!frame) {
      if (sink_) sink_->on_partial_input(frames_.partial());
      return;
    }
    switch (frame->kind) {
      case ws::Frame::Kind::Text:
        if (sink_) sink_->on_input(frame->payload, true);
        break;
      case ws::Frame::Kind::Ping:
        connection_->write(ws::pong_frame(frame->payload));
        break;
      case ws::Frame::Kind::Pong:
        break;
      case ws::Frame::Kind::Close:
        close_reason_ =
            "websocket closed by the client (" + std::to_string(frame->close_code) + ")";
        // Echo the code, as RFC 6455 5.5.1 suggests; "no code" is answered with a normal close.
        finish(frame->close_code == 1005 ? 1000 : frame->close_code, "");
        return;
      case ws::Frame::Kind::Error:
        Poco::Logger::get("ampd.client")
            .notice("websocket client %s: %s (closing with %hu)", peer(), frame->error,
                    frame->close_code);
        close_reason_ = "websocket protocol error: " + frame->error;
        finish(frame->close_code, frame->error);
        return;
    }
  }
}

}  // namespace ampd
