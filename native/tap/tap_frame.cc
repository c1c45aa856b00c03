#include "tap/tap_frame.h"

#include <cstring>

#include "net/ethernet.h"
#include "net/flow_hash.h"
#include "offload/virtio_net.h"

namespace vtepd {

namespace {
constexpr uint8_t kIpv4DontFragment = 0x40;  // in the flags byte at offset 6

bool InnerDontFragment(const uint8_t* frame, size_t len) {
  if (len < kEthernetHeaderSize) return false;
  auto [ethertype, ip] = FindEthernetPayload(frame, len);
  return ethertype == kEtherTypeIpv4 && len >= ip + 20 && (frame[ip + 6] & kIpv4DontFragment);
}

TapVerdict Dropped(Counter reason, size_t packets = 1) { return {reason, packets, false}; }
}  // namespace

TapVerdict PrepareTapFrame(uint8_t* read, size_t read_len, size_t vnet_hdr_len,
                           size_t max_frame, size_t headroom, HeaderArena& arena,
                           PreparedFrame* out) {
  *out = PreparedFrame{};
  if (read_len < vnet_hdr_len + kEthernetHeaderSize) return Dropped(Counter::tx_drop_runt);
  uint8_t* frame = read + vnet_hdr_len;
  size_t len = read_len - vnet_hdr_len;
  uint32_t hash = InnerFlowHash(frame, len);
  bool dont_fragment = InnerDontFragment(frame, len);
  if (vnet_hdr_len) {
    VirtioNetHdr hdr;
    std::memcpy(&hdr, read, sizeof hdr);
    if (hdr.gso_type != VIRTIO_NET_HDR_GSO_NONE) {
      SegmentLayout layout;
      if (!PlanSegments(hdr, frame, len, &layout)) return Dropped(Counter::tx_drop_bad_offload);
      if (layout.header_len + layout.mss > max_frame) {
        return Dropped(Counter::tx_drop_too_big, layout.segments);
      }
      size_t block = headroom + layout.header_len;
      uint8_t* blocks = arena.Allocate(block * layout.segments);
      if (!blocks) {
        if (arena.used != 0) return {Counter::kCount, 0, true};
        return Dropped(Counter::tx_drop_bad_offload);  // more segments than any real superframe
      }
      WriteSegmentHeaders(frame, layout, headroom, blocks);
      size_t inner = layout.segments * layout.header_len + (len - layout.header_len);
      *out = {blocks, block, layout, frame, inner, hash, dont_fragment};
      return {};
    }
    if ((hdr.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
        !FinishPartialChecksum(frame, len, hdr.csum_start, hdr.csum_offset)) {
      return Dropped(Counter::tx_drop_bad_offload);
    }
  }
  if (len > max_frame) return Dropped(Counter::tx_drop_too_big);
  *out = {frame, len, SegmentLayout{}, nullptr, len, hash, dont_fragment};
  return {};
}

}  // namespace vtepd
