// TAP -> GRE for a gretap device: reads a batch of frames (TapReader), puts a GRE header
// (key, checksum, sequence number as configured) before each frame or segment, and sends
// them to the one peer with sendmmsg on the raw socket. Raw sockets have no GSO, so a
// superframe leaves as one packet per segment; still one syscall per batch. The hot path
// does not allocate.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <atomic>
#include <cstdint>

#include "gre/gre_header.h"
#include "base/counters.h"
#include "tap/tap_reader.h"

namespace vtepd {

class GreTxPath {
 public:
  static constexpr size_t kMaxMessages = 1024;  // sendmmsg entries per flush

  // df_socket: with df inherit, the socket that sends with DF (socket sends without);
  // otherwise -1. max_frame: the largest frame the device sends (its MTU may change).
  GreTxPath(const TapDevice& tap, const GreFields& fields, int socket, int df_socket,
            Stats& stats, const std::atomic<size_t>& max_frame);

  // Runs until stop_fd becomes readable (and `stopping` is set), or the TAP is gone.
  TapEnd Run(int stop_fd, const std::atomic<bool>& stopping, uint64_t spin_ns);

 private:
  void Frame(const PreparedFrame& frame, BatchCounts& counts);
  void AddMessage(uint8_t* header, iovec inner, iovec tail, bool dont_fragment,
                  BatchCounts& counts);
  void Flush(BatchCounts& counts);

  TapReader reader_;
  const GreFields fields_;
  const size_t header_len_;
  const int socket_;
  const int df_socket_;
  Stats& stats_;
  const std::atomic<size_t>& max_frame_;
  uint32_t seq_ = 0;

  size_t messages_ = 0;
  uint8_t header_[kMaxMessages][kGreMaxHeaderSize];  // for plain frames
  iovec iov_[kMaxMessages][3];
  bool dont_fragment_[kMaxMessages];
  uint32_t inner_bytes_[kMaxMessages];
  mmsghdr message_[kMaxMessages];
};

}  // namespace vtepd
