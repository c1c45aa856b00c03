#include "net/endpoint.h"

#include <arpa/inet.h>

namespace vtepd {

bool Endpoint::IsUnicast() const {
  static constexpr uint8_t kZero[16] = {};
  if (family == AF_INET) {
    bool broadcast = addr[0] == 255 && addr[1] == 255 && addr[2] == 255 && addr[3] == 255;
    return std::memcmp(addr, kZero, 4) != 0 && (addr[0] & 0xf0) != 0xe0 && !broadcast;
  }
  return family == AF_INET6 && std::memcmp(addr, kZero, 16) != 0 && addr[0] != 0xff;
}

socklen_t Endpoint::ToSockaddr(SocketAddress* out) const {
  if (family == AF_INET) {
    out->v4 = sockaddr_in{};
    out->v4.sin_family = AF_INET;
    out->v4.sin_port = htons(port);
    std::memcpy(&out->v4.sin_addr, addr, 4);
    return sizeof out->v4;
  }
  out->v6 = sockaddr_in6{};
  out->v6.sin6_family = AF_INET6;
  out->v6.sin6_port = htons(port);
  std::memcpy(&out->v6.sin6_addr, addr, 16);
  return sizeof out->v6;
}

Endpoint Endpoint::FromSockaddr(const SocketAddress& in) {
  Endpoint ep;
  ep.family = in.sa.sa_family;
  if (ep.family == AF_INET) {
    ep.port = ntohs(in.v4.sin_port);
    std::memcpy(ep.addr, &in.v4.sin_addr, 4);
  } else if (ep.family == AF_INET6) {
    ep.port = ntohs(in.v6.sin6_port);
    std::memcpy(ep.addr, &in.v6.sin6_addr, 16);
  }
  return ep;
}

std::optional<Endpoint> Endpoint::Parse(const std::string& address, uint16_t port) {
  Endpoint ep;
  ep.port = port;
  if (inet_pton(AF_INET, address.c_str(), ep.addr) == 1) {
    ep.family = AF_INET;
    return ep;
  }
  if (inet_pton(AF_INET6, address.c_str(), ep.addr) == 1) {
    ep.family = AF_INET6;
    return ep;
  }
  return std::nullopt;
}

std::string Endpoint::AddressString() const {
  char text[INET6_ADDRSTRLEN] = "";
  inet_ntop(family, addr, text, sizeof text);
  return text;
}

}  // namespace vtepd
