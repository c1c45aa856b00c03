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
//
// A worker of the pool also waits on a ring of its own (ForWaiting), asynchronous: one
// multishot poll per source it serves stays armed in it, and their completions say which
// sources are readable (worker_pool.cc). Poll completions are posted by task work that runs
// whenever the thread enters the kernel anyway (COOP_TASKRUN: no interrupt of a polling
// thread), and the ring's flags say in memory when such work is waiting (TASKRUN_FLAG), so a
// polling worker learns of new traffic without a system call per empty poll.
#pragma once

#include <linux/io_uring.h>

#include <cstddef>
#include <cstdint>
#include <memory>

#include "base/ring_completion.h"

namespace vtepd {

class IoRing {
 public:
  static constexpr unsigned kEntries = 128;  // a read batch, or a write queue and a superframe

  // The calling thread's ring, or nullptr where io_uring is unavailable or has failed.
  static IoRing* ForThread();
  // A worker's ring to wait on, or nullptr where io_uring (multishot poll, 5.13) is
  // unavailable or VTEPD_IO_URING=0. Entries may be queued at once; the thread that calls
  // Enable() is the only one that may then enter it.
  static std::unique_ptr<IoRing> ForWaiting();
  bool Enable();

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

  // Asynchronous use (a ring from ForWaiting). Completions wait for this thread to enter
  // the kernel (task work to post them, or ones that overflowed the queue): read in memory.
  bool TaskWorkPending() const {
    return __atomic_load_n(sq_flags_, __ATOMIC_RELAXED) & (IORING_SQ_TASKRUN | IORING_SQ_CQ_OVERFLOW);
  }
  // Submits what is queued and posts pending completions; with `wait`, first sleeps until
  // there is at least one. Returns false when the kernel refused (not merely interrupted).
  bool Enter(bool wait);
  // Calls handle(cqe) for every completion posted, and consumes them.
  template <typename Handle>
  size_t Reap(Handle&& handle) {
    unsigned head = *cq_head_;
    const unsigned ready = __atomic_load_n(cq_tail_, __ATOMIC_ACQUIRE);
    for (; head != ready; head++) handle(cqes_[head & cq_mask_]);
    size_t reaped = ready - *cq_head_;
    __atomic_store_n(cq_head_, head, __ATOMIC_RELEASE);
    return reaped;
  }

 private:
  explicit IoRing(unsigned entries) : entries_(entries) {}
  bool Setup(unsigned flags, unsigned cq_entries);

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
  unsigned* sq_flags_ = nullptr;
  const unsigned entries_;
  unsigned queued_ = 0;
  bool retired_ = false;
};

}  // namespace vtepd
