#include "auth/network_acl.hpp"

#include <arpa/inet.h>

#include <charconv>

#include "base/text.hpp"

namespace ampd {

namespace {

bool parse_address(const std::string& text, int& family, std::array<unsigned char, 16>& out) {
  out.fill(0);
  if (inet_pton(AF_INET, text.c_str(), out.data()) == 1) {
    family = AF_INET;
    return true;
  }
  if (inet_pton(AF_INET6, text.c_str(), out.data()) == 1) {
    family = AF_INET6;
    return true;
  }
  return false;
}

bool prefix_matches(const std::array<unsigned char, 16>& a, const std::array<unsigned char, 16>& b,
                    int prefix) {
  for (int bit = 0; bit < prefix; ++bit) {
    const unsigned mask = 0x80u >> (bit % 8);
    if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) return false;
  }
  return true;
}

}  // namespace

bool NetworkAcl::parse(std::string_view list, std::string& error) {
  networks_.clear();
  for (const auto& entry : split_list(list)) {
    const auto slash = entry.find('/');
    Network net;
    if (!parse_address(entry.substr(0, slash), net.family, net.address)) {
      error = "'" + entry + "' is not an IPv4/IPv6 address or CIDR network";
      return false;
    }
    const int max_prefix = net.family == AF_INET ? 32 : 128;
    net.prefix = max_prefix;
    if (slash != std::string::npos) {
      const auto bits = entry.substr(slash + 1);
      const auto r = std::from_chars(bits.data(), bits.data() + bits.size(), net.prefix);
      if (r.ec != std::errc() || r.ptr != bits.data() + bits.size() || net.prefix < 0 ||
          net.prefix > max_prefix) {
        error = "'" + entry + "' has an invalid prefix length";
        return false;
      }
    }
    networks_.push_back(net);
  }
  return true;
}

bool NetworkAcl::contains_peer(std::string_view peer) const {
  std::string host;
  if (!peer.empty() && peer.front() == '[') {
    host = std::string(peer.substr(1, peer.find(']') - 1));
  } else {
    host = std::string(peer.substr(0, peer.rfind(':')));
  }
  int family = 0;
  std::array<unsigned char, 16> addr{};
  if (!parse_address(host, family, addr)) return false;
  for (const auto& net : networks_) {
    if (net.family == family && prefix_matches(net.address, addr, net.prefix)) return true;
  }
  return false;
}

}  // namespace ampd
