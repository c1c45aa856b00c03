// Drives the offload units for the tests: Cut runs the segmenter (offload/gso_segmenter.h)
// over a superframe and returns each segment as one contiguous frame (its headers as
// written, then its payload slice); Take finishes a coalescer and gathers its superframe.
// Then the checks the TCP and UDP coalescer tests share, for either coalescer.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <vector>

#include "check.h"
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
    Store16(ip + 4, static_cast<uint16_t>(l4_len));
  } else {
    Store16(ip + 2, static_cast<uint16_t>(IpHeaderLen(s) + l4_len));
    FixIpv4Checksum(out, s);
  }
  if (s.proto == IPPROTO_TCP) {
    for (const Bytes& seg : segs) out[l4 + 13] |= seg[l4 + 13] & kTcpPsh;
    Store16(&out[l4 + 16], RefFold(RefPseudoSum(ip, s.ipv6, s.proto, l4_len)));
  } else {
    Store16(&out[l4 + 4], static_cast<uint16_t>(l4_len));
    Store16(&out[l4 + 6], RefFold(RefPseudoSum(ip, s.ipv6, s.proto, l4_len)));
  }
  return out;
}

inline bool SameHeader(const vtepd::VirtioNetHdr& a, const vtepd::VirtioNetHdr& b) {
  return a.flags == b.flags && a.gso_type == b.gso_type && a.hdr_len == b.hdr_len &&
         a.gso_size == b.gso_size && a.csum_start == b.csum_start &&
         a.csum_offset == b.csum_offset;
}

// Offers `packets` in order until the coalescer refuses one; returns how many it took.
template <typename Coalescer>
size_t AddUntilRefused(Coalescer& c, const std::vector<Bytes>& packets) {
  size_t taken = 0;
  while (taken < packets.size() && c.Add(packets[taken].data(), packets[taken].size())) taken++;
  return taken;
}

// --- Checks shared by the coalescer tests ---

using SpecChange = std::function<void(Spec&)>;
using FrameEdit = std::function<void(Bytes&, const Spec&)>;

// Changes that put a packet of flow `s` in another flow, for either protocol and family:
// ports, addresses, source MAC, TOS (traffic class), IP version.
inline const std::vector<SpecChange>& OtherFlowChanges() {
  static const std::vector<SpecChange> changes = {
      [](Spec& t) { t.sport++; },    [](Spec& t) { t.dport++; },
      [](Spec& t) { t.src_host++; }, [](Spec& t) { t.dst_host++; },
      [](Spec& t) { t.src_mac++; },  [](Spec& t) { t.tos = 4; },
      [](Spec& t) { t.ipv6 = !t.ipv6; },
  };
  return changes;
}

// Offers `packets` of flow `s` until the coalescer refuses one and checks the superframe
// the ones it took make. Returns how many it took; the superframe goes to `out` (if given).
template <typename Coalescer>
size_t CheckMergesUntilRefused(const Spec& s, std::vector<Bytes> packets,
                               Merged* out = nullptr) {
  Coalescer c;
  const size_t taken = AddUntilRefused(c, packets);
  Merged m = Take(c);
  if (!CHECK(taken > 0)) return 0;
  packets.resize(taken);
  CHECK_BYTES(m.frame, ExpectedMerge(packets, s));
  if (out) *out = std::move(m);
  return taken;
}

// Feeds `packets` of flow `s` (all must be taken) and checks the one superframe they make,
// cut at the first packet's payload size. False if a packet was refused; else the
// superframe goes to `out` (if given) for further checks.
template <typename Coalescer>
bool CheckAllMerge(const Spec& s, const std::vector<Bytes>& packets, Merged* out = nullptr) {
  Coalescer c;
  for (const Bytes& p : packets) {
    if (!CHECK(c.Add(p.data(), p.size()))) return false;
  }
  CHECK(c.pending());
  Merged m = Take(c);
  CHECK(!c.pending());
  CHECK(SameHeader(m.hdr, TsoHeader(s, static_cast<uint16_t>(packets[0].size() - HeaderLen(s)))));
  CHECK_BYTES(m.frame, ExpectedMerge(packets, s));
  if (out) *out = std::move(m);
  return true;
}

