// RFC 7348 VXLAN header: pure functions over byte spans, no I/O, so they can be fuzzed.
//
//   0                   1                   2                   3
//   |R|R|R|R|I|R|R|R|            Reserved                           |
//   |                VXLAN Network Identifier (VNI) |   Reserved    |
#pragma once

#include <cstddef>
#include <cstdint>

#include "net/ethernet.h"

namespace vtepd {

constexpr size_t kVxlanHeaderSize = 8;
constexpr uint8_t kVxlanFlagVniValid = 0x08;  // the I flag
constexpr uint32_t kMaxVni = 0xFFFFFF;

enum class VxlanDecode {
  kOk,
  kTooShort,  // shorter than the VXLAN header plus an Ethernet header
  kBadFlags,  // I flag clear: the VNI field is not valid
};

struct VxlanDecodeResult {
  VxlanDecode status;
  uint32_t vni;  // valid when kOk; which device it is for is the port's business
};

// Validates a UDP payload. Reserved bits are ignored on receive, as RFC 7348 section 5
// requires; only the I flag must be set.
inline VxlanDecodeResult DecodeVxlan(const uint8_t* payload, size_t len) {
  if (len < kVxlanHeaderSize + kEthernetHeaderSize) return {VxlanDecode::kTooShort, 0};
  if (!(payload[0] & kVxlanFlagVniValid)) return {VxlanDecode::kBadFlags, 0};
  uint32_t vni = (uint32_t{payload[4]} << 16) | (uint32_t{payload[5]} << 8) | payload[6];
  return {VxlanDecode::kOk, vni};
}

inline void EncodeVxlan(uint8_t* out, uint32_t vni) {
  out[0] = kVxlanFlagVniValid;
  out[1] = out[2] = out[3] = 0;
  out[4] = static_cast<uint8_t>(vni >> 16);
  out[5] = static_cast<uint8_t>(vni >> 8);
  out[6] = static_cast<uint8_t>(vni);
  out[7] = 0;
}

}  // namespace vtepd
