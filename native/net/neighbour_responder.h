// ARP/ND suppression (the kernel's neigh_suppress, net/bridge/br_arp_nd_proxy.c): what to do
// with a frame a local host sent into a VXLAN device's TAP, before it would be flooded to
// every remote VTEP. An ARP request (RFC 826) or IPv6 Neighbour Solicitation (RFC 4861) for
// an address the device's neighbour table knows is answered here, the reply built into
// `reply` for the TAP, and the request goes no further. As the kernel's bridge does on a
// neigh_suppress port: gratuitous ARP and ARP probes (sender 0.0.0.0/8 or sender == target),
// DAD probes (NS from ::) and NS whose source is their destination, and unsolicited NAs are
// not flooded either (a BGP EVPN control plane carries the bindings they announce). Anything
// else, unknown addresses included, passes and floods as before. Untagged or in one 802.1Q
// tag, which the reply keeps. A pure function over bytes: no allocation, any input is safe.
#pragma once

#include <cstddef>
#include <cstdint>

#include "net/neighbour_table.h"

namespace vtepd {

enum class NeighbourVerdict {
  kPass,       // forward as any other frame
  kSuppress,   // neither answered nor forwarded
  kArpReply,   // answered: `reply` holds the ARP reply
  kNaReply,    // answered: `reply` holds the Neighbour Advertisement
};

// Ethernet, one VLAN tag, IPv6 header, NA with its target link-layer address option.
constexpr size_t kMaxNeighbourReply = 14 + 4 + 40 + 32;

struct NeighbourReply {
  uint8_t bytes[kMaxNeighbourReply];
  size_t len;
};

NeighbourVerdict AnswerNeighbour(const uint8_t* frame, size_t len, const NeighbourTable& table,
                                 NeighbourReply* reply);

}  // namespace vtepd
