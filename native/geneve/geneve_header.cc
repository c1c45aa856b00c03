#include "geneve/geneve_header.h"

#include "base/byte_order.h"
#include "net/ethernet.h"

namespace vtepd {

namespace {
constexpr uint8_t kVersionMask = 0xc0;  // in the first byte
constexpr uint8_t kOptLenMask = 0x3f;
constexpr uint8_t kFlagControl = 0x80;  // O, in the second byte
constexpr uint8_t kFlagCritical = 0x40;  // C
constexpr uint8_t kOptionTypeCritical = 0x80;
constexpr uint8_t kOptionLenMask = 0x1f;

// Walks the options in [at, end): every one must end inside it, and none may be critical.
GeneveDecode WalkOptions(const uint8_t* at, const uint8_t* end) {
  while (at != end) {
    if (end - at < static_cast<ptrdiff_t>(kGeneveOptionHeaderSize)) {
      return GeneveDecode::kTruncatedOptions;
    }
    size_t size = kGeneveOptionHeaderSize + 4 * static_cast<size_t>(at[3] & kOptionLenMask);
    if (static_cast<size_t>(end - at) < size) return GeneveDecode::kTruncatedOptions;
    if (at[2] & kOptionTypeCritical) return GeneveDecode::kCriticalOption;
    at += size;
  }
  return GeneveDecode::kOk;
}
}  // namespace

GeneveDecodeResult DecodeGeneve(const uint8_t* payload, size_t len) {
  GeneveDecodeResult result{GeneveDecode::kTooShort, 0, 0};
  if (len < kGeneveHeaderSize) return result;
  if (payload[0] & kVersionMask) {
    result.status = GeneveDecode::kBadVersion;
    return result;
  }
  if (payload[1] & kFlagControl) {
    result.status = GeneveDecode::kControl;
    return result;
  }
  if (Load16(payload + 2) != kEtherTypeTeb) {
    result.status = GeneveDecode::kNotTeb;
    return result;
  }
  // The C bit alone refuses the packet: RFC 8926 §3.4 lets an endpoint that processes no
  // option drop on it without parsing.
  if (payload[1] & kFlagCritical) {
    result.status = GeneveDecode::kCriticalOption;
    return result;
  }
  size_t header_len = kGeneveHeaderSize + 4 * static_cast<size_t>(payload[0] & kOptLenMask);
  if (len < header_len) {
    result.status = GeneveDecode::kTruncatedOptions;
    return result;
  }
  result.status = WalkOptions(payload + kGeneveHeaderSize, payload + header_len);
  if (result.status != GeneveDecode::kOk) return result;
  if (len < header_len + kEthernetHeaderSize) {
    result.status = GeneveDecode::kTooShort;
    return result;
  }
  result.header_len = header_len;
  result.vni = Load32(payload + 4) >> 8;
  return result;
}

void EncodeGeneve(uint8_t* out, uint32_t vni) {
  out[0] = 0;  // version 0, no options
  out[1] = 0;  // neither O nor C
  Store16(out + 2, kEtherTypeTeb);
  Store32(out + 4, vni << 8);  // the low byte is Reserved
}

}  // namespace vtepd
