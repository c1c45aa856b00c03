// TAP -> the one peer of a point-to-point tunnel (gretap, an L2TPv3 session): reads a batch
// of frames (TapReader), puts the encapsulation's header (a PacketHeader) before each frame
// or segment, and sends them with sendmmsg on a connected socket. Headers are all of one
// size, written into the TapReader's headroom for segments. Without UDP GSO a superframe
// leaves as one packet per segment; still one syscall per batch. The hot path does not
// allocate.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "base/counters.h"
#include "base/page_buffer.h"
#include "base/worker_pool.h"
#include "tap/tap_gone.h"
#include "tap/tap_reader.h"

namespace vtepd {

// What an encapsulation writes before each packet it sends: a header of size() bytes,
// whose contents may change from packet to packet (sequence numbers, a checksum).
class PacketHeader {
 public:
  static constexpr size_t kMaxSize = 24;

  explicit PacketHeader(size_t size) : size_(size) {}
  virtual ~PacketHeader() = default;

  size_t size() const { return size_; }
  // Writes the header of the next packet sent, which carries `inner` then `tail` (the inner
  // frame, or a segment's headers then its payload).
  virtual void Write(uint8_t* header, iovec inner, iovec tail) = 0;

 private:
  size_t size_;
};

class PeerTxPath final : public PollSource, public PageAllocated {
 public:
  static constexpr size_t kMaxMessages = 1024;  // sendmmsg entries per flush

  // `header` is written on this path's thread only. df_socket: with df inherit, the socket
  // that sends with DF (socket sends without); otherwise -1. max_frame: the largest frame
  // the device sends (its MTU may change). `gone` hears of the TAP's removal.
  PeerTxPath(const TapDevice& tap, PacketHeader& header, int socket, int df_socket,
             Stats& stats, const std::atomic<size_t>& max_frame, TapGone& gone);

  // On the worker that serves the TAP (worker_pool.h): one batch.
  Served Serve() override;
  void Gone() override { gone_.Report(); }
  int fd() const { return reader_.fd(); }

 private:
  void Frame(const PreparedFrame& frame, BatchCounts& counts);
  void AddMessage(uint8_t* header, iovec inner, iovec tail, bool dont_fragment,
                  BatchCounts& counts);
  void Flush(BatchCounts& counts);

  TapReader reader_;
  PacketHeader& header_;
  const size_t header_len_;
  const int socket_;
  const int df_socket_;
  Stats& stats_;
  const std::atomic<size_t>& max_frame_;
  TapGone& gone_;

  size_t messages_ = 0;
  uint8_t headers_[kMaxMessages][PacketHeader::kMaxSize];  // for plain frames
  iovec iov_[kMaxMessages][3];
  bool dont_fragment_[kMaxMessages];
  uint32_t inner_bytes_[kMaxMessages];
  mmsghdr message_[kMaxMessages];
};

}  // namespace vtepd
