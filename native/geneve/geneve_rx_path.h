// Geneve -> TAP for a GenevePort: receives batches of datagrams (each possibly a UDP GRO
// bundle of many Geneve packets), validates each Geneve header (options skipped by length,
// critical ones refused), finds the device whose VNI and remote match (GeneveTable) and
// writes the frames to its TAP, merging same-flow TCP segments (and, with USO, UDP
// datagrams) into superframes (TapWriter). Drops are counted by reason on the device the
// table charges them to. The hot path does not allocate.
#pragma once

#include <cstdint>

#include "geneve/geneve_counters.h"
#include "base/page_buffer.h"
#include "base/worker_pool.h"
#include "geneve/geneve_demux.h"
#include "net/datagram_batch.h"
#include "net/endpoint.h"
#include "tap/tap_writer.h"

namespace vtepd {

class GenevePort;

class GeneveRxPath final : public PollSource, public PageAllocated {
 public:
  // gro: the socket has UDP_GRO enabled, so a datagram may carry several Geneve packets.
  GeneveRxPath(const GenevePort& port, int socket, bool gro);

  // On the socket's worker (worker_pool.h): one batch. The port's table is read once per
  // batch and not held past it (GenevePort::Publish).
  Served Serve() override;

 private:
  void Receive(const GeneveTable& table, const Endpoint& source, const uint8_t* packet,
               size_t len);
  // Counts `drop` on `device`: in the batch's counts if it is the one being written to.
  void Charge(GeneveReceiver* device, Counter drop);
  // Frames from now on go to `device` (null: none); what the last one got is flushed.
  void Switch(GeneveReceiver* device);

  const GenevePort& port_;
  const int socket_;
  const bool gro_;

  DatagramBatch datagrams_;
  TapWriter writer_;
  GeneveReceiver* current_ = nullptr;  // the device being written to, counted in counts_
  BatchCounts counts_;
};

}  // namespace vtepd
