// PrepareTapFrame: a frame as a TAP hands it over (with or without a virtio-net header)
// becomes a plain frame, or a superframe's segment headers in the arena, or a counted drop.
#include <cstring>
#include <vector>

#include "check.h"
#include "frames.h"
#include "net/flow_hash.h"
#include "offload_util.h"
#include "tap/tap_frame.h"

using namespace frames;
using vtepd::Counter;
using vtepd::HeaderArena;
using vtepd::PreparedFrame;
using vtepd::PrepareTapFrame;
using vtepd::TapVerdict;
using vtepd::VirtioNetHdr;

namespace {

constexpr size_t kHeadroom = 8;  // a VXLAN header
constexpr size_t kMaxFrame = 1518;

// A TAP read: the virtio-net header (if any) then the frame.
Bytes Read(const Bytes& frame, const VirtioNetHdr* hdr) {
  size_t at = hdr ? sizeof *hdr : 0;
  Bytes read(at + frame.size());
  if (hdr) std::memcpy(read.data(), hdr, sizeof *hdr);
  std::memcpy(read.data() + at, frame.data(), frame.size());
  return read;
}

struct Prepared {
  TapVerdict verdict;
  PreparedFrame frame;
};

Prepared Prepare(Bytes& read, bool vnet, HeaderArena& arena, size_t max_frame = kMaxFrame) {
  Prepared out;
  out.verdict = PrepareTapFrame(read.data(), read.size(), vnet ? vtepd::kVirtioNetHdrSize : 0,
                                max_frame, kHeadroom, arena, &out.frame);
  return out;
}

struct Arena {
  std::vector<uint8_t> bytes;
  HeaderArena arena;
  explicit Arena(size_t size) : bytes(size), arena{bytes.data(), size, 0} {}
};

// A TCP superframe the TAP asks to cut into 4 segments of 1000 payload bytes.
struct Superframe {
  Spec spec;
  Bytes frame;
  VirtioNetHdr hdr;
  Superframe() {
    spec.payload = 3500;
    spec.csum = L4Csum::kPartial;
    frame = Build(spec);
    hdr = TsoHeader(spec, 1000);
  }
};

void CheckDropped(const Prepared& p, Counter reason, size_t packets = 1) {
  CHECK(p.verdict.drop == reason);
  CHECK_EQ(p.verdict.dropped, packets);
  CHECK(!p.verdict.no_room);
  CHECK_EQ(p.frame.len, 0u);
}

void CheckPlain(const Prepared& p, const uint8_t* at, const Bytes& frame) {
  CHECK(p.verdict.drop == Counter::kCount);
  CHECK(!p.verdict.no_room);
  CHECK(p.frame.data == at);
  CHECK_EQ(p.frame.len, frame.size());
  CHECK_EQ(p.frame.segments(), 0u);
  CHECK_EQ(p.frame.inner_bytes, frame.size());
  CHECK_EQ(p.frame.hash, vtepd::InnerFlowHash(frame.data(), frame.size()));
}

}  // namespace

TEST(tap_frame_runt_is_dropped) {
  Arena a(4096);
  Bytes short_frame(13, 0);
  CheckDropped(Prepare(short_frame, false, a.arena), Counter::tx_drop_runt);
  VirtioNetHdr none{};
  Bytes short_vnet = Read(Bytes(13, 0), &none);  // header plus 13 bytes
  CheckDropped(Prepare(short_vnet, true, a.arena), Counter::tx_drop_runt);
  Bytes header_only(14, 0);
  Prepared p = Prepare(header_only, false, a.arena);  // a bare Ethernet header is a frame
  CHECK(p.verdict.drop == Counter::kCount);
  CHECK_EQ(p.frame.len, 14u);
}

TEST(tap_frame_plain_stays_where_read) {
  Arena a(4096);
  Spec s;
  Bytes frame = Build(s);
  Bytes read = frame;
  Prepared p = Prepare(read, false, a.arena);
  CheckPlain(p, read.data(), frame);
  CHECK(p.frame.dont_fragment);  // Build sets DF
  CHECK_EQ(a.arena.used, 0u);

  VirtioNetHdr none{};
  Bytes with_hdr = Read(frame, &none);
  CheckPlain(Prepare(with_hdr, true, a.arena), with_hdr.data() + vtepd::kVirtioNetHdrSize, frame);
}

TEST(tap_frame_dont_fragment_only_from_ipv4_df) {
  Arena a(4096);
  Spec s;
  Bytes frame = Build(s);
  frame[L3Offset(s) + 6] = 0;  // DF clear
  CHECK(!Prepare(frame, false, a.arena).frame.dont_fragment);
  s.ipv6 = true;
  Bytes v6 = Build(s);
  CHECK(!Prepare(v6, false, a.arena).frame.dont_fragment);
  s.ipv6 = false;
  s.tags = {0x8100};  // behind a VLAN tag
  Bytes tagged = Build(s);
  CHECK(Prepare(tagged, false, a.arena).frame.dont_fragment);
}

