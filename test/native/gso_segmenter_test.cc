// TSO/USO segmentation (offload/gso_segmenter.h): a superframe as the TAP hands it over
// (virtio-net header + frame, L4 checksum field holding the pseudo-header sum) is cut into
// segments whose lengths, IDs, sequence numbers, flags and checksums are those the kernel's
// GSO would give; checksums are verified with the reference in frames.h.
#include "offload/gso_segmenter.h"

#include <algorithm>

#include "check.h"
#include "frames.h"
#include "offload_util.h"

using namespace frames;

namespace {

// Checks every segment of `s` (as a superframe) cut at `mss`, with `prefix` bytes of room.
void CheckSegmentation(const Spec& s, uint16_t mss, size_t prefix = 0, uint8_t gso_extra = 0) {
  Spec super = s;
  super.csum = L4Csum::kPartial;
  const Bytes frame = Build(super);
  vtepd::VirtioNetHdr hdr = TsoHeader(s, mss);
  hdr.gso_type |= gso_extra;
  bool prefix_intact = false;
  const std::vector<Bytes> segs = Cut(frame, hdr, prefix, &prefix_intact);

  const bool tcp = s.proto == IPPROTO_TCP;
  const size_t l3 = L3Offset(s), l4 = L4Offset(s), hl = HeaderLen(s);
  const size_t expected_count = (s.payload + mss - 1) / mss;
  if (!CHECK_EQ(segs.size(), expected_count)) return;
  CHECK(prefix_intact);

  size_t payload_at = 0;
  for (size_t k = 0; k < segs.size(); k++) {
    const Bytes& seg = segs[k];
    const bool last = k + 1 == segs.size();
    const size_t payload = last ? s.payload - k * mss : mss;
    if (!CHECK_EQ(seg.size(), hl + payload)) continue;
    const uint8_t* ip = seg.data() + l3;
    const uint8_t* oip = frame.data() + l3;
    const uint8_t* t = seg.data() + l4;
    const uint8_t* ot = frame.data() + l4;
    // Ethernet header and VLAN tags as they were.
    CHECK(std::equal(seg.begin(), seg.begin() + l3, frame.begin()));
    if (s.ipv6) {
      CHECK(std::equal(ip, ip + 4, oip));
      CHECK_EQ(Load16(ip + 4), seg.size() - l3 - 40);
      CHECK(std::equal(ip + 6, ip + 40, oip + 6));
    } else {
      CHECK_EQ(ip[0], oip[0]);
      CHECK_EQ(ip[1], oip[1]);
      CHECK_EQ(Load16(ip + 2), seg.size() - l3);
      CHECK_EQ(Load16(ip + 4), static_cast<uint16_t>(s.ip_id + k));
      CHECK(std::equal(ip + 6, ip + 10, oip + 6));               // flags, TTL, protocol
      CHECK(std::equal(ip + 12, ip + IpHeaderLen(s), oip + 12));  // addresses, options
      CHECK(RefIpv4HeaderOk(ip));
    }
    CHECK(std::equal(t, t + 4, ot));  // ports
    if (tcp) {
      CHECK_EQ(Load32(t + 4), static_cast<uint32_t>(s.seq + k * mss));
      CHECK(std::equal(t + 8, t + 13, ot + 8));  // ack, data offset
      // As the kernel's tcp_gso_segment: FIN and PSH only on the last, CWR only on the first.
      uint8_t flags = s.flags;
      if (!last) flags &= static_cast<uint8_t>(~(kTcpFin | kTcpPsh));
      if (k > 0) flags &= static_cast<uint8_t>(~kTcpCwr);
      CHECK_EQ(t[13], flags);
      CHECK(std::equal(t + 14, t + 16, ot + 14));  // window
      CHECK(std::equal(t + 18, seg.data() + hl, ot + 18));  // urgent pointer, options
    } else {
      CHECK_EQ(Load16(t + 4), seg.size() - l4);
      CHECK(Load16(t + 6) != 0);
    }
    CHECK(RefL4ChecksumOk(ip, s.ipv6, s.proto, t, seg.size() - l4));
    CHECK(std::equal(seg.begin() + hl, seg.end(), frame.begin() + hl + payload_at));
    payload_at += payload;
  }
  CHECK_EQ(payload_at, s.payload);
}

}  // namespace

