// The round trip both coalescer harnesses check. Input: packets (packet_list.h), fed to the
// coalescer as the receive path does (refused: finish the pending superframe and offer the
// packet again; refused again: it goes as it is). Each superframe, cut again by the
// segmenter at its virtio-net header, must give back the packets that made it, byte for
// byte but for what a merge may renumber or recompute: the IPv4 ID (segments number up from
// the first) and the IPv4 header and TCP/UDP checksums (which must verify, against the
// reference of frames.h), Ethernet padding past the IP length, which a merge drops, and the
// TCP urgent pointer, meaningless without URG (never merged), which the kernel's GRO
// ignores too: segments get the first one's.
#pragma once

#include <netinet/in.h>

#include <vector>

#include "frames.h"
#include "fuzz_check.h"
#include "offload_util.h"
#include "packet_list.h"

namespace fuzz {

namespace detail {

// The frame without Ethernet padding: through the end of its IP packet. The coalescers only
// take untagged frames without IP options.
inline Bytes Unpadded(const Bytes& frame) {
  const bool ipv6 = frames::Load16(frame.data() + 12) == 0x86dd;
  const uint8_t* ip = frame.data() + 14;
  size_t keep = 14 + (ipv6 ? 40 + frames::Load16(ip + 4) : frames::Load16(ip + 2));
  FUZZ_CHECK(keep <= frame.size());
  return Bytes(frame.begin(), frame.begin() + keep);
}

// What a packet should come back as: unpadded, the fields a merge may change zeroed.
inline Bytes Comparable(const Bytes& frame) {
  Bytes out = Unpadded(frame);
  const bool ipv6 = frames::Load16(out.data() + 12) == 0x86dd;
  const uint8_t* ip = out.data() + 14;
  uint8_t* l4 = out.data() + (ipv6 ? 54 : 34);
  if (!ipv6) out[18] = out[19] = out[24] = out[25] = 0;  // ID, header checksum
  uint8_t proto = ipv6 ? ip[6] : ip[9];
  size_t csum_at = proto == IPPROTO_TCP ? 16 : 6;
  l4[csum_at] = l4[csum_at + 1] = 0;
  if (proto == IPPROTO_TCP) l4[18] = l4[19] = 0;
  return out;
}

inline void CheckChecksums(const Bytes& seg) {
  const bool ipv6 = frames::Load16(seg.data() + 12) == 0x86dd;
  const uint8_t* ip = seg.data() + 14;
  if (!ipv6) FUZZ_CHECK(frames::RefIpv4HeaderOk(ip));
  const size_t l4 = ipv6 ? 54 : 34;
  FUZZ_CHECK(frames::RefL4ChecksumOk(ip, ipv6, ipv6 ? ip[6] : ip[9], seg.data() + l4,
                                     seg.size() - l4));
}

template <typename Coalescer>
void CheckSuperframe(Coalescer& c, const std::vector<const Bytes*>& run) {
  frames::Merged m = frames::Take(c);
  if (run.size() == 1) {
    FUZZ_CHECK(m.hdr.gso_type == vtepd::VIRTIO_NET_HDR_GSO_NONE);
    FUZZ_CHECK(m.frame == Unpadded(*run[0]));
    return;
  }
  std::vector<Bytes> segs = frames::Cut(m.frame, m.hdr);
  FUZZ_CHECK(segs.size() == run.size());
  for (size_t k = 0; k < segs.size(); k++) {
    CheckChecksums(segs[k]);
    FUZZ_CHECK(Comparable(segs[k]) == Comparable(*run[k]));
  }
}

}  // namespace detail

template <typename Coalescer>
void CoalesceRoundTrip(const uint8_t* data, size_t size) {
  const std::vector<Bytes> packets = SplitPackets(data, size);
  Coalescer c;
  std::vector<const Bytes*> run;  // the packets in the pending superframe
  for (const Bytes& p : packets) {
    if (c.Add(p.data(), p.size())) {
      run.push_back(&p);
      continue;
    }
    if (!run.empty()) {
      detail::CheckSuperframe(c, run);
      run.clear();
    }
    if (c.Add(p.data(), p.size())) run.push_back(&p);
  }
  if (!run.empty()) detail::CheckSuperframe(c, run);
  FUZZ_CHECK(!c.pending());
}

}  // namespace fuzz
