// poll_completion: what a completion on a worker's wait ring means — the wake-up, a live
// source's poll (armed again when the kernel ended it), or a stale or cancelled one.
#include <linux/io_uring.h>

#include <cstdint>

#include "base/poll_completion.h"
#include "check.h"

using vtepd::ClassifyPollCompletion;
using vtepd::kCancelTag;
using vtepd::kWakeTag;
using vtepd::PollCompletion;
using vtepd::PollTag;

namespace {
const uint32_t kGenerations[] = {7, 0, 9};  // slot 1 is free
constexpr size_t kSlots = 3;
}  // namespace

TEST(poll_completion_of_a_live_source_marks_it_ready) {
  PollCompletion c = ClassifyPollCompletion(PollTag(2, 9), IORING_CQE_F_MORE, kGenerations, kSlots);
  CHECK_EQ(c.kind, PollCompletion::kReady);
  CHECK_EQ(c.slot, uint32_t{2});
  CHECK(!c.rearm);  // the multishot poll stays armed
}

TEST(poll_completion_without_more_is_armed_again) {
  // An overflowing completion queue or an error ends a multishot poll: still served, re-armed.
  PollCompletion c = ClassifyPollCompletion(PollTag(0, 7), 0, kGenerations, kSlots);
  CHECK_EQ(c.kind, PollCompletion::kReady);
  CHECK_EQ(c.slot, uint32_t{0});
  CHECK(c.rearm);
}

TEST(poll_completion_of_a_removed_or_reused_slot_is_ignored) {
  CHECK_EQ(ClassifyPollCompletion(PollTag(0, 6), 0, kGenerations, kSlots).kind, PollCompletion::kIgnore);
  CHECK_EQ(ClassifyPollCompletion(PollTag(1, 1), IORING_CQE_F_MORE, kGenerations, kSlots).kind,
           PollCompletion::kIgnore);  // freed
  CHECK_EQ(ClassifyPollCompletion(PollTag(3, 9), IORING_CQE_F_MORE, kGenerations, kSlots).kind,
           PollCompletion::kIgnore);  // out of range
  CHECK_EQ(ClassifyPollCompletion(PollTag(1, 0), 0, kGenerations, kSlots).kind,
           PollCompletion::kIgnore);  // generation 0 names no poll, even on a free slot
  CHECK_EQ(ClassifyPollCompletion(kCancelTag, 0, kGenerations, kSlots).kind, PollCompletion::kIgnore);
}

TEST(poll_completion_of_the_wake_up_is_rearmed_when_ended) {
  PollCompletion more = ClassifyPollCompletion(kWakeTag, IORING_CQE_F_MORE, kGenerations, kSlots);
  CHECK_EQ(more.kind, PollCompletion::kWake);
  CHECK(!more.rearm);
  PollCompletion ended = ClassifyPollCompletion(kWakeTag, 0, kGenerations, kSlots);
  CHECK_EQ(ended.kind, PollCompletion::kWake);
  CHECK(ended.rearm);
}
