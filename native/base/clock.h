// The one clock of the process: CLOCK_MONOTONIC, so neither wall-clock steps nor NTP slewing
// disturb spinning deadlines, the housekeeping period or FDB ageing.
#pragma once

#include <time.h>

#include <cstdint>

namespace vtepd {

inline uint64_t MonotonicNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

// Coarse seconds: FDB ageing needs no finer clock, and this one costs no syscall.
inline uint64_t MonotonicSeconds() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return static_cast<uint64_t>(ts.tv_sec);
}

// Seconds from `since` to `now`, saturating: a table entry refreshed after `now` was read (by
// another thread, before this one took the lock) is not idle.
inline uint64_t IdleSeconds(uint64_t now, uint64_t since) { return now > since ? now - since : 0; }

}  // namespace vtepd
