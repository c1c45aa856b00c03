// A device whose TAP was removed from outside reports it once: the first transmit thread to
// find the TAP gone (TapEnd::kGone) calls the owner's callback, on that data-path thread, and
// ends. The owner then stops the device from another thread: a data-path thread cannot join
// itself.
#pragma once

#include <atomic>
#include <functional>
#include <utility>

#include "tap/tap_reader.h"

namespace vtepd {

// Called once, on a data-path thread; must not block or stop the device itself.
using GoneCallback = std::function<void()>;

class TapGone {
 public:
  explicit TapGone(GoneCallback report) : report_(std::move(report)) {}

  // Where a transmit thread's loop ended.
  void Ended(TapEnd end) {
    if (end == TapEnd::kGone && !reported_.exchange(true) && report_) report_();
  }

 private:
  GoneCallback report_;
  std::atomic<bool> reported_{false};
};

}  // namespace vtepd
