// The L2TPv3 codec (l2tp/l2tp_header.h) against a reference layout written here byte by
// byte from RFC 3931 and the kernel's l2tp_build_l2tpv3_header: over UDP 00 03 00 00 (T=0,
// version 3, reserved), then the session ID, the cookie, and the default sublayer (S bit
// 0x40 in its first byte, 24-bit sequence number) or nothing; over IP the same without the
// first four bytes. Every encapsulation, cookie length, sublayer and sequence combination
// encodes to the reference and decodes back; every way a packet is refused has its status.
#include "l2tp/l2tp_header.h"

#include <cstring>

#include "check.h"
#include "frames.h"

using namespace vtepd;
using frames::Bytes;

namespace {

L2tpCookie Cookie(size_t len) {
  L2tpCookie cookie;
  cookie.len = static_cast<uint8_t>(len);
  for (size_t i = 0; i < len; i++) cookie.bytes[i] = static_cast<uint8_t>(0xa1 + i);
  return cookie;
}

L2tpSessionHeader Header(L2tpEncap encap, uint32_t session_id, size_t cookie_len, bool sublayer) {
  L2tpSessionHeader h;
  h.encap = encap;
  h.session_id = session_id;
  h.cookie = Cookie(cookie_len);
  h.sublayer = sublayer;
  return h;
}

// The header as the kernel lays it out, without the code under test.
Bytes Reference(L2tpEncap encap, uint32_t session_id, size_t cookie_len, bool sublayer,
                bool with_seq, uint32_t seq) {
  Bytes b = encap == L2tpEncap::kUdp ? Bytes{0x00, 0x03, 0x00, 0x00} : Bytes{};
  for (int shift : {24, 16, 8, 0}) b.push_back(static_cast<uint8_t>(session_id >> shift));
  for (size_t i = 0; i < cookie_len; i++) b.push_back(static_cast<uint8_t>(0xa1 + i));
  if (sublayer) {
    b.push_back(with_seq ? 0x40 : 0x00);
    for (int shift : {16, 8, 0}) b.push_back(with_seq ? static_cast<uint8_t>(seq >> shift) : 0);
  }
  return b;
}

const uint8_t kFrame[14] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08, 0x06};

Bytes Packet(const Bytes& header, size_t frame_len = sizeof kFrame) {
  Bytes p = header;
  for (size_t i = 0; i < frame_len; i++) p.push_back(kFrame[i % sizeof kFrame]);
  return p;
}

}  // namespace

TEST(l2tp_encode_matches_the_kernel_layout_for_every_combination) {
  for (L2tpEncap encap : {L2tpEncap::kUdp, L2tpEncap::kIp}) {
    for (size_t cookie : {0, 4, 8}) {
      for (bool sublayer : {false, true}) {
        for (bool with_seq : {false, true}) {
          for (uint32_t seq : {0u, 1u, 0x123456u, 0xffffffu}) {
            L2tpSessionHeader h = Header(encap, 0xdeadbeef, cookie, sublayer);
            uint8_t out[kL2tpMaxHeaderSize + 4];
            std::memset(out, 0xee, sizeof out);
            size_t len = EncodeL2tp(out, h, with_seq, seq);
            Bytes want = Reference(encap, 0xdeadbeef, cookie, sublayer, sublayer && with_seq, seq);
            CHECK_EQ(len, want.size());
            CHECK_EQ(len, h.Size());
            CHECK(std::memcmp(out, want.data(), want.size()) == 0);
            CHECK_EQ(out[len], 0xee);  // nothing written past the header
          }
        }
      }
    }
  }
}

TEST(l2tp_header_sizes_are_the_kernels_hdr_len) {
  // l2tp_session_set_header_len: 4 + cookie + (4 for the default sublayer), + 4 over UDP.
  CHECK_EQ(Header(L2tpEncap::kUdp, 1, 0, true).Size(), 12u);
  CHECK_EQ(Header(L2tpEncap::kUdp, 1, 8, true).Size(), 20u);
  CHECK_EQ(Header(L2tpEncap::kIp, 1, 0, true).Size(), 8u);
  CHECK_EQ(Header(L2tpEncap::kIp, 1, 4, false).Size(), 8u);
  CHECK_EQ(Header(L2tpEncap::kIp, 1, 0, false).Size(), 4u);
}

TEST(l2tp_decode_round_trips_every_combination) {
  for (L2tpEncap encap : {L2tpEncap::kUdp, L2tpEncap::kIp}) {
    for (size_t cookie : {0, 4, 8}) {
      for (bool sublayer : {false, true}) {
        for (bool with_seq : {false, true}) {
          Bytes p = Packet(Reference(encap, 77, cookie, sublayer, with_seq, 0xabcdef));
          L2tpTunnelDecodeResult t = DecodeL2tpSessionId(p.data(), p.size(), encap);
          CHECK(t.status == L2tpTunnelDecode::kOk);
          CHECK_EQ(t.session_id, 77u);
          CHECK_EQ(t.offset, encap == L2tpEncap::kUdp ? 8u : 4u);
          L2tpSessionDecodeResult s = DecodeL2tpSession(p.data(), p.size(), t.offset,
                                                        Header(encap, 77, cookie, sublayer));
          CHECK(s.status == L2tpSessionDecode::kOk);
          CHECK_EQ(s.header_len, Header(encap, 77, cookie, sublayer).Size());
          CHECK_EQ(s.has_seq, sublayer && with_seq);
          if (s.has_seq) CHECK_EQ(s.seq, 0xabcdefu);
        }
      }
    }
  }
}

