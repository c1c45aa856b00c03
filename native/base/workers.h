// The data-path threads of a device or a shared port, and what stops them: a flag they check
// between batches and an eventfd that wakes them from poll. Stop() raises both and joins; it
// is idempotent, and runs on destruction so a half-built owner never leaves a thread behind.
// WakeUntil() uses the eventfd alone, to make threads that treat a wake-up as "look again"
// rather than "stop" (the port's receive threads) pass a point the caller waits for.
#pragma once

#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <utility>
#include <vector>

#include "base/system_error.h"
#include "base/unique_fd.h"

namespace vtepd {

class Workers {
 public:
  Workers() : stop_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (stop_fd_.get() < 0) ThrowErrno("eventfd");
  }
  ~Workers() { Stop(); }
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  template <typename Body>
  void Start(Body&& body) {
    threads_.emplace_back(std::forward<Body>(body));
  }

  void Stop() {
    if (!stopping_.exchange(true)) {
      uint64_t one = 1;
      (void)!::write(stop_fd_.get(), &one, sizeof one);
    }
    for (std::thread& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }

  // Keeps the eventfd readable, so every poll on it returns, until passed() holds; then
  // clears it, unless Stop() has been called. Control plane, one caller at a time.
  template <typename Passed>
  void WakeUntil(const Passed& passed) {
    uint64_t one = 1;
    (void)!::write(stop_fd_.get(), &one, sizeof one);
    while (!passed()) std::this_thread::sleep_for(std::chrono::microseconds(20));
    if (!stopping_.load()) {
      uint64_t drained;
      (void)!::read(stop_fd_.get(), &drained, sizeof drained);
    }
  }

  int stop_fd() const { return stop_fd_.get(); }
  const std::atomic<bool>& stopping() const { return stopping_; }

 private:
  UniqueFd stop_fd_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
};

}  // namespace vtepd