TEST(tap_frame_plain_over_max_frame_is_dropped) {
  Arena a(4096);
  Spec s;
  s.payload = kMaxFrame - HeaderLen(s);
  Bytes fits = Build(s);
  CHECK(Prepare(fits, false, a.arena).verdict.drop == Counter::kCount);
  s.payload++;
  Bytes too_big = Build(s);
  CheckDropped(Prepare(too_big, false, a.arena), Counter::tx_drop_too_big);
}

TEST(tap_frame_partial_checksum_is_finished) {
  Arena a(4096);
  for (uint8_t proto : {uint8_t{IPPROTO_TCP}, uint8_t{IPPROTO_UDP}}) {
    Spec s;
    s.proto = proto;
    s.csum = L4Csum::kPartial;
    Bytes frame = Build(s);
    VirtioNetHdr hdr = TsoHeader(s, 1000);
    hdr.gso_type = vtepd::VIRTIO_NET_HDR_GSO_NONE;
    Bytes read = Read(frame, &hdr);
    Prepared p = Prepare(read, true, a.arena);
    CHECK(p.verdict.drop == Counter::kCount);
    CHECK(RefL4ChecksumOk(p.frame.data + L3Offset(s), false, proto, p.frame.data + L4Offset(s),
                          p.frame.len - L4Offset(s)));
    hdr.csum_offset = static_cast<uint16_t>(frame.size());  // beyond the frame
    Bytes bad = Read(frame, &hdr);
    CheckDropped(Prepare(bad, true, a.arena), Counter::tx_drop_bad_offload);
  }
}

TEST(tap_frame_superframe_segment_headers_in_arena) {
  Arena a(1 << 16);
  a.arena.used = 100;  // after another frame's blocks
  Superframe super;
  const Spec& s = super.spec;
  const Bytes& frame = super.frame;
  const VirtioNetHdr& hdr = super.hdr;
  Bytes read = Read(frame, &hdr);
  Prepared p = Prepare(read, true, a.arena);
  CHECK(p.verdict.drop == Counter::kCount);
  CHECK_EQ(p.frame.segments(), 4u);
  CHECK_EQ(p.frame.len, kHeadroom + HeaderLen(s));
  CHECK(p.frame.data == a.bytes.data() + 100);
  CHECK_EQ(a.arena.used, 100 + 4 * p.frame.len);
  CHECK(p.frame.superframe == read.data() + vtepd::kVirtioNetHdrSize);
  CHECK_EQ(p.frame.inner_bytes, 4 * HeaderLen(s) + s.payload);
  CHECK_EQ(p.frame.segment_size(), kHeadroom + HeaderLen(s) + 1000);
  CHECK_EQ(p.frame.hash, vtepd::InnerFlowHash(frame.data(), frame.size()));
  // Each segment is what the segmenter makes of the superframe.
  std::vector<Bytes> expected = Cut(frame, hdr);
  CHECK_EQ(expected.size(), 4u);
  for (size_t k = 0; k < expected.size() && k < p.frame.segments(); k++) {
    const uint8_t* block = p.frame.header_block(k) + kHeadroom;
    Bytes seg(block, block + HeaderLen(s));
    iovec payload = p.frame.payload(k);
    const uint8_t* pay = static_cast<const uint8_t*>(payload.iov_base);
    seg.insert(seg.end(), pay, pay + payload.iov_len);
    CHECK_BYTES(seg, expected[k]);
  }
}

TEST(tap_frame_superframe_drops) {
  Superframe super;
  const Spec& s = super.spec;
  const Bytes& frame = super.frame;
  const VirtioNetHdr& hdr = super.hdr;
  {
    Arena a(1 << 16);  // segments of HeaderLen + 1000 bytes exceed a smaller max_frame
    Bytes read = Read(frame, &hdr);
    CheckDropped(Prepare(read, true, a.arena, HeaderLen(s) + 999), Counter::tx_drop_too_big, 4);
    CHECK(Prepare(read, true, a.arena, HeaderLen(s) + 1000).verdict.drop == Counter::kCount);
  }
  {
    Arena a(1 << 16);
    VirtioNetHdr bad = hdr;
    bad.csum_start = 0;  // not at the transport header
    Bytes read = Read(frame, &bad);
    CheckDropped(Prepare(read, true, a.arena), Counter::tx_drop_bad_offload);
    CHECK_EQ(a.arena.used, 0u);
  }
}

TEST(tap_frame_superframe_arena_full) {
  Superframe super;
  const Spec& s = super.spec;
  const Bytes& frame = super.frame;
  const VirtioNetHdr& hdr = super.hdr;
  Bytes read = Read(frame, &hdr);
  size_t need = 4 * (kHeadroom + HeaderLen(s));
  Arena a(need + 10);
  a.arena.used = 11;  // one byte short: nothing prepared, retry once emptied
  Prepared p = Prepare(read, true, a.arena);
  CHECK(p.verdict.no_room);
  CHECK(p.verdict.drop == Counter::kCount);
  CHECK_EQ(a.arena.used, 11u);
  a.arena.used = 10;  // exactly enough
  CHECK(Prepare(read, true, a.arena).verdict.drop == Counter::kCount);
  CHECK_EQ(a.arena.used, need + 10);
  Arena tiny(need - 1);  // an empty arena too small: no retry can help
  CheckDropped(Prepare(read, true, tiny.arena), Counter::tx_drop_bad_offload);
}
