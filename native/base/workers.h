// A device's data-path threads and what stops them: a flag they check between batches and
// an eventfd that wakes them from poll. Stop() raises both and joins; it is idempotent, and
// runs on destruction so a half-built device never leaves a thread behind.
#pragma once

#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
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

  int stop_fd() const { return stop_fd_.get(); }
  const std::atomic<bool>& stopping() const { return stopping_; }

 private:
  UniqueFd stop_fd_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
};

}  // namespace vtepd
