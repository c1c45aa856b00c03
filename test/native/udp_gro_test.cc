// UDP GRO bundles: the segment size from the control buffer, and a datagram's packets.
#include <linux/udp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <vector>

#include "check.h"
#include "net/udp_gro.h"

using vtepd::GroPacket;
using vtepd::GroPackets;
using vtepd::GroSegmentSize;

namespace {

struct Cmsg {
  int level;
  int type;
  int value;
};

// A control buffer as recvmsg fills it, with one int-sized message per entry.
std::vector<uint8_t> Control(const std::vector<Cmsg>& cmsgs) {
  std::vector<uint8_t> buf(CMSG_SPACE(sizeof(int)) * cmsgs.size() + 1, 0);
  msghdr hdr{};
  hdr.msg_control = buf.data();
  hdr.msg_controllen = buf.size() - 1;
  cmsghdr* cm = CMSG_FIRSTHDR(&hdr);
  for (const Cmsg& c : cmsgs) {
    cm->cmsg_level = c.level;
    cm->cmsg_type = c.type;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(cm), &c.value, sizeof c.value);
    cm = CMSG_NXTHDR(&hdr, cm);
  }
  buf.pop_back();
  return buf;
}

size_t SegmentOf(const std::vector<uint8_t>& control) {
  return GroSegmentSize(control.data(), control.size());
}

// (offset, len) of every packet, flattened.
std::vector<size_t> Split(size_t len, size_t segment) {
  GroPackets packets(len, segment);
  std::vector<size_t> out;
  for (size_t k = 0; k < packets.count(); k++) {
    GroPacket p = packets[k];
    out.push_back(p.offset);
    out.push_back(p.len);
  }
  return out;
}

}  // namespace

TEST(gro_segment_size_from_control) {
  CHECK_EQ(SegmentOf(Control({{IPPROTO_UDP, UDP_GRO, 1464}})), 1464u);
  // Another message first (a timestamp, say) is skipped.
  CHECK_EQ(SegmentOf(Control({{SOL_SOCKET, SO_TIMESTAMP, 7}, {IPPROTO_UDP, UDP_GRO, 100}})), 100u);
}

TEST(gro_segment_size_absent_or_invalid_is_zero) {
  CHECK_EQ(GroSegmentSize(nullptr, 0), 0u);
  CHECK_EQ(SegmentOf(Control({})), 0u);
  CHECK_EQ(SegmentOf(Control({{IPPROTO_UDP, UDP_SEGMENT, 1464}})), 0u);  // not UDP_GRO
  CHECK_EQ(SegmentOf(Control({{SOL_SOCKET, UDP_GRO, 1464}})), 0u);       // not IPPROTO_UDP
  CHECK_EQ(SegmentOf(Control({{IPPROTO_UDP, UDP_GRO, 0}})), 0u);
  CHECK_EQ(SegmentOf(Control({{IPPROTO_UDP, UDP_GRO, -5}})), 0u);
}

TEST(gro_segment_size_ignores_a_truncated_message) {
  std::vector<uint8_t> control = Control({{IPPROTO_UDP, UDP_GRO, 1464}});
  // Its header claims less than an int of data.
  cmsghdr* cm = reinterpret_cast<cmsghdr*>(control.data());
  cm->cmsg_len = CMSG_LEN(sizeof(int)) - 1;
  CHECK_EQ(SegmentOf(control), 0u);
  // The buffer ends inside its data.
  std::vector<uint8_t> cut = Control({{IPPROTO_UDP, UDP_GRO, 1464}});
  CHECK_EQ(GroSegmentSize(cut.data(), CMSG_LEN(sizeof(int)) - 1), 0u);
}

TEST(gro_single_datagram_is_one_packet) {
  CHECK((Split(1500, 0) == std::vector<size_t>{0, 1500}));
  CHECK((Split(1500, 1500) == std::vector<size_t>{0, 1500}));
  CHECK((Split(1000, 1500) == std::vector<size_t>{0, 1000}));  // shorter than a segment
}

TEST(gro_empty_datagram_is_one_empty_packet) {
  CHECK((Split(0, 0) == std::vector<size_t>{0, 0}));
  CHECK((Split(0, 1464) == std::vector<size_t>{0, 0}));
}

TEST(gro_bundle_of_equal_packets) {
  CHECK((Split(3 * 1464, 1464) == std::vector<size_t>{0, 1464, 1464, 1464, 2928, 1464}));
}

TEST(gro_bundle_last_packet_shorter) {
  CHECK((Split(2 * 1464 + 10, 1464) == std::vector<size_t>{0, 1464, 1464, 1464, 2928, 10}));
  CHECK((Split(1464 + 1, 1464) == std::vector<size_t>{0, 1464, 1464, 1}));
}

TEST(gro_bundle_packets_cover_the_datagram_exactly) {
  for (size_t segment : {1u, 7u, 64u, 1464u, 9000u}) {
    for (size_t len : {1u, 63u, 64u, 65u, 1464u, 65535u}) {
      GroPackets packets(len, segment);
      size_t next = 0;
      for (size_t k = 0; k < packets.count(); k++) {
        GroPacket p = packets[k];
        CHECK_EQ(p.offset, next);
        CHECK(p.len >= 1 && p.len <= segment);
        if (k + 1 < packets.count()) CHECK_EQ(p.len, segment);
        next += p.len;
      }
      CHECK_EQ(next, len);
    }
  }
}
