// 48-bit Ethernet addresses packed into a uint64_t so the FDB can hash and compare them cheaply.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vtepd {

using MacAddress = uint64_t;

constexpr size_t kEthernetHeaderSize = 14;  // destination, source, EtherType
constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr uint16_t kEtherTypeIpv6 = 0x86dd;
constexpr MacAddress kFloodMac = 0;  // 00:00:00:00:00:00, the kernel's flood-list key

inline MacAddress ReadMac(const uint8_t* p) {
  return (uint64_t{p[0]} << 40) | (uint64_t{p[1]} << 32) | (uint64_t{p[2]} << 24) |
         (uint64_t{p[3]} << 16) | (uint64_t{p[4]} << 8) | uint64_t{p[5]};
}

// Group bit: broadcast and multicast destinations are always flooded.
inline bool IsMulticastMac(MacAddress mac) { return (mac >> 40) & 0x01; }

std::optional<MacAddress> ParseMac(std::string_view text);
std::string FormatMac(MacAddress mac);

}  // namespace vtepd
