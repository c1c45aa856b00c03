#include "base/poll_completion.h"

#include <linux/io_uring.h>

namespace vtepd {

PollCompletion ClassifyPollCompletion(uint64_t user_data, uint32_t flags,
                                      const uint32_t* generations, size_t slots) {
  PollCompletion completion;
  const bool ended = !(flags & IORING_CQE_F_MORE);
  if (user_data == kWakeTag) {
    completion.kind = PollCompletion::kWake;
    completion.rearm = ended;
    return completion;
  }
  const uint32_t slot = static_cast<uint32_t>(user_data);
  const uint32_t generation = static_cast<uint32_t>(user_data >> 32);
  if (user_data == kCancelTag || generation == 0 || slot >= slots ||
      generations[slot] != generation) {
    return completion;  // kIgnore
  }
  // An error (say -ENOMEM arming it) ends the poll too, without F_MORE: the source is served
  // all the same, so that its own read finds out what is wrong, and its poll armed again.
  completion.kind = PollCompletion::kReady;
  completion.slot = slot;
  completion.rearm = ended;
  return completion;
}

}  // namespace vtepd
