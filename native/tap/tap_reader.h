// The transmit half every encapsulation shares: reads a batch of frames from one TAP queue
// and prepares each for framing (PrepareTapFrame, tap_frame.h): plain frames and segment
// payloads are sent from where they were read, never copied. Buffers are allocated once;
// nothing here allocates per packet. Where the thread has an io_uring (base/io_ring.h), a
// batch of reads is one system call (tap_ring_batch.h sizes it), else one read() per frame.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "base/batch.h"
#include "base/io_ring.h"
#include "base/counters.h"
#include "base/page_buffer.h"
#include "base/worker_pool.h"
#include "net/ethernet.h"
#include "tap/tap_device.h"
#include "tap/tap_frame.h"

namespace vtepd {

class TapReader {
 public:
  static constexpr size_t kMaxFrame = 65536 + 64;
  static constexpr size_t kArenaBytes = 1u << 20;  // header blocks of one batch

  TapReader(const TapDevice& tap, size_t queue, size_t headroom);

  // What every encapsulation's transmit path does when its worker finds the TAP queue
  // readable (worker_pool.h): reads one batch, prepares each frame, hands every run of
  // prepared frames to send(begin, end, counts) before the arena is reused, and adds the
  // batch's counts to `stats`. kGone: the TAP was removed from outside (`ip link del`, its
  // namespace deleted); its fd stays open but detached, reporting an error for good.
  // max_frame: the largest frame the device sends (its MTU may change under it).
  template <typename Send>
  Served Serve(const std::atomic<size_t>& max_frame, Stats& stats, Send&& send) {
    size_t frames = Read();
    if (gone_) return Served::kGone;
    if (frames == 0) return Served::kIdle;
    BatchCounts counts;
    size_t limit = max_frame.load(std::memory_order_relaxed);
    // As many frames as the arena holds are prepared (segmented), then sent.
    for (size_t begin = 0; begin < frames;) {
      arena_.used = 0;
      size_t end = begin;
      while (end < frames && Prepare(end, limit, counts)) end++;
      send(begin, end, counts);
      begin = end;
    }
    counts.FlushInto(&stats);
    return drained_ ? Served::kDrained : Served::kTraffic;
  }

  int fd() const { return fd_; }
  // A prepared frame of the batch being sent; an empty one (len 0) was dropped.
  const PreparedFrame& frame(size_t index) const { return prepared_[index]; }
  // The sender dealt with frame `index` itself (answered it): it is sent nowhere.
  void Consume(size_t index) { prepared_[index].len = 0; }
  // Arena space for the caller (a copy with different headers); nullptr when full.
  uint8_t* Allocate(size_t bytes) { return arena_.Allocate(bytes); }

 private:
  // Drains up to kBatch frames (the fd is non-blocking); returns how many. Sets gone_ when
  // the TAP was removed, drained_ when a read found the queue empty.
  size_t Read();
  // Reads submitted on the ring, again while every read got a frame.
  size_t ReadRing(IoRing& ring);
  // One read() per frame until EAGAIN.
  size_t ReadLoop();
  // Prepares frame `index` of the last Read; frames over `max_frame` bytes (or segments
  // that would be) are dropped and counted. Returns false, preparing nothing, when the
  // arena has no room left: send what is prepared, empty the arena and retry.
  bool Prepare(size_t index, size_t max_frame, BatchCounts& counts);

  const int fd_;
  const size_t vnet_hdr_len_;
  const size_t headroom_;
  PageBuffer frames_;       // kBatch slots of kMaxFrame
  size_t frame_len_[kBatch];  // by slot
  uint8_t slot_[kBatch];      // the batch's frames, in the queue's order: their slots
  size_t last_batch_ = 0;     // frames the previous ring batch got, to size the next
  // Ring batches that found nothing where read() then found frames: a kernel whose TAP
  // refuses RWF_NOWAIT reads. After kMaxRingMisses in a row this reader keeps to read().
  static constexpr int kMaxRingMisses = 4;
  int ring_misses_ = 0;
  // The ring's reads have delivered frames: this TAP takes RWF_NOWAIT reads, so a ring batch
  // that found nothing found the queue empty, and no read() need confirm it.
  bool ring_proven_ = false;
  PreparedFrame prepared_[kBatch];
  PageBuffer arena_bytes_;
  HeaderArena arena_;
  bool gone_ = false;
  bool drained_ = false;  // the last Read found the queue empty after its frames
};

// The largest Ethernet frame an interface of this MTU sends or takes: header, payload and
// room for one VLAN tag, as the kernel allows.
inline size_t MaxFrameForMtu(int mtu) {
  return static_cast<size_t>(mtu) + kEthernetHeaderSize + kVlanTagSize;
}

}  // namespace vtepd
