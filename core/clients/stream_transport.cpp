#include "clients/stream_transport.hpp"

namespace ampd {

StreamTransport::StreamTransport(std::unique_ptr<Connection> connection)
    : connection_(std::move(connection)) {
  connection_->set_handler(this);
}

StreamTransport::~StreamTransport() { connection_->set_handler(nullptr); }

void StreamTransport::on_data(std::string_view bytes) {
  if (sink_) sink_->on_input(bytes, false);
}

void StreamTransport::on_closed(const std::string& reason) {
  if (sink_) sink_->on_closed(reason);
}

void StreamTransport::on_drained() {
  if (sink_) sink_->on_output_drained();
}

}  // namespace ampd
