// Userspace GSO: cuts a TCP (TSO) or UDP (USO) superframe the TAP handed over (virtio-net
// GSO) into segment-sized Ethernet frames with correct IP and TCP/UDP headers and
// checksums, and finishes checksums the kernel left partial. Pure functions over byte
// spans.
#pragma once

#include <cstddef>
#include <cstdint>

#include "virtio_net.h"

namespace vtepd {

// Completes a CHECKSUM_PARTIAL frame in place: the field at csum_start + csum_offset holds
// the pseudo-header sum. False if the offsets do not fit the frame.
bool FinishPartialChecksum(uint8_t* frame, size_t len, size_t csum_start, size_t csum_offset);

struct SegmentLayout {
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

// Writes the segments to `out`, each preceded by `prefix` untouched bytes (room for the
// encapsulation header) and placed `prefix + header_len + mss` apart.
void WriteSegments(const uint8_t* frame, const SegmentLayout& layout, size_t prefix,
                      uint8_t* out);

}  // namespace vtepd
