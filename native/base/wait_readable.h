// Waiting for the next packet. Waking a sleeping thread costs tens of microseconds on a
// virtual machine (the idle vCPU halts and must be re-entered), several times per round trip
// through the overlay, so after traffic a data-path thread keeps polling without sleeping for
// a short while before it blocks. The spin happens once per wake-up: an idle device sleeps.
// Each empty poll yields the CPU: spinning threads then take turns with each other and with
// everything else runnable, instead of holding a core until their time slice ends while the
// thread whose packet has arrived waits for it (on 2 cores that made round trips slower).
#pragma once

#include <poll.h>
#include <sched.h>

#include <cerrno>
#include <cstdint>

#include "base/clock.h"

namespace vtepd {

enum class Wake { kReadable, kStop, kTimeout };

inline Wake WaitReadable(int fd, int stop_fd, int timeout_ms, uint64_t spin_ns) {
  pollfd fds[2] = {{fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
  uint64_t deadline = spin_ns ? MonotonicNanos() + spin_ns : 0;
  for (;;) {
    bool spinning = deadline && MonotonicNanos() < deadline;
    int ready = ::poll(fds, 2, spinning ? 0 : timeout_ms);
    if (ready < 0 && errno != EINTR) return Wake::kStop;  // cannot wait: let the thread end
    if (fds[1].revents) return Wake::kStop;
    if (ready > 0) return Wake::kReadable;
    if (!spinning) return Wake::kTimeout;
    sched_yield();
  }
}

}  // namespace vtepd
