#include "offload/udp_coalescer.h"

#include <netinet/in.h>

#include <cstring>

#include "base/byte_order.h"
#include "net/checksum.h"
#include "net/inner_ip.h"
#include "net/ethernet.h"

namespace vtepd {

namespace {
constexpr size_t kUdpHeaderSize = 8;
constexpr size_t kUdpChecksumOffset = 6;
}  // namespace

bool UdpCoalescer::Parse(const uint8_t* frame, size_t len, Parsed* out) {
  InnerIp inner;
  if (!ParseInnerIp(frame, len, IPPROTO_UDP, &inner) || inner.l4_len <= kUdpHeaderSize) return false;
  const uint8_t* udp = frame + inner.l4_off;
  if (Load16(udp + 4) != inner.l4_len) return false;
  // Only datagrams that arrived intact may merge (the kernel trusts a GSO frame's
  // checksums); one sent without a checksum (IPv4 zero) would gain one, so it stays as is.
  if (Load16(udp + kUdpChecksumOffset) == 0) return false;
  const uint8_t* ip = frame + kEthernetHeaderSize;
  uint64_t sum = PseudoHeaderSum(ip, inner.ipv6, IPPROTO_UDP, static_cast<uint32_t>(inner.l4_len));
  if (ChecksumFold(ChecksumAdd(sum, udp, inner.l4_len)) != 0xffff) return false;
  *out = {inner.ipv6, inner.l4_off, inner.l4_len - kUdpHeaderSize};
  return true;
}

bool UdpCoalescer::Add(const uint8_t* frame, size_t len) {
  Parsed p;
  if (!Parse(frame, len, &p)) return false;
  size_t header_len = p.udp_off + kUdpHeaderSize;
  if (!pending()) {
    if (header_len > kMaxHeaders || !Fits(header_len + p.payload)) return false;
    first_ = p;
    Start(frame, header_len, p.payload);
  } else {
    const uint8_t* head = headers();
    if (closed() || segments() == kMaxSegments || p.ipv6 != first_.ipv6 || p.udp_off != first_.udp_off ||
        p.payload > first_.payload || !Fits(p.payload) ||
        length() - first_.udp_off + p.payload > kMaxMergedL4 || !SameInnerIpFlow(frame, head, p.ipv6) ||
        std::memcmp(frame + p.udp_off, head + first_.udp_off, 4) != 0) {  // ports
      return false;
    }
    Append(frame + header_len, p.payload);
  }
  if (p.payload < first_.payload) Close();
  return true;
}

int UdpCoalescer::Finish() {
  VirtioNetHdr hdr{};  // a single datagram goes as it came
  if (segments() > 1) {
    size_t l4_len = length() - first_.udp_off;
    Store16(headers() + first_.udp_off + 4, static_cast<uint16_t>(l4_len));
    // CHECKSUM_PARTIAL: the field holds the pseudo-header sum; the kernel finishes each
    // datagram's checksum as it cuts the superframe.
    uint16_t pseudo = FinishMergedIp(headers(), first_.ipv6, IPPROTO_UDP, l4_len);
    std::memcpy(headers() + first_.udp_off + kUdpChecksumOffset, &pseudo, 2);
    hdr = GsoHeader(VIRTIO_NET_HDR_GSO_UDP_L4, first_.payload, first_.udp_off + kUdpHeaderSize,
                    first_.udp_off, kUdpChecksumOffset);
  }
  return Complete(hdr);
}

}  // namespace vtepd
