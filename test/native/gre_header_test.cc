// The GRE codec (gre/gre_header.h): every key/checksum/sequence combination encodes and
// decodes back, the checksum verifies with the reference in frames.h, and every way a
// packet can be refused gives its own status.
#include "gre/gre_header.h"

#include <algorithm>
#include <random>

#include "base/byte_order.h"
#include "check.h"
#include "frames.h"

using namespace vtepd;
using frames::Bytes;

namespace {

std::mt19937 rng(20240609);  // fixed seed: the same inputs on every run

GreFields Fields(int combo, uint32_t key) {
  GreFields f;
  f.csum = combo & 1;
  f.key = combo & 2;
  f.seq = combo & 4;
  f.key_value = f.key ? key : 0;
  return f;
}

Bytes RandomFrame(size_t len) {
  Bytes b(len);
  for (uint8_t& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

// A whole GRE packet: header for `fields` + `inner` (an Ethernet frame), checksum finished
// over the inner frame given in two pieces split at `split` (even).
Bytes Packet(const GreFields& fields, uint32_t seq, const Bytes& inner, size_t split = 0) {
  Bytes p(kGreMaxHeaderSize + inner.size(), 0xee);
  size_t hl = EncodeGre(p.data(), fields, seq);
  p.resize(hl + inner.size());
  std::copy(inner.begin(), inner.end(), p.begin() + hl);
  if (fields.csum) {
    iovec first{p.data() + hl, split};
    iovec rest{p.data() + hl + split, inner.size() - split};
    FinishGreChecksum(p.data(), hl, first, rest);
  }
  return p;
}

}  // namespace

TEST(gre_round_trip_all_combinations) {
  for (int combo = 0; combo < 8; combo++) {
    for (int round = 0; round < 20; round++) {
      const uint32_t key = static_cast<uint32_t>(rng());
      const uint32_t seq = static_cast<uint32_t>(rng());
      const GreFields f = Fields(combo, key);
      const Bytes inner = RandomFrame(14 + rng() % 1500);
      size_t split = (rng() % (inner.size() + 1)) & ~size_t{1};
      const Bytes p = Packet(f, seq, inner, split);
      const size_t hl = f.HeaderSize();
      CHECK_EQ(hl, 4u + 4 * ((combo & 1) + ((combo >> 1) & 1) + ((combo >> 2) & 1)));
      if (!CHECK_EQ(p.size(), hl + inner.size())) continue;
      // The wire format (RFC 2784/2890): C K S bits, version 0, TEB, fields in order.
      CHECK_EQ(p[0], (f.csum ? 0x80 : 0) | (f.key ? 0x20 : 0) | (f.seq ? 0x10 : 0));
      CHECK_EQ(p[1], 0);
      CHECK_EQ(Load16(&p[2]), 0x6558u);
      size_t at = 4;
      if (f.csum) {
        CHECK(frames::RefFold(frames::RefSum(p.data(), p.size())) == 0xffff);
        CHECK_EQ(Load16(&p[6]), 0u);  // Reserved1
        at += 4;
      }
      if (f.key) {
        CHECK_EQ(Load32(&p[at]), key);
        at += 4;
      }
      if (f.seq) {
        CHECK_EQ(Load32(&p[at]), seq);
        at += 4;
      }
      CHECK_EQ(at, hl);
      CHECK(std::equal(inner.begin(), inner.end(), p.begin() + hl));

      GreDecodeResult r = DecodeGre(p.data(), p.size(), f);
      CHECK(r.status == GreDecode::kOk);
      CHECK_EQ(r.header_len, hl);
      CHECK_EQ(r.has_seq, f.seq);
      if (f.seq) CHECK_EQ(r.seq, seq);
    }
  }
}

TEST(gre_checksum_independent_of_split) {
  GreFields f;
  f.csum = true;
  f.key = true;
  f.key_value = 0xdeadbeef;
  for (size_t len : {14u, 15u, 60u, 61u, 1514u}) {
    const Bytes inner = RandomFrame(len);
    const Bytes whole = Packet(f, 0, inner, 0);
    CHECK(frames::RefFold(frames::RefSum(whole.data(), whole.size())) == 0xffff);
    for (size_t split = 2; split <= len; split += 2) {
      if (!CHECK_BYTES(Packet(f, 0, inner, split), whole)) break;
    }
  }
}

TEST(gre_optional_fields_not_required_are_accepted) {
  const Bytes inner = RandomFrame(60);
  GreFields all;
  all.csum = all.seq = true;
  GreFields none;
  // A checksum or sequence number the device does not ask for is accepted (the checksum
  // still verified); the sequence number is reported.
  const Bytes both = Packet(all, 7, inner);
  GreDecodeResult r = DecodeGre(both.data(), both.size(), none);
  CHECK(r.status == GreDecode::kOk);
  CHECK(r.has_seq);
  CHECK_EQ(r.seq, 7u);
  CHECK_EQ(r.header_len, 12u);
  // Reserved bits 6-12 are ignored on receipt (RFC 2784 2.3).
  Bytes p = Packet(none, 0, inner);
  p[0] |= 0x03;
  p[1] |= 0xf8;
  CHECK(DecodeGre(p.data(), p.size(), none).status == GreDecode::kOk);
}

TEST(gre_decode_too_short) {
  GreFields none;
  const Bytes p = Packet(none, 0, RandomFrame(14));
  for (size_t len = 0; len < p.size(); len++) {
    CHECK(DecodeGre(p.data(), len, none).status == GreDecode::kTooShort);
  }
  CHECK(DecodeGre(p.data(), p.size(), none).status == GreDecode::kOk);
  // The optional fields count: 4 + 12 + 14 bytes needed with all three.
  GreFields all;
  all.csum = all.key = all.seq = true;
  const Bytes q = Packet(all, 1, RandomFrame(14));
  CHECK_EQ(q.size(), 30u);
  for (size_t len : {4u, 8u, 16u, 29u}) {
    CHECK(DecodeGre(q.data(), len, all).status == GreDecode::kTooShort);
  }
}

TEST(gre_decode_bad_header) {
  GreFields none;
  const Bytes good = Packet(none, 0, RandomFrame(60));
  for (uint8_t version = 1; version < 8; version++) {
    Bytes p = good;
    p[1] |= version;
    CHECK(DecodeGre(p.data(), p.size(), none).status == GreDecode::kBadHeader);
  }
  for (uint8_t bit : {uint8_t{0x40}, uint8_t{0x08}, uint8_t{0x04}}) {  // R, s, Recur
    Bytes p = good;
    p[0] |= bit;
    CHECK(DecodeGre(p.data(), p.size(), none).status == GreDecode::kBadHeader);
  }
}

TEST(gre_decode_not_teb) {
  GreFields none;
  for (uint16_t proto : {0x0800, 0x86dd, 0x88be, 0x0000, 0x6559}) {
    Bytes p = Packet(none, 0, RandomFrame(60));
    Store16(&p[2], proto);
    CHECK(DecodeGre(p.data(), p.size(), none).status == GreDecode::kNotTeb);
  }
}

TEST(gre_decode_key_mismatch) {
  const Bytes inner = RandomFrame(60);
  GreFields keyed;
  keyed.key = true;
  keyed.key_value = 0x01020304;
  GreFields other = keyed;
  other.key_value = 0x01020305;
  GreFields zero_key = keyed;
  zero_key.key_value = 0;
  GreFields none;
  const Bytes with_key = Packet(keyed, 0, inner);
  const Bytes without_key = Packet(none, 0, inner);
  CHECK(DecodeGre(with_key.data(), with_key.size(), keyed).status == GreDecode::kOk);
  CHECK(DecodeGre(with_key.data(), with_key.size(), other).status == GreDecode::kKeyMismatch);
  CHECK(DecodeGre(with_key.data(), with_key.size(), none).status == GreDecode::kKeyMismatch);
  CHECK(DecodeGre(without_key.data(), without_key.size(), keyed).status == GreDecode::kKeyMismatch);
  // Key 0 present is not the same as no key.
  CHECK(DecodeGre(without_key.data(), without_key.size(), zero_key).status ==
        GreDecode::kKeyMismatch);
  const Bytes with_zero = Packet(zero_key, 0, inner);
  CHECK(DecodeGre(with_zero.data(), with_zero.size(), none).status == GreDecode::kKeyMismatch);
  CHECK(DecodeGre(with_zero.data(), with_zero.size(), zero_key).status == GreDecode::kOk);
}

TEST(gre_decode_bad_checksum) {
  GreFields csum;
  csum.csum = true;
  GreFields none;
  Bytes inner = RandomFrame(100);
  inner[98] = 0x12, inner[99] = 0x34;  // so that dropping them changes the sum
  const Bytes good = Packet(csum, 0, inner);
  CHECK(DecodeGre(good.data(), good.size(), csum).status == GreDecode::kOk);
  // Any flipped bit, header or payload, is caught, asked for or not.
  for (size_t at : {size_t{4}, size_t{5}, size_t{8}, size_t{20}, good.size() - 1}) {
    Bytes p = good;
    p[at] ^= 0x10;
    CHECK(DecodeGre(p.data(), p.size(), csum).status == GreDecode::kBadChecksum);
    CHECK(DecodeGre(p.data(), p.size(), none).status == GreDecode::kBadChecksum);
  }
  // Truncated: the checksum no longer covers what was sent.
  CHECK(DecodeGre(good.data(), good.size() - 2, csum).status == GreDecode::kBadChecksum);
  // Required but absent.
  const Bytes plain = Packet(none, 0, inner);
  CHECK(DecodeGre(plain.data(), plain.size(), csum).status == GreDecode::kBadChecksum);
}

TEST(gre_decode_missing_seq) {
  GreFields seq;
  seq.seq = true;
  GreFields none;
  const Bytes inner = RandomFrame(60);
  const Bytes plain = Packet(none, 0, inner);
  CHECK(DecodeGre(plain.data(), plain.size(), seq).status == GreDecode::kMissingSeq);
  const Bytes numbered = Packet(seq, 0xfffffffe, inner);
  GreDecodeResult r = DecodeGre(numbered.data(), numbered.size(), seq);
  CHECK(r.status == GreDecode::kOk);
  CHECK(r.has_seq);
  CHECK_EQ(r.seq, 0xfffffffeu);
}
