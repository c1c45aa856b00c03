// The Ethernet layer of the frames VXLAN and GRE carry: header size, the EtherTypes the data
// path tells apart, and reading the header's fields (addresses, EtherType past VLAN tags).
// Pure functions over bytes; the caller has checked the frame holds a whole header.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/byte_order.h"
#include "net/mac_address.h"

namespace vtepd {

constexpr size_t kEthernetHeaderSize = 14;  // destination, source, EtherType
constexpr size_t kVlanTagSize = 4;          // TPID and TCI, before the EtherType
constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr uint16_t kEtherTypeIpv6 = 0x86dd;
constexpr uint16_t kEtherTypeArp = 0x0806;
constexpr uint16_t kEtherTypeVlan = 0x8100;  // 802.1Q tag
constexpr uint16_t kEtherTypeQinQ = 0x88a8;  // 802.1ad outer tag
constexpr uint16_t kEtherTypeTeb = 0x6558;   // Transparent Ethernet Bridging: a tunnel's inner frame

inline MacAddress EthernetDestination(const uint8_t* frame) { return ReadMac(frame); }
inline MacAddress EthernetSource(const uint8_t* frame) { return ReadMac(frame + 6); }
// The EtherType of an untagged frame (or the first tag's TPID).
inline uint16_t EthernetType(const uint8_t* frame) { return Load16(frame + 12); }

// What an Ethernet frame carries once past its VLAN tags (any number, as far as the frame
// goes): the EtherType and the offset of the payload, which may lie at or past `len` in a
// truncated frame. `len` must be at least kEthernetHeaderSize.
struct EthernetPayload {
  uint16_t ethertype;
  size_t offset;
};

inline EthernetPayload FindEthernetPayload(const uint8_t* frame, size_t len) {
  size_t type_at = 12;
  uint16_t ethertype = Load16(frame + type_at);
  while ((ethertype == kEtherTypeVlan || ethertype == kEtherTypeQinQ) &&
         type_at + kVlanTagSize + 2 <= len) {
    type_at += kVlanTagSize;
    ethertype = Load16(frame + type_at);
  }
  return {ethertype, type_at + 2};
}

}  // namespace vtepd
