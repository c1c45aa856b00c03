// A point-to-point tunnel's UDP socket (L2TPv3 and its kin): bound to a local endpoint and, when
// given one, connected to the peer's, with the underlay options and the UDP checksum
// settings iproute2 names udp_csum (IPv4, default off: a zero checksum) and udp6_csum_tx /
// udp6_csum_rx (IPv6, default on).
#pragma once

#include "base/unique_fd.h"
#include "net/endpoint.h"
#include "net/underlay_options.h"

namespace vtepd {

struct UdpChecksums {
  bool ipv4_tx = false;  // IPv4: send UDP checksums
  bool ipv6_tx = true;   // IPv6: send UDP checksums (else zero)
  bool ipv6_rx = true;   // IPv6: require them (else zero ones are taken too)
};

// Throws std::system_error (EADDRINUSE: the UDP port is taken; its message names the port
// with the kind's word for it, `port_word`). remote null: unconnected.
UniqueFd OpenUdpTunnelSocket(const Endpoint& local, const Endpoint* remote,
                             const UnderlayOptions& options, bool dont_fragment,
                             const UdpChecksums& checksums, const char* port_word);

}  // namespace vtepd
