// The receive half every encapsulation shares: writes decapsulated frames to a TAP queue.
// When the TAP takes offloads, consecutive segments of one TCP flow (and, with USO,
// equal-sized datagrams of one UDP flow) are merged into one superframe with a virtio-net
// GSO header (userspace GRO), so the kernel stack gets up to 64 KiB per write instead of one
// packet. A TAP has no batched write: where the thread has an io_uring (base/io_ring.h),
// frames are queued and a batch's writes cost one system call; else one writev per
// (super)frame.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>

#include "base/counters.h"
#include "base/io_ring.h"
#include "tap/tap_device.h"
#include "tap/tap_ring_batch.h"
#include "offload/tcp_coalescer.h"
#include "offload/udp_coalescer.h"

namespace vtepd {

class TapWriter {
 public:
  // Frames written from now on go to `tap`'s queue `queue`. Flush() first when switching.
  void Target(const TapDevice& tap, size_t queue);
  // The frame's bytes must stay valid until Flush(): it may only be queued.
  void Write(const uint8_t* frame, size_t len, BatchCounts& counts);
  // Writes the pending superframe and every queued frame. Call at the end of every batch.
  void Flush(BatchCounts& counts);

 private:
  // Queues room for up to this many writes, a batch's worth.
  static constexpr size_t kQueue = 64;
  static_assert(kQueue <= IoRing::kEntries, "a queue of writes fits a ring");

  void WriteFrame(const uint8_t* frame, size_t len, BatchCounts& counts);
  // Starts a superframe with this frame if either coalescer takes it.
  bool StartSuperframe(const uint8_t* frame, size_t len);
  // Writes the pending superframe, if any, after whatever is queued (order is kept).
  void EndSuperframe(BatchCounts& counts);
  // Queues one write on `ring`, submitting the queue first if it is full.
  void Enqueue(IoRing& ring, const iovec* iov, int iovecs, size_t frames, size_t bytes,
               BatchCounts& counts);
  // Writes the queue in one submission.
  void Submit(IoRing& ring, BatchCounts& counts);
  // One writev: what a thread without a ring does for every write.
  void WriteNow(const iovec* iov, int iovecs, size_t frames, size_t bytes, BatchCounts& counts);

  int fd_ = -1;
  bool vnet_hdr_ = false;
  bool offloads_ = false;
  bool uso_ = false;
  // Cleared for good when this TAP refuses RWF_NOWAIT writes (tap_ring_batch.h).
  bool use_ring_ = true;
  // One superframe is pending at most (in order), in one of them.
  TcpCoalescer tcp_;
  UdpCoalescer udp_;
  enum class Pending { kNone, kTcp, kUdp } pending_ = Pending::kNone;
  size_t coalesced_frames_ = 0;  // frames and their bytes in the pending superframe,
  size_t coalesced_bytes_ = 0;   // for rx_packets and rx_bytes
  // The queue: a single frame's iovecs are kept here until submitted; a superframe's are its
  // coalescer's, valid until the next superframe starts, so it is submitted right away.
  iovec single_[kQueue][2];
  const iovec* iov_[kQueue];
  int iovecs_[kQueue];
  QueuedWrite writes_[kQueue];
  size_t queued_ = 0;
  RingCompletion done_[kQueue];
  WriteOutcome outcome_[kQueue];
};

}  // namespace vtepd
