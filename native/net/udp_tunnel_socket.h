// What the UDP tunnels' sockets share: a new UDP socket, binding and naming an endpoint, the
// UDP checksum settings, and a point-to-point tunnel's socket (L2TPv3 and its kin): bound to
// a local endpoint and, when given one, connected to the peer's, with the underlay options and
// the UDP checksum settings iproute2 names udp_csum (IPv4, default off: a zero checksum) and
// udp6_csum_tx / udp6_csum_rx (IPv6, default on).
#pragma once

#include <string>

#include "base/unique_fd.h"
#include "net/endpoint.h"
#include "net/underlay_options.h"

namespace vtepd {

struct UdpChecksums {
  bool ipv4_tx = false;  // IPv4: send UDP checksums
  bool ipv6_tx = true;   // IPv6: send UDP checksums (else zero)
  bool ipv6_rx = true;   // IPv6: require them (else zero ones are taken too)

  // Whether sends carry checksums: the kernel refuses UDP GSO on a socket sending zero ones.
  bool SendsChecksums(sa_family_t family) const {
    return family == AF_INET ? ipv4_tx : ipv6_tx;
  }
};

// A UDP socket of `family` (IPv6 only for AF_INET6). Throws std::system_error.
UniqueFd NewUdpSocket(sa_family_t family);
// bind(2) to `ep`: 0, or -1 with errno set.
int BindTo(int fd, const Endpoint& ep);
// "ADDR:PORT", "[ADDR]:PORT" for IPv6, for error messages.
std::string EndpointText(const Endpoint& ep);
// Asks for UDP GRO: same-flow datagrams arrive as one buffer plus a segment size. False
// where the kernel lacks it (before 5.0).
bool EnableUdpGro(int fd);
// Applies `checksums` to a UDP socket of `family`. Throws std::system_error.
void ApplyUdpChecksums(int fd, sa_family_t family, const UdpChecksums& checksums);

// Throws std::system_error (EADDRINUSE: the UDP port is taken; its message names the port
// with the kind's word for it, `port_word`). remote null: unconnected.
UniqueFd OpenUdpTunnelSocket(const Endpoint& local, const Endpoint* remote,
                             const UnderlayOptions& options, bool dont_fragment,
                             const UdpChecksums& checksums, const char* port_word);

}  // namespace vtepd
