// The receive half every encapsulation shares: writes decapsulated frames to a TAP queue.
// When the TAP takes offloads, consecutive segments of one TCP flow (and, with USO,
// equal-sized datagrams of one UDP flow) are merged into one superframe with a virtio-net
// GSO header (userspace GRO), so the kernel stack gets up to 64 KiB per write instead of one
// packet. A TAP has no batched write: one write per (super)frame.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/counters.h"
#include "tap/tap_device.h"
#include "offload/tcp_coalescer.h"
#include "offload/udp_coalescer.h"

namespace vtepd {

class TapWriter {
 public:
  // Frames written from now on go to `tap`'s queue `queue`. Flush() first when switching.
  void Target(const TapDevice& tap, size_t queue);
  void Write(const uint8_t* frame, size_t len, BatchCounts& counts);
  // Writes the pending superframe, if any. Call at the end of every batch.
  void Flush(BatchCounts& counts);

 private:
  void WriteFrame(const uint8_t* frame, size_t len, BatchCounts& counts);
  // Starts a superframe with this frame if either coalescer takes it.
  bool StartSuperframe(const uint8_t* frame, size_t len);

  int fd_ = -1;
  bool vnet_hdr_ = false;
  bool offloads_ = false;
  bool uso_ = false;
  // One superframe is pending at most (in order), in one of them.
  TcpCoalescer tcp_;
  UdpCoalescer udp_;
  enum class Pending { kNone, kTcp, kUdp } pending_ = Pending::kNone;
  size_t coalesced_frames_ = 0;  // frames and their bytes in the pending superframe,
  size_t coalesced_bytes_ = 0;   // for rx_packets and rx_bytes
};

}  // namespace vtepd
