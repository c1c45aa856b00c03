// RFC 8926 Geneve header carrying Ethernet frames (protocol 0x6558): what `ip link add type
// geneve` puts on the wire. Pure functions over byte spans, no I/O, so they can be fuzzed.
//
//   |Ver|  Opt Len  |O|C|    Rsvd.  |          Protocol Type        |
//   |        Virtual Network Identifier (VNI)       |    Reserved   |
//   |                    Variable-Length Options                    |
//
// Each option: | Option Class (16) | Type (8, high bit: critical) | R (3) | Length (5) |,
// then Length 4-byte words of data.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vtepd {

constexpr uint16_t kGenevePort = 6081;  // IANA
constexpr size_t kGeneveHeaderSize = 8;
constexpr size_t kGeneveMaxOptionsSize = 63 * 4;  // Opt Len is 6 bits of 4-byte words
constexpr size_t kGeneveOptionHeaderSize = 4;

// Each way a packet is refused is its own status, so each is counted apart.
enum class GeneveDecode {
  kOk,
  kTooShort,          // shorter than its header (with options) plus an Ethernet header
  kBadVersion,        // Ver not 0
  kControl,           // O bit: a control packet, not for the data path
  kNotTeb,            // carries something other than Ethernet
  kTruncatedOptions,  // options running past the packet or past Opt Len
  kCriticalOption,    // C bit, or an option with the critical type bit (RFC 8926 §3.5)
};

struct GeneveDecodeResult {
  GeneveDecode status;
  size_t header_len;  // where the inner frame starts, when kOk
  uint32_t vni;       // when kOk; which device it is for is the receiver's business
};

// Validates a UDP payload. vtepd understands no option, so every option is skipped by its
// length and a critical one refuses the packet.
GeneveDecodeResult DecodeGeneve(const uint8_t* payload, size_t len);

// Writes the 8-byte header (no options) for `vni`.
void EncodeGeneve(uint8_t* out, uint32_t vni);

}  // namespace vtepd
