// Completions of TAP reads and writes on an io_uring (tap_ring_batch.h), as a misbehaving
// kernel might post them: any order, duplicates, slots out of range, any result. Input: the
// first slot and count of a submission, then completions of 3 bytes each (user_data, a
// result class, a length byte). Checked against a model:
//  - CollectReads: a slot yields a frame exactly when it is in range, completed once, with
//    a length in (0, max]; the slots appended are those, strictly increasing; nothing outside
//    the submission's slots of len[] or order[] is touched; full and gone as defined.
//  - CountWrites: every queued frame is counted exactly once, as written, dropped or refused
//    (left to the caller), as its first completion says, dropped when it has none.
//  - The read counts never exceed the batch nor its room, and are never 0 while there is room.
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

#include "fuzz_check.h"
#include "tap/tap_ring_batch.h"

using namespace vtepd;

namespace {

constexpr size_t kSlots = 256;
constexpr size_t kMaxLen = 1000;

int32_t Result(uint8_t kind, uint8_t len) {
  switch (kind % 8) {
    case 0: return -EAGAIN;
    case 1: return -EBADFD;
    case 2: return -EIO;
    case 3: return -EOPNOTSUPP;
    case 4: return 0;
    case 5: return static_cast<int32_t>(kMaxLen) + len;  // too long for the buffer
    default: return 1 + len * 4;  // 1..1021: over kMaxLen sometimes
  }
}

void CheckReads(size_t first, size_t count, const std::vector<RingCompletion>& done) {
  size_t len[kSlots];
  uint8_t order[kSlots + 1];
  for (size_t& l : len) l = 12345;
  std::memset(order, 0xee, sizeof order);
  size_t batch = 7;  // appended after what the batch holds
  ReadRound round = CollectReads(done.data(), done.size(), first, count, kMaxLen, len, order, &batch);
  size_t effective = count < kMaxReadRound ? count : kMaxReadRound;
  std::vector<size_t> expect;
  bool gone = false;
  for (size_t slot = first; slot < first + effective; slot++) {
    size_t seen = 0;
    int32_t res = 0;
    for (const RingCompletion& c : done) {
      if (c.user_data != slot) continue;
      seen++;
      res = c.res;
    }
    if (seen == 1 && res > 0 && static_cast<size_t>(res) <= kMaxLen) expect.push_back(slot);
  }
  for (const RingCompletion& c : done) {
    if (c.user_data >= first && c.user_data < first + effective && c.res == -EBADFD) gone = true;
  }
  FUZZ_CHECK(round.frames == expect.size());
  FUZZ_CHECK(batch == 7 + expect.size());
  FUZZ_CHECK(round.full == (expect.size() == effective));
  FUZZ_CHECK(round.gone == gone);
  for (size_t i = 0; i < expect.size(); i++) {
    FUZZ_CHECK(order[7 + i] == expect[i]);
    FUZZ_CHECK(len[expect[i]] > 0 && len[expect[i]] <= kMaxLen);
  }
  for (size_t i = 0; i < 7; i++) FUZZ_CHECK(order[i] == 0xee);
  FUZZ_CHECK(order[7 + expect.size()] == 0xee);
  for (size_t slot = 0; slot < kSlots; slot++) {
    bool inside = slot >= first && slot < first + effective;
    if (!inside) FUZZ_CHECK(len[slot] == 12345);
  }
}

void CheckWrites(size_t count, const std::vector<RingCompletion>& done) {
  std::vector<QueuedWrite> writes(count);
  uint64_t total_frames = 0;
  for (size_t i = 0; i < count; i++) {
    writes[i] = {1 + i % 5, 60 * (1 + i % 5)};
    total_frames += writes[i].frames;
  }
  std::vector<WriteOutcome> outcome(count + 1, WriteOutcome::kCounted);
  BatchCounts counts;
  size_t refused = CountWrites(done.data(), done.size(), writes.data(), count, outcome.data(), counts);
  Stats stats;
  counts.FlushInto(&stats);
  uint64_t packets = 0, bytes = 0, dropped = 0, refused_frames = 0;
  size_t refusals = 0;
  for (size_t i = 0; i < count; i++) {
    const RingCompletion* first_answer = nullptr;
    for (const RingCompletion& c : done) {
      if (c.user_data == i) {
        first_answer = &c;
        break;
      }
    }
    WriteOutcome expect = !first_answer ? WriteOutcome::kLost
                          : first_answer->res == -EOPNOTSUPP ? WriteOutcome::kRefused
                                                            : WriteOutcome::kCounted;
    FUZZ_CHECK(outcome[i] == expect);
    if (expect == WriteOutcome::kRefused) {
      refusals++;
      refused_frames += writes[i].frames;
    } else if (expect == WriteOutcome::kLost || first_answer->res < 0) {
      dropped += writes[i].frames;
    } else {
      packets += writes[i].frames;
      bytes += writes[i].bytes;
    }
  }
  FUZZ_CHECK(outcome[count] == WriteOutcome::kCounted);  // untouched past the queue
  FUZZ_CHECK(refused == refusals);
  FUZZ_CHECK(stats.Get(Counter::rx_packets) == packets);
  FUZZ_CHECK(stats.Get(Counter::rx_bytes) == bytes);
  FUZZ_CHECK(stats.Get(Counter::rx_drop_tap_write) == dropped);
  FUZZ_CHECK(packets + dropped + refused_frames == total_frames);
}

void CheckCounts(size_t a, size_t b, size_t max) {
  size_t first = FirstReadCount(a, max);
  FUZZ_CHECK(first <= max);
  FUZZ_CHECK(max == 0 || first > 0);
  size_t next = NextReadCount(a, b, max);
  FUZZ_CHECK(b >= max ? next == 0 : next > 0 && b + next <= max);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  size_t first = data[0] % 193;  // first + 64 slots stay below kSlots
  size_t count = data[1] % 80;   // over kMaxReadRound sometimes
  std::vector<RingCompletion> done;
  for (size_t at = 2; at + 3 <= size; at += 3) {
    done.push_back({data[at], Result(data[at + 1], data[at + 2])});
  }
  CheckReads(first, count, done);
  CheckWrites(count, done);
  CheckCounts(data[0], data[1], 1 + count);
  return 0;
}
