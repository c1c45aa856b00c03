// The virtio-net header a TAP opened with IFF_VNET_HDR puts before (and expects before)
// every frame: how the kernel hands over TSO superframes and frames whose checksum is
// still to be finished, and how we hand back coalesced ones. Declared here because
// <linux/virtio_net.h> does not compile as C++ (a field is named `class`).
#pragma once

#include <cstddef>
#include <cstdint>

namespace vtepd {

// struct virtio_net_hdr; fields in host byte order (legacy TAP on a little-endian host).
struct VirtioNetHdr {
  uint8_t flags;
  uint8_t gso_type;
  uint16_t hdr_len;
  uint16_t gso_size;
  uint16_t csum_start;
  uint16_t csum_offset;
};
static_assert(sizeof(VirtioNetHdr) == 10, "virtio_net_hdr is 10 bytes");

constexpr size_t kVirtioNetHdrSize = sizeof(VirtioNetHdr);

constexpr uint8_t VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;
constexpr uint8_t VIRTIO_NET_HDR_GSO_NONE = 0;
constexpr uint8_t VIRTIO_NET_HDR_GSO_TCPV4 = 1;
constexpr uint8_t VIRTIO_NET_HDR_GSO_TCPV6 = 4;
constexpr uint8_t VIRTIO_NET_HDR_GSO_UDP_L4 = 5;  // USO, either IP version
constexpr uint8_t VIRTIO_NET_HDR_GSO_ECN = 0x80;

// The header of a merged superframe for the kernel to cut back into segment_size pieces,
// each with its transport checksum (at l4_off + csum_offset) finished on the way.
inline VirtioNetHdr GsoHeader(uint8_t gso_type, size_t segment_size, size_t header_len,
                              size_t l4_off, size_t csum_offset) {
  VirtioNetHdr hdr{};
  hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
  hdr.gso_type = gso_type;
  hdr.gso_size = static_cast<uint16_t>(segment_size);
  hdr.hdr_len = static_cast<uint16_t>(header_len);
  hdr.csum_start = static_cast<uint16_t>(l4_off);
  hdr.csum_offset = static_cast<uint16_t>(csum_offset);
  return hdr;
}

}  // namespace vtepd
