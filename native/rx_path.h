// UDP -> TAP: receives a batch of datagrams with recvmmsg (each possibly a UDP GRO bundle
// of many VXLAN packets), validates each VXLAN header, learns inner source MACs (one FDB
// lock per batch), writes inner frames to the TAP, merging same-flow TCP segments into
// superframes when the TAP takes offloads. Once a second it re-reads the TAP's MAC (frames
// from it are our own, looped back) and one path per device runs FDB ageing. Drops are
// counted by reason; nothing here allocates except the vector of FDB events handed to
// JavaScript when learning actually changes something.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "shared_fdb.h"
#include "stats.h"
#include "tap_device.h"
#include "tcp_coalescer.h"
#include "vxlan_header.h"

namespace vtepd {

struct RxConfig {
  uint32_t vni;
  bool learning;
  bool ageing;       // this path runs FDB ageing (one per device does)
  uint64_t spin_ns;  // how long to poll without sleeping after traffic (wait_readable.h)
};

class RxPath {
 public:
  static constexpr size_t kBatch = 64;
  static constexpr size_t kMaxDatagram = 65536;
  static constexpr size_t kMaxFrames = kBatch * 64;  // GRO bundles hold up to 64 packets

  // gro: the socket has UDP_GRO enabled, so a datagram may carry several VXLAN packets.
  // Writes to TAP queue `queue`; the FDB and counters are shared with other queues.
  RxPath(const TapDevice& tap, size_t queue, int socket_fd, bool gro, const RxConfig& config,
         SharedFdb& fdb, Stats& stats, FdbEventSink sink);

  void Run(int stop_fd, const std::atomic<bool>& stopping);

 private:
  struct Frame {
    const uint8_t* data;  // inner Ethernet frame
    uint32_t len;
    uint16_t datagram;  // index of the datagram it came in (for its source address)
    bool deliver;
  };

  void Decapsulate(size_t datagrams, BatchCounts& counts);
  void Learn(BatchCounts& counts, std::vector<FdbEvent>& events);
  void Deliver(BatchCounts& counts);
  void WriteFrame(const uint8_t* frame, size_t len, BatchCounts& counts);
  void WriteCoalesced(BatchCounts& counts);
  void Tick(BatchCounts& counts, std::vector<FdbEvent>& events);
  void Hand(std::vector<FdbEvent>& events);

  const TapDevice& tap_;
  const int tap_fd_;
  int socket_fd_;
  bool gro_;
  RxConfig config_;
  SharedFdb& fdb_;
  Stats& stats_;
  FdbEventSink sink_;
  uint64_t next_tick_ = 0;

  std::unique_ptr<uint8_t[]> buffers_;
  iovec iov_[kBatch];
  SocketAddress from_[kBatch];
  alignas(cmsghdr) uint8_t control_[kBatch][CMSG_SPACE(sizeof(int))];
  mmsghdr message_[kBatch];

  Frame frames_[kMaxFrames];
  size_t frame_count_ = 0;

  std::unique_ptr<uint8_t[]> coalesce_buffer_;
  TcpCoalescer coalescer_;
  size_t coalesced_frames_ = 0;  // frames and their bytes in the pending superframe,
  size_t coalesced_bytes_ = 0;   // for rx_packets and rx_bytes

  MacAddress own_mac_;  // the TAP's MAC, re-read every tick
};

}  // namespace vtepd
