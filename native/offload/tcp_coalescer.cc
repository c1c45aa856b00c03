#include "offload/tcp_coalescer.h"

#include <netinet/in.h>

#include <cstring>

#include "base/byte_order.h"
#include "net/checksum.h"
#include "net/inner_ip.h"
#include "net/ethernet.h"
#include "net/tcp_header.h"

namespace vtepd {

bool TcpCoalescer::Parse(const uint8_t* frame, size_t len, Parsed* out) {
  InnerIp inner;
  if (!ParseInnerIp(frame, len, IPPROTO_TCP, &inner) || inner.l4_len < 20) return false;
  const uint8_t* ip = frame + kEthernetHeaderSize;
  size_t l4_len = inner.l4_len;
  out->ipv6 = inner.ipv6;
  out->tcp_off = inner.l4_off;
  const uint8_t* tcp = frame + out->tcp_off;
  size_t tcp_len = (tcp[12] >> 4) * 4u;
  if (tcp_len < 20 || tcp_len >= l4_len) return false;  // header only: nothing to merge
  out->flags = tcp[kTcpFlagsOffset];
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
  if (closed() || p.ipv6 != first_.ipv6 || p.header_len != first_.header_len) return false;
  if (p.seq != next_seq_ || p.payload > first_.payload) return false;
  if (!Fits(p.payload) || length() - first_.tcp_off + p.payload > kMaxMergedL4) return false;
  const uint8_t* head = headers();
  if (!SameInnerIpFlow(frame, head, p.ipv6)) return false;
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
  if (!pending()) {
    if (p.header_len > kMaxHeaders || !Fits(p.header_len + p.payload)) return false;
    first_ = p;
    Start(frame, p.header_len, p.payload);
  } else {
    if (!Continues(frame, p)) return false;
    Append(frame + p.header_len, p.payload);
  }
  next_seq_ = p.seq + static_cast<uint32_t>(p.payload);
  if (p.payload < first_.payload || (p.flags & kTcpPsh)) {
    Close();
    headers()[first_.tcp_off + kTcpFlagsOffset] |= p.flags & kTcpPsh;
  }
  return true;
}

int TcpCoalescer::Finish() {
  VirtioNetHdr hdr{};  // a single segment goes as it came
  if (segments() > 1) {
    // The kernel takes a GSO frame as CHECKSUM_PARTIAL: the field holds the pseudo-header sum.
    uint16_t pseudo = FinishMergedIp(headers(), first_.ipv6, IPPROTO_TCP, length() - first_.tcp_off);
    std::memcpy(headers() + first_.tcp_off + kTcpChecksumOffset, &pseudo, 2);
    hdr = GsoHeader(first_.ipv6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4,
                    first_.payload, first_.header_len, first_.tcp_off, kTcpChecksumOffset);
  }
  return Complete(hdr);
}

}  // namespace vtepd