TEST(segmenter_tcpv4) {
  Spec s;
  s.payload = 4000;
  s.flags = kTcpAck | kTcpPsh;
  CheckSegmentation(s, 1448);
}

TEST(segmenter_tcpv4_fin_psh_cwr) {
  Spec s;
  s.payload = 5000;
  s.flags = kTcpAck | kTcpPsh | kTcpFin | kTcpCwr | kTcpEce;
  CheckSegmentation(s, 1448);
}

TEST(segmenter_tcpv6) {
  Spec s;
  s.ipv6 = true;
  s.payload = 6000;
  s.flags = kTcpAck | kTcpPsh | kTcpCwr;
  CheckSegmentation(s, 1428);
}

TEST(segmenter_udpv4_uso) {
  Spec s;
  s.proto = IPPROTO_UDP;
  s.payload = 3500;
  CheckSegmentation(s, 1000);
}

TEST(segmenter_udpv6_uso) {
  Spec s;
  s.proto = IPPROTO_UDP;
  s.ipv6 = true;
  s.payload = 8000;
  CheckSegmentation(s, 1232);
}

TEST(segmenter_with_prefix_room) {
  Spec s;
  s.payload = 3000;
  CheckSegmentation(s, 1000, 50);  // VXLAN over IPv4: 14 + 20 + 8 + 8
  s.proto = IPPROTO_UDP;
  CheckSegmentation(s, 1000, 70);
}

TEST(segmenter_vlan_tagged) {
  Spec s;
  s.payload = 4000;
  s.tags = {0x8100};
  CheckSegmentation(s, 1448);
  s.tags = {0x88a8, 0x8100};  // QinQ
  CheckSegmentation(s, 1448);
  s.ipv6 = true;
  CheckSegmentation(s, 1448);
  s.proto = IPPROTO_UDP;
  CheckSegmentation(s, 1000);
}

TEST(segmenter_options) {
  Spec s;
  s.payload = 5000;
  s.tcp_options = 12;  // timestamps
  CheckSegmentation(s, 1436);
  s.ip_options = 8;
  CheckSegmentation(s, 1436);
  s.tcp_options = 40;
  s.ip_options = 40;
  CheckSegmentation(s, 1000);
}

TEST(segmenter_sizes) {
  Spec s;
  for (size_t payload : {1u, 2u, 999u, 1000u, 1001u, 2000u, 2999u, 3001u}) {
    s.payload = payload;
    s.proto = IPPROTO_TCP;
    CheckSegmentation(s, 1000);
    s.proto = IPPROTO_UDP;
    CheckSegmentation(s, 1000);
  }
  // Odd segment sizes: every segment's payload starts at an odd superframe offset.
  s.payload = 5000;
  s.proto = IPPROTO_TCP;
  CheckSegmentation(s, 999);
  CheckSegmentation(s, 1);
  s.proto = IPPROTO_UDP;
  CheckSegmentation(s, 777);
}

TEST(segmenter_large_superframe) {
  Spec s;
  s.payload = 65535 - 20 - 20;
  CheckSegmentation(s, 1448);
  s.ipv6 = true;
  s.payload = 65535 - 20;
  CheckSegmentation(s, 1428);
  s.proto = IPPROTO_UDP;
  s.payload = 65535 - 8;
  CheckSegmentation(s, 1400);
}

TEST(segmenter_wraps_seq_and_id) {
  Spec s;
  s.payload = 4000;
  s.seq = 0xffffff00u;
  s.ip_id = 0xfffe;
  CheckSegmentation(s, 1000);
}

TEST(segmenter_accepts_ecn_gso_bit) {
  Spec s;
  s.payload = 3000;
  s.flags = kTcpAck | kTcpCwr;
  CheckSegmentation(s, 1000, 0, vtepd::VIRTIO_NET_HDR_GSO_ECN);
}

