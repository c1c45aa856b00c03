// TCP coalescing (offload/tcp_coalescer.h): in-order, intact, same-flow segments merge into
// one superframe with a virtio-net TSO header; anything else stops the merge. Round trips
// through the segmenter (offload/gso_segmenter.h) in both directions.
#include "offload/tcp_coalescer.h"

#include <functional>

#include "check.h"
#include "frames.h"
#include "net/inner_ip.h"  // kMaxMergedL4
#include "offload/gso_segmenter.h"
#include "offload_util.h"

using namespace frames;
using vtepd::TcpCoalescer;

namespace {

constexpr size_t kMss = 1448;

void CheckMerges(const Spec& s, const std::vector<Bytes>& segs) {
  CheckAllMerge<TcpCoalescer>(s, segs);
}

// The second segment, changed, is refused; the right one still joins.
void CheckRefused(const Spec& s, const SpecChange& change, const FrameEdit& edit = nullptr) {
  CheckSecondRefused<TcpCoalescer>(s, kMss, change, edit);
}

}  // namespace

TEST(tcp_coalescer_merges_v4) {
  Spec s;
  CheckMerges(s, Stream(s, 4, kMss, 1000, true));
  CheckMerges(s, Stream(s, 4, kMss, kMss, false));
  CheckMerges(s, Stream(s, 2, kMss, 1, true));
  s.tcp_options = 12;
  CheckMerges(s, Stream(s, 10, 1436, 77, true));
}

TEST(tcp_coalescer_merges_v6) {
  Spec s;
  s.ipv6 = true;
  CheckMerges(s, Stream(s, 5, 1428, 999, true));
  s.tcp_options = 12;
  CheckMerges(s, Stream(s, 3, 1416, 1416, false));
}

TEST(tcp_coalescer_odd_sizes_and_seq_wrap) {
  Spec s;
  s.seq = 0xfffff000u;
  CheckMerges(s, Stream(s, 7, 1001, 3, true));
}

TEST(tcp_coalescer_single_segment_goes_as_it_came) {
  Spec s;
  s.flags = kTcpAck | kTcpPsh;
  CheckSingleAsItCame<TcpCoalescer>(s);
}

TEST(tcp_coalescer_finish_when_empty) {
  TcpCoalescer c;
  CHECK(!c.pending());
  CHECK_EQ(c.Finish(), 0);
}

TEST(tcp_coalescer_refuses_other_flows) {
  for (bool ipv6 : {false, true}) {
    Spec s;
    s.ipv6 = ipv6;
    for (const SpecChange& change : OtherFlowChanges()) CheckRefused(s, change);
  }
  CheckRefused(Spec{}, [](Spec& t) { t.ttl = 63; });
}

TEST(tcp_coalescer_refuses_out_of_order) {
  Spec s;
  CheckRefused(s, [](Spec& t) { t.seq += 1; });             // a gap
  CheckRefused(s, [](Spec& t) { t.seq -= kMss; });          // the first again
  CheckRefused(s, [](Spec& t) { t.seq -= 1; });             // overlap
  CheckRefused(s, [](Spec& t) { t.seq += kMss; });          // the third, second lost
}

TEST(tcp_coalescer_refuses_header_changes) {
  Spec s;
  CheckRefused(s, [](Spec& t) { t.ack += 1; });
  CheckRefused(s, [](Spec& t) { t.window += 1; });
  CheckRefused(s, [](Spec& t) { t.tcp_options = 12; });
  Spec ts = s;
  ts.tcp_options = 12;
  CheckRefused(ts, [](Spec&) {}, [](Bytes& f, const Spec& t) {  // another timestamp value
    f[L4Offset(t) + 25]++;
    FixL4Checksum(f, t);
  });
  CheckRefused(s, [](Spec& t) { t.ip_options = 4; });
}

TEST(tcp_coalescer_refuses_flag_changes) {
  Spec s;
  for (uint8_t flags : {uint8_t(kTcpAck | kTcpFin), uint8_t(kTcpAck | kTcpSyn),
                        uint8_t(kTcpAck | kTcpRst), uint8_t(kTcpAck | kTcpUrg),
                        uint8_t(kTcpAck | kTcpCwr), uint8_t(kTcpAck | kTcpEce), uint8_t(0),
                        uint8_t(kTcpPsh)}) {
    auto with_flags = [flags](Spec& t) { t.flags = flags; };
    CheckRefused(s, with_flags);
    // Nor does such a segment start a superframe.
    CheckStartRefused<TcpCoalescer>(s, with_flags);
  }
}

TEST(tcp_coalescer_refuses_size_changes) {
  Spec s;
  CheckRefused(s, [](Spec& t) { t.payload = kMss + 1; });
  CheckRefused(s, [](Spec& t) { t.payload = 0; });  // a pure ACK
  // A shorter segment joins but ends the run.
  std::vector<Bytes> segs = Stream(s, 3, kMss, kMss, false);
  Spec t = s;
  t.seq += kMss;
  t.payload = 1000;
  Bytes short_seg = Build(t);
  t.seq += 1000;
  t.payload = 1000;
  Bytes after = Build(t);
  TcpCoalescer c;
  CHECK(c.Add(segs[0].data(), segs[0].size()));
  CHECK(c.Add(short_seg.data(), short_seg.size()));
  CHECK(!c.Add(after.data(), after.size()));
  Merged m = Take(c);
  CHECK_BYTES(m.frame, ExpectedMerge({segs[0], short_seg}, s));
  CHECK_EQ(m.hdr.gso_size, kMss);
  // Once finished, the refused segment starts a new superframe.
  CHECK(c.Add(after.data(), after.size()));
}

