// 48-bit Ethernet addresses packed into a uint64_t so the FDB can hash and compare them cheaply.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/byte_order.h"

namespace vtepd {

using MacAddress = uint64_t;

constexpr size_t kEthernetHeaderSize = 14;  // destination, source, EtherType
constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr uint16_t kEtherTypeIpv6 = 0x86dd;
constexpr uint16_t kEtherTypeVlan = 0x8100;  // 802.1Q tag
constexpr uint16_t kEtherTypeQinQ = 0x88a8;  // 802.1ad outer tag
constexpr MacAddress kFloodMac = 0;  // 00:00:00:00:00:00, the kernel's flood-list key

inline MacAddress ReadMac(const uint8_t* p) {
  return (uint64_t{p[0]} << 40) | (uint64_t{p[1]} << 32) | (uint64_t{p[2]} << 24) |
         (uint64_t{p[3]} << 16) | (uint64_t{p[4]} << 8) | uint64_t{p[5]};
}

// Group bit: broadcast and multicast destinations are always flooded.
inline bool IsMulticastMac(MacAddress mac) { return (mac >> 40) & 0x01; }

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
  while ((ethertype == kEtherTypeVlan || ethertype == kEtherTypeQinQ) && type_at + 6 <= len) {
    type_at += 4;
    ethertype = Load16(frame + type_at);
  }
  return {ethertype, type_at + 2};
}

std::optional<MacAddress> ParseMac(std::string_view text);
std::string FormatMac(MacAddress mac);

}  // namespace vtepd
