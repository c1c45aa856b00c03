// The transmit half every encapsulation shares: reads a batch of frames from one TAP queue
// and prepares each for framing. A plain frame stays where it was read (sent behind a
// separate header, never copied); a TCP or UDP superframe from an offloading TAP is cut into
// MSS-sized segments whose headers are written to an arena, each behind `headroom` bytes
// the caller fills with its encapsulation header, while their payloads stay where they were
// read (sent from there, never copied). Buffers are allocated once; nothing here allocates
// per packet.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include <sys/uio.h>

#include "offload/gso_segmenter.h"
#include "base/batch.h"
#include "base/counters.h"
#include "net/ethernet.h"
#include "tap/tap_device.h"

namespace vtepd {

struct PreparedFrame {
  // A plain frame: `data` is the frame as read, `len` bytes.
  // A segmented superframe: `data` is the first of `layout.segments` header blocks in the
  // arena, each `len` bytes (headroom, then that segment's Ethernet/IP/TCP or UDP headers),
  // back to back; segment k is header_block(k) followed by payload(k), which stays in the
  // superframe as read.
  uint8_t* data;
  size_t len;
  SegmentLayout layout;       // layout.segments is 0 for a plain frame
  const uint8_t* superframe;  // segmented: the frame as read
  size_t inner_bytes;         // Ethernet bytes carried, for tx_bytes
  uint32_t hash;              // inner flow hash
  bool dont_fragment;         // inner IPv4 DF bit, for df inherit

  size_t segments() const { return layout.segments; }
  uint8_t* header_block(size_t k) const { return data + k * len; }
  iovec payload(size_t k) const {
    return {const_cast<uint8_t*>(SegmentPayload(superframe, layout, k)),
            SegmentPayloadLength(layout, k)};
  }
  // Bytes of every segment but a short last one: the UDP GSO segment size.
  size_t segment_size() const { return len + layout.mss; }
};

// Why Run returned: stopped, or the TAP was removed from outside (`ip link del`, its
// namespace deleted). A removed TAP's fd stays open but detached: poll reports POLLERR and
// every read fails with EBADFD, for good, so the loop must end rather than spin.
enum class TapEnd { kStopped, kGone };

class TapReader {
 public:
  static constexpr size_t kMaxFrame = 65536 + 64;
  static constexpr size_t kArenaBytes = 1u << 20;  // header blocks of one batch

  TapReader(const TapDevice& tap, size_t queue, size_t headroom);

  // Frames [begin, end) of the last Read are prepared; send them before returning.
  using SendPrepared = std::function<void(size_t begin, size_t end, BatchCounts& counts)>;

  // The transmit loop every encapsulation runs: waits for frames (polling `spin_ns` after
  // traffic, see wait_readable.h), reads and prepares each batch, hands every run of
  // prepared frames to `send` before the arena is reused, and adds the batch's counts to
  // `stats`. Returns once stop_fd is readable and `stopping` set, or the TAP is gone.
  // max_frame: the largest frame the device sends (its MTU may change under it).
  TapEnd Run(int stop_fd, const std::atomic<bool>& stopping, uint64_t spin_ns,
           const std::atomic<size_t>& max_frame, Stats& stats, const SendPrepared& send);

  // A prepared frame of the batch being sent; an empty one (len 0) was dropped.
  const PreparedFrame& frame(size_t index) const { return prepared_[index]; }
  // Arena space for the caller (a copy with different headers); nullptr when full.
  uint8_t* Allocate(size_t bytes);

 private:
  // Drains up to kBatch frames (the fd is non-blocking); returns how many. Sets gone_ when
  // the TAP was removed.
  size_t Read();
  // Prepares frame `index` of the last Read; frames over `max_frame` bytes (or segments
  // that would be) are dropped and counted. Returns false, preparing nothing, when the
  // arena has no room left: send what is prepared, empty the arena and retry.
  bool Prepare(size_t index, size_t max_frame, BatchCounts& counts);

  const int fd_;
  const size_t vnet_hdr_len_;
  const size_t headroom_;
  std::unique_ptr<uint8_t[]> frames_;
  size_t frame_len_[kBatch];
  PreparedFrame prepared_[kBatch];
  std::unique_ptr<uint8_t[]> arena_;
  size_t arena_used_ = 0;
  bool gone_ = false;
};

// The largest Ethernet frame an interface of this MTU sends or takes: header, payload and
// room for one VLAN tag, as the kernel allows.
inline size_t MaxFrameForMtu(int mtu) {
  return static_cast<size_t>(mtu) + kEthernetHeaderSize + kVlanTagSize;
}

}  // namespace vtepd
