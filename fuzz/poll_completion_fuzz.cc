// Completions on a worker's wait ring (poll_completion.h), as a misbehaving kernel might post
// them: any user_data and flags, against a generation table of up to 8 slots. Input: one
// byte of slot count, that many generation bytes (0: free), then completions of 9 bytes
// each (8 of user_data, 1 of flags). Checked against the model: a completion names a source
// exactly when its slot is in range and its generation is that slot's live one (never 0);
// the wake-up tag is the wake-up; nothing else is served; a poll is armed again exactly when
// the kernel ended it (no IORING_CQE_F_MORE).
#include <linux/io_uring.h>

#include <cstdint>
#include <cstring>

#include "base/poll_completion.h"
#include "fuzz_check.h"

using namespace vtepd;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t slots = data[0] % 9;
  if (size < 1 + slots) return 0;
  uint32_t generations[8] = {};
  for (size_t i = 0; i < slots; i++) generations[i] = data[1 + i] % 4;
  for (size_t at = 1 + slots; at + 9 <= size; at += 9) {
    uint64_t user_data;
    std::memcpy(&user_data, data + at, sizeof user_data);
    // Mostly tags near the table, so that slots and generations match often.
    if (data[at + 8] & 0x80) user_data = PollTag(static_cast<uint32_t>(user_data % 10), (user_data >> 8) % 4);
    const uint32_t flags = data[at + 8] & 0x7f;
    PollCompletion c = ClassifyPollCompletion(user_data, flags, generations, slots);
    const uint32_t slot = static_cast<uint32_t>(user_data);
    const uint32_t generation = static_cast<uint32_t>(user_data >> 32);
    const bool ended = !(flags & IORING_CQE_F_MORE);
    if (user_data == kWakeTag) {
      FUZZ_CHECK(c.kind == PollCompletion::kWake);
      FUZZ_CHECK(c.rearm == ended);
      continue;
    }
    const bool live = user_data != kCancelTag && generation != 0 && slot < slots &&
                      generations[slot] == generation;
    FUZZ_CHECK((c.kind == PollCompletion::kReady) == live);
    if (live) {
      FUZZ_CHECK(c.slot == slot && c.slot < slots);
      FUZZ_CHECK(c.rearm == ended);
    } else {
      FUZZ_CHECK(c.kind == PollCompletion::kIgnore);
    }
  }
  return 0;
}
