// What a ring operation's completion says, copied out of the completion queue so that the
// code mapping completions back to frames (tap/tap_ring_batch.h) is pure and testable.
#pragma once

#include <cstdint>

namespace vtepd {

struct RingCompletion {
  uint64_t user_data;  // what the submitter put in the entry: which frame it was
  int32_t res;         // bytes moved, or -errno
};

}  // namespace vtepd
