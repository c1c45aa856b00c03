// The transmit half every encapsulation shares: reads a batch of frames from one TAP queue
// and prepares each for framing. A plain frame stays where it was read (sent behind a
// separate header, never copied); a TCP superframe from an offloading TAP is cut into
// MSS-sized frames in an arena, each behind `headroom` bytes the caller fills with its
// encapsulation header. Buffers are allocated once; nothing here allocates per packet.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "stats.h"
#include "tap_device.h"

namespace vtepd {

struct PreparedFrame {
  uint8_t* data;       // the frame, or the first segment's headroom in the arena
  size_t len;          // frame length, or bytes of all segments with their headroom
  size_t stride;       // segmented: bytes from one segment to the next
  size_t segments;     // 0: a plain frame
  size_t inner_bytes;  // Ethernet bytes carried, for tx_bytes
  uint32_t hash;       // inner flow hash
  bool dont_fragment;  // inner IPv4 DF bit, for df inherit
};

class TapReader {
 public:
  static constexpr size_t kBatch = 64;  // frames read per wake-up
  static constexpr size_t kMaxFrame = 65536 + 64;
  static constexpr size_t kArenaBytes = 8u << 20;  // segmented superframes of one batch

  TapReader(const TapDevice& tap, size_t queue, size_t headroom);

  // Frames [begin, end) of the last Read are prepared; send them before returning.
  using SendPrepared = std::function<void(size_t begin, size_t end, BatchCounts& counts)>;

  // The transmit loop every encapsulation runs: waits for frames (polling `spin_ns` after
  // traffic, see wait_readable.h), reads and prepares each batch, hands every run of
  // prepared frames to `send` before the arena is reused, and adds the batch's counts to
  // `stats`. `tick`, if given, is called about once a second. Returns once stop_fd is
  // readable and `stopping` set. max_frame: the largest frame the device sends (its MTU
  // may change under it).
  void Run(int stop_fd, const std::atomic<bool>& stopping, uint64_t spin_ns,
           const std::atomic<size_t>& max_frame, Stats& stats,
           const std::function<void()>& tick, const SendPrepared& send);

  // A prepared frame of the batch being sent; an empty one (len 0) was dropped.
  const PreparedFrame& frame(size_t index) const { return prepared_[index]; }
  // Arena space for the caller (a copy with different headers); nullptr when full.
  uint8_t* Allocate(size_t bytes);

 private:
  // Drains up to kBatch frames (the fd is non-blocking); returns how many.
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
};

// The largest Ethernet frame an interface of this MTU sends or takes: header, payload and
// room for one VLAN tag, as the kernel allows.
inline size_t MaxFrameForMtu(int mtu) { return static_cast<size_t>(mtu) + kEthernetHeaderSize + 4; }

}  // namespace vtepd
