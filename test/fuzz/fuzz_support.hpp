// Helpers shared by the fuzz targets: splitting one input into chunks the way a network would.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace ampd::fuzz {

// The first two bytes of an input choose how the rest is cut into chunks (1..256 bytes, or the
// whole rest at once), so the fuzzer explores message boundaries that fall anywhere.
struct Chunker {
  Chunker(const std::uint8_t* data, std::size_t size) {
    if (size >= 2) {
      seed_ = static_cast<std::uint32_t>(data[0]) << 8 | data[1];
      flags = data[0];
      data += 2;
      size -= 2;
    }
    rest = std::string_view(reinterpret_cast<const char*>(data), size);
  }
  // The next chunk, empty when the input is used up.
  std::string_view next() {
    if (rest.empty()) return {};
    std::size_t n = rest.size();
    if ((seed_ & 0xff) != 0) {  // 0 in the low byte: everything at once
      seed_ = seed_ * 1103515245u + 12345u;
      n = 1 + ((seed_ >> 16) & 0xff);
      if (n > rest.size()) n = rest.size();
    }
    const auto chunk = rest.substr(0, n);
    rest.remove_prefix(n);
    return chunk;
  }
  std::uint8_t flags = 0;  // the first byte, for targets that want a few more choices
  std::string_view rest;

 private:
  std::uint32_t seed_ = 0;
};

// A failed invariant: print it and abort, so libFuzzer (or the replay main) reports the input.
[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "fuzz invariant failed: %s\n", what);
  std::abort();
}

#define AMPD_FUZZ_CHECK(cond)               \
  do {                                      \
    if (!(cond)) ::ampd::fuzz::fail(#cond); \
  } while (0)

}  // namespace ampd::fuzz
