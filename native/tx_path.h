// TAP -> UDP: reads a batch of frames, looks each destination MAC up in the FDB, and sends
// one VXLAN packet per remote with sendmmsg. Buffers are allocated once; the hot path does
// not allocate. Frames are never copied: each message is [VXLAN header | frame] as two iovecs.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <atomic>
#include <cstdint>
#include <memory>

#include "shared_fdb.h"
#include "stats.h"
#include "tap_device.h"
#include "udp_socket.h"
#include "vxlan_header.h"

namespace vtepd {

class TxPath {
 public:
  static constexpr size_t kBatch = 64;        // frames read per wake-up
  static constexpr size_t kMaxMessages = 1024;  // VXLAN packets per flush (frames x fan-out)
  static constexpr size_t kMaxFrame = 65536;

  TxPath(const TapDevice& tap, const TxSocketPool& sockets, SharedFdb& fdb, Stats& stats);

  // Runs until stop_fd becomes readable (and `stopping` is set).
  void Run(int stop_fd, const std::atomic<bool>& stopping);

 private:
  size_t ReadBatch();
  void Encapsulate(size_t frames, BatchCounts& counts);
  void Flush(size_t messages, BatchCounts& counts);

  const TapDevice& tap_;
  const TxSocketPool& sockets_;
  SharedFdb& fdb_;
  Stats& stats_;

  std::unique_ptr<uint8_t[]> frames_;
  size_t frame_len_[kBatch];
  uint32_t frame_hash_[kBatch];

  // Message i: header_[i] + a frame, to address_[i], through socket socket_[i].
  uint8_t header_[kMaxMessages][kVxlanHeaderSize];
  iovec iov_[kMaxMessages][2];
  SocketAddress address_[kMaxMessages];
  uint16_t socket_[kMaxMessages];
  mmsghdr message_[kMaxMessages];
  mmsghdr by_socket_[kMaxMessages];  // message_ regrouped so each socket gets one sendmmsg
};

}  // namespace vtepd
