// UDP -> TAP for one receive socket of a VxlanPort: receives a batch of datagrams
// (DatagramBatch, each possibly a UDP GRO bundle of many VXLAN packets), validates each VXLAN
// header and finds the device of its VNI; then, device by device, learns inner source MACs
// (one FDB lock per run of frames) and writes the inner frames to the device's TAP, merging
// same-flow TCP segments into superframes. Drops are counted by reason, on the port before
// a device is known and on the device after. Nothing here allocates except the vector of
// FDB events handed to JavaScript when learning actually changes something.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "base/batch.h"
#include "vxlan/vxlan_counters.h"
#include "base/page_buffer.h"
#include "base/worker_pool.h"
#include "net/datagram_batch.h"
#include "tap/tap_writer.h"
#include "vxlan/vxlan_port.h"
#include "vxlan/vxlan_receiver.h"

namespace vtepd {

class VxlanRxPath final : public PollSource, public PageAllocated {
 public:
  static constexpr size_t kMaxFrames = kBatch * 64;  // GRO bundles hold up to 64 packets

  // gro: the socket has UDP_GRO enabled, so a datagram may carry several VXLAN packets.
  // Writes to TAP queue `queue` (modulo the device's queue count).
  VxlanRxPath(const VxlanPort& port, size_t queue, int socket_fd, bool gro, PortStats& stats);

  // On the worker that serves the socket (worker_pool.h): one batch. The port's VNI table is
  // read once per batch and not held past it (VxlanPort::Publish).
  Served Serve() override;

 private:
  struct Frame {
    const uint8_t* data;  // inner Ethernet frame
    uint32_t len;
    uint16_t datagram;  // index of the datagram it came in (for its source address)
    bool deliver;
    VxlanReceiver* receiver;
  };

  void Decapsulate(const VxlanPort::Table& table, size_t datagrams, PortBatchCounts& counts);
  // Frames [begin, end) all belong to one device.
  void Process(VxlanReceiver& receiver, size_t begin, size_t end);
  // Marks frames not to deliver, counted by reason: bad or disallowed outer source, bad
  // inner source MAC, our own frames looped back, frames too big for the TAP.
  void Screen(VxlanReceiver& receiver, size_t begin, size_t end, BatchCounts& counts);
  void Learn(VxlanReceiver& receiver, size_t begin, size_t end, BatchCounts& counts);

  const VxlanPort& port_;
  const size_t queue_;
  const int socket_fd_;
  const bool gro_;
  PortStats& stats_;

  DatagramBatch datagrams_;
  Frame frames_[kMaxFrames];
  size_t frame_count_ = 0;
  TapWriter writer_;
  std::vector<FdbEvent> events_;
};

}  // namespace vtepd
