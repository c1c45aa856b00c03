// Drives the offload units for the tests: Cut runs the segmenter (offload/gso_segmenter.h)
// over a superframe and returns each segment as one contiguous frame (its headers as
// written, then its payload slice); Take finishes a coalescer and gathers its superframe.
#pragma once

#include <cstring>
#include <vector>

#include "frames.h"
#include "offload/gso_segmenter.h"
#include "offload/superframe.h"

namespace frames {

inline vtepd::VirtioNetHdr TsoHeader(const Spec& s, uint16_t mss) {
  vtepd::VirtioNetHdr hdr{};
  hdr.flags = vtepd::VIRTIO_NET_HDR_F_NEEDS_CSUM;
  hdr.gso_type = s.proto == IPPROTO_UDP ? vtepd::VIRTIO_NET_HDR_GSO_UDP_L4
                 : s.ipv6               ? vtepd::VIRTIO_NET_HDR_GSO_TCPV6
                                        : vtepd::VIRTIO_NET_HDR_GSO_TCPV4;
  hdr.hdr_len = static_cast<uint16_t>(HeaderLen(s));
  hdr.gso_size = mss;
  hdr.csum_start = static_cast<uint16_t>(L4Offset(s));
  hdr.csum_offset = s.proto == IPPROTO_UDP ? 6 : 16;
  return hdr;
}

// Empty if PlanSegments refuses the superframe. `prefix_intact` (if given) says whether the
// prefix bytes before each segment's headers were left as they were.
inline std::vector<Bytes> Cut(const Bytes& frame, const vtepd::VirtioNetHdr& hdr,
                              size_t prefix = 0, bool* prefix_intact = nullptr) {
  vtepd::SegmentLayout layout;
  if (!vtepd::PlanSegments(hdr, frame.data(), frame.size(), &layout)) return {};
  const size_t stride = prefix + layout.header_len;
  Bytes out(layout.segments * stride, 0xa5);
  vtepd::WriteSegmentHeaders(frame.data(), layout, prefix, out.data());
  std::vector<Bytes> segments;
  bool intact = true;
  for (size_t k = 0; k < layout.segments; k++) {
    const uint8_t* block = out.data() + k * stride;
    for (size_t i = 0; i < prefix; i++) intact = intact && block[i] == 0xa5;
    Bytes seg(block + prefix, block + stride);
    const uint8_t* payload = vtepd::SegmentPayload(frame.data(), layout, k);
    seg.insert(seg.end(), payload, payload + vtepd::SegmentPayloadLength(layout, k));
    segments.push_back(std::move(seg));
  }
  if (prefix_intact) *prefix_intact = intact;
  return segments;
}

struct Merged {
  int iovecs;
  vtepd::VirtioNetHdr hdr;
  Bytes frame;
};

// Finishes a coalescer's pending superframe (Finish()) and gathers its iovecs.
template <typename Coalescer>
Merged Take(Coalescer& c) {
  Merged m{};
  m.iovecs = c.Finish();
  Bytes all;
  for (int i = 0; i < m.iovecs; i++) {
    const uint8_t* base = static_cast<const uint8_t*>(c.iov()[i].iov_base);
    all.insert(all.end(), base, base + c.iov()[i].iov_len);
  }
  if (all.size() >= sizeof m.hdr) {
    std::memcpy(&m.hdr, all.data(), sizeof m.hdr);
    m.frame.assign(all.begin() + sizeof m.hdr, all.end());
  }
  return m;
}

// What a coalescer should make of `segs` (packets of flow `s`, untagged): the first one's
// headers, with IP length (and IPv4 header checksum) and UDP length covering all payloads,
// the PSH of any TCP segment, and the transport checksum field holding the folded
// pseudo-header sum (CHECKSUM_PARTIAL); then every payload in order.
inline Bytes ExpectedMerge(const std::vector<Bytes>& segs, const Spec& s) {
  const size_t l3 = L3Offset(s), l4 = L4Offset(s), hl = HeaderLen(s);
  Bytes out(segs[0].begin(), segs[0].begin() + hl);
  for (const Bytes& seg : segs) out.insert(out.end(), seg.begin() + hl, seg.end());
  const uint32_t l4_len = static_cast<uint32_t>(out.size() - l4);
  uint8_t* ip = &out[l3];
  if (s.ipv6) {
    Put16(ip + 4, l4_len);
  } else {
    Put16(ip + 2, static_cast<uint32_t>(IpHeaderLen(s) + l4_len));
    FixIpv4Checksum(out, s);
  }
  if (s.proto == IPPROTO_TCP) {
    for (const Bytes& seg : segs) out[l4 + 13] |= seg[l4 + 13] & kPsh;
    Put16(&out[l4 + 16], RefFold(RefPseudoSum(ip, s.ipv6, s.proto, l4_len)));
  } else {
    Put16(&out[l4 + 4], l4_len);
    Put16(&out[l4 + 6], RefFold(RefPseudoSum(ip, s.ipv6, s.proto, l4_len)));
  }
  return out;
}

inline bool SameHeader(const vtepd::VirtioNetHdr& a, const vtepd::VirtioNetHdr& b) {
  return a.flags == b.flags && a.gso_type == b.gso_type && a.hdr_len == b.hdr_len &&
         a.gso_size == b.gso_size && a.csum_start == b.csum_start &&
         a.csum_offset == b.csum_offset;
}

}  // namespace frames
