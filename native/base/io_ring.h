// A minimal synchronous io_uring, so a batch of TAP reads or writes costs one system call
// instead of one per frame (a TAP has no batched read or write of its own). Raw system calls
// on <linux/io_uring.h>, no liburing: the addon ships prebuilt.
//
// Synchronous: a caller queues its operations, then Submit() enters the kernel once, which
// runs them and returns with all of them completed. That holds because every operation the
// data path queues completes inline: TAP reads and writes with RWF_NOWAIT answer EAGAIN at
// once instead of being parked on poll or handed to an io-wq worker (lab/probes/tap_uring.c
// measured it). So the ring is empty between calls, and nothing in it outlives the buffers.
//
// One ring per data-path thread (created lazily on it, thread_local), not per device: a
// thousand devices served by two workers cost two rings. Where io_uring_setup fails (ENOSYS,
// EPERM, kernel.io_uring_disabled, a seccomp filter) or VTEPD_IO_URING=0 is set, ForThread()
// returns nullptr and callers keep one system call per frame.
#pragma once

#include <linux/io_uring.h>

#include <cstddef>
#include <cstdint>

#include "base/ring_completion.h"

namespace vtepd {

class IoRing {
 public:
  static constexpr unsigned kEntries = 128;  // a read batch, or a write queue and a superframe

  // The calling thread's ring, or nullptr where io_uring is unavailable or has failed.
  static IoRing* ForThread();

  ~IoRing();
  IoRing(const IoRing&) = delete;
  IoRing& operator=(const IoRing&) = delete;

  // The next entry to fill (zeroed, user_data to be set by the caller), or nullptr when
  // kEntries are queued: Submit first.
  io_uring_sqe* Queue();
  size_t queued() const { return queued_; }
  // Enters the kernel once (more only if interrupted) to run everything queued and reap its
  // completions into `out` (room for queued() of them), in the order the kernel posted them.
  // Returns how many; fewer than queued only if the kernel refused the submission, and then
  // this thread's ring is retired for good (the caller retries those without it).
  size_t Submit(RingCompletion* out);

 private:
  IoRing() = default;
  bool Setup();

  int fd_ = -1;
  void* rings_ = nullptr;
  size_t rings_len_ = 0;
  io_uring_sqe* sqes_ = nullptr;
  size_t sqes_len_ = 0;
  unsigned* sq_head_ = nullptr;
  unsigned* sq_tail_ = nullptr;
  unsigned sq_mask_ = 0;
  unsigned* cq_head_ = nullptr;
  unsigned* cq_tail_ = nullptr;
  unsigned cq_mask_ = 0;
  io_uring_cqe* cqes_ = nullptr;
  unsigned queued_ = 0;
  bool retired_ = false;
};

}  // namespace vtepd
