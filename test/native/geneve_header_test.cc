// The Geneve codec (geneve/geneve_header.h): the header is the bytes RFC 8926 and the kernel
// put on the wire, options are skipped by their length, and every way a packet can be
// refused gives its own status.
#include "geneve/geneve_header.h"

#include <cstring>

#include "check.h"
#include "frames.h"

using namespace vtepd;
using frames::Bytes;

namespace {

const Bytes kInner(60, 0xab);  // an Ethernet frame's worth of bytes

struct Option {
  uint16_t cls;
  uint8_t type;
  uint8_t words;  // of data
};

// A Geneve packet for `vni` with `options` (Opt Len counting them all) and `inner` behind.
Bytes Packet(uint32_t vni, const std::vector<Option>& options = {}, const Bytes& inner = kInner) {
  Bytes p(kGeneveHeaderSize);
  EncodeGeneve(p.data(), vni);
  for (const Option& o : options) {
    Bytes opt = {static_cast<uint8_t>(o.cls >> 8), static_cast<uint8_t>(o.cls), o.type, o.words};
    opt.resize(opt.size() + 4 * o.words, 0x5a);
    p.insert(p.end(), opt.begin(), opt.end());
  }
  p[0] = static_cast<uint8_t>((p.size() - kGeneveHeaderSize) / 4);
  p.insert(p.end(), inner.begin(), inner.end());
  return p;
}

GeneveDecode Status(const Bytes& p) { return DecodeGeneve(p.data(), p.size()).status; }

}  // namespace

TEST(geneve_encode_is_the_wire_format) {
  uint8_t out[kGeneveHeaderSize + 1];
  out[kGeneveHeaderSize] = 0xee;
  EncodeGeneve(out, 0x123456);
  // Ver 0, Opt Len 0, O and C clear, Trans Ether Bridging, VNI, Reserved.
  const uint8_t want[kGeneveHeaderSize] = {0x00, 0x00, 0x65, 0x58, 0x12, 0x34, 0x56, 0x00};
  CHECK(std::memcmp(out, want, sizeof want) == 0);
  CHECK_EQ(out[kGeneveHeaderSize], 0xee);  // nothing written past the header
  CHECK_EQ(kGenevePort, 6081);
}

TEST(geneve_round_trips_every_vni_edge) {
  for (uint32_t vni : {0u, 1u, 42u, 0x800000u, 0xffffffu}) {
    const Bytes p = Packet(vni);
    GeneveDecodeResult r = DecodeGeneve(p.data(), p.size());
    CHECK(r.status == GeneveDecode::kOk);
    CHECK_EQ(r.vni, vni);
    CHECK_EQ(r.header_len, kGeneveHeaderSize);
  }
}

TEST(geneve_skips_options_by_their_length) {
  // Several options, one of the longest length (31 words), the whole area at Opt Len's limit.
  const std::vector<std::vector<Option>> cases = {
      {{0x0102, 0x03, 0}},
      {{0x0102, 0x03, 1}, {0xffff, 0x7f, 2}},
      {{0x0000, 0x00, 31}, {0x0101, 0x01, 30}},
  };
  for (const auto& options : cases) {
    const Bytes p = Packet(7, options);
    GeneveDecodeResult r = DecodeGeneve(p.data(), p.size());
    CHECK(r.status == GeneveDecode::kOk);
    CHECK_EQ(r.vni, 7u);
    CHECK_EQ(r.header_len, p.size() - kInner.size());
    CHECK(r.header_len <= kGeneveHeaderSize + kGeneveMaxOptionsSize);
  }
  // Reserved bits (header Rsvd, the option's R bits, the VNI's trailing byte) are ignored.
  Bytes p = Packet(9, {{0x0102, 0x03, 1}});
  p[1] |= 0x3f;
  p[7] = 0xff;
  p[kGeneveHeaderSize + 3] |= 0xe0;
  CHECK(Status(p) == GeneveDecode::kOk);
}

TEST(geneve_refuses_each_malformation_under_its_own_status) {
  Bytes p = Packet(1);
  p[0] |= 0x40;  // version 1
  CHECK(Status(p) == GeneveDecode::kBadVersion);
  p = Packet(1);
  p[1] |= 0x80;  // O: control packet
  CHECK(Status(p) == GeneveDecode::kControl);
  p = Packet(1);
  p[3] = 0x00;  // 0x6500: not Ethernet
  CHECK(Status(p) == GeneveDecode::kNotTeb);
  p = Packet(1);
  p[1] |= 0x40;  // C: critical options present, even with none walked
  CHECK(Status(p) == GeneveDecode::kCriticalOption);
  p = Packet(1, {{0x0102, 0x03, 0}, {0x0102, 0x83, 1}});  // the second one critical
  CHECK(Status(p) == GeneveDecode::kCriticalOption);
}

TEST(geneve_refuses_options_running_past_the_packet_or_opt_len) {
  // Opt Len says 8 bytes of options, the packet ends after 4.
  Bytes p = Packet(1, {{0x0102, 0x03, 1}}, {});
  p.resize(kGeneveHeaderSize + 4);
  CHECK(Status(p) == GeneveDecode::kTruncatedOptions);
  // An option whose length runs past Opt Len (though not past the packet).
  p = Packet(1, {{0x0102, 0x03, 1}});
  p[0] = 1;  // the area is only the option's own 4-byte header
  CHECK(Status(p) == GeneveDecode::kTruncatedOptions);
  // A part of an option header at the end of the area.
  p = Packet(1, {{0x0102, 0x03, 0}});
  p[0] = 2;
  CHECK(Status(p) == GeneveDecode::kTruncatedOptions);
  // Truncation wins over a critical bit in the option that runs past.
  p = Packet(1, {{0x0102, 0x83, 2}});
  p[0] = 2;
  CHECK(Status(p) == GeneveDecode::kTruncatedOptions);
}

TEST(geneve_refuses_packets_too_short_for_a_frame) {
  for (size_t len = 0; len < kGeneveHeaderSize; len++) {
    Bytes p = Packet(1);
    p.resize(len);
    CHECK(Status(p) == GeneveDecode::kTooShort);
  }
  Bytes p = Packet(1, {{0x0102, 0x03, 1}}, Bytes(13, 0));  // one byte short of Ethernet
  CHECK(Status(p) == GeneveDecode::kTooShort);
  p.push_back(0);
  CHECK(Status(p) == GeneveDecode::kOk);
}
