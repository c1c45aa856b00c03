#include "tap/tap_ring_batch.h"

#include <algorithm>
#include <cerrno>

namespace vtepd {

size_t FirstReadCount(size_t previous_batch, size_t max) {
  return std::min(previous_batch + kReadSlack, max);
}

size_t NextReadCount(size_t last_count, size_t batch_so_far, size_t max) {
  if (batch_so_far >= max) return 0;
  return std::min(std::max<size_t>(last_count, 1) * 2, max - batch_so_far);
}

ReadRound CollectReads(const RingCompletion* done, size_t completions, size_t first,
                       size_t count, size_t max_len, size_t* len, uint8_t* order,
                       size_t* batch) {
  ReadRound round;
  count = std::min(count, kMaxReadRound);
  uint64_t seen = 0;
  uint64_t twice = 0;  // a second completion for one read: trust neither
  for (size_t slot = first; slot < first + count; slot++) len[slot] = 0;
  for (size_t i = 0; i < completions; i++) {
    const RingCompletion& c = done[i];
    if (c.user_data < first || c.user_data - first >= count) continue;
    size_t slot = static_cast<size_t>(c.user_data);
    uint64_t bit = uint64_t{1} << (slot - first);
    twice |= seen & bit;
    seen |= bit;
    if (c.res > 0 && static_cast<size_t>(c.res) <= max_len) len[slot] = static_cast<size_t>(c.res);
    if (c.res == -EBADFD) round.gone = true;
  }
  for (size_t slot = first; slot < first + count; slot++) {
    if (twice & (uint64_t{1} << (slot - first))) len[slot] = 0;
    if (len[slot] == 0) continue;
    order[(*batch)++] = static_cast<uint8_t>(slot);
    round.frames++;
  }
  round.full = round.frames == count;
  return round;
}

size_t CountWrites(const RingCompletion* done, size_t completions, const QueuedWrite* writes,
                   size_t count, WriteOutcome* outcome, BatchCounts& counts) {
  std::fill(outcome, outcome + count, WriteOutcome::kLost);
  size_t refusals = 0;
  for (size_t i = 0; i < completions; i++) {
    const RingCompletion& c = done[i];
    if (c.user_data >= count || outcome[c.user_data] != WriteOutcome::kLost) continue;
    const QueuedWrite& write = writes[c.user_data];
    if (c.res == -EOPNOTSUPP) {
      outcome[c.user_data] = WriteOutcome::kRefused;
      refusals++;
      continue;
    }
    outcome[c.user_data] = WriteOutcome::kCounted;
    if (c.res < 0) {
      counts.Add(Counter::rx_drop_tap_write, write.frames);
    } else {
      counts.Add(Counter::rx_packets, write.frames);
      counts.Add(Counter::rx_bytes, write.bytes);
    }
  }
  for (size_t i = 0; i < count; i++) {
    if (outcome[i] == WriteOutcome::kLost) counts.Add(Counter::rx_drop_tap_write, writes[i].frames);
  }
  return refusals;
}

}  // namespace vtepd
