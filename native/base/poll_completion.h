// What a completion on a worker's wait ring (base/wait_ring.h) means, as a pure function so
// that it is unit-tested and fuzzed: the ring carries one multishot poll per source, each
// naming its source's slot in the worker's table and the slot's generation, so a completion
// of a poll cancelled since (its slot freed or reused) is recognised as stale and ignored,
// never served.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vtepd {

// user_data of the worker's own wake-up poll (its eventfd) and of poll cancellations; a
// source's poll has its slot in the low 32 bits and the generation (never 0) in the high.
constexpr uint64_t kWakeTag = 0;
constexpr uint64_t kCancelTag = 1;
inline uint64_t PollTag(uint32_t slot, uint32_t generation) {
  return uint64_t{generation} << 32 | slot;
}

struct PollCompletion {
  enum Kind : uint8_t {
    kIgnore,  // a cancellation's answer, or a poll of a source removed since
    kWake,    // the worker's eventfd: commands or a stop may be waiting
    kReady,   // the source in `slot` is readable (or in error, which its Serve finds out)
  } kind = kIgnore;
  uint32_t slot = 0;
  // The poll ended (no IORING_CQE_F_MORE: an error, or a completion queue that overflowed):
  // arm it again, or the source is never served again.
  bool rearm = false;
};

// generations[slot] is the live generation of each of `slots` slots (0: free).
PollCompletion ClassifyPollCompletion(uint64_t user_data, uint32_t flags,
                                      const uint32_t* generations, size_t slots);

}  // namespace vtepd
