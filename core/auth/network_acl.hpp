// CIDR lists for trusted_networks: "127.0.0.0/8, ::1/128, 10.1.2.3".
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace ampd {

class NetworkAcl {
 public:
  // False with `error` set on the first entry that is not a valid address or prefix.
  bool parse(std::string_view list, std::string& error);
  // `peer` as the reactor formats it: "1.2.3.4:port" or "[::1]:port".
  bool contains_peer(std::string_view peer) const;
  bool empty() const { return networks_.empty(); }

 private:
  struct Network {
    int family = 0;
    std::array<unsigned char, 16> address{};
    int prefix = 0;
  };
  std::vector<Network> networks_;
};

}  // namespace ampd
