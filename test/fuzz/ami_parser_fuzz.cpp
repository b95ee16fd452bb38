// Fuzz target: what an Asterisk server (or whatever answers on its port) sends, cut into
// arbitrary chunks, through AmiParser: banner, messages, both generations of Command output.
// Checks that nothing crashes and that the parser always makes progress.
#include <cstdint>

#include "asterisk/ami_parser.hpp"
#include "fuzz_support.hpp"

using namespace ampd;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Chunker chunks(data, size);
  AmiParser parser;
  std::size_t appended = 0, results = 0;
  for (auto chunk = chunks.next(); !chunk.empty(); chunk = chunks.next()) {
    parser.append(chunk);
    appended += chunk.size();
    if (auto banner = parser.banner()) {
      AMPD_FUZZ_CHECK(banner->find('\n') == std::string::npos);
      ++results;
    }
    while (auto m = parser.next()) {
      AMPD_FUZZ_CHECK(++results <= appended);
      for (const auto& h : m->headers()) {
        // A header never spans lines.
        AMPD_FUZZ_CHECK(h.name.find('\n') == std::string::npos);
        AMPD_FUZZ_CHECK(h.value.find('\n') == std::string::npos);
      }
    }
    AMPD_FUZZ_CHECK(parser.buffered() <= appended);
    // A reconnect starts over: exercise reset() now and then.
    if ((chunks.flags & 0x80) && chunk.size() == 1) parser.reset();
  }
  return 0;
}
