// TAP -> the one peer of a point-to-point tunnel (gretap, an L2TPv3 session, a UDP tunnel to one peer): reads a
// batch of frames (TapReader), puts the encapsulation's header (a PacketHeader) before each
// frame or segment, and sends them with sendmmsg, each flow through the socket its hash picks
// (SendSockets: one, a DF pair, or a pool of UDP source ports). Headers are all of one size,
// written into the TapReader's headroom for segments. Where the sockets take UDP GSO, a
// superframe's segments leave in one send per socket (up to 64 KiB), and consecutive
// equal-sized plain frames of one socket share one too, as VxlanTxPath does: the kernel, or
// the veth/NIC beyond it, cuts them into datagrams. Without it a superframe leaves as one
// packet per segment; still one syscall per batch and socket. The hot path does not allocate.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "base/counters.h"
#include "base/page_buffer.h"
#include "base/worker_pool.h"
#include "net/udp_gso.h"
#include "net/send_sockets.h"
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
  // Headers of plain frames, and iovecs: two per packet (header or header block, then the
  // frame or payload).
  static constexpr size_t kMaxPlain = 1024;
  static constexpr size_t kMaxIovecs = 8192;

  // `header` is written on this path's thread only. max_frame: the largest frame the device
  // sends (its MTU may change). `gone` hears of the TAP's removal.
  PeerTxPath(const TapDevice& tap, PacketHeader& header, const SendSockets& sockets,
             Stats& stats, const std::atomic<size_t>& max_frame, TapGone& gone);

  // On the worker that serves the TAP (worker_pool.h): one batch.
  Served Serve() override;
  void Gone() override { gone_.Report(); }
  int fd() const { return reader_.fd(); }

 private:
  void Frame(const PreparedFrame& frame, BatchCounts& counts);
  void AddPlain(const PreparedFrame& frame, uint16_t socket, BatchCounts& counts);
  void AddSegments(const PreparedFrame& frame, uint16_t socket, BatchCounts& counts);
  size_t BeginMessage(uint16_t socket);
  void EndMessage(size_t message, size_t packets, size_t inner_bytes);
  void Flush(BatchCounts& counts);

  TapReader reader_;
  PacketHeader& header_;
  const size_t header_len_;
  const SendSockets sockets_;
  const size_t max_segments_per_send_;
  Stats& stats_;
  const std::atomic<size_t>& max_frame_;
  TapGone& gone_;

  // Message i: its iovecs (consecutive in iov_) through socket_[i].
  size_t messages_ = 0;
  size_t iovecs_ = 0;
  size_t plain_ = 0;
  uint8_t headers_[kMaxPlain][PacketHeader::kMaxSize];  // for plain frames
  iovec iov_[kMaxIovecs];
  // The last message, if it holds plain frames only: their datagram size, so the next
  // equal-sized frame for its socket can join it.
  bool last_is_plain_ = false;
  size_t last_plain_size_ = 0;
  GsoControl control_[kMaxMessages];
  uint16_t socket_[kMaxMessages];
  uint32_t packets_[kMaxMessages];
  uint32_t inner_bytes_[kMaxMessages];
  mmsghdr message_[kMaxMessages];
  mmsghdr by_socket_[kMaxMessages];  // message_ regrouped so each socket gets one sendmmsg
  uint16_t by_socket_index_[kMaxMessages];
};

}  // namespace vtepd
