// Geneve header. Input: a UDP payload.
//  - It decodes without reading past it, and what it reports agrees with the bytes: an
//    accepted packet has version 0, neither O nor C, Ethernet inside, options ending exactly
//    at Opt Len with none critical, and a whole Ethernet header behind them.
//  - Encoding a VNI over its first 8 bytes, then giving it as Opt Len the non-critical
//    options built from the input's bytes, decodes back to that VNI and header length; the
//    critical bit on any one of those options refuses it.
#include <vector>

#include "base/byte_order.h"
#include "fuzz_check.h"
#include "geneve/geneve_header.h"
#include "net/ethernet.h"

using namespace vtepd;

namespace {

void CheckDecode(const std::vector<uint8_t>& p) {
  GeneveDecodeResult r = DecodeGeneve(p.data(), p.size());
  if (p.size() < kGeneveHeaderSize) FUZZ_CHECK(r.status == GeneveDecode::kTooShort);
  if (r.status != GeneveDecode::kOk) return;
  FUZZ_CHECK((p[0] & 0xc0) == 0 && (p[1] & 0xc0) == 0 && Load16(&p[2]) == kEtherTypeTeb);
  FUZZ_CHECK(r.header_len == kGeneveHeaderSize + 4 * size_t{p[0] & 0x3fu});
  FUZZ_CHECK(r.header_len + kEthernetHeaderSize <= p.size());
  FUZZ_CHECK(r.vni == Load32(&p[4]) >> 8);
  size_t at = kGeneveHeaderSize;
  while (at < r.header_len) {
    FUZZ_CHECK(!(p[at + 2] & 0x80));
    at += 4 + 4 * size_t{p[at + 3] & 0x1fu};
  }
  FUZZ_CHECK(at == r.header_len);
}

// Options from `data`: each byte a length in words (mod 4, to fit several), until the area
// would pass Opt Len's limit. Returns each option's offset.
std::vector<size_t> AppendOptions(std::vector<uint8_t>& p, const uint8_t* data, size_t size) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < size; i++) {
    size_t words = data[i] % 4;
    if (p.size() - kGeneveHeaderSize + 4 + 4 * words > kGeneveMaxOptionsSize) break;
    starts.push_back(p.size());
    p.insert(p.end(), {data[i], static_cast<uint8_t>(i), static_cast<uint8_t>(data[i] & 0x7f),
                       static_cast<uint8_t>((data[i] & 0xe0) | words)});
    p.insert(p.end(), 4 * words, data[i]);
  }
  p[0] = static_cast<uint8_t>((p.size() - kGeneveHeaderSize) / 4);
  return starts;
}

void CheckRoundTrip(const uint8_t* data, size_t size) {
  uint32_t vni = size >= 3 ? uint32_t{data[0]} << 16 | uint32_t{data[1]} << 8 | data[2] : 0;
  std::vector<uint8_t> p(kGeneveHeaderSize);
  EncodeGeneve(p.data(), vni);
  std::vector<size_t> starts = AppendOptions(p, data, size % 64);
  size_t header_len = p.size();
  p.insert(p.end(), data, data + size);  // the inner frame
  GeneveDecodeResult r = DecodeGeneve(p.data(), p.size());
  if (size < kEthernetHeaderSize) {
    FUZZ_CHECK(r.status == GeneveDecode::kTooShort);
    return;
  }
  FUZZ_CHECK(r.status == GeneveDecode::kOk && r.vni == vni && r.header_len == header_len);
  if (!starts.empty()) {
    p[starts[size % starts.size()] + 2] |= 0x80;
    FUZZ_CHECK(DecodeGeneve(p.data(), p.size()).status == GeneveDecode::kCriticalOption);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CheckDecode(std::vector<uint8_t>(data, data + size));
  CheckRoundTrip(data, size);
  return 0;
}
