#include "gre/gre_header.h"

#include "base/byte_order.h"
#include "net/checksum.h"
#include "net/ethernet.h"

namespace vtepd {

namespace {
constexpr uint8_t kFlagChecksum = 0x80;
constexpr uint8_t kFlagRouting = 0x40;
constexpr uint8_t kFlagKey = 0x20;
constexpr uint8_t kFlagSeq = 0x10;
constexpr uint8_t kFlagStrictRoute = 0x08;
constexpr uint8_t kRecursionBit5 = 0x04;  // the first of the Recur bits (RFC 1701)
constexpr uint8_t kVersionMask = 0x07;  // in the second byte
}  // namespace

GreDecodeResult DecodeGre(const uint8_t* packet, size_t len, const GreFields& expect) {
  GreDecodeResult result{GreDecode::kTooShort, 0, false, 0};
  if (len < kGreBaseHeaderSize) return result;
  uint8_t flags = packet[0];
  // RFC 2784: discard on any of bits 1-5 (RFC 2890 gives bits 2 and 3 meaning) or a
  // version other than 0. The remaining reserved bits are ignored on receipt.
  if ((flags & (kFlagRouting | kFlagStrictRoute | kRecursionBit5)) ||
      (packet[1] & kVersionMask)) {
    result.status = GreDecode::kBadHeader;
    return result;
  }
  GreFields got;
  got.csum = flags & kFlagChecksum;
  got.key = flags & kFlagKey;
  got.seq = flags & kFlagSeq;
  size_t header_len = got.HeaderSize();
  if (len < header_len + kEthernetHeaderSize) return result;
  result.header_len = header_len;
  if (Load16(packet + 2) != kEtherTypeTeb) {
    result.status = GreDecode::kNotTeb;
    return result;
  }
  size_t offset = kGreBaseHeaderSize;
  if (got.csum) {
    if (ChecksumFold(ChecksumAdd(0, packet, len)) != 0xffff) {
      result.status = GreDecode::kBadChecksum;
      return result;
    }
    offset += 4;
  }
  if (got.key) {
    got.key_value = Load32(packet + offset);
    offset += 4;
  }
  if (got.key != expect.key || (got.key && got.key_value != expect.key_value)) {
    result.status = GreDecode::kKeyMismatch;
    return result;
  }
  if (expect.csum && !got.csum) {
    result.status = GreDecode::kBadChecksum;
    return result;
  }
  if (got.seq) {
    result.has_seq = true;
    result.seq = Load32(packet + offset);
  } else if (expect.seq) {
    result.status = GreDecode::kMissingSeq;
    return result;
  }
  result.status = GreDecode::kOk;
  return result;
}

size_t EncodeGre(uint8_t* out, const GreFields& fields, uint32_t seq) {
  out[0] = static_cast<uint8_t>((fields.csum ? kFlagChecksum : 0) | (fields.key ? kFlagKey : 0) |
                                (fields.seq ? kFlagSeq : 0));
  out[1] = 0;
  Store16(out + 2, kEtherTypeTeb);
  size_t offset = kGreBaseHeaderSize;
  if (fields.csum) {
    Store32(out + offset, 0);  // checksum and Reserved1
    offset += 4;
  }
  if (fields.key) {
    Store32(out + offset, fields.key_value);
    offset += 4;
  }
  if (fields.seq) {
    Store32(out + offset, seq);
    offset += 4;
  }
  return offset;
}

void FinishGreChecksum(uint8_t* header, size_t header_len, iovec payload, iovec tail) {
  // header_len is a multiple of 4, so the payload starts at an even offset.
  uint64_t sum = ChecksumAdd(0, header, header_len);
  sum = ChecksumAdd(sum, static_cast<const uint8_t*>(payload.iov_base), payload.iov_len);
  sum = ChecksumAdd(sum, static_cast<const uint8_t*>(tail.iov_base), tail.iov_len);
  StoreChecksum(header + kGreBaseHeaderSize, sum);
}

}  // namespace vtepd