TEST(l2tp_decode_refuses_control_messages_and_other_versions) {
  Bytes control = Packet({0xc8, 0x03, 0x00, 0x20, 0, 0, 0, 1});  // T, L, S set: control
  CHECK(DecodeL2tpSessionId(control.data(), control.size(), L2tpEncap::kUdp).status ==
        L2tpTunnelDecode::kControl);
  Bytes v2 = Packet({0x00, 0x02, 0x00, 0x01, 0, 1, 0, 0});  // an L2TPv2 data message
  CHECK(DecodeL2tpSessionId(v2.data(), v2.size(), L2tpEncap::kUdp).status ==
        L2tpTunnelDecode::kBadVersion);
  // Flag bits other than T and the reserved half are ignored, as the kernel does.
  Bytes odd = Packet({0x08, 0x03, 0xff, 0xff, 0, 0, 0, 9});
  L2tpTunnelDecodeResult t = DecodeL2tpSessionId(odd.data(), odd.size(), L2tpEncap::kUdp);
  CHECK(t.status == L2tpTunnelDecode::kOk);
  CHECK_EQ(t.session_id, 9u);
  Bytes ip_control = Packet({0, 0, 0, 0, 0xc8, 0x03, 0, 0x20});  // session ID 0 over IP
  CHECK(DecodeL2tpSessionId(ip_control.data(), ip_control.size(), L2tpEncap::kIp).status ==
        L2tpTunnelDecode::kControl);
}

TEST(l2tp_decode_refuses_short_packets_at_every_length) {
  for (L2tpEncap encap : {L2tpEncap::kUdp, L2tpEncap::kIp}) {
    L2tpSessionHeader h = Header(encap, 5, 8, true);
    Bytes p = Packet(Reference(encap, 5, 8, true, true, 1));
    size_t id_end = encap == L2tpEncap::kUdp ? 8 : 4;
    for (size_t len = 0; len < p.size(); len++) {
      L2tpTunnelDecodeResult t = DecodeL2tpSessionId(p.data(), len, encap);
      if (len < id_end) {
        CHECK(t.status == L2tpTunnelDecode::kTooShort);
        continue;
      }
      CHECK(t.status == L2tpTunnelDecode::kOk);
      CHECK(DecodeL2tpSession(p.data(), len, t.offset, h).status == L2tpSessionDecode::kTooShort);
    }
    L2tpTunnelDecodeResult t = DecodeL2tpSessionId(p.data(), p.size(), encap);
    CHECK(DecodeL2tpSession(p.data(), p.size(), t.offset, h).status == L2tpSessionDecode::kOk);
  }
}

TEST(l2tp_decode_checks_every_cookie_byte) {
  for (size_t cookie : {4, 8}) {
    L2tpSessionHeader h = Header(L2tpEncap::kUdp, 5, cookie, true);
    for (size_t i = 0; i < cookie; i++) {
      Bytes p = Packet(Reference(L2tpEncap::kUdp, 5, cookie, true, false, 0));
      p[8 + i] ^= 0x01;
      CHECK(DecodeL2tpSession(p.data(), p.size(), 8, h).status == L2tpSessionDecode::kCookieMismatch);
    }
  }
  // A packet without the cookie expected is read as a wrong cookie (the bytes there are the
  // sublayer and the frame), as the kernel reads it.
  Bytes none = Packet(Reference(L2tpEncap::kUdp, 5, 0, true, false, 0), 60);
  CHECK(DecodeL2tpSession(none.data(), none.size(), 8, Header(L2tpEncap::kUdp, 5, 4, true)).status ==
        L2tpSessionDecode::kCookieMismatch);
}

TEST(l2tp_decode_reads_the_sublayer_s_bit_only) {
  Bytes p = Packet(Reference(L2tpEncap::kIp, 5, 0, true, false, 0));
  p[4] = 0xbf;  // every bit but S: no sequence number
  p[5] = p[6] = p[7] = 0xff;
  L2tpSessionDecodeResult s = DecodeL2tpSession(p.data(), p.size(), 4, Header(L2tpEncap::kIp, 5, 0, true));
  CHECK(s.status == L2tpSessionDecode::kOk);
  CHECK(!s.has_seq);
  p[4] = 0x40;
  s = DecodeL2tpSession(p.data(), p.size(), 4, Header(L2tpEncap::kIp, 5, 0, true));
  CHECK(s.has_seq);
  CHECK_EQ(s.seq, 0xffffffu);
}