TEST(tcp_coalescer_push_ends_the_run) {
  Spec s;
  std::vector<Bytes> segs = Stream(s, 3, kMss, kMss, false);
  Spec t = StreamSpec(s, 1, kMss);
  t.flags = kTcpAck | kTcpPsh;
  segs[1] = Build(t);
  TcpCoalescer c;
  CHECK(c.Add(segs[0].data(), segs[0].size()));
  CHECK(c.Add(segs[1].data(), segs[1].size()));
  CHECK(!c.Add(segs[2].data(), segs[2].size()));
  Merged m = Take(c);
  CHECK_EQ(m.frame[L4Offset(s) + 13], kTcpAck | kTcpPsh);
  CHECK_BYTES(m.frame, ExpectedMerge({segs[0], segs[1]}, s));
}

TEST(tcp_coalescer_refuses_damaged_and_non_tcp) {
  Spec s;
  CheckRefused(s, [](Spec&) {}, [](Bytes& f, const Spec&) { f.back() ^= 1; });  // payload
  CheckRefused(s, [](Spec&) {}, [](Bytes& f, const Spec& t) {  // IPv4 header checksum
    f[L3Offset(t) + 10] ^= 1;
  });
  CheckRefused(s, [](Spec&) {}, [](Bytes& f, const Spec& t) {  // a fragment (MF)
    f[L3Offset(t) + 6] |= 0x20;
    FixIpv4Checksum(f, t);
  });
  CheckRefused(s, [](Spec&) {}, [](Bytes& f, const Spec&) { f.pop_back(); });  // truncated
  CheckRefused(s, [](Spec& t) { t.proto = IPPROTO_UDP; });
  CheckRefused(s, [](Spec& t) { t.tags = {0x8100}; });
  // None of these starts a superframe either.
  for (auto change : std::vector<SpecChange>{
           [](Spec& t) { t.proto = IPPROTO_UDP; }, [](Spec& t) { t.tags = {0x8100}; },
           [](Spec& t) { t.payload = 0; }, [](Spec& t) { t.ip_options = 4; },
           [](Spec& t) { t.csum = L4Csum::kPartial; }}) {
    CheckStartRefused<TcpCoalescer>(s, change);
  }
  Bytes arp(60, 0);
  arp[12] = 0x08, arp[13] = 0x06;
  TcpCoalescer c;
  CHECK(!c.Add(arp.data(), arp.size()));
  CHECK(!c.Add(arp.data(), 10));
}

TEST(tcp_coalescer_stops_at_ip_length_limit) {
  for (bool ipv6 : {false, true}) {
    Spec s;
    s.ipv6 = ipv6;
    Merged m{};
    const size_t taken =
        CheckMergesUntilRefused<TcpCoalescer>(s, Stream(s, 60, kMss, kMss, false), &m);
    // The merged transport length must fit the IP length field (and a 60-byte IPv4
    // header): 65535 - 60; one more segment would not have fitted.
    CHECK(20 + taken * kMss <= vtepd::kMaxMergedL4);
    CHECK(20 + (taken + 1) * kMss > vtepd::kMaxMergedL4);
    CHECK(m.frame.size() <= vtepd::Superframe::kMaxBytes);
  }
}

TEST(tcp_coalescer_stops_at_iovec_limit) {
  Spec s;
  const size_t count = 400;
  Merged m{};
  const size_t taken =
      CheckMergesUntilRefused<TcpCoalescer>(s, Stream(s, count, 64, 64, false), &m);
  CHECK(taken > 1 && taken < count);
  CHECK(m.iovecs > 0 && static_cast<size_t>(m.iovecs) <= vtepd::Superframe::kMaxIovecs);
}

// Superframe -> segmenter -> coalescer gives back the superframe byte for byte, and the
// virtio-net header the kernel would need to cut it again. The superframe carries what the
// kernel hands over: IP length covering all of it, the IPv4 ID of the first segment, and
// the TCP checksum field holding the folded pseudo-header sum (CHECKSUM_PARTIAL). Only ACK
// and PSH may be set: the coalescer takes nothing else.
TEST(tcp_round_trip_segment_then_coalesce) {
  struct Case {
    bool ipv6;
    size_t payload;
    uint16_t mss;
    uint8_t flags;
    size_t tcp_options;
  };
  constexpr uint8_t kAckPsh = kTcpAck | kTcpPsh;
  for (const Case& k : {Case{false, 4000, 1448, kAckPsh, 0}, Case{false, 2896, 1448, kTcpAck, 0},
                        Case{false, 64000, 1448, kAckPsh, 12}, Case{true, 64000, 1428, kAckPsh, 0},
                        Case{true, 3001, 1000, kTcpAck, 12}, Case{false, 5555, 999, kAckPsh, 0}}) {
    Spec s;
    s.ipv6 = k.ipv6;
    s.payload = k.payload;
    s.flags = k.flags;
    s.tcp_options = k.tcp_options;
    s.seq = 0xffff0000u;
    CheckSegmentThenCoalesce<TcpCoalescer>(s, k.mss);
  }
}

// Segments on the wire -> coalescer -> segmenter gives back the same segments byte for byte.
TEST(tcp_round_trip_coalesce_then_segment) {
  for (bool ipv6 : {false, true}) {
    for (size_t last : {size_t{1}, size_t{700}, kMss}) {
      Spec s;
      s.ipv6 = ipv6;
      s.ip_id = 0xfff0;
      CheckCoalesceThenSegment<TcpCoalescer>(Stream(s, 12, kMss, last, true));
    }
  }
}