TEST(segmenter_plan) {
  Spec s;
  s.payload = 2500;
  s.tags = {0x8100};
  s.csum = L4Csum::kPartial;
  Bytes f = Build(s);
  vtepd::SegmentLayout layout{};
  CHECK(vtepd::PlanSegments(TsoHeader(s, 1000), f.data(), f.size(), &layout));
  CHECK_EQ(layout.l3_offset, 18u);
  CHECK_EQ(layout.header_len, 18u + 20 + 20);
  CHECK_EQ(layout.mss, 1000u);
  CHECK(!layout.udp);
  CHECK_EQ(layout.segments, 3u);
  CHECK_EQ(layout.last_payload, 500u);
  CHECK_EQ(vtepd::SegmentPayload(f.data(), layout, 2), f.data() + 58 + 2000);
  CHECK_EQ(vtepd::SegmentPayloadLength(layout, 1), 1000u);
  CHECK_EQ(vtepd::SegmentPayloadLength(layout, 2), 500u);
}

// A datagram whose checksum computes to zero goes out as 0xffff (RFC 768: zero is "none").
TEST(segmenter_udp_zero_checksum_sent_as_ones) {
  for (bool ipv6 : {false, true}) {
    Spec s;
    s.proto = IPPROTO_UDP;
    s.ipv6 = ipv6;
    s.payload = 2000;
    s.csum = L4Csum::kPartial;
    Bytes frame = Build(s);
    const size_t hl = HeaderLen(s), l4 = L4Offset(s);
    // Make the second datagram's checksum come out as zero: a word of its payload set to
    // the checksum it would otherwise have.
    const size_t word = hl + 1000 + 10;
    Store16(&frame[word], 0);
    std::vector<Bytes> segs = Cut(frame, TsoHeader(s, 1000));
    if (!CHECK_EQ(segs.size(), 2u)) continue;
    Bytes& seg = segs[1];
    Store16(&seg[l4 + 6], 0);
    uint16_t c = static_cast<uint16_t>(
        ~RefFold(RefPseudoSum(&seg[L3Offset(s)], ipv6, IPPROTO_UDP,
                              static_cast<uint32_t>(seg.size() - l4)) +
                 RefSum(&seg[l4], seg.size() - l4)));
    Store16(&frame[word], c);
    segs = Cut(frame, TsoHeader(s, 1000));
    if (!CHECK_EQ(segs.size(), 2u)) continue;
    CHECK_EQ(Load16(&segs[1][l4 + 6]), 0xffffu);
    CHECK(RefL4ChecksumOk(&segs[1][L3Offset(s)], ipv6, IPPROTO_UDP, &segs[1][l4],
                          segs[1].size() - l4));
  }
}

