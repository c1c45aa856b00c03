// The neighbour protocols' wire formats that the snooper (neighbour_snoop) and the responder
// (neighbour_responder) both read: ARP for IPv4 (RFC 826) and IPv6 Neighbour Discovery (RFC
// 4861), found where the kernel's bridge looks for them. Pure functions over bytes.
#pragma once

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>

#include "base/byte_order.h"
#include "net/ethernet.h"

namespace vtepd {

constexpr size_t kArpSize = 28;  // for Ethernet and IPv4
constexpr uint16_t kArpRequest = 1;
constexpr uint16_t kArpReply = 2;
constexpr size_t kIpv6HeaderSize = 40;
constexpr size_t kNdSize = 24;  // type, code, checksum, flags, target address
constexpr uint8_t kNeighbourSolicitation = 135;
constexpr uint8_t kNeighbourAdvertisement = 136;

// Where a frame's ARP or IPv6 starts: untagged or inside one 802.1Q tag (two tags are not
// looked into). An ethertype of 0: the frame is too short to say.
inline EthernetPayload NeighbourPayload(const uint8_t* frame, size_t len) {
  if (len < kEthernetHeaderSize) return {0, len};
  uint16_t ethertype = EthernetType(frame);
  if (ethertype != kEtherTypeVlan) return {ethertype, kEthernetHeaderSize};
  if (len < kEthernetHeaderSize + kVlanTagSize) return {0, len};
  return {Load16(frame + 16), kEthernetHeaderSize + kVlanTagSize};
}

// The ICMPv6 message of the IPv6 packet at `ip` (`len` bytes) if it may be Neighbour
// Discovery, with its length in *payload; else nullptr. No extension headers (the kernel
// sends NS and NA without them); RFC 4861's checks a sender can fail (hop limit 255, code 0,
// length) make it none.
inline const uint8_t* NeighbourDiscovery(const uint8_t* ip, size_t len, size_t* payload) {
  if (len < kIpv6HeaderSize + kNdSize || ip[0] >> 4 != 6) return nullptr;
  size_t length = Load16(ip + 4);
  if (ip[6] != IPPROTO_ICMPV6 || ip[7] != 255 || length < kNdSize ||
      kIpv6HeaderSize + length > len) {
    return nullptr;
  }
  const uint8_t* icmp = ip + kIpv6HeaderSize;
  if (icmp[1] != 0) return nullptr;
  *payload = length;
  return icmp;
}

}  // namespace vtepd
