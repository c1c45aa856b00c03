// GRE header (RFC 2784, with the key and sequence number fields of RFC 2890) carrying
// Ethernet frames (protocol 0x6558, Transparent Ethernet Bridging): what `ip link add type
// gretap` puts on the wire. Pure functions over byte spans, no I/O, so they can be fuzzed.
//
//   |C|R|K|S|s|Recur|  Flags  | Ver |         Protocol Type         |
//   |      Checksum (optional)      |       Reserved1 (optional)    |
//   |                         Key (optional)                        |
//   |                 Sequence Number (optional)                    |
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>

#include "net/ethernet.h"

namespace vtepd {

constexpr size_t kGreBaseHeaderSize = 4;
constexpr size_t kGreMaxHeaderSize = 16;

// Which optional fields a side of a gretap device uses (kernel: icsum/ikey/iseq on receive,
// ocsum/okey/oseq on send).
struct GreFields {
  bool csum = false;
  bool key = false;
  bool seq = false;
  uint32_t key_value = 0;

  size_t HeaderSize() const {
    return kGreBaseHeaderSize + (csum ? 4 : 0) + (key ? 4 : 0) + (seq ? 4 : 0);
  }
};

enum class GreDecode {
  kOk,
  kTooShort,     // shorter than its header plus an Ethernet header
  kBadHeader,    // version not 0, or routing / strict source route / recursion bits
  kNotTeb,       // carries something other than Ethernet
  kKeyMismatch,  // key absent where expected, present where not, or different
  kBadChecksum,  // checksum absent where required, or wrong
  kMissingSeq,   // sequence number required but absent
};

struct GreDecodeResult {
  GreDecode status;
  size_t header_len;
  bool has_seq;
  uint32_t seq;
};

// Validates a GRE packet against what the receiving device expects. A checksum that is
// present is always verified (as the kernel does); `expect.csum` also requires one.
// Sequence order is the caller's business: it is state, not syntax.
GreDecodeResult DecodeGre(const uint8_t* packet, size_t len, const GreFields& expect);

// Writes the header for `fields` with sequence number `seq` (if fields.seq); returns its
// size. With fields.csum the checksum field is left zero for FinishGreChecksum.
size_t EncodeGre(uint8_t* out, const GreFields& fields, uint32_t seq);

// Fills in the checksum of a header written by EncodeGre, over it and the payload, which
// may come in two pieces (a segment's headers and its payload; the first of even length).
void FinishGreChecksum(uint8_t* header, size_t header_len, iovec payload, iovec tail = {});

}  // namespace vtepd
