// tap_ring_batch: completions of TAP reads and writes on an io_uring mapped back to frames
// and counters, and the adaptive number of reads per submission.
#include <cerrno>
#include <cstdint>

#include "check.h"
#include "tap/tap_ring_batch.h"

using vtepd::BatchCounts;
using vtepd::CollectReads;
using vtepd::CountWrites;
using vtepd::Counter;
using vtepd::FirstReadCount;
using vtepd::NextReadCount;
using vtepd::QueuedWrite;
using vtepd::ReadRound;
using vtepd::RingCompletion;
using vtepd::Stats;
using vtepd::WriteOutcome;

namespace {
constexpr size_t kMax = 2048;
}  // namespace

TEST(tap_ring_read_count_follows_the_last_batch) {
  CHECK_EQ(FirstReadCount(0, 64), size_t{4});    // idle: a few EAGAIN answers, not 64
  CHECK_EQ(FirstReadCount(10, 64), size_t{14});
  CHECK_EQ(FirstReadCount(64, 64), size_t{64});  // busy: the whole batch at once
  CHECK_EQ(NextReadCount(4, 4, 64), size_t{8});  // all four got frames: twice as many
  CHECK_EQ(NextReadCount(32, 48, 64), size_t{16});  // no more than the batch has room for
  CHECK_EQ(NextReadCount(16, 64, 64), size_t{0});   // the batch is full
}

TEST(tap_ring_reads_keep_slot_order_whatever_the_completion_order) {
  size_t len[64] = {};
  uint8_t order[64];
  size_t batch = 0;
  RingCompletion done[] = {{2, 60}, {0, 64}, {3, -EAGAIN}, {1, 70}};
  ReadRound round = CollectReads(done, 4, 0, 4, kMax, len, order, &batch);
  CHECK_EQ(round.frames, size_t{3});
  CHECK(!round.full);
  CHECK(!round.gone);
  CHECK_EQ(batch, size_t{3});
  CHECK_EQ(order[0], uint8_t{0});
  CHECK_EQ(order[1], uint8_t{1});
  CHECK_EQ(order[2], uint8_t{2});
  CHECK_EQ(len[1], size_t{70});
  CHECK_EQ(len[3], size_t{0});
}

TEST(tap_ring_reads_a_second_round_appends_after_the_first) {
  size_t len[64] = {};
  uint8_t order[64];
  size_t batch = 0;
  RingCompletion first[] = {{0, 60}, {1, 61}};
  CHECK(CollectReads(first, 2, 0, 2, kMax, len, order, &batch).full);
  // A frame arriving between two EAGAIN answers is taken, after the earlier ones.
  RingCompletion second[] = {{2, -EAGAIN}, {3, 62}, {4, -EAGAIN}, {5, -EAGAIN}};
  ReadRound round = CollectReads(second, 4, 2, 4, kMax, len, order, &batch);
  CHECK_EQ(round.frames, size_t{1});
  CHECK(!round.full);
  CHECK_EQ(batch, size_t{3});
  CHECK_EQ(order[2], uint8_t{3});
  CHECK_EQ(len[3], size_t{62});
}

TEST(tap_ring_reads_distrust_odd_completions) {
  size_t len[64] = {};
  uint8_t order[64];
  size_t batch = 0;
  RingCompletion done[] = {
      {0, 60}, {0, 61},           // two for one read: neither
      {1, kMax + 1},              // longer than the buffer
      {2, 0},                     // nothing read
      {3, -EIO},                  // an error
      {9, 60},                    // not one of this submission's slots
  };
  ReadRound round = CollectReads(done, 6, 0, 4, kMax, len, order, &batch);
  CHECK_EQ(round.frames, size_t{0});
  CHECK_EQ(batch, size_t{0});
  CHECK(!round.gone);
}

TEST(tap_ring_reads_report_a_removed_tap) {
  size_t len[64] = {};
  uint8_t order[64];
  size_t batch = 0;
  RingCompletion done[] = {{0, 60}, {1, -EBADFD}};
  ReadRound round = CollectReads(done, 2, 0, 2, kMax, len, order, &batch);
  CHECK(round.gone);
  CHECK_EQ(round.frames, size_t{1});  // the frame read before still counts
}

TEST(tap_ring_writes_count_frames_bytes_and_failures) {
  QueuedWrite writes[] = {{1, 60}, {5, 7000}, {1, 64}, {2, 128}};
  WriteOutcome outcome[4];
  BatchCounts counts;
  // A superframe of 5 frames, a failed single frame, and one never completed.
  RingCompletion done[] = {{1, 7010}, {0, 70}, {2, -EIO}};
  CHECK_EQ(CountWrites(done, 3, writes, 4, outcome, counts), size_t{0});
  Stats stats;
  counts.FlushInto(&stats);
  CHECK_EQ(stats.Get(Counter::rx_packets), uint64_t{6});
  CHECK_EQ(stats.Get(Counter::rx_bytes), uint64_t{7060});
  CHECK_EQ(stats.Get(Counter::rx_drop_tap_write), uint64_t{3});  // 1 failed + 2 lost
  CHECK(outcome[3] == WriteOutcome::kLost);
  CHECK(outcome[2] == WriteOutcome::kCounted);
}

TEST(tap_ring_writes_refused_are_left_to_the_caller) {
  QueuedWrite writes[] = {{1, 60}, {1, 61}};
  WriteOutcome outcome[2];
  BatchCounts counts;
  RingCompletion done[] = {{0, -EOPNOTSUPP}, {1, -EOPNOTSUPP}, {1, 61}, {7, 5}};
  CHECK_EQ(CountWrites(done, 4, writes, 2, outcome, counts), size_t{2});
  CHECK(outcome[0] == WriteOutcome::kRefused);
  CHECK(outcome[1] == WriteOutcome::kRefused);  // the first answer holds
  Stats stats;
  counts.FlushInto(&stats);
  CHECK_EQ(stats.Get(Counter::rx_packets), uint64_t{0});
  CHECK_EQ(stats.Get(Counter::rx_drop_tap_write), uint64_t{0});
}
