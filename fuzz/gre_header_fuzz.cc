// GRE header. Input: one byte of receive expectations (bit 0 csum, 1 key, 2 seq), a 4-byte
// key and a 4-byte sequence number, then a packet.
//  - The packet decodes against those expectations without reading past it, and what it
//    reports agrees with the bytes.
//  - For every one of the 8 combinations of checksum, key and sequence number, the packet
//    used as payload behind EncodeGre (its checksum summed in two pieces split at an even
//    offset) decodes back to the same fields; a wrong key and a flipped bit are refused.
#include <cstring>
#include <vector>

#include "base/byte_order.h"
#include "fuzz_check.h"
#include "gre/gre_header.h"
#include "net/ethernet.h"

using namespace vtepd;

namespace {

GreFields FieldsOf(uint8_t bits, uint32_t key) {
  GreFields f;
  f.csum = bits & 1;
  f.key = bits & 2;
  f.seq = bits & 4;
  f.key_value = key;
  return f;
}

void CheckDecode(const std::vector<uint8_t>& packet, const GreFields& expect) {
  GreDecodeResult r = DecodeGre(packet.data(), packet.size(), expect);
  if (r.status == GreDecode::kTooShort || r.status == GreDecode::kBadHeader) return;
  FUZZ_CHECK(r.header_len >= kGreBaseHeaderSize && r.header_len <= kGreMaxHeaderSize);
  FUZZ_CHECK(r.header_len + kEthernetHeaderSize <= packet.size());
  if (r.status != GreDecode::kOk) return;
  FUZZ_CHECK(Load16(packet.data() + 2) == kEtherTypeTeb);
  FUZZ_CHECK(r.has_seq == bool(packet[0] & 0x10));
  if (r.has_seq) FUZZ_CHECK(r.seq == Load32(packet.data() + r.header_len - 4));
  FUZZ_CHECK(!expect.seq || r.has_seq);
}

void CheckRoundTrip(const GreFields& fields, uint32_t seq, const uint8_t* payload, size_t len,
                    size_t split) {
  std::vector<uint8_t> packet(kGreMaxHeaderSize + len);
  size_t header_len = EncodeGre(packet.data(), fields, seq);
  FUZZ_CHECK(header_len == fields.HeaderSize());
  packet.resize(header_len + len);
  std::memcpy(packet.data() + header_len, payload, len);
  uint8_t* body = packet.data() + header_len;
  if (fields.csum) {
    FinishGreChecksum(packet.data(), header_len, {body, split}, {body + split, len - split});
  }
  GreDecodeResult r = DecodeGre(packet.data(), packet.size(), fields);
  if (len < kEthernetHeaderSize) {
    FUZZ_CHECK(r.status == GreDecode::kTooShort);
    return;
  }
  FUZZ_CHECK(r.status == GreDecode::kOk);
  FUZZ_CHECK(r.header_len == header_len);
  FUZZ_CHECK(r.has_seq == fields.seq && (!fields.seq || r.seq == seq));
  if (fields.key) {
    GreFields other = fields;
    other.key_value ^= 1;
    FUZZ_CHECK(DecodeGre(packet.data(), packet.size(), other).status == GreDecode::kKeyMismatch);
  }
  if (fields.csum) {
    // Any single flipped bit past the flags changes a ones'-complement sum.
    size_t at = header_len + split % len;
    packet[at] ^= static_cast<uint8_t>(1u << (seq % 8));
    FUZZ_CHECK(DecodeGre(packet.data(), packet.size(), fields).status == GreDecode::kBadChecksum);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 9) return 0;
  uint32_t key = Load32(data + 1);
  uint32_t seq = Load32(data + 5);
  const uint8_t* rest = data + 9;
  size_t len = size - 9;
  CheckDecode(std::vector<uint8_t>(rest, rest + len), FieldsOf(data[0], key));
  size_t split = len ? (seq % (len + 1)) & ~size_t{1} : 0;
  for (uint8_t bits = 0; bits < 8; bits++) CheckRoundTrip(FieldsOf(bits, key), seq, rest, len, split);
  return 0;
}
