// Fuzz target: a client's byte stream, cut into arbitrary chunks, through InputDecoder (native,
// XML and JSON framing, parse_native_block, parse_xml_command, parse_json_object). Checks that
// nothing crashes, that the decoder always makes progress and never buffers more than the
// message limit, and that every native or JSON message decoded renders back to the same headers.
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "wire/input_decoder.hpp"
#include "wire/json_codec.hpp"
#include "wire/native_codec.hpp"

using namespace ampd;

namespace {

bool same_headers(const Message& a, const Message& b) {
  if (a.headers().size() != b.headers().size()) return false;
  for (std::size_t i = 0; i < a.headers().size(); ++i) {
    if (a.headers()[i].name != b.headers()[i].name) return false;
    if (a.headers()[i].value != b.headers()[i].value) return false;
  }
  return true;
}

void check_native_round_trip(const Message& m) {
  std::string rendered;
  render_native(m, rendered);
  // A first key that only trim() made start with '<' or '{' (after a \v or \f, which the
  // framing does not skip) renders as something that looks like XML or JSON: not a round trip
  // to expect.
  if (rendered.front() == '<' || rendered.front() == '{') return;
  WireLimits roomy;
  roomy.max_message = roomy.max_line = rendered.size() + 16;
  roomy.max_headers = m.headers().size() + 1;
  InputDecoder again(roomy);
  again.append(rendered);
  auto d = again.next();
  if (m.empty()) return;  // renders as a lone blank line: nothing to decode
  AMPD_FUZZ_CHECK(d.has_value());
  AMPD_FUZZ_CHECK(d->kind == Decoded::Kind::Message);
  AMPD_FUZZ_CHECK(same_headers(m, d->message));
}

// JSON output groups a repeated name into one array, so the order of names may change; the
// values of each name may not.
void check_json_round_trip(const Message& m) {
  std::string rendered;
  render_json(m, rendered);
  WireLimits roomy;
  roomy.max_message = rendered.size() + 16;
  roomy.max_headers = m.headers().size() + 1;
  InputDecoder again(roomy);
  again.append(rendered);
  auto d = again.next();
  AMPD_FUZZ_CHECK(d.has_value());
  AMPD_FUZZ_CHECK(d->kind == Decoded::Kind::Message);
  AMPD_FUZZ_CHECK(d->message.headers().size() == m.headers().size());
  for (const auto& h : m.headers())
    AMPD_FUZZ_CHECK(d->message.get_all(h.name) == m.get_all(h.name));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Chunker chunks(data, size);
  WireLimits limits;
  if (chunks.flags & 0x80) {  // small limits, so the fuzzer reaches every limit path quickly
    limits.max_message = 512;
    limits.max_headers = 8;
    limits.max_line = 64;
    limits.max_xml_depth = 3;
    limits.max_json_depth = 3;
  }
  InputDecoder decoder(limits);
  std::size_t appended = 0, results = 0;
  for (auto chunk = chunks.next(); !chunk.empty(); chunk = chunks.next()) {
    decoder.append(chunk);
    appended += chunk.size();
    while (auto d = decoder.next()) {
      // Each result consumes at least one byte: more results than bytes means no progress.
      AMPD_FUZZ_CHECK(++results <= appended);
      if (d->kind == Decoded::Kind::Message) {
        AMPD_FUZZ_CHECK(d->error.empty());
        if (d->format == WireFormat::Native) check_native_round_trip(d->message);
        if (d->format == WireFormat::Json) check_json_round_trip(d->message);
      } else {
        AMPD_FUZZ_CHECK(!d->error.empty());
      }
      if (d->kind == Decoded::Kind::Fatal) AMPD_FUZZ_CHECK(decoder.buffered() == 0);
    }
    // Waiting for more input never holds more than one message's worth.
    AMPD_FUZZ_CHECK(decoder.buffered() <= limits.max_message);
  }
  return 0;
}