// Starts a superframe with the first packet of a Stream of flow `s` (`size` payload bytes
// each) and offers `bad`: the second packet with one difference (`change` to its spec, or
// `edit` to its bytes), which must be refused without disturbing the superframe: the right
// second packet still joins.
template <typename Coalescer>
void CheckSecondRefused(const Spec& s, size_t size, const SpecChange& change,
                        const FrameEdit& edit) {
  std::vector<Bytes> packets = Stream(s, 2, size, size, false);
  Spec t = StreamSpec(s, 1, size);
  change(t);
  Bytes bad = Build(t);
  if (edit) edit(bad, t);
  Coalescer c;
  CHECK(c.Add(packets[0].data(), packets[0].size()));
  CHECK(!c.Add(bad.data(), bad.size()));
  CHECK(c.Add(packets[1].data(), packets[1].size()));
  Merged m = Take(c);
  CHECK(SameHeader(m.hdr, TsoHeader(s, static_cast<uint16_t>(size))));
  CHECK_BYTES(m.frame, ExpectedMerge(packets, s));
}

// Flow `s` with `change` made: its packet does not start a superframe.
template <typename Coalescer>
void CheckStartRefused(const Spec& s, const SpecChange& change) {
  Spec t = s;
  change(t);
  Bytes f = Build(t);
  Coalescer c;
  CHECK(!c.Add(f.data(), f.size()));
  CHECK(!c.pending());
}

// A lone packet of flow `s` comes out as it went in, with no GSO, and leaves nothing behind.
template <typename Coalescer>
void CheckSingleAsItCame(const Spec& s) {
  Bytes f = Build(s);
  Coalescer c;
  CHECK(c.Add(f.data(), f.size()));
  Merged m = Take(c);
  CHECK_EQ(m.hdr.gso_type, vtepd::VIRTIO_NET_HDR_GSO_NONE);
  CHECK_EQ(m.hdr.flags, 0);
  CHECK_BYTES(m.frame, f);
  CHECK_EQ(c.Finish(), 0);
}

// Superframe -> segmenter -> coalescer gives back the superframe `s` (built as the kernel
// hands it over, CHECKSUM_PARTIAL) byte for byte, and the virtio-net header the kernel
// would need to cut it again at `mss`. It must cut into 2 to `max_segments` packets.
template <typename Coalescer>
void CheckSegmentThenCoalesce(Spec s, uint16_t mss, size_t max_segments = SIZE_MAX) {
  s.csum = L4Csum::kPartial;
  const Bytes super = Build(s);
  std::vector<Bytes> segs = Cut(super, TsoHeader(s, mss));
  if (!CHECK(segs.size() > 1 && segs.size() <= max_segments)) return;
  Coalescer c;
  CHECK_EQ(AddUntilRefused(c, segs), segs.size());
  Merged m = Take(c);
  CHECK(SameHeader(m.hdr, TsoHeader(s, mss)));
  CHECK_BYTES(m.frame, super);
}

// Packets on the wire -> coalescer -> segmenter gives back the same packets byte for byte.
template <typename Coalescer>
void CheckCoalesceThenSegment(const std::vector<Bytes>& packets) {
  Coalescer c;
  for (const Bytes& p : packets) CHECK(c.Add(p.data(), p.size()));
  Merged m = Take(c);
  std::vector<Bytes> again = Cut(m.frame, m.hdr);
  if (!CHECK_EQ(again.size(), packets.size())) return;
  for (size_t i = 0; i < packets.size(); i++) CHECK_BYTES(again[i], packets[i]);
}

}  // namespace frames
