#include "tcp_segmenter.h"

#include <arpa/inet.h>

#include <cstring>

#include "byte_order.h"
#include "checksum.h"
#include "mac_address.h"

namespace vtepd {

namespace {

constexpr uint8_t kTcpFin = 0x01;
constexpr uint8_t kTcpPsh = 0x08;
constexpr uint8_t kTcpCwr = 0x80;

}  // namespace

bool FinishPartialChecksum(uint8_t* frame, size_t len, size_t csum_start, size_t csum_offset) {
  if (csum_start >= len || csum_start + csum_offset + 2 > len) return false;
  StoreChecksum(frame + csum_start + csum_offset, ChecksumAdd(0, frame + csum_start, len - csum_start));
  return true;
}

bool PlanTcpSegments(const VirtioNetHdr& hdr, const uint8_t* frame, size_t len,
                     SegmentLayout* layout) {
  uint8_t gso = hdr.gso_type & ~VIRTIO_NET_HDR_GSO_ECN;
  bool ipv6 = gso == VIRTIO_NET_HDR_GSO_TCPV6;
  if (!ipv6 && gso != VIRTIO_NET_HDR_GSO_TCPV4) return false;
  if (len < kEthernetHeaderSize + 20 || hdr.gso_size == 0) return false;
  const uint8_t* ip = frame + kEthernetHeaderSize;
  size_t ip_len = ipv6 ? 40 : (ip[0] & 0x0f) * 4u;
  if ((ip[0] >> 4) != (ipv6 ? 6 : 4) || ip_len < 20) return false;
  if ((ipv6 ? ip[6] : ip[9]) != IPPROTO_TCP) return false;  // no IPv6 extension headers
  size_t tcp_off = kEthernetHeaderSize + ip_len;
  if (hdr.csum_start != tcp_off || len < tcp_off + 20) return false;
  size_t tcp_len = (frame[tcp_off + 12] >> 4) * 4u;
  size_t header_len = tcp_off + tcp_len;
  if (tcp_len < 20 || len <= header_len) return false;
  size_t payload = len - header_len;
  layout->header_len = header_len;
  layout->mss = hdr.gso_size;
  layout->segments = (payload + layout->mss - 1) / layout->mss;
  layout->last_payload = payload - (layout->segments - 1) * layout->mss;
  return true;
}

void WriteTcpSegments(const uint8_t* frame, const SegmentLayout& layout, size_t prefix,
                      uint8_t* out) {
  const size_t stride = prefix + layout.header_len + layout.mss;
  const bool ipv6 = (frame[kEthernetHeaderSize] >> 4) == 6;
  const size_t ip_len = ipv6 ? 40 : (frame[kEthernetHeaderSize] & 0x0f) * 4u;
  const size_t tcp_off = kEthernetHeaderSize + ip_len;
  const size_t tcp_len = layout.header_len - tcp_off;
  const uint32_t seq0 = Load32(frame + tcp_off + 4);
  const uint16_t id0 = Load16(frame + kEthernetHeaderSize + 4);
  const uint8_t flags = frame[tcp_off + 13];

  for (size_t k = 0; k < layout.segments; k++) {
    bool last = k + 1 == layout.segments;
    size_t payload = last ? layout.last_payload : layout.mss;
    uint8_t* seg = out + k * stride + prefix;
    std::memcpy(seg, frame, layout.header_len);
    std::memcpy(seg + layout.header_len, frame + layout.header_len + k * layout.mss, payload);

    uint8_t* ip = seg + kEthernetHeaderSize;
    uint8_t* tcp = seg + tcp_off;
    if (ipv6) {
      Store16(ip + 4, static_cast<uint16_t>(tcp_len + payload));
    } else {
      Store16(ip + 2, static_cast<uint16_t>(ip_len + tcp_len + payload));
      Store16(ip + 4, static_cast<uint16_t>(id0 + k));
      SetIpv4HeaderChecksum(ip);
    }
    Store32(tcp + 4, seq0 + static_cast<uint32_t>(k * layout.mss));
    uint8_t seg_flags = flags;
    if (!last) seg_flags &= static_cast<uint8_t>(~(kTcpFin | kTcpPsh));
    if (k > 0) seg_flags &= static_cast<uint8_t>(~kTcpCwr);
    tcp[13] = seg_flags;
    tcp[16] = tcp[17] = 0;
    uint64_t sum = PseudoHeaderSum(ip, ipv6, IPPROTO_TCP, static_cast<uint32_t>(tcp_len + payload));
    StoreChecksum(tcp + 16, ChecksumAdd(sum, tcp, tcp_len + payload));
  }
}

}  // namespace vtepd
