// An underlay address and UDP port, IPv4 or IPv6, in a form that is cheap to copy and compare
// on the data path and converts to a sockaddr without allocation.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

namespace vtepd {

// Big enough for either family and small enough to fill per packet (unlike sockaddr_storage).
union SocketAddress {
  sockaddr sa;
  sockaddr_in v4;
  sockaddr_in6 v6;
};

struct Endpoint {
  sa_family_t family = AF_UNSPEC;
  uint16_t port = 0;  // host byte order
  uint8_t addr[16] = {};

  // Same host, regardless of port: what MAC learning compares.
  bool SameAddress(const Endpoint& other) const {
    return family == other.family &&
           std::memcmp(addr, other.addr, family == AF_INET ? 4 : 16) == 0;
  }
  bool operator==(const Endpoint& other) const {
    return SameAddress(other) && port == other.port;
  }

  // A unicast host: not the unspecified address, multicast or the limited broadcast. Other
  // sources must never be learned (sending to them would loop back here or go everywhere).
  bool IsUnicast() const;

  socklen_t ToSockaddr(SocketAddress* out) const;
  static Endpoint FromSockaddr(const SocketAddress& in);
  static std::optional<Endpoint> Parse(const std::string& address, uint16_t port);
  std::string AddressString() const;
};

}  // namespace vtepd
