#include "tap/tap_reader.h"

#include <unistd.h>

#include <cerrno>

#include <cstring>

#include "base/byte_order.h"
#include "net/ethernet.h"
#include "net/flow_hash.h"
#include "offload/gso_segmenter.h"
#include "offload/virtio_net.h"
#include "base/wait_readable.h"

namespace vtepd {

namespace {
constexpr uint8_t kIpv4DontFragment = 0x40;  // in the flags byte at offset 6

bool InnerDontFragment(const uint8_t* frame, size_t len) {
  if (len < kEthernetHeaderSize) return false;
  auto [ethertype, ip] = FindEthernetPayload(frame, len);
  return ethertype == kEtherTypeIpv4 && len >= ip + 20 && (frame[ip + 6] & kIpv4DontFragment);
}
}  // namespace

TapReader::TapReader(const TapDevice& tap, size_t queue, size_t headroom)
    : fd_(tap.fd(queue)),
      vnet_hdr_len_(tap.vnet_hdr() ? kVirtioNetHdrSize : 0),
      headroom_(headroom),
      frames_(new uint8_t[kBatch * kMaxFrame]),
      arena_(new uint8_t[kArenaBytes]) {}

TapEnd TapReader::Run(int stop_fd, const std::atomic<bool>& stopping, uint64_t spin_ns,
                    const std::atomic<size_t>& max_frame, Stats& stats,
                    const SendPrepared& send) {
  BatchCounts counts;
  bool backlog = false;  // the last batch was full: read again without polling
  while (!stopping.load(std::memory_order_relaxed)) {
    if (!backlog && WaitReadable(fd_, stop_fd, -1, spin_ns) == Wake::kStop) return TapEnd::kStopped;
    size_t frames = Read();
    if (gone_) return TapEnd::kGone;
    backlog = frames == kBatch;
    size_t limit = max_frame.load(std::memory_order_relaxed);
    // As many frames as the arena holds are prepared (segmented), then sent.
    for (size_t begin = 0; begin < frames;) {
      arena_used_ = 0;
      size_t end = begin;
      while (end < frames && Prepare(end, limit, counts)) end++;
      send(begin, end, counts);
      begin = end;
    }
    counts.FlushInto(&stats);
  }
  return TapEnd::kStopped;
}

size_t TapReader::Read() {
  size_t n = 0;
  while (n < kBatch) {
    ssize_t len = ::read(fd_, frames_.get() + n * kMaxFrame, kMaxFrame);
    if (len < 0) {
      gone_ = errno == EBADFD;  // else EAGAIN: drained
      break;
    }
    frame_len_[n++] = static_cast<size_t>(len);
  }
  return n;
}

bool TapReader::Prepare(size_t index, size_t max_frame, BatchCounts& counts) {
  uint8_t* slot = frames_.get() + index * kMaxFrame;
  PreparedFrame& p = prepared_[index];
  p = PreparedFrame{};
  if (frame_len_[index] < vnet_hdr_len_ + kEthernetHeaderSize) {
    counts.Add(Counter::tx_drop_runt);
    return true;
  }
  uint8_t* frame = slot + vnet_hdr_len_;
  size_t len = frame_len_[index] - vnet_hdr_len_;
  uint32_t hash = InnerFlowHash(frame, len);
  bool dont_fragment = InnerDontFragment(frame, len);
  if (vnet_hdr_len_) {
    VirtioNetHdr hdr;
    std::memcpy(&hdr, slot, sizeof hdr);
    if (hdr.gso_type != VIRTIO_NET_HDR_GSO_NONE) {
      SegmentLayout layout;
      if (!PlanSegments(hdr, frame, len, &layout)) {
        counts.Add(Counter::tx_drop_bad_offload);
        return true;
      }
      if (layout.header_len + layout.mss > max_frame) {
        counts.Add(Counter::tx_drop_too_big, layout.segments);
        return true;
      }
      size_t block = headroom_ + layout.header_len;
      size_t need = block * layout.segments;
      if (arena_used_ + need > kArenaBytes) {
        if (arena_used_ != 0) return false;
        counts.Add(Counter::tx_drop_bad_offload);  // more segments than any real superframe
        return true;
      }
      uint8_t* out = arena_.get() + arena_used_;
      arena_used_ += need;
      WriteSegmentHeaders(frame, layout, headroom_, out);
      size_t inner = layout.segments * layout.header_len + (len - layout.header_len);
      p = {out, block, layout, frame, inner, hash, dont_fragment};
      return true;
    }
    if ((hdr.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
        !FinishPartialChecksum(frame, len, hdr.csum_start, hdr.csum_offset)) {
      counts.Add(Counter::tx_drop_bad_offload);
      return true;
    }
  }
  if (len > max_frame) {
    counts.Add(Counter::tx_drop_too_big);
    return true;
  }
  p = {frame, len, SegmentLayout{}, nullptr, len, hash, dont_fragment};
  return true;
}

uint8_t* TapReader::Allocate(size_t bytes) {
  if (arena_used_ + bytes > kArenaBytes) return nullptr;
  uint8_t* out = arena_.get() + arena_used_;
  arena_used_ += bytes;
  return out;
}

}  // namespace vtepd
