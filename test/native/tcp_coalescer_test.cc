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

// The header a merged TCP superframe of flow `s` must carry.
vtepd::VirtioNetHdr ExpectedHeader(const Spec& s, size_t mss) {
  return TsoHeader(s, static_cast<uint16_t>(mss));
}

// Feeds `segs` (all must be taken) and checks the one superframe they make.
void CheckMerges(const Spec& s, const std::vector<Bytes>& segs) {
  TcpCoalescer c;
  for (size_t k = 0; k < segs.size(); k++) {
    if (!CHECK(c.Add(segs[k].data(), segs[k].size()))) return;
  }
  CHECK(c.pending());
  Merged m = Take(c);
  CHECK(!c.pending());
  CHECK(SameHeader(m.hdr, ExpectedHeader(s, segs[0].size() - HeaderLen(s))));
  CHECK_BYTES(m.frame, ExpectedMerge(segs, s));
}

// Starts a superframe with the flow's first segment, offers `bad` (the second segment with
// one difference), which must be refused without disturbing the superframe: the right second
// segment still joins.
void CheckRefused(const Spec& s, const std::function<void(Spec&)>& change,
                  const std::function<void(Bytes&, const Spec&)>& edit = nullptr) {
  std::vector<Bytes> segs = Stream(s, 2, kMss, kMss, false);
  Spec t = s;
  t.seq += kMss;
  t.ip_id++;
  t.fill = static_cast<uint8_t>(s.fill + 13);
  t.payload = kMss;
  change(t);
  Bytes bad = Build(t);
  if (edit) edit(bad, t);
  TcpCoalescer c;
  CHECK(c.Add(segs[0].data(), segs[0].size()));
  CHECK(!c.Add(bad.data(), bad.size()));
  CHECK(c.Add(segs[1].data(), segs[1].size()));
  Merged m = Take(c);
  CHECK(SameHeader(m.hdr, ExpectedHeader(s, kMss)));
  CHECK_BYTES(m.frame, ExpectedMerge(segs, s));
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
  s.flags = kAck | kPsh;
  Bytes f = Build(s);
  TcpCoalescer c;
  CHECK(c.Add(f.data(), f.size()));
  Merged m = Take(c);
  CHECK_EQ(m.hdr.gso_type, vtepd::VIRTIO_NET_HDR_GSO_NONE);
  CHECK_EQ(m.hdr.flags, 0);
  CHECK_BYTES(m.frame, f);
}

TEST(tcp_coalescer_finish_when_empty) {
  TcpCoalescer c;
  CHECK(!c.pending());
  CHECK_EQ(c.Finish(), 0);
}

