// UDP coalescing (offload/udp_coalescer.h): equal-sized, intact datagrams of one flow merge
// into one USO superframe (the last may be shorter); anything else stops the merge. Round
// trips through the segmenter (offload/gso_segmenter.h) in both directions.
#include "offload/udp_coalescer.h"

#include <functional>

#include "check.h"
#include "frames.h"
#include "net/inner_ip.h"  // kMaxMergedL4
#include "offload/gso_segmenter.h"
#include "offload_util.h"

using namespace frames;
using vtepd::UdpCoalescer;

namespace {

constexpr size_t kSize = 1200;

Spec UdpSpec(bool ipv6 = false) {
  Spec s;
  s.proto = IPPROTO_UDP;
  s.ipv6 = ipv6;
  s.sport = 33333;
  s.dport = 4433;
  return s;
}

void CheckMerges(const Spec& s, const std::vector<Bytes>& dgrams) {
  Merged m{};
  if (!CheckAllMerge<UdpCoalescer>(s, dgrams, &m)) return;
  CHECK_EQ(m.hdr.gso_type, vtepd::VIRTIO_NET_HDR_GSO_UDP_L4);
  CHECK_EQ(m.hdr.csum_offset, 6);
}

// The second datagram, changed, is refused; the right one still joins.
void CheckRefused(const Spec& s, const SpecChange& change, const FrameEdit& edit = nullptr) {
  CheckSecondRefused<UdpCoalescer>(s, kSize, change, edit);
}

}  // namespace

TEST(udp_coalescer_merges) {
  for (bool ipv6 : {false, true}) {
    Spec s = UdpSpec(ipv6);
    CheckMerges(s, Stream(s, 5, kSize, 300, false));
    CheckMerges(s, Stream(s, 3, kSize, kSize, false));
    CheckMerges(s, Stream(s, 2, 1, 1, false));
    CheckMerges(s, Stream(s, 9, 1001, 1, false));
  }
}

TEST(udp_coalescer_single_datagram_goes_as_it_came) {
  CheckSingleAsItCame<UdpCoalescer>(UdpSpec());
}

TEST(udp_coalescer_at_most_64_datagrams) {
  Spec s = UdpSpec();
  CHECK_EQ(CheckMergesUntilRefused<UdpCoalescer>(s, Stream(s, 70, 100, 100, false)),
           UdpCoalescer::kMaxSegments);
}

TEST(udp_coalescer_stops_at_ip_length_limit) {
  Spec s = UdpSpec();
  const size_t taken =
      CheckMergesUntilRefused<UdpCoalescer>(s, Stream(s, 50, 1472, 1472, false));
  CHECK(8 + taken * 1472 <= vtepd::kMaxMergedL4);
  CHECK(8 + (taken + 1) * 1472 > vtepd::kMaxMergedL4);
}

TEST(udp_coalescer_short_datagram_ends_the_run) {
  Spec s = UdpSpec();
  std::vector<Bytes> dgrams = Stream(s, 2, kSize, 500, false);
  Bytes after = Build(s);
  UdpCoalescer c;
  CHECK(c.Add(dgrams[0].data(), dgrams[0].size()));
  CHECK(c.Add(dgrams[1].data(), dgrams[1].size()));
  CHECK(!c.Add(after.data(), after.size()));
  Merged m = Take(c);
  CHECK_BYTES(m.frame, ExpectedMerge(dgrams, s));
  CHECK(c.Add(after.data(), after.size()));
}

TEST(udp_coalescer_refuses_other_flows_and_sizes) {
  for (bool ipv6 : {false, true}) {
    Spec s = UdpSpec(ipv6);
    for (const SpecChange& change : OtherFlowChanges()) CheckRefused(s, change);
    CheckRefused(s, [](Spec& t) { t.payload = kSize + 1; });
    CheckRefused(s, [](Spec& t) { t.payload = 0; });
    CheckRefused(s, [](Spec& t) { t.proto = IPPROTO_TCP; });
    CheckRefused(s, [](Spec& t) { t.tags = {0x8100}; });
  }
}

TEST(udp_coalescer_refuses_damaged) {
  Spec s = UdpSpec();
  CheckRefused(s, [](Spec&) {}, [](Bytes& f, const Spec&) { f.back() ^= 0x80; });
  CheckRefused(s, [](Spec& t) { t.csum = L4Csum::kZero; });  // sent without a checksum
  CheckRefused(s, [](Spec& t) { t.csum = L4Csum::kPartial; });
  CheckRefused(s, [](Spec&) {}, [](Bytes& f, const Spec& t) {  // UDP length disagrees with IP
    Store16(&f[L4Offset(t) + 4], static_cast<uint16_t>(Load16(&f[L4Offset(t) + 4]) - 1));
    FixL4Checksum(f, t);
  });
  CheckRefused(s, [](Spec&) {}, [](Bytes& f, const Spec& t) {  // a fragment (MF)
    f[L3Offset(t) + 6] |= 0x20;
    FixIpv4Checksum(f, t);
  });
  CheckRefused(s, [](Spec&) {}, [](Bytes& f, const Spec&) { f.resize(f.size() - 2); });
  // None of these starts a superframe either.
  for (auto change : std::vector<SpecChange>{
           [](Spec& t) { t.csum = L4Csum::kZero; }, [](Spec& t) { t.proto = IPPROTO_TCP; },
           [](Spec& t) { t.payload = 0; }, [](Spec& t) { t.tags = {0x88a8}; }}) {
    CheckStartRefused<UdpCoalescer>(s, change);
  }
}

// Superframe -> segmenter -> coalescer gives back the superframe byte for byte and the USO
// header to cut it again. The superframe carries what the kernel hands over: IP and UDP
// lengths covering all of it, the IPv4 ID of the first datagram, and the UDP checksum field
// holding the folded pseudo-header sum (CHECKSUM_PARTIAL).
TEST(udp_round_trip_segment_then_coalesce) {
  struct Case {
    bool ipv6;
    size_t payload;
    uint16_t mss;
  };
  for (const Case& k : {Case{false, 4000, 1400}, Case{false, 4200, 1400}, Case{true, 60000, 1232},
                        Case{false, 63000, 1000}, Case{true, 300, 7}}) {
    Spec s = UdpSpec(k.ipv6);
    s.payload = k.payload;
    CheckSegmentThenCoalesce<UdpCoalescer>(s, k.mss, UdpCoalescer::kMaxSegments);
  }
}

// Datagrams on the wire -> coalescer -> segmenter gives back the same datagrams.
TEST(udp_round_trip_coalesce_then_segment) {
  for (bool ipv6 : {false, true}) {
    for (size_t last : {size_t{1}, size_t{333}, kSize}) {
      CheckCoalesceThenSegment<UdpCoalescer>(Stream(UdpSpec(ipv6), 20, kSize, last, false));
    }
  }
}
