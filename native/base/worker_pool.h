// The data path's threads: a bounded pool of workers (by default one per core) that serve
// every TAP queue and socket of every device by readiness, instead of threads per device, so
// a thousand devices cost a thousand epoll registrations, not a thousand threads.
//
// Each source (a file descriptor and what serves it: a transmit path reading a TAP queue, a
// receive path reading a socket) is registered with exactly one worker, and only that worker
// ever serves it: a queue's or socket's packets stay in order, and a path's buffers need no
// lock. Its owner names the worker, or leaves the choice to the pool (the one serving
// fewest). Owners put a device's TAP queue on the worker of the socket its traffic arrives
// on, so a device runs to completion on one worker: the reply to a request finds the worker
// that forwarded the request still polling, instead of waking a second one. A worker waits in epoll (level-triggered) and
// serves each ready source one batch at a time, so a busy device cannot starve the others on
// its worker. One loop serves both directions of every device on the worker.
//
// Where io_uring allows, a worker waits on a ring of its own instead of epoll: each of its
// sources has a multishot poll armed there, whose completions mark it ready, and it stays
// ready (served once per pass, as level-triggered epoll would) until a batch reports the
// source drained (Served::kDrained) or finds nothing. Sources join and leave that ring
// through commands the worker applies at the top of its loop (the ring has a single issuer).
// The point is polling: the completion queue is memory, and the ring's flags say when the
// kernel holds completions for the thread to post, so an empty poll costs no system call.
// Without io_uring (or with VTEPD_IO_URING=0) the worker waits in epoll.
//
// Waiting: waking a sleeping thread costs tens of microseconds on a virtual machine, several
// times per round trip through the overlay, so after serving traffic a worker polls without
// sleeping for a while before it blocks: for the longest fixed spin time (`busypoll`) of the
// sources it served, or for their adaptive windows if longer. Each source has its own window,
// which works as the kernel's halt polling (KVM's halt_poll_ns) does: when the worker slept
// after the source's traffic and was woken within the ceiling, polling would have caught it,
// so the window grows (from 10 µs, doubling, up to the ceiling); a longer sleep halves it.
// Per source, because the gaps differ by direction: after a request read from the TAP, its
// reply arrives on the socket soon; after that reply, the next request may be far off. One
// window per worker would poll after both or neither. An idle worker polls once after its
// last packet and then sleeps: idle costs nothing. Between empty polls the worker pauses 1-4
// µs in userspace (the clock is read through the vDSO) before it yields the CPU and looks
// again, so a poll costs one system call (the yield; two with epoll, which is asked again)
// every few microseconds, not every few hundred nanoseconds, while the yield still lets the
// host's other threads run (on a machine with fewer cores than busy threads, pausing
// without yielding delays them: p99 2-8 times worse, measured). Yielding only every 10 µs cut
// the context switches per round trip at 2,000/s by a quarter, but the back-to-back p50 rose
// 6-47% in the planes benchmark (a woken application waits longer for the CPU), so every
// empty poll yields.
//
// Removal is safe against a batch in progress: Remove() returns once the source's worker has
// passed its quiescent point (the top of its loop) after the source left its epoll set (or,
// waiting on a ring, once the worker took it out there, which it does at that point), so
// nothing serves it any more and its owner may free it. Quiesce() does the same for every
// worker: a VXLAN port uses it before freeing a replaced VNI table.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "base/unique_fd.h"

namespace vtepd {

// What serving one batch found.
enum class Served {
  kIdle,     // nothing to read
  kTraffic,  // read and handled a batch; the source may hold more
  kDrained,  // read and handled a batch, and found the source empty after it
  kGone,     // the fd is dead for good (a TAP removed from outside): deregister it
};

// The adaptive window after a sleep that traffic ended (`slept_ns` long): grown when polling
// up to the ceiling would have caught that traffic, else halved (to 0 below 10 µs).
uint64_t AdaptPollWindow(uint64_t window_ns, uint64_t slept_ns, uint64_t ceiling_ns);

// The pause after the `empty`-th empty poll in a row (from 1): it doubles from 1 µs up to
// 4 µs, so a packet waits a few microseconds at most for a polling worker.
uint64_t PollBackoffNanos(uint32_t empty);

class PollSource {
 public:
  // Reads and handles at most one batch. Never throws; runs on the source's worker only.
  virtual Served Serve() = 0;
  // After Serve returned kGone, once, on the worker, with the source already deregistered.
  virtual void Gone() {}

 protected:
  ~PollSource() = default;
};

class WorkerPool {
 public:
  // The process-wide pool every device uses. Its threads start with the first source and are
  // never destroyed: at exit they may still serve devices JavaScript did not close.
  static WorkerPool& Shared();
  // The shared pool's size (0: one per core). Returns false, changing nothing, once its
  // threads have started with another size.
  static bool SetSharedSize(size_t workers);
  static size_t SharedSize();
  // The shared pool once its threads have started (with the first source), else nullptr.
  static const WorkerPool* SharedIfStarted();
  // The adaptive window's ceiling for every pool (0: no adaptive polling); any time.
  static void SetAdaptivePoll(uint64_t max_ns);
  static uint64_t AdaptivePoll();
  static constexpr uint64_t kDefaultAdaptivePollNs = 200000;

  explicit WorkerPool(size_t workers);
  ~WorkerPool();  // stops and joins the workers; every source must have been removed
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Any worker: the pool picks the one serving fewest sources.
  static constexpr size_t kAnyWorker = SIZE_MAX;

  // Serves `source` whenever `fd` is readable (or in error) from now until Remove, on worker
  // `worker` modulo the pool's size, or on the least loaded one; returns the worker's index.
  // spin_ns: how long its worker polls without sleeping after this source had traffic.
  // Throws std::system_error.
  size_t Add(PollSource* source, int fd, uint64_t spin_ns, size_t worker = kAnyWorker);
  // Returns once no worker serves `source` or ever will again. Idempotent; never call it
  // from a worker.
  void Remove(PollSource* source);
  // Returns once every worker has finished what it was serving when this was called.
  void Quiesce();

  size_t size() const { return size_; }
  // Sources per worker, for metrics and tests.
  std::vector<size_t> Load() const;
  // Batches with traffic each worker has served: shows where a device's work runs.
  std::vector<uint64_t> Batches() const;

 private:
  struct Registration;
  class Worker;

  void StartLocked();

  const size_t size_;
  mutable std::mutex control_;  // serialises Add, Remove and Quiesce
  std::vector<std::unique_ptr<Worker>> workers_;
  std::map<PollSource*, std::unique_ptr<Registration>> sources_;
};

// The sources of one owner (a device, a port, a tunnel) on the shared pool. Stop(), which
// destruction runs too, removes them all: declared after what its sources use, it takes
// them off the pool before any of that goes.
class PoolMembership {
 public:
  PoolMembership() = default;
  ~PoolMembership() { Stop(); }
  PoolMembership(const PoolMembership&) = delete;
  PoolMembership& operator=(const PoolMembership&) = delete;

  size_t Add(PollSource* source, int fd, uint64_t spin_ns,
             size_t worker = WorkerPool::kAnyWorker) {
    sources_.reserve(sources_.size() + 1);  // Stop must be able to find it once added
    size_t chosen = WorkerPool::Shared().Add(source, fd, spin_ns, worker);
    sources_.push_back(source);
    return chosen;
  }
  void Stop() {
    for (PollSource* source : sources_) WorkerPool::Shared().Remove(source);
    sources_.clear();
  }

 private:
  std::vector<PollSource*> sources_;
};

}  // namespace vtepd
