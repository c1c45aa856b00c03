// What a local host's own neighbour traffic says about its IP addresses, read from a frame it
// sent into the TAP: the sender of an ARP request or reply (RFC 826, gratuitous ones too) and
// the source of an ICMPv6 Neighbour Solicitation or Advertisement (RFC 4861), untagged or in
// one 802.1Q tag. These are the MAC/IP bindings a BGP EVPN control plane advertises (RFC 7432
// type-2 routes). A pure function over bytes: no allocation, any input is safe.
#pragma once

#include <cstddef>
#include <cstdint>

#include "net/endpoint.h"

namespace vtepd {

// The address (port 0) the frame binds to its Ethernet source MAC, or an Endpoint of family
// AF_UNSPEC when it binds none: not ARP or NS/NA, truncated or malformed (RFC 4861's checks
// a sender can fail: hop limit 255, code 0, length), or an address that names no host
// (unspecified, multicast, broadcast). An ARP packet whose sender hardware address is not the
// frame's source speaks for another host and binds nothing. IPv6 link-local sources are left
// out too: every host has one and resolves its router with it, and they are not routed, so
// they would only crowd the few addresses kept per MAC out of the ones worth advertising.
Endpoint SnoopNeighbourAddress(const uint8_t* frame, size_t len);

}  // namespace vtepd
