// Test frames: Ethernet (optionally VLAN-tagged) + IPv4/IPv6 + TCP/UDP + payload, built byte
// by byte with checksums from an independent reference (RFC 1071, summed over big-endian
// 16-bit words one byte pair at a time; nothing from net/checksum), plus the reference
// checks the tests verify results with. The one frame builder of the native tests.
#pragma once

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/byte_order.h"
#include "net/tcp_header.h"

namespace frames {

using Bytes = std::vector<uint8_t>;

// Header fields and TCP flags as the code under test reads and names them.
using vtepd::Load16;
using vtepd::Load32;
using vtepd::Store16;
using vtepd::Store32;
using vtepd::kTcpAck;
using vtepd::kTcpCwr;
using vtepd::kTcpEce;
using vtepd::kTcpFin;
using vtepd::kTcpPsh;
using vtepd::kTcpRst;
using vtepd::kTcpSyn;
using vtepd::kTcpUrg;

// --- Reference Internet checksum (RFC 1071) ---

inline uint64_t RefSum(const uint8_t* p, size_t len, uint64_t sum = 0) {
  for (size_t i = 0; i < len; i += 2) {
    sum += static_cast<uint64_t>(p[i]) << 8;
    if (i + 1 < len) sum += p[i + 1];
  }
  return sum;
}

inline uint16_t RefFold(uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

// TCP/UDP pseudo-header sum (RFC 9293 3.1, RFC 8200 8.1).
inline uint64_t RefPseudoSum(const uint8_t* ip, bool ipv6, uint8_t proto, uint32_t l4_len) {
  uint64_t sum = ipv6 ? RefSum(ip + 8, 32) : RefSum(ip + 12, 8);
  return sum + proto + (l4_len >> 16) + (l4_len & 0xffff);
}

// True if the IPv4 header's checksum verifies.
inline bool RefIpv4HeaderOk(const uint8_t* ip) {
  return RefFold(RefSum(ip, (ip[0] & 0x0f) * 4u)) == 0xffff;
}

// True if the transport checksum of `l4` (l4_len bytes, contiguous) verifies.
inline bool RefL4ChecksumOk(const uint8_t* ip, bool ipv6, uint8_t proto, const uint8_t* l4,
                            size_t l4_len) {
  return RefFold(RefPseudoSum(ip, ipv6, proto, static_cast<uint32_t>(l4_len)) +
                 RefSum(l4, l4_len)) == 0xffff;
}

// --- The builder ---

// What the transport checksum field holds.
enum class L4Csum {
  kFull,     // a complete checksum (a packet on the wire)
  kPartial,  // the folded pseudo-header sum (CHECKSUM_PARTIAL, as a TSO/USO superframe)
  kZero,     // zero (UDP over IPv4 without a checksum)
};

struct Spec {
  bool ipv6 = false;
  uint8_t proto = IPPROTO_TCP;
  std::vector<uint16_t> tags;  // TPIDs of VLAN tags, outermost first (VIDs 100, 101, ...)
  size_t payload = 100;
  uint8_t fill = 0;            // varies the payload bytes
  uint32_t seq = 1000;
  uint32_t ack = 5000;
  uint8_t flags = kTcpAck;
  uint16_t window = 502;
  size_t tcp_options = 0;      // bytes, a multiple of 4 (NOPs then a timestamp pattern)
  size_t ip_options = 0;       // IPv4 only, a multiple of 4 (NOPs)
  uint16_t ip_id = 0x1234;
  uint8_t tos = 0;
  uint8_t ttl = 64;
  uint16_t sport = 40000;
  uint16_t dport = 5201;
  uint8_t src_host = 1;        // last byte of the source address
  uint8_t dst_host = 2;
  uint8_t src_mac = 1;         // last byte of the source MAC
  L4Csum csum = L4Csum::kFull;
};

inline size_t L3Offset(const Spec& s) { return 14 + 4 * s.tags.size(); }
inline size_t IpHeaderLen(const Spec& s) { return s.ipv6 ? 40 : 20 + s.ip_options; }
inline size_t L4Offset(const Spec& s) { return L3Offset(s) + IpHeaderLen(s); }
inline size_t L4HeaderLen(const Spec& s) {
  return s.proto == IPPROTO_TCP ? 20 + s.tcp_options : 8;
}
inline size_t HeaderLen(const Spec& s) { return L4Offset(s) + L4HeaderLen(s); }

inline uint8_t PayloadByte(uint8_t fill, size_t i) {
  return static_cast<uint8_t>(fill + i * 31 + (i >> 8) * 7);
}

inline Bytes Build(const Spec& s) {
  Bytes f(HeaderLen(s) + s.payload, 0);
  uint8_t* p = f.data();
  const uint8_t dst_mac[6] = {0x02, 0, 0, 0, 0, 0x02};
  const uint8_t src_mac[6] = {0x02, 0, 0, 0, 0, s.src_mac};
  for (int i = 0; i < 6; i++) p[i] = dst_mac[i], p[6 + i] = src_mac[i];
  size_t off = 12;
  for (size_t i = 0; i < s.tags.size(); i++, off += 4) {
    Store16(p + off, s.tags[i]);
    Store16(p + off + 2, static_cast<uint16_t>(100 + i));
  }
  Store16(p + off, s.ipv6 ? 0x86dd : 0x0800);

  uint8_t* ip = p + L3Offset(s);
  size_t l4_len = L4HeaderLen(s) + s.payload;
  if (s.ipv6) {
    Store32(ip, 0x60000000u | uint32_t{s.tos} << 20 | 0x12345);  // class, flow label
    Store16(ip + 4, static_cast<uint16_t>(l4_len));
    ip[6] = s.proto;
    ip[7] = s.ttl;
    ip[8] = 0xfd;
    ip[23] = s.src_host;
    ip[24] = 0xfd;
    ip[39] = s.dst_host;
  } else {
    ip[0] = static_cast<uint8_t>(0x40 | IpHeaderLen(s) / 4);
    ip[1] = s.tos;
    Store16(ip + 2, static_cast<uint16_t>(IpHeaderLen(s) + l4_len));
    Store16(ip + 4, s.ip_id);
    Store16(ip + 6, 0x4000);  // DF
    ip[8] = s.ttl;
    ip[9] = s.proto;
    ip[12] = 10, ip[15] = s.src_host;
    ip[16] = 10, ip[19] = s.dst_host;
    for (size_t i = 0; i < s.ip_options; i++) ip[20 + i] = 1;  // NOP
    Store16(ip + 10, static_cast<uint16_t>(~RefFold(RefSum(ip, IpHeaderLen(s)))));
  }

  uint8_t* l4 = p + L4Offset(s);
  Store16(l4, s.sport);
  Store16(l4 + 2, s.dport);
  size_t csum_at;
  if (s.proto == IPPROTO_TCP) {
    Store32(l4 + 4, s.seq);
    Store32(l4 + 8, s.ack);
    l4[12] = static_cast<uint8_t>(L4HeaderLen(s) / 4 << 4);
    l4[13] = s.flags;
    Store16(l4 + 14, s.window);
    for (size_t i = 0; i < s.tcp_options; i++) {
      l4[20 + i] = i + 10 < s.tcp_options ? 1 : static_cast<uint8_t>(0x80 + i);
    }
    csum_at = 16;
  } else {
    Store16(l4 + 4, static_cast<uint16_t>(l4_len));
    csum_at = 6;
  }
  for (size_t i = 0; i < s.payload; i++) l4[L4HeaderLen(s) + i] = PayloadByte(s.fill, i);

  uint64_t pseudo = RefPseudoSum(ip, s.ipv6, s.proto, static_cast<uint32_t>(l4_len));
  switch (s.csum) {
    case L4Csum::kFull: {
      uint16_t c = static_cast<uint16_t>(~RefFold(pseudo + RefSum(l4, l4_len)));
      if (c == 0 && s.proto == IPPROTO_UDP) c = 0xffff;
      Store16(l4 + csum_at, c);
      break;
    }
    case L4Csum::kPartial:
      Store16(l4 + csum_at, RefFold(pseudo));
      break;
    case L4Csum::kZero:
      break;
  }
  return f;
}

// Recomputes the IPv4 header checksum (after a test has edited the header).
inline void FixIpv4Checksum(Bytes& f, const Spec& s) {
  uint8_t* ip = &f[L3Offset(s)];
  Store16(ip + 10, 0);
  Store16(ip + 10, static_cast<uint16_t>(~RefFold(RefSum(ip, IpHeaderLen(s)))));
}

// Recomputes the full transport checksum over the rest of the frame (after an edit).
inline void FixL4Checksum(Bytes& f, const Spec& s) {
  const size_t l4 = L4Offset(s);
  const size_t at = l4 + (s.proto == IPPROTO_TCP ? 16 : 6);
  Store16(&f[at], 0);
  const uint32_t l4_len = static_cast<uint32_t>(f.size() - l4);
  uint16_t c = static_cast<uint16_t>(
      ~RefFold(RefPseudoSum(&f[L3Offset(s)], s.ipv6, s.proto, l4_len) + RefSum(&f[l4], l4_len)));
  if (c == 0 && s.proto == IPPROTO_UDP) c = 0xffff;
  Store16(&f[at], c);
}

// Packet `k` of a Stream of flow `s` whose packets carry `size` payload bytes, as Stream
// builds it before it shortens the last one or sets its PSH.
inline Spec StreamSpec(const Spec& s, size_t k, size_t size) {
  Spec seg = s;
  seg.payload = size;
  seg.fill = static_cast<uint8_t>(s.fill + k * 13);
  seg.seq = s.seq + static_cast<uint32_t>(k * size);
  seg.ip_id = static_cast<uint16_t>(s.ip_id + k);
  return seg;
}

// The consecutive segments of one TCP flow (or datagrams of one UDP flow): `count` packets
// of `size` payload bytes (the last `last_size`), seq and IPv4 ID advancing, PSH on the
// last TCP segment if `push_last`.
inline std::vector<Bytes> Stream(Spec s, size_t count, size_t size, size_t last_size,
                                 bool push_last) {
  std::vector<Bytes> out;
  for (size_t k = 0; k < count; k++) {
    Spec seg = StreamSpec(s, k, size);
    if (k + 1 == count) {
      seg.payload = last_size;
      if (push_last) seg.flags |= kTcpPsh;
    }
    out.push_back(Build(seg));
  }
  return out;
}

// --- Neighbour traffic: ARP and ICMPv6 neighbour discovery ---

struct NeighbourSpec {
  bool ipv6 = false;
  uint16_t op = 1;             // ARP: 1 request, 2 reply; ICMPv6: 135 NS, 136 NA
  std::vector<uint16_t> tags;  // TPIDs of VLAN tags, outermost first
  uint8_t src_mac = 1;         // last byte of the source MAC (02:00:00:00:00:NN)
  uint8_t sender_mac = 0;      // ARP: last byte of the sender hardware address; 0: src_mac's
  uint8_t src_host = 1;        // of the sender address (198.51.100.N, 2001:db8::N); 0: unspecified
  uint8_t target_host = 2;     // of the address asked for or advertised
  uint8_t hop_limit = 255;
};

inline Bytes BuildNeighbour(const NeighbourSpec& s) {
  const size_t l3 = 14 + 4 * s.tags.size();
  Bytes f(l3 + (s.ipv6 ? 40 + 24 : 28), 0);
  uint8_t* p = f.data();
  for (int i = 0; i < 6; i++) p[i] = 0xff;  // broadcast; NS would go to a solicited-node group
  const uint8_t src_mac[6] = {0x02, 0, 0, 0, 0, s.src_mac};
  for (int i = 0; i < 6; i++) p[6 + i] = src_mac[i];
  size_t off = 12;
  for (size_t i = 0; i < s.tags.size(); i++, off += 4) {
    Store16(p + off, s.tags[i]);
    Store16(p + off + 2, static_cast<uint16_t>(100 + i));
  }
  Store16(p + off, s.ipv6 ? 0x86dd : 0x0806);
  uint8_t* l = p + l3;
  if (!s.ipv6) {
    Store16(l, 1);
    Store16(l + 2, 0x0800);
    l[4] = 6, l[5] = 4;
    Store16(l + 6, s.op);
    for (int i = 0; i < 6; i++) l[8 + i] = src_mac[i];
    if (s.sender_mac) l[13] = s.sender_mac;
    if (s.src_host) l[14] = 198, l[15] = 51, l[16] = 100, l[17] = s.src_host;
    l[24] = 198, l[25] = 51, l[26] = 100, l[27] = s.target_host;
    return f;
  }
  Store32(l, 0x60000000u);
  Store16(l + 4, 24);
  l[6] = IPPROTO_ICMPV6;
  l[7] = s.hop_limit;
  if (s.src_host) l[8] = 0x20, l[9] = 0x01, l[10] = 0x0d, l[11] = 0xb8, l[23] = s.src_host;
  uint8_t* target = l + 40 + 8;
  target[0] = 0x20, target[1] = 0x01, target[2] = 0x0d, target[3] = 0xb8;
  target[15] = s.target_host;
  // Destination: the target's solicited-node group for NS, all nodes for NA.
  uint8_t* dst = l + 24;
  dst[0] = 0xff, dst[1] = 0x02;
  if (s.op == 135) dst[11] = 1, dst[12] = 0xff, dst[15] = s.target_host;
  else dst[15] = 1;
  uint8_t* icmp = l + 40;
  icmp[0] = static_cast<uint8_t>(s.op);
  uint64_t sum = RefPseudoSum(l, true, IPPROTO_ICMPV6, 24) + RefSum(icmp, 24);
  Store16(icmp + 2, static_cast<uint16_t>(~RefFold(sum)));
  return f;
}

}  // namespace frames
