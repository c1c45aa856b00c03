// GRE -> TAP for a gretap device: receives batches of packets from the raw socket
// (ReceiveBatch), strips the IPv4 header (raw IPv6 sockets never show theirs), validates
// the GRE header against the device's ikey/icsum/iseq, enforces sequence order, and writes
// the frames to the TAP, merging same-flow TCP segments into superframes. Drops are counted
// by reason. The hot path does not allocate.
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <cstdint>

#include "gre/gre_header.h"
#include "gre/gre_sequence.h"
#include "gre/gre_counters.h"
#include "base/worker_pool.h"
#include "net/datagram_batch.h"
#include "tap/tap_device.h"
#include "tap/tap_writer.h"

namespace vtepd {

class GreRxPath final : public PollSource {
 public:
  GreRxPath(const TapDevice& tap, sa_family_t family, int socket, const GreFields& expect,
            Stats& stats, const std::atomic<size_t>& max_frame);

  // On the socket's worker (worker_pool.h): one batch.
  Served Serve() override;

 private:
  void Receive(const uint8_t* packet, size_t len, size_t max_frame, BatchCounts& counts);

  const TapDevice& tap_;
  const bool ip_header_;  // IPv4 raw sockets deliver the IP header too
  const int socket_;
  const GreFields expect_;
  Stats& stats_;
  const std::atomic<size_t>& max_frame_;
  GreSequence sequence_;

  DatagramBatch packets_;
  TapWriter writer_;
};

}  // namespace vtepd
