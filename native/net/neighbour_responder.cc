#include "net/neighbour_responder.h"

#include <netinet/in.h>

#include <cstring>

#include "base/byte_order.h"
#include "net/checksum.h"
#include "net/ethernet.h"
#include "net/neighbour_wire.h"

namespace vtepd {

namespace {

constexpr uint16_t kRarpRequest = 3;
constexpr uint16_t kRarpReply = 4;
constexpr size_t kNaSize = kNdSize + 8;  // with the target link-layer address option
constexpr uint8_t kOptionSourceLinkLayer = 1;
constexpr uint8_t kOptionTargetLinkLayer = 2;
constexpr uint8_t kNaRouter = 0x80;
constexpr uint8_t kNaSolicited = 0x40;
constexpr uint8_t kNaOverride = 0x20;

// The reply's Ethernet header (and the request's VLAN tag, if any): returns where its
// payload starts.
uint8_t* ReplyHeader(const uint8_t* frame, size_t l3, MacAddress dst, MacAddress src,
                     uint16_t ethertype, NeighbourReply* reply) {
  uint8_t* p = reply->bytes;
  WriteMac(p, dst);
  WriteMac(p + 6, src);
  std::memcpy(p + 12, frame + 12, l3 - kEthernetHeaderSize);  // the tag, TPID and TCI
  Store16(p + l3 - 2, ethertype);
  return p + l3;
}

bool Ipv4Answerable(const uint8_t* ip) {
  return ip[0] != 127 && (ip[0] & 0xf0) != 0xe0;  // not loopback, not multicast
}

NeighbourVerdict Arp(const uint8_t* frame, size_t l3, size_t len, const NeighbourTable& table,
                     NeighbourReply* reply) {
  if (len < l3 + kArpSize) return NeighbourVerdict::kPass;
  const uint8_t* arp = frame + l3;
  uint16_t hardware = Load16(arp);
  if ((hardware != 1 && hardware != 6) || Load16(arp + 2) != kEtherTypeIpv4 || arp[4] != 6 ||
      arp[5] != 4) {
    return NeighbourVerdict::kPass;
  }
  uint16_t op = Load16(arp + 6);
  const uint8_t* sha = arp + 8;
  const uint8_t* sip = arp + 14;
  const uint8_t* tip = arp + 24;
  if (!Ipv4Answerable(tip)) return NeighbourVerdict::kPass;
  // Gratuitous ARP and probes (RFC 5227) announce, ask nobody: not flooded.
  if (op != kRarpRequest && op != kRarpReply && (sip[0] == 0 || std::memcmp(sip, tip, 4) == 0)) {
    return NeighbourVerdict::kSuppress;
  }
  if (op != kArpRequest) return NeighbourVerdict::kPass;
  MacAddress requester = ReadMac(sha);
  if (!IsValidSourceMac(requester)) return NeighbourVerdict::kPass;
  const NeighbourAnswer* answer = table.Find(AF_INET, tip);
  if (!answer) return NeighbourVerdict::kPass;
  // As the kernel's arp_create(ARPOP_REPLY, ..., dest_ip = sip, src_ip = tip, dest_hw = sha,
  // src_hw = the answer, target_hw = sha).
  uint8_t* out = ReplyHeader(frame, l3, requester, answer->mac, kEtherTypeArp, reply);
  std::memcpy(out, arp, 6);  // hardware and protocol types and lengths
  Store16(out + 6, kArpReply);
  WriteMac(out + 8, answer->mac);
  std::memcpy(out + 14, tip, 4);
  std::memcpy(out + 18, sha, 6);
  std::memcpy(out + 24, sip, 4);
  reply->len = l3 + kArpSize;
  return NeighbourVerdict::kArpReply;
}

bool Ipv6Unspecified(const uint8_t* a) {
  static const uint8_t kZero[16] = {};
  return std::memcmp(a, kZero, 16) == 0;
}

NeighbourVerdict Nd(const uint8_t* frame, size_t l3, size_t len, const NeighbourTable& table,
                    NeighbourReply* reply) {
  const uint8_t* ip = frame + l3;
  size_t payload;
  const uint8_t* icmp = NeighbourDiscovery(ip, len - l3, &payload);
  if (!icmp) return NeighbourVerdict::kPass;
  if (icmp[0] == kNeighbourAdvertisement) {
    // Unsolicited advertisements announce: not flooded.
    return icmp[4] & kNaSolicited ? NeighbourVerdict::kPass : NeighbourVerdict::kSuppress;
  }
  if (icmp[0] != kNeighbourSolicitation) return NeighbourVerdict::kPass;
  const uint8_t* source = ip + 8;
  const uint8_t* destination = ip + 24;
  const uint8_t* target = icmp + 8;
  // Duplicate address detection (RFC 4862): not flooded.
  if (Ipv6Unspecified(source) || std::memcmp(source, destination, 16) == 0) {
    return NeighbourVerdict::kSuppress;
  }
  if (target[0] == 0xff) return NeighbourVerdict::kPass;  // a multicast target is invalid
  // The reply goes to the source link-layer address option's MAC, else the frame's source.
  MacAddress requester = EthernetSource(frame);
  for (size_t at = kNdSize; at < payload;) {
    if (payload - at < 2 || icmp[at + 1] == 0) return NeighbourVerdict::kPass;  // malformed
    size_t option = size_t{icmp[at + 1]} * 8;
    if (option > payload - at) return NeighbourVerdict::kPass;
    if (icmp[at] == kOptionSourceLinkLayer && option == 8) requester = ReadMac(icmp + at + 2);
    at += option;
  }
  if (!IsValidSourceMac(requester)) return NeighbourVerdict::kPass;
  const NeighbourAnswer* answer = table.Find(AF_INET6, target);
  if (!answer) return NeighbourVerdict::kPass;
  // As the kernel's br_nd_send: to the requester from the target, the request's priority,
  // Solicited and Override set, Router as the entry says.
  uint8_t* out = ReplyHeader(frame, l3, requester, answer->mac, kEtherTypeIpv6, reply);
  std::memset(out, 0, kIpv6HeaderSize + kNaSize);
  out[0] = static_cast<uint8_t>(0x60 | (ip[0] & 0x0f));
  Store16(out + 4, kNaSize);
  out[6] = IPPROTO_ICMPV6;
  out[7] = 255;
  std::memcpy(out + 8, target, 16);
  std::memcpy(out + 24, source, 16);
  uint8_t* na = out + kIpv6HeaderSize;
  na[0] = kNeighbourAdvertisement;
  na[4] = static_cast<uint8_t>(kNaSolicited | kNaOverride | (answer->router ? kNaRouter : 0));
  std::memcpy(na + 8, target, 16);
  na[24] = kOptionTargetLinkLayer;
  na[25] = 1;
  WriteMac(na + 26, answer->mac);
  StoreChecksum(na + 2, ChecksumAdd(PseudoHeaderSum(out, true, IPPROTO_ICMPV6, kNaSize), na, kNaSize));
  reply->len = l3 + kIpv6HeaderSize + kNaSize;
  return NeighbourVerdict::kNaReply;
}

}  // namespace

NeighbourVerdict AnswerNeighbour(const uint8_t* frame, size_t len, const NeighbourTable& table,
                                 NeighbourReply* reply) {
  auto [ethertype, l3] = NeighbourPayload(frame, len);
  if (ethertype == kEtherTypeArp) return Arp(frame, l3, len, table, reply);
  if (ethertype == kEtherTypeIpv6) return Nd(frame, l3, len, table, reply);
  return NeighbourVerdict::kPass;
}

}  // namespace vtepd
