// L2TPv3 session header. Input: one byte of what the session expects (bit 0: encap IP, else
// UDP; bits 1-2: cookie length 0, 4 or 8; bit 3: the default sublayer), a 4-byte session ID,
// 8 cookie bytes, then a packet.
//  - The packet decodes, tunnel then session, without reading past it, and what the decoder
//    reports agrees with the bytes: the session ID where the encapsulation puts it, a whole
//    Ethernet header after the session header, the S bit and sequence number of the sublayer.
//  - The header EncodeL2tp writes for those settings, numbered or not, with the packet behind
//    it, decodes back to the same session ID, header length and sequence number; one flipped
//    cookie byte is refused.
#include <cstring>
#include <vector>

#include "base/byte_order.h"
#include "fuzz_check.h"
#include "l2tp/l2tp_header.h"
#include "net/ethernet.h"

using namespace vtepd;

namespace {

void CheckDecode(const uint8_t* packet, size_t len, const L2tpSessionHeader& expect) {
  L2tpTunnelDecodeResult t = DecodeL2tpSessionId(packet, len, expect.encap);
  size_t id_at = expect.encap == L2tpEncap::kUdp ? kL2tpUdpPrefixSize : 0;
  if (t.status == L2tpTunnelDecode::kTooShort) {
    FUZZ_CHECK(len < id_at + kL2tpSessionIdSize);
    return;
  }
  FUZZ_CHECK(len >= id_at + kL2tpSessionIdSize);
  if (t.status == L2tpTunnelDecode::kBadVersion) {
    FUZZ_CHECK(expect.encap == L2tpEncap::kUdp && (packet[1] & 0x0f) != 3 && !(packet[0] & 0x80));
    return;
  }
  if (t.status == L2tpTunnelDecode::kControl) {
    FUZZ_CHECK(expect.encap == L2tpEncap::kUdp ? bool(packet[0] & 0x80) : Load32(packet) == 0);
    return;
  }
  FUZZ_CHECK(t.session_id == Load32(packet + id_at));
  FUZZ_CHECK(t.offset == id_at + kL2tpSessionIdSize);
  L2tpSessionDecodeResult s = DecodeL2tpSession(packet, len, t.offset, expect);
  if (s.status == L2tpSessionDecode::kTooShort) {
    FUZZ_CHECK(len < expect.Size() + kEthernetHeaderSize);
    return;
  }
  FUZZ_CHECK(len >= expect.Size() + kEthernetHeaderSize);
  bool cookie_equal = std::memcmp(packet + t.offset, expect.cookie.bytes, expect.cookie.len) == 0;
  FUZZ_CHECK((s.status == L2tpSessionDecode::kCookieMismatch) == !cookie_equal);
  if (s.status != L2tpSessionDecode::kOk) return;
  FUZZ_CHECK(s.header_len == expect.Size());
  if (expect.sublayer) {
    uint32_t word = Load32(packet + s.header_len - kL2tpSublayerSize);
    FUZZ_CHECK(s.has_seq == bool(word & 0x40000000));
    if (s.has_seq) FUZZ_CHECK(s.seq == (word & kL2tpSequenceMask));
  } else {
    FUZZ_CHECK(!s.has_seq);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 13) return 0;
  L2tpSessionHeader expect;
  expect.encap = data[0] & 1 ? L2tpEncap::kIp : L2tpEncap::kUdp;
  expect.cookie.len = static_cast<uint8_t>(((data[0] >> 1) & 3) == 0 ? 0 : ((data[0] >> 1) & 3) == 1 ? 4 : 8);
  expect.sublayer = data[0] & 8;
  expect.session_id = Load32(data + 1);
  std::memcpy(expect.cookie.bytes, data + 5, kL2tpMaxCookieSize);
  const uint8_t* packet = data + 13;
  size_t len = size - 13;
  CheckDecode(packet, len, expect);

  // Encoded, then decoded: for each numbering, the packet as the frame behind the header.
  for (bool numbered : {false, true}) {
    uint32_t seq = len >= 4 ? Load32(packet) & kL2tpSequenceMask : 7;
    std::vector<uint8_t> whole(kL2tpMaxHeaderSize + len + kEthernetHeaderSize, 0);
    size_t header_len = EncodeL2tp(whole.data(), expect, numbered, seq);
    FUZZ_CHECK(header_len == expect.Size());
    std::memcpy(whole.data() + header_len, packet, len);
    whole.resize(header_len + len + kEthernetHeaderSize);
    L2tpTunnelDecodeResult t = DecodeL2tpSessionId(whole.data(), whole.size(), expect.encap);
    if (expect.encap == L2tpEncap::kIp && expect.session_id == 0) {
      FUZZ_CHECK(t.status == L2tpTunnelDecode::kControl);  // session ID 0 is a control message
      continue;
    }
    FUZZ_CHECK(t.status == L2tpTunnelDecode::kOk && t.session_id == expect.session_id);
    L2tpSessionDecodeResult s = DecodeL2tpSession(whole.data(), whole.size(), t.offset, expect);
    FUZZ_CHECK(s.status == L2tpSessionDecode::kOk && s.header_len == header_len);
    FUZZ_CHECK(s.has_seq == (numbered && expect.sublayer));
    if (s.has_seq) FUZZ_CHECK(s.seq == seq);
    if (expect.cookie.len > 0) {
      whole[t.offset + (seq % expect.cookie.len)] ^= 0x01;
      FUZZ_CHECK(DecodeL2tpSession(whole.data(), whole.size(), t.offset, expect).status ==
                 L2tpSessionDecode::kCookieMismatch);
    }
  }
  return 0;
}
