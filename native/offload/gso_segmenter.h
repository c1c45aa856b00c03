// Userspace GSO: cuts a TCP (TSO) or UDP (USO) superframe the TAP handed over (virtio-net
// GSO) into segment-sized Ethernet frames with correct IP and TCP/UDP headers and
// checksums, and finishes checksums the kernel left partial. Only headers are written: each
// segment is sent as its headers followed by its slice of the superframe's payload, so the
// payload is never copied in userspace. Pure functions over byte spans.
#pragma once

#include <cstddef>
#include <cstdint>

#include "offload/virtio_net.h"

namespace vtepd {

// Completes a CHECKSUM_PARTIAL frame in place: the field at csum_start + csum_offset holds
// the pseudo-header sum. False if the offsets do not fit the frame.
bool FinishPartialChecksum(uint8_t* frame, size_t len, size_t csum_start, size_t csum_offset);

struct SegmentLayout {
  size_t l3_offset;    // where the IP header starts: past the Ethernet header and VLAN tags
  size_t header_len;   // Ethernet + IP + TCP/UDP header bytes repeated in every segment
  size_t mss;          // payload bytes per segment (the last may carry less)
  bool udp;            // USO: every segment a datagram of its own
  size_t segments;
  size_t last_payload;
};

// Validates a TCPv4/TCPv6 or UDP (IPv4/IPv6) GSO superframe and says how it splits. False
// if it is malformed (the caller drops and counts it).
bool PlanSegments(const VirtioNetHdr& hdr, const uint8_t* frame, size_t len,
                  SegmentLayout* layout);

// Writes each segment's headers to `out`, each block `prefix` untouched bytes (room for
// the encapsulation header) followed by `header_len` header bytes, blocks
// `prefix + header_len` apart. The payloads are not copied: segment k's is
// `frame + header_len + k * mss` (SegmentPayload), and the checksums cover it there.
void WriteSegmentHeaders(const uint8_t* frame, const SegmentLayout& layout, size_t prefix,
                         uint8_t* out);

inline const uint8_t* SegmentPayload(const uint8_t* frame, const SegmentLayout& layout,
                                     size_t k) {
  return frame + layout.header_len + k * layout.mss;
}

inline size_t SegmentPayloadLength(const SegmentLayout& layout, size_t k) {
  return k + 1 == layout.segments ? layout.last_payload : layout.mss;
}

}  // namespace vtepd
