#include "offload/gso_segmenter.h"

#include <arpa/inet.h>

#include <cstring>

#include "base/byte_order.h"
#include "net/checksum.h"
#include "net/ethernet.h"
#include "net/tcp_header.h"

namespace vtepd {

bool FinishPartialChecksum(uint8_t* frame, size_t len, size_t csum_start, size_t csum_offset) {
  if (csum_start >= len || csum_start + csum_offset + 2 > len) return false;
  StoreChecksum(frame + csum_start + csum_offset, ChecksumAdd(0, frame + csum_start, len - csum_start));
  return true;
}

bool PlanSegments(const VirtioNetHdr& hdr, const uint8_t* frame, size_t len,
                  SegmentLayout* layout) {
  uint8_t gso = hdr.gso_type & ~VIRTIO_NET_HDR_GSO_ECN;
  bool udp = gso == VIRTIO_NET_HDR_GSO_UDP_L4;
  if (!udp && gso != VIRTIO_NET_HDR_GSO_TCPV4 && gso != VIRTIO_NET_HDR_GSO_TCPV6) return false;
  if (len < kEthernetHeaderSize || hdr.gso_size == 0) return false;
  // VLAN tags stay in the frame (802.1Q over the overlay); every segment repeats them.
  auto [ethertype, l3_off] = FindEthernetPayload(frame, len);
  if (len < l3_off + 20) return false;
  const uint8_t* ip = frame + l3_off;
  // USO says nothing of the IP version; TSO does, and must agree with the header.
  bool ipv6 = udp ? (ip[0] >> 4) == 6 : gso == VIRTIO_NET_HDR_GSO_TCPV6;
  size_t ip_len = ipv6 ? 40 : (ip[0] & 0x0f) * 4u;
  if (ethertype != (ipv6 ? kEtherTypeIpv6 : kEtherTypeIpv4)) return false;
  if ((ip[0] >> 4) != (ipv6 ? 6 : 4) || ip_len < 20) return false;
  // No IPv6 extension headers.
  if ((ipv6 ? ip[6] : ip[9]) != (udp ? IPPROTO_UDP : IPPROTO_TCP)) return false;
  size_t l4_off = l3_off + ip_len;
  if (hdr.csum_start != l4_off || len < l4_off + (udp ? 8 : 20)) return false;
  size_t l4_len = udp ? 8 : (frame[l4_off + 12] >> 4) * 4u;
  size_t header_len = l4_off + l4_len;
  if (l4_len < 8 || (!udp && l4_len < 20) || len <= header_len) return false;
  size_t payload = len - header_len;
  layout->l3_offset = l3_off;
  layout->header_len = header_len;
  layout->udp = udp;
  layout->mss = hdr.gso_size;
  layout->segments = (payload + layout->mss - 1) / layout->mss;
  layout->last_payload = payload - (layout->segments - 1) * layout->mss;
  return true;
}

void WriteSegmentHeaders(const uint8_t* frame, const SegmentLayout& layout, size_t prefix,
                         uint8_t* out) {
  const size_t stride = prefix + layout.header_len;
  const size_t l3_off = layout.l3_offset;
  const bool ipv6 = (frame[l3_off] >> 4) == 6;
  const size_t ip_len = ipv6 ? 40 : (frame[l3_off] & 0x0f) * 4u;
  const size_t l4_off = l3_off + ip_len;
  const size_t l4_len = layout.header_len - l4_off;
  const uint16_t id0 = Load16(frame + l3_off + 4);
  const uint32_t seq0 = layout.udp ? 0 : Load32(frame + l4_off + 4);
  const uint8_t flags = layout.udp ? 0 : frame[l4_off + kTcpFlagsOffset];

  for (size_t k = 0; k < layout.segments; k++) {
    bool last = k + 1 == layout.segments;
    size_t payload = SegmentPayloadLength(layout, k);
    // TCP and UDP headers are a multiple of 4 bytes long, so the payload starts at an even
    // offset and its sum adds to the header's.
    uint64_t payload_sum = ChecksumAdd(0, SegmentPayload(frame, layout, k), payload);
    uint8_t* seg = out + k * stride + prefix;
    std::memcpy(seg, frame, layout.header_len);

    uint8_t* ip = seg + l3_off;
    uint8_t* l4 = seg + l4_off;
    if (ipv6) {
      Store16(ip + 4, static_cast<uint16_t>(l4_len + payload));
    } else {
      Store16(ip + 2, static_cast<uint16_t>(ip_len + l4_len + payload));
      Store16(ip + 4, static_cast<uint16_t>(id0 + k));
      SetIpv4HeaderChecksum(ip);
    }
    uint32_t l4_bytes = static_cast<uint32_t>(l4_len + payload);
    if (layout.udp) {
      Store16(l4 + 4, static_cast<uint16_t>(l4_bytes));
      l4[6] = l4[7] = 0;
      uint64_t sum = PseudoHeaderSum(ip, ipv6, IPPROTO_UDP, l4_bytes) + payload_sum;
      sum = ChecksumAdd(sum, l4, l4_len);
      // A computed zero goes on the wire as all ones (zero means "no checksum").
      if (ChecksumFold(sum) == 0xffff) Store16(l4 + 6, 0xffff);
      else StoreChecksum(l4 + 6, sum);
      continue;
    }
    Store32(l4 + 4, seq0 + static_cast<uint32_t>(k * layout.mss));
    uint8_t seg_flags = flags;
    if (!last) seg_flags &= static_cast<uint8_t>(~(kTcpFin | kTcpPsh));
    if (k > 0) seg_flags &= static_cast<uint8_t>(~kTcpCwr);
    l4[kTcpFlagsOffset] = seg_flags;
    l4[kTcpChecksumOffset] = l4[kTcpChecksumOffset + 1] = 0;
    uint64_t sum = PseudoHeaderSum(ip, ipv6, IPPROTO_TCP, l4_bytes) + payload_sum;
    StoreChecksum(l4 + kTcpChecksumOffset, ChecksumAdd(sum, l4, l4_len));
  }
}

}  // namespace vtepd
