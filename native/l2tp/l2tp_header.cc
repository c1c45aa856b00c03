#include "l2tp/l2tp_header.h"

#include <cstring>

#include "base/byte_order.h"
#include "net/ethernet.h"

namespace vtepd {

namespace {
constexpr uint16_t kFlagType = 0x8000;  // T: control message
constexpr uint16_t kVersionMask = 0x000f;
constexpr uint32_t kSublayerSequenceBit = 0x40000000;  // S
}  // namespace

L2tpTunnelDecodeResult DecodeL2tpSessionId(const uint8_t* packet, size_t len, L2tpEncap encap) {
  L2tpTunnelDecodeResult result{L2tpTunnelDecode::kTooShort, 0, 0};
  size_t offset = 0;
  if (encap == L2tpEncap::kUdp) {
    if (len < kL2tpUdpPrefixSize + kL2tpSessionIdSize) return result;
    uint16_t flags = Load16(packet);
    if (flags & kFlagType) {
      result.status = L2tpTunnelDecode::kControl;
      return result;
    }
    // The kernel ignores the other flag bits and the reserved half of a data message.
    if ((flags & kVersionMask) != kL2tpVersion3) {
      result.status = L2tpTunnelDecode::kBadVersion;
      return result;
    }
    offset = kL2tpUdpPrefixSize;
  } else if (len < kL2tpSessionIdSize) {
    return result;
  }
  result.session_id = Load32(packet + offset);
  if (encap == L2tpEncap::kIp && result.session_id == 0) {
    result.status = L2tpTunnelDecode::kControl;
    return result;
  }
  result.offset = offset + kL2tpSessionIdSize;
  result.status = L2tpTunnelDecode::kOk;
  return result;
}

L2tpSessionDecodeResult DecodeL2tpSession(const uint8_t* packet, size_t len, size_t offset,
                                          const L2tpSessionHeader& expect) {
  L2tpSessionDecodeResult result{L2tpSessionDecode::kTooShort, 0, false, 0};
  size_t header_len = offset + expect.cookie.len + (expect.sublayer ? kL2tpSublayerSize : 0);
  if (len < header_len + kEthernetHeaderSize) return result;
  if (std::memcmp(packet + offset, expect.cookie.bytes, expect.cookie.len) != 0) {
    result.status = L2tpSessionDecode::kCookieMismatch;
    return result;
  }
  if (expect.sublayer) {
    uint32_t word = Load32(packet + offset + expect.cookie.len);
    result.has_seq = word & kSublayerSequenceBit;
    if (result.has_seq) result.seq = word & kL2tpSequenceMask;
  }
  result.header_len = header_len;
  result.status = L2tpSessionDecode::kOk;
  return result;
}

size_t EncodeL2tp(uint8_t* out, const L2tpSessionHeader& header, bool with_seq, uint32_t seq) {
  size_t offset = 0;
  if (header.encap == L2tpEncap::kUdp) {
    Store16(out, kL2tpVersion3);  // T=0: data
    Store16(out + 2, 0);
    offset = kL2tpUdpPrefixSize;
  }
  Store32(out + offset, header.session_id);
  offset += kL2tpSessionIdSize;
  std::memcpy(out + offset, header.cookie.bytes, header.cookie.len);
  offset += header.cookie.len;
  if (header.sublayer) {
    Store32(out + offset, with_seq ? kSublayerSequenceBit | (seq & kL2tpSequenceMask) : 0);
    offset += kL2tpSublayerSize;
  }
  return offset;
}

}  // namespace vtepd
