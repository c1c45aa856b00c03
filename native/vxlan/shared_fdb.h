// The FDB, the table of local MACs and the neighbour table (ARP/ND suppression) as the
// data-path threads, the housekeeping thread
// (ageing) and the control plane share them: one lock, taken once per packet batch on the
// data path, plus the sinks that carry their events to JavaScript.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "net/neighbour_table.h"
#include "vxlan/fdb.h"
#include "vxlan/local_macs.h"

namespace vtepd {

// Return false when the events could not be queued (the consumer fell behind). Called from
// data-path threads and the housekeeping thread at once: must be thread-safe.
using FdbEventSink = std::function<bool(std::vector<FdbEvent>&&)>;
using LocalMacEventSink = std::function<bool(std::vector<LocalMacEvent>&&)>;

struct SharedFdb {
  SharedFdb(size_t max_entries, uint32_t ageing_seconds, uint16_t learned_port, bool local_learning,
            bool neigh_suppress)
      : fdb(max_entries, ageing_seconds, learned_port),
        local_macs(LocalMacLimit(max_entries), ageing_seconds),
        neighbours(LocalMacLimit(max_entries)),
        local_learning(local_learning),
        neigh_suppress(neigh_suppress) {}

  std::mutex mutex;
  Fdb fdb;
  // Recorded by the transmit threads while local_learning is on (both under `mutex`).
  LocalMacs local_macs;
  // Remote hosts' addresses, from the control plane; the transmit threads answer ARP and NS
  // for them while neigh_suppress is on (net/neighbour_responder.h). Bounded like local_macs.
  NeighbourTable neighbours;
  bool local_learning;
  bool neigh_suppress;
};

}  // namespace vtepd
