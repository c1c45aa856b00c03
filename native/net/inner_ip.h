// The IP layer of an inner Ethernet frame, as the coalescers (tcp_coalescer, udp_coalescer)
// see it: which packets may merge, and how a merged one gets its lengths back. Pure
// functions over byte spans.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vtepd {

struct InnerIp {
  bool ipv6;
  size_t l4_off;  // Ethernet + IP header bytes
  size_t l4_len;  // transport header and payload, as the IP header says
};

// An Ethernet frame carrying a whole IPv4 packet without options and with a valid header
// checksum, or an IPv6 packet without extension headers, of transport `protocol`.
bool ParseInnerIp(const uint8_t* frame, size_t len, uint8_t protocol, InnerIp* out);

// Same Ethernet header, and the same IP header but for length, ID and checksum: packets of
// one flow that may merge into one superframe.
bool SameInnerIpFlow(const uint8_t* frame, const uint8_t* other, bool ipv6);

// Sets the IP length fields of a merged frame to carry l4_len transport bytes (IPv4 header
// checksum too) and returns the transport pseudo-header sum the kernel expects in the
// checksum field of a CHECKSUM_PARTIAL (GSO) frame, folded, to store with memcpy.
uint16_t FinishMergedIp(uint8_t* frame, bool ipv6, uint8_t protocol, size_t l4_len);

// Largest transport length that keeps IPv4 total length and IPv6 payload length valid.
constexpr size_t kMaxMergedL4 = 65535 - 60;

}  // namespace vtepd
