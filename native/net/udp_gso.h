// How a tunnel's transmit path packs UDP GSO sends, as pure functions over small values (no
// sockets), shared by VXLAN's and the point-to-point tunnels' paths whatever their header
// length: the limits of one send, when one more equal-sized datagram still fits it, how many
// segments of a superframe one send carries, and the regrouping of a batch's messages by
// socket that keeps each flow's order.
#pragma once

#include <linux/udp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace vtepd {

// UDP_MAX_SEGMENTS of older kernels, and the UDP payload that fits one IPv4 packet.
constexpr size_t kMaxGsoSegments = 64;
constexpr size_t kMaxGsoPayload = 65507;

// Whether a send of `packets` datagrams of `segment_size` bytes (tunnel header and frame)
// takes one more: within `max_segments` (1 without UDP GSO) and kMaxGsoPayload. The datagram
// must also be of the same size, socket and destination: the kernel cuts a GSO send into
// equal datagrams, but a shorter last one, which a later frame could not follow.
inline bool GsoSendHasRoom(size_t packets, size_t segment_size, size_t max_segments) {
  return packets < max_segments && (packets + 1) * segment_size <= kMaxGsoPayload;
}

// The room for a UDP GSO send's control message (UDP_SEGMENT).
struct alignas(cmsghdr) GsoControl {
  uint8_t bytes[CMSG_SPACE(sizeof(uint16_t))];
};

// Makes `hdr` a UDP GSO send: the kernel cuts its payload into `segment_size`-byte datagrams.
inline void SetGsoSegmentSize(msghdr& hdr, GsoControl& control, size_t segment_size) {
  hdr.msg_control = control.bytes;
  hdr.msg_controllen = sizeof control.bytes;
  cmsghdr* cm = CMSG_FIRSTHDR(&hdr);
  cm->cmsg_level = IPPROTO_UDP;
  cm->cmsg_type = UDP_SEGMENT;
  cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
  uint16_t size = static_cast<uint16_t>(segment_size);
  std::memcpy(CMSG_DATA(cm), &size, sizeof size);
}

// How many segments of `segment_size` bytes one message of a superframe carries.
inline size_t SegmentsPerSend(size_t segment_size, size_t max_segments) {
  return std::max<size_t>(1, std::min(max_segments, kMaxGsoPayload / segment_size));
}

// Orders messages [0, count) by socket (a counting sort: stable, so each flow, which stays
// on one socket, keeps its order), so each socket needs one sendmmsg rather than one per
// change of socket. socket[i] < sockets for every message. Writes order[slot] = message
// index, and start[s], start[s + 1] = the slots of socket s (start holds sockets + 1).
inline void OrderBySocket(const uint16_t* socket, size_t count, size_t sockets, size_t* start,
                          uint16_t* order) {
  for (size_t s = 0; s <= sockets; s++) start[s] = 0;
  for (size_t i = 0; i < count; i++) start[socket[i] + 1]++;
  for (size_t s = 1; s <= sockets; s++) start[s] += start[s - 1];
  // start[s] is used as socket s's next free slot, then restored.
  for (size_t i = 0; i < count; i++) order[start[socket[i]]++] = static_cast<uint16_t>(i);
  for (size_t s = sockets; s > 0; s--) start[s] = start[s - 1];
  start[0] = 0;
}

}  // namespace vtepd
