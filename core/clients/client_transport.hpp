// How a client session's messages travel: a plain byte stream (TCP or TLS) or WebSocket
// messages. The session renders answers and events; the transport frames and writes them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "net/connection.hpp"
#include "net/reactor.hpp"

namespace ampd {

// The session's side: input as it arrives, and the end of the connection.
class TransportSink {
 public:
  virtual ~TransportSink() = default;
  // Stream transports hand over bytes as they come (`whole_message` false); message transports
  // hand over exactly one client message at a time (`whole_message` true).
  virtual void on_input(std::string_view bytes, bool whole_message) = 0;
  // Once, when the connection is gone; the sink may destroy the transport only after returning.
  virtual void on_closed(const std::string& reason) = 0;
  // The output fell to the mark given to ClientTransport::notify_when_drained().
  virtual void on_output_drained() {}
  // Message transports: part of a message (a frame, a fragment, an HTTP request) has arrived
  // and waits for the rest (true), or nothing partial is left (false). The message timeout.
  virtual void on_partial_input(bool partial) = 0;
};

class ClientTransport {
 public:
  virtual ~ClientTransport() = default;
  virtual void set_sink(TransportSink* sink) = 0;
  // Whether each write reaches the client as one message of its own (WebSocket): then the
  // banner and isFlash NUL terminators, which exist to delimit a byte stream, are left out.
  virtual bool message_framed() const = 0;
  // One answer or event, rendered.
  virtual void send(std::string_view message) = 0;
  // The same, with bytes shared by many clients (added by reference, not copied).
  virtual void send_shared(const SharedBytes& message) = 0;
  virtual std::size_t pending_output() const = 0;
  // While held, no input reaches the sink: the transport stops reading, and the client's
  // writes wait in the kernel and then in the client (backpressure).
  virtual void hold_input(bool held) = 0;
  // The sink's on_output_drained() once pending_output() is at most `low_water`.
  virtual void notify_when_drained(std::size_t low_water) = 0;
  // Whether the client has recently been taking its output fast (see Connection).
  virtual bool reading_fast() const = 0;
  // Flushes what is queued, then closes (a WebSocket says goodbye with a close frame first).
  virtual void close_after_flush() = 0;
  // Closes at once, dropping unsent output, without calling the sink.
  virtual void close() = 0;
  virtual bool closed() const = 0;
  virtual const std::string& peer() const = 0;
};

}  // namespace ampd
