// The FDB as the data-path threads, the housekeeping thread (ageing) and the control plane
// share it: one lock, taken once per packet batch on the data path, plus the sink that
// carries learning and ageing events to JavaScript.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "vxlan/fdb.h"

namespace vtepd {

// Returns false when the events could not be queued (the consumer fell behind). Called from
// receive threads and the housekeeping thread at once: must be thread-safe.
using FdbEventSink = std::function<bool(std::vector<FdbEvent>&&)>;

struct SharedFdb {
  SharedFdb(size_t max_entries, uint32_t ageing_seconds, uint16_t learned_port)
      : fdb(max_entries, ageing_seconds, learned_port) {}

  std::mutex mutex;
  Fdb fdb;
};

}  // namespace vtepd
