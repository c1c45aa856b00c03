// How TAP frames move through an io_uring (base/io_ring.h) in batches, as pure functions
// over completions: which frames a submission of reads got and in what order, how many reads
// to submit, and what a submission of writes counts. Each entry's user_data is its index
// (a read's buffer slot, a write's place in the queue); completions may come in any order.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/counters.h"
#include "base/ring_completion.h"

namespace vtepd {

// Reads submitted first time: as many as the previous batch got, plus a few, so a busy
// queue is drained in one submission while an idle one costs a few EAGAIN answers, not kBatch.
constexpr size_t kReadSlack = 4;
size_t FirstReadCount(size_t previous_batch, size_t max);
// Reads submitted again after a submission whose reads all got a frame (the queue may hold
// more): twice as many, within what the batch has room for.
size_t NextReadCount(size_t last_count, size_t batch_so_far, size_t max);

constexpr size_t kMaxReadRound = 64;

struct ReadRound {
  size_t frames = 0;    // appended to the batch
  bool full = false;    // every read got a frame: the queue may hold more
  bool gone = false;    // EBADFD: the TAP was removed from outside
};

// One submission of reads into slots [first, first + count) (count at most kMaxReadRound,
// slots below 256): records each frame's length in
// len[slot] and appends the slots that got one to order[*batch...] in slot order, which is the
// order the kernel ran them in (one after another, inline), so the queue's order is kept. A
// length over max_len, a slot out of range or seen twice, or an error other than EAGAIN and
// EBADFD yields no frame (as a failed read() today).
ReadRound CollectReads(const RingCompletion* done, size_t completions, size_t first,
                       size_t count, size_t max_len, size_t* len, uint8_t* order,
                       size_t* batch);

struct QueuedWrite {
  size_t frames;  // a single frame, or the frames merged into a superframe
  size_t bytes;   // their bytes, for rx_bytes
};

enum class WriteOutcome : uint8_t {
  kLost,     // no completion: the ring refused the submission
  kCounted,  // written or failed, and counted
  kRefused,  // EOPNOTSUPP: a kernel whose TAP takes no RWF_NOWAIT; counted nothing
};

// One submission of `count` writes: frames of a write that failed or was lost count as
// rx_drop_tap_write; the others as rx_packets and rx_bytes. Refused writes are left to the
// caller to write otherwise. Fills outcome[0, count); returns how many were refused.
size_t CountWrites(const RingCompletion* done, size_t completions, const QueuedWrite* writes,
                   size_t count, WriteOutcome* outcome, BatchCounts& counts);

}  // namespace vtepd
