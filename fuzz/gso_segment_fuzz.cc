// TSO/USO segment planning. Input: a virtio-net header as the TAP puts it before a frame,
// then the frame. Whatever the two say, planning and cutting stay inside the frame; a
// planned cut gives segments whose payloads tile the frame's, whose IP lengths say what
// they carry, and whose IPv4 header and TCP/UDP checksums verify against the reference
// (frames.h); the encapsulation room in front of each is left alone. A partial checksum
// finished in place verifies too.
#include <cstring>
#include <vector>

#include "frames.h"
#include "fuzz_check.h"
#include "offload/gso_segmenter.h"
#include "offload_util.h"

using namespace vtepd;

namespace {

void CheckSegments(const std::vector<uint8_t>& frame, const VirtioNetHdr& hdr, size_t prefix) {
  SegmentLayout layout;
  if (!PlanSegments(hdr, frame.data(), frame.size(), &layout)) return;
  FUZZ_CHECK(layout.segments >= 1 && layout.header_len < frame.size());
  FUZZ_CHECK((layout.segments - 1) * layout.mss + layout.last_payload + layout.header_len ==
             frame.size());
  bool intact = false;
  std::vector<frames::Bytes> segs = frames::Cut(frame, hdr, prefix, &intact);
  FUZZ_CHECK(segs.size() == layout.segments && intact);
  const size_t l3 = layout.l3_offset;
  const bool ipv6 = (frame[l3] >> 4) == 6;
  const size_t l4 = hdr.csum_start;
  const uint8_t proto = layout.udp ? IPPROTO_UDP : IPPROTO_TCP;
  for (size_t k = 0; k < segs.size(); k++) {
    const frames::Bytes& s = segs[k];
    FUZZ_CHECK(s.size() == layout.header_len + SegmentPayloadLength(layout, k));
    FUZZ_CHECK(std::memcmp(s.data() + layout.header_len, SegmentPayload(frame.data(), layout, k),
                           s.size() - layout.header_len) == 0);
    const uint8_t* ip = s.data() + l3;
    if (s.size() - l3 > 65535) continue;  // no IP length can say it; the kernel never asks
    if (ipv6) {
      FUZZ_CHECK(frames::Load16(ip + 4) == s.size() - l3 - 40);
    } else {
      FUZZ_CHECK(frames::Load16(ip + 2) == s.size() - l3);
      FUZZ_CHECK(frames::RefIpv4HeaderOk(ip));
    }
    FUZZ_CHECK(frames::RefL4ChecksumOk(ip, ipv6, proto, s.data() + l4, s.size() - l4));
  }
}

void CheckPartialChecksum(std::vector<uint8_t> frame, const VirtioNetHdr& hdr) {
  const size_t start = hdr.csum_start, at = start + hdr.csum_offset;
  const bool fits = start < frame.size() && at + 2 <= frame.size();
  const uint16_t pseudo = fits ? frames::Load16(&frame[at]) : 0;
  FUZZ_CHECK(FinishPartialChecksum(frame.data(), frame.size(), start, hdr.csum_offset) == fits);
  // An odd offset puts the field across two 16-bit words: no kernel asks for one.
  if (!fits || hdr.csum_offset % 2) return;
  // The field held the pseudo-header sum: with it, the finished bytes sum to ~0.
  FUZZ_CHECK(frames::RefFold(frames::RefSum(&frame[start], frame.size() - start) + pseudo) ==
             0xffff);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < kVirtioNetHdrSize) return 0;
  VirtioNetHdr hdr;
  std::memcpy(&hdr, data, sizeof hdr);
  std::vector<uint8_t> frame(data + kVirtioNetHdrSize, data + size);
  CheckSegments(frame, hdr, hdr.hdr_len % 64);
  CheckPartialChecksum(frame, hdr);
  return 0;
}