TEST(segmenter_rejects_malformed) {
  Spec s;
  s.payload = 3000;
  s.csum = L4Csum::kPartial;
  const Bytes good = Build(s);
  const vtepd::VirtioNetHdr good_hdr = TsoHeader(s, 1000);
  vtepd::SegmentLayout layout;
  CHECK(vtepd::PlanSegments(good_hdr, good.data(), good.size(), &layout));

  auto rejects = [&](const vtepd::VirtioNetHdr& hdr, const Bytes& f) {
    return !vtepd::PlanSegments(hdr, f.data(), f.size(), &layout);
  };
  vtepd::VirtioNetHdr hdr = good_hdr;
  hdr.gso_size = 0;
  CHECK(rejects(hdr, good));
  for (uint8_t type : {uint8_t{0}, uint8_t{3}, uint8_t{2}, uint8_t{6}, uint8_t{0x80}}) {
    hdr = good_hdr;
    hdr.gso_type = type;  // none, UFO, and values that are neither TSO nor USO
    CHECK(rejects(hdr, good));
  }
  hdr = good_hdr;
  hdr.gso_type = vtepd::VIRTIO_NET_HDR_GSO_TCPV6;  // says IPv6, frame is IPv4
  CHECK(rejects(hdr, good));
  hdr = good_hdr;
  hdr.gso_type = vtepd::VIRTIO_NET_HDR_GSO_UDP_L4;  // says UDP, frame is TCP
  CHECK(rejects(hdr, good));
  for (int delta : {-1, 1, -20, 20}) {
    hdr = good_hdr;
    hdr.csum_start = static_cast<uint16_t>(good_hdr.csum_start + delta);
    CHECK(rejects(hdr, good));
  }
  // Too short: nothing, less than Ethernet, less than IP, less than TCP, headers only.
  for (size_t len : {size_t{0}, size_t{13}, size_t{14}, size_t{33}, size_t{40}, size_t{53},
                     size_t{54}}) {
    CHECK(rejects(good_hdr, Bytes(good.begin(), good.begin() + len)));
  }
  Bytes f = good;
  f[14] = 0x44;  // IHL 4
  CHECK(rejects(good_hdr, f));
  f = good;
  f[14] = 0x65;  // version 6 in an IPv4 EtherType
  CHECK(rejects(good_hdr, f));
  f = good;
  f[12] = 0x08, f[13] = 0x06;  // ARP
  CHECK(rejects(good_hdr, f));
  f = good;
  f[14 + 9] = IPPROTO_UDP;  // protocol disagrees with TSO
  CHECK(rejects(good_hdr, f));
  f = good;
  f[34 + 12] = 0x40;  // TCP data offset 4
  CHECK(rejects(good_hdr, f));
  f = good;
  f[34 + 12] = 0xf0;  // TCP header of 60 bytes: longer than the frame holds
  CHECK(rejects(good_hdr, Bytes(f.begin(), f.begin() + 90)));

  Spec v6 = s;
  v6.ipv6 = true;
  Bytes g6 = Build(v6);
  vtepd::VirtioNetHdr h6 = TsoHeader(v6, 1000);
  CHECK(!rejects(h6, g6));
  g6[14 + 6] = 0;  // hop-by-hop extension header
  CHECK(rejects(h6, g6));
  h6.gso_type = vtepd::VIRTIO_NET_HDR_GSO_TCPV4;  // says IPv4, frame is IPv6
  CHECK(rejects(h6, Build(v6)));

  Spec tagged = s;
  tagged.tags = {0x8100};
  Bytes t = Build(tagged);
  CHECK(!rejects(TsoHeader(tagged, 1000), t));
  CHECK(rejects(good_hdr, t));  // csum_start ignoring the tag
  CHECK(rejects(TsoHeader(tagged, 1000), Bytes(t.begin(), t.begin() + 20)));  // tag, no IP
}

TEST(finish_partial_checksum) {
  for (bool ipv6 : {false, true}) {
    for (uint8_t proto : {uint8_t{IPPROTO_TCP}, uint8_t{IPPROTO_UDP}}) {
      for (size_t payload : {0u, 1u, 100u, 1401u}) {
        Spec s;
        s.ipv6 = ipv6;
        s.proto = proto;
        s.payload = payload;
        s.csum = L4Csum::kPartial;
        Bytes f = Build(s);
        const size_t l4 = L4Offset(s);
        const size_t off = proto == IPPROTO_TCP ? 16 : 6;
        CHECK(vtepd::FinishPartialChecksum(f.data(), f.size(), l4, off));
        s.csum = L4Csum::kFull;
        CHECK_BYTES(f, Build(s));
        CHECK(RefL4ChecksumOk(&f[L3Offset(s)], ipv6, proto, &f[l4], f.size() - l4));
      }
    }
  }
  Spec s;
  s.payload = 10;
  s.csum = L4Csum::kPartial;
  Bytes f = Build(s);
  const Bytes before = f;
  CHECK(!vtepd::FinishPartialChecksum(f.data(), f.size(), f.size(), 0));
  CHECK(!vtepd::FinishPartialChecksum(f.data(), f.size(), 34, f.size() - 34 - 1));
  CHECK(!vtepd::FinishPartialChecksum(f.data(), f.size(), f.size() - 1, 0));
  CHECK_BYTES(f, before);
  CHECK(vtepd::FinishPartialChecksum(f.data(), f.size(), 34, f.size() - 34 - 2));
}
