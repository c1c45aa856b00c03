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
  UdpCoalescer c;
  for (const Bytes& d : dgrams) {
    if (!CHECK(c.Add(d.data(), d.size()))) return;
  }
  Merged m = Take(c);
  CHECK(!c.pending());
  CHECK(SameHeader(m.hdr, TsoHeader(s, static_cast<uint16_t>(dgrams[0].size() - HeaderLen(s)))));
  CHECK_EQ(m.hdr.gso_type, vtepd::VIRTIO_NET_HDR_GSO_UDP_L4);
  CHECK_EQ(m.hdr.csum_offset, 6);
  CHECK_BYTES(m.frame, ExpectedMerge(dgrams, s));
}

// As in tcp_coalescer_test: the changed second datagram is refused, the right one still joins.
void CheckRefused(const Spec& s, const std::function<void(Spec&)>& change,
                  const std::function<void(Bytes&, const Spec&)>& edit = nullptr) {
  std::vector<Bytes> dgrams = Stream(s, 2, kSize, kSize, false);
  Spec t = s;
  t.ip_id++;
  t.fill = static_cast<uint8_t>(s.fill + 13);
  t.payload = kSize;
  change(t);
  Bytes bad = Build(t);
  if (edit) edit(bad, t);
  UdpCoalescer c;
  CHECK(c.Add(dgrams[0].data(), dgrams[0].size()));
  CHECK(!c.Add(bad.data(), bad.size()));
  CHECK(c.Add(dgrams[1].data(), dgrams[1].size()));
  Merged m = Take(c);
  CHECK_BYTES(m.frame, ExpectedMerge(dgrams, s));
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
  Spec s = UdpSpec();
  Bytes f = Build(s);
  UdpCoalescer c;
  CHECK(c.Add(f.data(), f.size()));
  Merged m = Take(c);
  CHECK_EQ(m.hdr.gso_type, vtepd::VIRTIO_NET_HDR_GSO_NONE);
  CHECK_EQ(m.hdr.flags, 0);
  CHECK_BYTES(m.frame, f);
  CHECK_EQ(c.Finish(), 0);
}

TEST(udp_coalescer_at_most_64_datagrams) {
  Spec s = UdpSpec();
  std::vector<Bytes> dgrams = Stream(s, 70, 100, 100, false);
  UdpCoalescer c;
  size_t taken = 0;
  while (taken < dgrams.size() && c.Add(dgrams[taken].data(), dgrams[taken].size())) taken++;
  CHECK_EQ(taken, UdpCoalescer::kMaxSegments);
  Merged m = Take(c);
  dgrams.resize(taken);
  CHECK_BYTES(m.frame, ExpectedMerge(dgrams, s));
}

TEST(udp_coalescer_stops_at_ip_length_limit) {
  Spec s = UdpSpec();
  std::vector<Bytes> dgrams = Stream(s, 50, 1472, 1472, false);
  UdpCoalescer c;
  size_t taken = 0;
  while (taken < dgrams.size() && c.Add(dgrams[taken].data(), dgrams[taken].size())) taken++;
  CHECK(8 + taken * 1472 <= vtepd::kMaxMergedL4);
  CHECK(8 + (taken + 1) * 1472 > vtepd::kMaxMergedL4);
  Merged m = Take(c);
  dgrams.resize(taken);
  CHECK_BYTES(m.frame, ExpectedMerge(dgrams, s));
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
    CheckRefused(s, [](Spec& t) { t.sport++; });
    CheckRefused(s, [](Spec& t) { t.dport++; });
    CheckRefused(s, [](Spec& t) { t.src_host++; });
    CheckRefused(s, [](Spec& t) { t.dst_host++; });
    CheckRefused(s, [](Spec& t) { t.src_mac++; });
    CheckRefused(s, [](Spec& t) { t.tos = 4; });
    CheckRefused(s, [](Spec& t) { t.ipv6 = !t.ipv6; });
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
    Put16(&f[L4Offset(t) + 4], Get16(&f[L4Offset(t) + 4]) - 1);
    FixL4Checksum(f, t);
  });
  CheckRefused(s, [](Spec&) {}, [](Bytes& f, const Spec& t) {  // a fragment (MF)
    f[L3Offset(t) + 6] |= 0x20;
    FixIpv4Checksum(f, t);
  });
  CheckRefused(s, [](Spec&) {}, [](Bytes& f, const Spec&) { f.resize(f.size() - 2); });
  // None of these starts a superframe either.
  for (auto change : std::vector<std::function<void(Spec&)>>{
           [](Spec& t) { t.csum = L4Csum::kZero; }, [](Spec& t) { t.proto = IPPROTO_TCP; },
           [](Spec& t) { t.payload = 0; }, [](Spec& t) { t.tags = {0x88a8}; }}) {
    Spec t = s;
    change(t);
    Bytes f = Build(t);
    UdpCoalescer c;
    CHECK(!c.Add(f.data(), f.size()));
    CHECK(!c.pending());
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
    s.csum = L4Csum::kPartial;
    const Bytes super = Build(s);
    std::vector<Bytes> dgrams = Cut(super, TsoHeader(s, k.mss));
    if (!CHECK(dgrams.size() > 1 && dgrams.size() <= UdpCoalescer::kMaxSegments)) continue;
    UdpCoalescer c;
    size_t taken = 0;
    while (taken < dgrams.size() && c.Add(dgrams[taken].data(), dgrams[taken].size())) taken++;
    CHECK_EQ(taken, dgrams.size());
    Merged m = Take(c);
    CHECK(SameHeader(m.hdr, TsoHeader(s, k.mss)));
    CHECK_BYTES(m.frame, super);
  }
}

// Datagrams on the wire -> coalescer -> segmenter gives back the same datagrams.
TEST(udp_round_trip_coalesce_then_segment) {
  for (bool ipv6 : {false, true}) {
    for (size_t last : {size_t{1}, size_t{333}, kSize}) {
      Spec s = UdpSpec(ipv6);
      std::vector<Bytes> dgrams = Stream(s, 20, kSize, last, false);
      UdpCoalescer c;
      for (const Bytes& d : dgrams) CHECK(c.Add(d.data(), d.size()));
      Merged m = Take(c);
      std::vector<Bytes> again = Cut(m.frame, m.hdr);
      if (!CHECK_EQ(again.size(), dgrams.size())) continue;
      for (size_t i = 0; i < dgrams.size(); i++) CHECK_BYTES(again[i], dgrams[i]);
    }
  }
}
