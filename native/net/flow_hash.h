// Hash of an inner Ethernet frame's flow, used to pick the outer UDP source port so that
// ECMP and RSS in the underlay spread flows while keeping each flow on one path (RFC 7348 §5).
#pragma once

#include <cstddef>
#include <cstdint>

namespace vtepd {

// L3/L4 addresses and ports for IPv4/IPv6 TCP/UDP (first fragment or unfragmented),
// addresses and protocol for other IP, MAC pair and EtherType otherwise. Never reads
// past len.
uint32_t InnerFlowHash(const uint8_t* frame, size_t len);

// Maps a hash uniformly onto [0, n) without division, as the kernel's udp_flow_src_port does.
inline uint32_t ScaleHash(uint32_t hash, uint32_t n) {
  return static_cast<uint32_t>((uint64_t{hash} * n) >> 32);
}

}  // namespace vtepd
