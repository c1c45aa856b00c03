// 48-bit Ethernet (MAC) addresses packed into a uint64_t so the FDB can hash and compare them
// cheaply, and their text form aa:bb:cc:dd:ee:ff. The Ethernet header is net/ethernet.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vtepd {

using MacAddress = uint64_t;

constexpr MacAddress kFloodMac = 0;  // 00:00:00:00:00:00, the kernel's flood-list key

// The address stored at `p` in network order (6 bytes, any alignment).
inline MacAddress ReadMac(const uint8_t* p) {
  return (uint64_t{p[0]} << 40) | (uint64_t{p[1]} << 32) | (uint64_t{p[2]} << 24) |
         (uint64_t{p[3]} << 16) | (uint64_t{p[4]} << 8) | uint64_t{p[5]};
}

// Stores `mac` at `p` in network order (6 bytes, any alignment).
inline void WriteMac(uint8_t* p, MacAddress mac) {
  for (int i = 0; i < 6; i++) p[i] = static_cast<uint8_t>(mac >> (40 - 8 * i));
}

// Group bit: broadcast and multicast destinations are always flooded.
inline bool IsMulticastMac(MacAddress mac) { return (mac >> 40) & 0x01; }

// What a frame may carry as its source: never a group address or all zeros (the kernel drops
// such frames; learning one would corrupt the flood list or send unicast everywhere).
inline bool IsValidSourceMac(MacAddress mac) { return mac != kFloodMac && !IsMulticastMac(mac); }

std::optional<MacAddress> ParseMac(std::string_view text);
std::string FormatMac(MacAddress mac);

}  // namespace vtepd
