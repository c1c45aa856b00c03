// A device whose TAP was removed from outside reports it once: the first transmit path to
// find the TAP gone (Served::kGone, worker_pool.h) calls the owner's callback, on its worker,
// and is taken off the pool. The owner then stops the device from another thread: a worker
// cannot wait for itself to pass its quiescent point.
#pragma once

#include <atomic>
#include <functional>
#include <utility>

namespace vtepd {

// Called once, on a worker; must not block or stop the device itself.
using GoneCallback = std::function<void()>;

class TapGone {
 public:
  explicit TapGone(GoneCallback report) : report_(std::move(report)) {}

  void Report() {
    if (!reported_.exchange(true) && report_) report_();
  }

 private:
  GoneCallback report_;
  std::atomic<bool> reported_{false};
};

}  // namespace vtepd