TEST(tcp_coalescer_refuses_other_flows) {
  Spec s;
  CheckRefused(s, [](Spec& t) { t.sport++; });
  CheckRefused(s, [](Spec& t) { t.dport++; });
  CheckRefused(s, [](Spec& t) { t.src_host++; });
  CheckRefused(s, [](Spec& t) { t.dst_host++; });
  CheckRefused(s, [](Spec& t) { t.src_mac++; });
  CheckRefused(s, [](Spec& t) { t.tos = 4; });
  CheckRefused(s, [](Spec& t) { t.ttl = 63; });
  CheckRefused(s, [](Spec& t) { t.ipv6 = true; });
  Spec v6 = s;
  v6.ipv6 = true;
  CheckRefused(v6, [](Spec& t) { t.src_host++; });
  CheckRefused(v6, [](Spec& t) { t.tos = 4; });  // traffic class
  CheckRefused(v6, [](Spec& t) { t.ipv6 = false; });
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
  for (uint8_t flags : {uint8_t(kAck | kFin), uint8_t(kAck | kSyn), uint8_t(kAck | kRst),
                        uint8_t(kAck | kUrg), uint8_t(kAck | kCwr), uint8_t(kAck | kEce),
                        uint8_t(0), uint8_t(kPsh)}) {
    CheckRefused(s, [flags](Spec& t) { t.flags = flags; });
    // Nor does such a segment start a superframe.
    Spec first = s;
    first.flags = flags;
    Bytes f = Build(first);
    TcpCoalescer c;
    CHECK(!c.Add(f.data(), f.size()));
    CHECK(!c.pending());
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
  Spec t = s;
  t.seq += kMss;
  t.payload = kMss;
  t.flags = kAck | kPsh;
  t.fill = static_cast<uint8_t>(s.fill + 13);
  t.ip_id++;
  segs[1] = Build(t);
  TcpCoalescer c;
  CHECK(c.Add(segs[0].data(), segs[0].size()));
  CHECK(c.Add(segs[1].data(), segs[1].size()));
  CHECK(!c.Add(segs[2].data(), segs[2].size()));
  Merged m = Take(c);
  CHECK_EQ(m.frame[L4Offset(s) + 13], kAck | kPsh);
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
  for (auto change : std::vector<std::function<void(Spec&)>>{
           [](Spec& t) { t.proto = IPPROTO_UDP; }, [](Spec& t) { t.tags = {0x8100}; },
           [](Spec& t) { t.payload = 0; }, [](Spec& t) { t.ip_options = 4; },
           [](Spec& t) { t.csum = L4Csum::kPartial; }}) {
    Spec t = s;
    change(t);
    Bytes f = Build(t);
    TcpCoalescer c;
    CHECK(!c.Add(f.data(), f.size()));
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
    std::vector<Bytes> segs = Stream(s, 60, kMss, kMss, false);
    TcpCoalescer c;
    size_t taken = 0;
    while (taken < segs.size() && c.Add(segs[taken].data(), segs[taken].size())) taken++;
    // The merged transport length must fit the IP length field (and a 60-byte IPv4
    // header): 65535 - 60; one more segment would not have fitted.
    CHECK(20 + taken * kMss <= vtepd::kMaxMergedL4);
    CHECK(20 + (taken + 1) * kMss > vtepd::kMaxMergedL4);
    Merged m = Take(c);
    segs.resize(taken);
    CHECK_BYTES(m.frame, ExpectedMerge(segs, s));
    CHECK(m.frame.size() <= vtepd::Superframe::kMaxBytes);
  }
}

TEST(tcp_coalescer_stops_at_iovec_limit) {
  Spec s;
  std::vector<Bytes> segs = Stream(s, 400, 64, 64, false);
  TcpCoalescer c;
  size_t taken = 0;
  while (taken < segs.size() && c.Add(segs[taken].data(), segs[taken].size())) taken++;
  CHECK(taken > 1 && taken < segs.size());
  Merged m = Take(c);
  CHECK(m.iovecs > 0 && static_cast<size_t>(m.iovecs) <= vtepd::Superframe::kMaxIovecs);
  segs.resize(taken);
  CHECK_BYTES(m.frame, ExpectedMerge(segs, s));
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
  for (const Case& k : {Case{false, 4000, 1448, kAck | kPsh, 0}, Case{false, 2896, 1448, kAck, 0},
                        Case{false, 64000, 1448, kAck | kPsh, 12},
                        Case{true, 64000, 1428, kAck | kPsh, 0}, Case{true, 3001, 1000, kAck, 12},
                        Case{false, 5555, 999, kAck | kPsh, 0}}) {
    Spec s;
    s.ipv6 = k.ipv6;
    s.payload = k.payload;
    s.flags = k.flags;
    s.tcp_options = k.tcp_options;
    s.seq = 0xffff0000u;
    s.csum = L4Csum::kPartial;
    const Bytes super = Build(s);
    std::vector<Bytes> segs = Cut(super, TsoHeader(s, k.mss));
    if (!CHECK(segs.size() > 1)) continue;
    TcpCoalescer c;
    size_t taken = 0;
    while (taken < segs.size() && c.Add(segs[taken].data(), segs[taken].size())) taken++;
    CHECK_EQ(taken, segs.size());
    Merged m = Take(c);
    CHECK(SameHeader(m.hdr, TsoHeader(s, k.mss)));
    CHECK_BYTES(m.frame, super);
  }
}

// Segments on the wire -> coalescer -> segmenter gives back the same segments byte for byte.
TEST(tcp_round_trip_coalesce_then_segment) {
  for (bool ipv6 : {false, true}) {
    for (size_t last : {size_t{1}, size_t{700}, kMss}) {
      Spec s;
      s.ipv6 = ipv6;
      s.ip_id = 0xfff0;
      std::vector<Bytes> segs = Stream(s, 12, kMss, last, true);
      TcpCoalescer c;
      for (const Bytes& seg : segs) CHECK(c.Add(seg.data(), seg.size()));
      Merged m = Take(c);
      std::vector<Bytes> again = Cut(m.frame, m.hdr);
      if (!CHECK_EQ(again.size(), segs.size())) continue;
      for (size_t i = 0; i < segs.size(); i++) CHECK_BYTES(again[i], segs[i]);
    }
  }
}
