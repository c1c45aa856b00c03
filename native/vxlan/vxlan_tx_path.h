// TAP -> UDP for one TAP queue of a VXLAN device: reads a batch of frames (TapReader),
// looks each destination MAC up in the FDB, and sends one VXLAN packet per remote with
// sendmmsg. Plain frames go as [VXLAN header | frame] iovecs, never copied; consecutive
// equal-sized ones for the same remote share one UDP GSO send, as the segments of a
// superframe do ([VXLAN and inner headers | payload slice] each, up to 64 KiB a send): the
// kernel, or the veth/NIC beyond it, splits them into datagrams, so the underlay stack
// handles one buffer instead of one per packet. Flooding does the same: a run of consecutive
// plain frames of one size that go to the same flood list is sent remote by remote, one UDP
// GSO send per remote for the whole run, instead of one sendmmsg entry per frame and remote
// (each remote still gets the frames once each, in order). With local learning on, it also
// records the source MAC of every frame, and the address its ARP or NS/NA binds, in the
// device's table of local MACs (under the same lock). The hot path does not allocate, but for
// the events of a local MAC that is new or changed its addresses. With neigh_suppress on, ARP
// requests and Neighbour Solicitations for addresses the device's neighbour table knows are
// answered into the TAP instead (net/neighbour_responder.h; under the same lock, the replies
// written after it, one ring submission for the batch's).
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <atomic>
#include <cstdint>
#include <vector>

#include "vxlan/shared_fdb.h"
#include "vxlan/vxlan_counters.h"
#include "base/page_buffer.h"
#include "base/worker_pool.h"
#include "net/udp_gso.h"
#include "net/neighbour_responder.h"
#include "tap/tap_gone.h"
#include "tap/tap_reader.h"
#include "tap/tap_writer.h"
#include "vxlan/vxlan_socket.h"
#include "vxlan/vxlan_header.h"
#include "vxlan/vxlan_tx_packing.h"

namespace vtepd {

class VxlanTxPath final : public PollSource, public PageAllocated {
 public:
  static constexpr size_t kMaxMessages = 1024;  // sendmmsg entries per flush
  // Two per packet (VXLAN and inner headers, then the payload): a batch of superframes
  // at 46 segments each fits about 90 of them.
  static constexpr size_t kMaxIovecs = 8192;

  // Serves TAP queue `queue`; the sockets, FDB, local MACs, their event sink and counters are
  // shared with other queues. max_frame: the largest frame the device sends (its MTU may
  // change under it). `gone` hears of the TAP's removal.
  VxlanTxPath(const TapDevice& tap, size_t queue, const TxSocketPool& sockets, SharedFdb& fdb,
              const LocalMacEventSink& local_sink, Stats& stats, uint32_t vni,
              const std::atomic<size_t>& max_frame, TapGone& gone);

  // On the worker that serves the TAP queue (worker_pool.h): one batch.
  Served Serve() override;
  void Gone() override { gone_.Report(); }
  int fd() const { return reader_.fd(); }

 private:
  // Where routing stopped: frame index and the index of its next remote; for a flood run
  // (FloodRun) that began at `frame`, its length, else 0.
  struct Cursor {
    size_t frame;
    size_t remote;
    size_t run;
  };

  void Route(size_t begin, size_t end, BatchCounts& counts);
  void RecordLocalMacs(size_t begin, size_t end, BatchCounts& counts);
  void AnswerNeighbours(size_t begin, size_t end, BatchCounts& counts);
  void WriteReplies(BatchCounts& counts);
  void RouteUntilFull(Cursor& cursor, size_t end, BatchCounts& counts);
  bool Fits(const PreparedFrame& frame) const;
  size_t FloodRun(size_t first, size_t end, const std::vector<Remote>* remotes) const;
  void AddFloodRun(size_t first, size_t count, const Remote& remote);
  void AddMessages(const PreparedFrame& frame, const Remote& remote, BatchCounts& counts);
  size_t BeginMessage(const Remote& remote, uint16_t socket);
  void EndMessage(size_t message, size_t packets, size_t inner_bytes);
  bool AppendToLastMessage(const PreparedFrame& frame, const PlainSend& plain);
  void Flush(BatchCounts& counts);

  TapReader reader_;
  const TxSocketPool& sockets_;
  SharedFdb& fdb_;
  const LocalMacEventSink& local_sink_;
  Stats& stats_;
  const uint32_t vni_;
  const std::atomic<size_t>& max_frame_;
  const size_t max_segments_per_send_;
  TapGone& gone_;

  // Message i: its iovecs (consecutive in iov_) to address_[i] through socket_[i].
  size_t messages_ = 0;
  size_t iovecs_ = 0;
  uint8_t header_[kMaxMessages][kVxlanHeaderSize];
  iovec iov_[kMaxIovecs];
  SocketAddress address_[kMaxMessages];
  // The last message, if it holds plain frames only: their remote and datagram size, so
  // the next equal-sized frame for that remote can join it.
  bool last_is_plain_ = false;
  PlainSend last_plain_{};
  GsoControl control_[kMaxMessages];
  uint16_t socket_[kMaxMessages];
  uint32_t packets_[kMaxMessages];
  uint32_t inner_bytes_[kMaxMessages];
  mmsghdr message_[kMaxMessages];
  mmsghdr by_socket_[kMaxMessages];  // message_ regrouped so each socket gets one sendmmsg
  uint16_t by_socket_index_[kMaxMessages];
  std::vector<LocalMacEvent> local_events_;
  // ARP replies and NAs of the batch being routed, written to the TAP after the lock.
  NeighbourReply replies_[kBatch];
  size_t reply_count_ = 0;
  TapWriter reply_writer_;
};

}  // namespace vtepd
