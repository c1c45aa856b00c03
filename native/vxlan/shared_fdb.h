// The FDB as the data-path threads and the control plane share it: one lock, taken once per
// packet batch on the data path, plus the sink that carries learning events to JavaScript.
#pragma once

#include <time.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "vxlan/fdb.h"

namespace vtepd {

// Returns false when the events could not be queued (the consumer fell behind).
using FdbEventSink = std::function<bool(std::vector<FdbEvent>&&)>;

struct SharedFdb {
  SharedFdb(size_t max_entries, uint32_t ageing_seconds, uint16_t learned_port)
      : fdb(max_entries, ageing_seconds, learned_port) {}

  std::mutex mutex;
  Fdb fdb;
};

// Coarse monotonic seconds: FDB ageing needs no finer clock, and this one costs no syscall.
inline uint64_t MonotonicSeconds() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return static_cast<uint64_t>(ts.tv_sec);
}

}  // namespace vtepd
