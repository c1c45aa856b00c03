// TAP -> UDP: reads a batch of frames, looks each destination MAC up in the FDB, and sends
// one VXLAN packet per remote with sendmmsg. Buffers are allocated once; the hot path does
// not allocate.
//
// Plain frames are never copied: a message is [VXLAN header | frame] as two iovecs. TCP
// superframes from an offloading TAP are cut into MSS-sized frames in an arena, each behind
// its VXLAN header, and leave as one UDP GSO send per 64 KiB (the kernel, or the veth/NIC
// beyond it, splits them into datagrams).
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <atomic>
#include <cstdint>
#include <memory>

#include "shared_fdb.h"
#include "stats.h"
#include "tap_device.h"
#include "tcp_segmenter.h"
#include "udp_socket.h"
#include "vxlan_header.h"

namespace vtepd {

class TxPath {
 public:
  static constexpr size_t kBatch = 64;          // frames read per wake-up
  static constexpr size_t kMaxMessages = 1024;  // sendmmsg entries per flush
  static constexpr size_t kMaxFrame = 65536 + 64;
  static constexpr size_t kArenaBytes = 8u << 20;  // segmented superframes of one batch

  // spin_ns: how long to poll without sleeping after traffic (see wait_readable.h).
  // Serves TAP queue `queue`; the sockets, FDB and counters are shared with other queues.
  TxPath(const TapDevice& tap, size_t queue, const TxSocketPool& sockets, SharedFdb& fdb,
         Stats& stats, uint32_t vni, uint64_t spin_ns);

  // Runs until stop_fd becomes readable (and `stopping` is set).
  void Run(int stop_fd, const std::atomic<bool>& stopping);

 private:
  // What a frame becomes before routing: itself, or its segments in the arena.
  struct Prepared {
    uint8_t* data;        // frame, or first segment's VXLAN header in the arena
    size_t len;           // frame length, or bytes of all segments
    size_t stride;        // segmented: bytes from one segment to the next
    size_t segments;      // 0: a plain frame sent behind a separate header
    size_t inner_bytes;   // Ethernet bytes carried, for tx_bytes
    uint32_t hash;
  };

  size_t ReadBatch();
  bool Prepare(size_t index, BatchCounts& counts);
  void Route(size_t begin, size_t end, BatchCounts& counts);
  void AddMessages(const Prepared& frame, const Remote& remote, BatchCounts& counts);
  void AddMessage(uint8_t* data, size_t len, bool behind_header, size_t segment_size,
                  const Remote& remote, uint16_t socket, size_t packets, size_t inner_bytes,
                  BatchCounts& counts);
  void Flush(BatchCounts& counts);

  const TapDevice& tap_;
  const int tap_fd_;
  const TxSocketPool& sockets_;
  SharedFdb& fdb_;
  Stats& stats_;
  const uint32_t vni_;
  const uint64_t spin_ns_;
  const size_t vnet_hdr_len_;
  const size_t max_segments_per_send_;

  std::unique_ptr<uint8_t[]> frames_;
  size_t frame_len_[kBatch];
  Prepared prepared_[kBatch];
  std::unique_ptr<uint8_t[]> arena_;
  size_t arena_used_ = 0;

  // Message i: iov_[i] (1 or 2 parts) to address_[i] through socket_[i].
  size_t messages_ = 0;
  uint8_t header_[kMaxMessages][kVxlanHeaderSize];
  iovec iov_[kMaxMessages][2];
  SocketAddress address_[kMaxMessages];
  alignas(cmsghdr) uint8_t control_[kMaxMessages][CMSG_SPACE(sizeof(uint16_t))];
  uint16_t socket_[kMaxMessages];
  uint32_t packets_[kMaxMessages];
  uint32_t inner_bytes_[kMaxMessages];
  mmsghdr message_[kMaxMessages];
  mmsghdr by_socket_[kMaxMessages];  // message_ regrouped so each socket gets one sendmmsg
  uint16_t by_socket_index_[kMaxMessages];
};

}  // namespace vtepd
