// The socket of an L2TPv3 tunnel, as the kernel opens one for a static tunnel
// (l2tp_tunnel_sock_create): over UDP, bound to local:udp_sport and connected to
// remote:udp_dport; over IP, a raw socket for protocol 115 bound to local and connected to
// remote. Either way the kernel builds the outer headers and hands the socket only its
// peer's packets. Outer packets leave as the kernel's do: TTL 64, TOS 0, DF set while they
// fit the path MTU the host knows and fragmented when they do not (IP_PMTUDISC_WANT; the
// kernel's l2tp sets ignore_df). UDP checksums as iproute2's udp_csum (IPv4, default off:
// a zero checksum) and udp6_csum_tx / udp6_csum_rx (IPv6, default on).
#pragma once

#include <cstdint>

#include "base/unique_fd.h"
#include "l2tp/l2tp_header.h"
#include "net/endpoint.h"

namespace vtepd {

constexpr int kIpProtoL2tp = 115;  // IANA: L2TP over IP (RFC 3931)

struct L2tpTunnelConfig {
  uint32_t tunnel_id = 0;
  uint32_t peer_tunnel_id = 0;
  L2tpEncap encap = L2tpEncap::kUdp;
  Endpoint local;   // with udp_sport over UDP
  Endpoint remote;  // with udp_dport over UDP
  bool udp_csum = false;      // IPv4: send UDP checksums
  bool udp6_csum_tx = true;   // IPv6: send UDP checksums (else zero)
  bool udp6_csum_rx = true;   // IPv6: require them (else zero ones are taken too)
};

// Throws std::system_error (EADDRINUSE: the UDP port is taken).
UniqueFd OpenL2tpSocket(const L2tpTunnelConfig& config);

}  // namespace vtepd
