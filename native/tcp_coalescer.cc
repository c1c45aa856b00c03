#include "tcp_coalescer.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "byte_order.h"
#include "checksum.h"
#include "mac_address.h"

namespace vtepd {

namespace {

constexpr uint8_t kTcpAck = 0x10;
constexpr uint8_t kTcpPsh = 0x08;
constexpr size_t kMaxIpPayload = 65535 - 60;  // keeps IPv4 total length and IPv6 payload valid

}  // namespace

bool TcpCoalescer::Parse(const uint8_t* frame, size_t len, Parsed* out) {
  if (len < kEthernetHeaderSize + 40) return false;
  uint16_t ethertype = Load16(frame + 12);
  const uint8_t* ip = frame + kEthernetHeaderSize;
  size_t l4_len;
  if (ethertype == 0x0800) {
    if (ip[0] != 0x45 || ip[9] != IPPROTO_TCP) return false;  // no IP options
    if (Load16(ip + 6) & 0x3fff) return false;                 // MF or fragment offset
    size_t total = Load16(ip + 2);
    if (total < 40 || kEthernetHeaderSize + total > len) return false;
    if (ChecksumFold(ChecksumAdd(0, ip, 20)) != 0xffff) return false;
    out->ipv6 = false;
    out->ip_len = 20;
    l4_len = total - 20;
  } else if (ethertype == 0x86dd) {
    if ((ip[0] >> 4) != 6 || ip[6] != IPPROTO_TCP) return false;  // no extension headers
    size_t payload = Load16(ip + 4);
    if (payload < 20 || kEthernetHeaderSize + 40 + payload > len) return false;
    out->ipv6 = true;
    out->ip_len = 40;
    l4_len = payload;
  } else {
    return false;
  }
  out->tcp_off = kEthernetHeaderSize + out->ip_len;
  const uint8_t* tcp = frame + out->tcp_off;
  size_t tcp_len = (tcp[12] >> 4) * 4u;
  if (tcp_len < 20 || tcp_len >= l4_len) return false;  // header only: nothing to merge
  out->flags = tcp[13];
  if ((out->flags & ~kTcpPsh) != kTcpAck) return false;
  // Only segments that arrived intact may be merged: the merged frame's checksum is left
  // for the kernel to trust (CHECKSUM_PARTIAL), so it is verified here instead.
  uint64_t sum = PseudoHeaderSum(ip, out->ipv6, IPPROTO_TCP, static_cast<uint32_t>(l4_len));
  if (ChecksumFold(ChecksumAdd(sum, tcp, l4_len)) != 0xffff) return false;
  out->header_len = out->tcp_off + tcp_len;
  out->payload = l4_len - tcp_len;
  out->seq = Load32(tcp + 4);
  return true;
}

bool TcpCoalescer::Continues(const uint8_t* frame, const Parsed& p) const {
  if (closed_ || p.ipv6 != first_.ipv6 || p.header_len != first_.header_len) return false;
  if (p.seq != next_seq_ || p.payload > first_.payload) return false;
  if (kVirtioNetHdrSize + length_ + p.payload > capacity_) return false;
  if (length_ - first_.tcp_off + p.payload > kMaxIpPayload) return false;
  const uint8_t* head = buffer_ + kVirtioNetHdrSize;
  const uint8_t* ip = frame + kEthernetHeaderSize;
  const uint8_t* head_ip = head + kEthernetHeaderSize;
  if (std::memcmp(frame, head, kEthernetHeaderSize) != 0) return false;
  if (p.ipv6) {
    // version/class/flow label, next header, hop limit, addresses
    if (std::memcmp(ip, head_ip, 4) != 0 || std::memcmp(ip + 6, head_ip + 6, 34) != 0) return false;
  } else {
    // TOS, flags/fragment, TTL, protocol, addresses (not length, ID or checksum)
    if (ip[1] != head_ip[1] || std::memcmp(ip + 6, head_ip + 6, 4) != 0 ||
        std::memcmp(ip + 12, head_ip + 12, 8) != 0) {
      return false;
    }
  }
  const uint8_t* tcp = frame + p.tcp_off;
  const uint8_t* head_tcp = head + first_.tcp_off;
  // Ports, ack, offset and window, then options byte for byte; flags may differ by PSH.
  if (std::memcmp(tcp, head_tcp, 4) != 0 || std::memcmp(tcp + 8, head_tcp + 8, 5) != 0 ||
      std::memcmp(tcp + 14, head_tcp + 14, 2) != 0 ||
      std::memcmp(tcp + 20, head_tcp + 20, p.header_len - p.tcp_off - 20) != 0) {
    return false;
  }
  return true;
}

bool TcpCoalescer::Add(const uint8_t* frame, size_t len) {
  Parsed p;
  if (!Parse(frame, len, &p)) return false;
  if (segments_ == 0) {
    if (kVirtioNetHdrSize + p.header_len + p.payload > capacity_) return false;
    first_ = p;
    length_ = p.header_len + p.payload;
    std::memcpy(buffer_ + kVirtioNetHdrSize, frame, length_);
  } else {
    if (!Continues(frame, p)) return false;
    std::memcpy(buffer_ + kVirtioNetHdrSize + length_, frame + p.header_len, p.payload);
    length_ += p.payload;
  }
  segments_++;
  next_seq_ = p.seq + static_cast<uint32_t>(p.payload);
  if (p.payload < first_.payload || (p.flags & kTcpPsh)) {
    closed_ = true;
    buffer_[kVirtioNetHdrSize + first_.tcp_off + 13] |= p.flags & kTcpPsh;
  }
  return true;
}

size_t TcpCoalescer::Finish() {
  VirtioNetHdr hdr{};
  uint8_t* frame = buffer_ + kVirtioNetHdrSize;
  if (segments_ > 1) {
    uint8_t* ip = frame + kEthernetHeaderSize;
    size_t l4_len = length_ - first_.tcp_off;
    if (first_.ipv6) {
      Store16(ip + 4, static_cast<uint16_t>(l4_len));
    } else {
      Store16(ip + 2, static_cast<uint16_t>(length_ - kEthernetHeaderSize));
      SetIpv4HeaderChecksum(ip);
    }
    // The kernel takes a GSO frame as CHECKSUM_PARTIAL: the field holds the pseudo-header sum.
    uint16_t pseudo = ChecksumFold(PseudoHeaderSum(ip, first_.ipv6, IPPROTO_TCP,
                                                   static_cast<uint32_t>(l4_len)));
    std::memcpy(frame + first_.tcp_off + 16, &pseudo, 2);
    hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
    hdr.gso_type = first_.ipv6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
    hdr.gso_size = static_cast<uint16_t>(first_.payload);
    hdr.hdr_len = static_cast<uint16_t>(first_.header_len);
    hdr.csum_start = static_cast<uint16_t>(first_.tcp_off);
    hdr.csum_offset = 16;
  }
  std::memcpy(buffer_, &hdr, sizeof hdr);
  size_t total = kVirtioNetHdrSize + length_;
  segments_ = 0;
  length_ = 0;
  closed_ = false;
  return total;
}

}  // namespace vtepd
