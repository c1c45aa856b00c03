// Slow, periodic device upkeep (re-reading the TAP's MAC and MTU, FDB ageing) on one
// process-wide thread, off the data path: transmit threads then block in poll with no
// timeout, and a thousand idle devices cost one wake-up a second, not a thousand. The thread
// starts with the first task and ends with the last.
#pragma once

#include <cstdint>
#include <functional>

namespace vtepd {

// A callback the housekeeping thread runs about once a second, from construction until
// destruction. Tasks run one after another, never two at once.
class HousekeepingTask {
 public:
  explicit HousekeepingTask(std::function<void()> tick);
  // Returns once the callback is not running and never will again.
  ~HousekeepingTask();
  HousekeepingTask(const HousekeepingTask&) = delete;
  HousekeepingTask& operator=(const HousekeepingTask&) = delete;

 private:
  uint64_t id_;
};

}  // namespace vtepd
