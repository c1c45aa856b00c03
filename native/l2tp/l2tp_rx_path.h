// UDP or IP -> TAP for an L2TPv3 tunnel: receives batches of packets from the tunnel's
// socket (ReceiveBatch), strips the IPv4 header of IP encapsulation, reads the session ID
// and finds the session, then checks its cookie and sequence number and writes the frame to
// the session's TAP, merging same-flow TCP segments into superframes. Drops before a session
// is known are the tunnel's (TunnelStats); after, the session's. The hot path does not
// allocate.
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "l2tp/l2tp_counters.h"
#include "base/worker_pool.h"
#include "l2tp/l2tp_header.h"
#include "l2tp/l2tp_receiver.h"
#include "net/datagram_batch.h"
#include "tap/tap_writer.h"

namespace vtepd {

class L2tpRxPath final : public PollSource {
 public:
  L2tpRxPath(L2tpSessionTable& sessions, L2tpEncap encap, sa_family_t family, int socket,
             TunnelStats& stats);

  // On the socket's worker (worker_pool.h): one batch.
  Served Serve() override;

 private:
  void Receive(const uint8_t* packet, size_t len, TunnelBatchCounts& tunnel_counts);
  // Frames go to `receiver` from now on (nullptr: to none): the last one's pending
  // superframe is written and its counts added to its counters.
  void Switch(L2tpReceiver* receiver);

  L2tpSessionTable& sessions_;
  const L2tpEncap encap_;
  const bool ip_header_;  // raw IPv4 sockets deliver the IP header too
  const int socket_;
  TunnelStats& stats_;

  DatagramBatch packets_;
  TapWriter writer_;
  L2tpReceiver* current_ = nullptr;
  BatchCounts counts_;  // current_'s
};

}  // namespace vtepd
