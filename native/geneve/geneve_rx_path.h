// Geneve -> TAP for a Geneve device: receives batches of datagrams on the device's UDP port
// (ReceiveBatch), takes those from its remote with its VNI, validates the Geneve header
// (options skipped by length, critical ones refused) and writes the frames to the TAP,
// merging same-flow TCP segments into superframes. Drops are counted by reason. The hot
// path does not allocate.
#pragma once

#include <atomic>
#include <cstdint>

#include "base/counters.h"
#include "base/worker_pool.h"
#include "net/datagram_batch.h"
#include "net/endpoint.h"
#include "tap/tap_device.h"
#include "tap/tap_writer.h"

namespace vtepd {

class GeneveRxPath final : public PollSource {
 public:
  GeneveRxPath(const TapDevice& tap, int socket, const Endpoint& remote, uint32_t vni,
               Stats& stats, const std::atomic<size_t>& max_frame);

  // On the socket's worker (worker_pool.h): one batch.
  Served Serve() override;

 private:
  void Receive(size_t i, size_t max_frame, BatchCounts& counts);

  const TapDevice& tap_;
  const int socket_;
  const Endpoint remote_;
  const uint32_t vni_;
  Stats& stats_;
  const std::atomic<size_t>& max_frame_;

  DatagramBatch packets_;
  TapWriter writer_;
};

}  // namespace vtepd
