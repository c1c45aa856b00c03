// L2TPv3 data message headers (RFC 3931) of an Ethernet pseudowire, as the kernel's
// l2tp_core builds (l2tp_build_l2tpv3_header) and parses (l2tp_udp_encap_recv,
// l2tp_ip_recv, l2tp_recv_common) them for a static session. Pure functions over byte
// spans, no I/O, so they can be fuzzed.
//
// Over UDP (RFC 3931 4.1.2.1) the session header starts with 4 bytes: the first 16 bits
// flags and version, T=0 (data) and Ver=3, i.e. 0x0003, then 16 reserved bits (zero):
//   |T|x|x|x|x|x|x|x|x|x|x|x|  Ver  |             Reserved              |
// Over IP (protocol 115, RFC 3931 4.1.1.1) it starts directly with the session ID; a
// session ID of 0 marks a control message. Then, either way:
//   |                           Session ID                          |
//   |               Cookie (optional, 4 or 8 bytes) ...             |
//   |x|S|x|x|x|x|x|x|              Sequence Number                  |  default L2-specific
// The default L2-specific sublayer (RFC 4719 4.6, l2spec_type default) has the S bit
// (0x40000000) when its 24-bit sequence number is valid, and is all zeros otherwise;
// l2spec_type none leaves it out. The Ethernet frame follows.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vtepd {

enum class L2tpEncap { kUdp, kIp };

constexpr size_t kL2tpUdpPrefixSize = 4;   // flags/version and reserved, UDP only
constexpr size_t kL2tpSessionIdSize = 4;
constexpr size_t kL2tpMaxCookieSize = 8;
constexpr size_t kL2tpSublayerSize = 4;    // the default L2-specific sublayer
constexpr size_t kL2tpMaxHeaderSize =
    kL2tpUdpPrefixSize + kL2tpSessionIdSize + kL2tpMaxCookieSize + kL2tpSublayerSize;
constexpr uint16_t kL2tpVersion3 = 3;
constexpr uint32_t kL2tpSequenceMask = 0x00ffffff;  // 24-bit sequence numbers

// A cookie of 0, 4 or 8 bytes: what a session puts in its packets (cookie) or requires in
// its peer's (peer_cookie).
struct L2tpCookie {
  uint8_t len = 0;
  uint8_t bytes[kL2tpMaxCookieSize] = {};
};

// One direction of a session's header: what it sends (the peer's session ID, its cookie) or
// what it expects to receive (its own session ID, the peer's cookie).
struct L2tpSessionHeader {
  L2tpEncap encap = L2tpEncap::kUdp;
  uint32_t session_id = 0;
  L2tpCookie cookie;
  bool sublayer = true;  // l2spec_type default

  size_t Size() const {
    return (encap == L2tpEncap::kUdp ? kL2tpUdpPrefixSize : 0) + kL2tpSessionIdSize +
           cookie.len + (sublayer ? kL2tpSublayerSize : 0);
  }
};

// The tunnel's first look at a packet: whose session it is.
enum class L2tpTunnelDecode {
  kOk,
  kTooShort,    // shorter than the header up to the session ID
  kControl,     // a control message (UDP: T bit; IP: session ID 0): static tunnels have none
  kBadVersion,  // UDP: a version other than 3
};

struct L2tpTunnelDecodeResult {
  L2tpTunnelDecode status;
  uint32_t session_id;
  size_t offset;  // of what follows the session ID
};

L2tpTunnelDecodeResult DecodeL2tpSessionId(const uint8_t* packet, size_t len, L2tpEncap encap);

// The session's look at a packet, from `offset` (DecodeL2tpSessionId's): the cookie must be
// `expect.cookie`'s bytes, and the sublayer (if expect.sublayer) and an Ethernet header must
// follow.
enum class L2tpSessionDecode {
  kOk,
  kTooShort,        // shorter than cookie, sublayer and an Ethernet header
  kCookieMismatch,  // cookie bytes other than expected
};

struct L2tpSessionDecodeResult {
  L2tpSessionDecode status;
  size_t header_len;  // where the Ethernet frame starts
  bool has_seq;       // the sublayer's S bit
  uint32_t seq;       // its sequence number, if has_seq
};

L2tpSessionDecodeResult DecodeL2tpSession(const uint8_t* packet, size_t len, size_t offset,
                                          const L2tpSessionHeader& expect);

// Writes the header for `header` and returns header.Size(). With a sublayer, `seq` (24
// bits) is written and the S bit set when with_seq, else the sublayer is zero.
size_t EncodeL2tp(uint8_t* out, const L2tpSessionHeader& header, bool with_seq, uint32_t seq);

}  // namespace vtepd
