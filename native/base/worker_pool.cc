#include "base/worker_pool.h"

#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "base/clock.h"
#include "base/system_error.h"

namespace vtepd {

uint64_t AdaptPollWindow(uint64_t window_ns, uint64_t slept_ns, uint64_t ceiling_ns) {
  constexpr uint64_t kStart = 10000;
  if (ceiling_ns == 0) return 0;
  if (slept_ns <= ceiling_ns) {
    return window_ns ? std::min(window_ns * 2, ceiling_ns) : std::min(kStart, ceiling_ns);
  }
  return window_ns / 2 < kStart ? 0 : window_ns / 2;
}

uint64_t PollBackoffNanos(uint32_t empty) {
  constexpr uint32_t kMaxShift = 2;  // 1, 2, 4 µs
  return uint64_t{1000} << std::min(empty ? empty - 1 : 0, kMaxShift);
}

namespace {
// Spins in userspace (the clock is read through the vDSO) for about `ns`.
void PauseFor(uint64_t ns) {
  const uint64_t until = MonotonicNanos() + ns;
  while (MonotonicNanos() < until) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
  }
}
}  // namespace

struct WorkerPool::Registration {
  PollSource* source;
  int fd;
  uint64_t spin_ns;
  size_t worker;
  // The adaptive polling window after this source's traffic; its worker's alone.
  uint64_t window_ns = 0;
  // Set by the worker once it has taken a gone source out of its epoll set itself.
  std::atomic<bool> gone{false};
};

class WorkerPool::Worker {
 public:
  Worker()
      : epoll_(::epoll_create1(EPOLL_CLOEXEC)), wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (epoll_.get() < 0) ThrowErrno("epoll_create1");
    if (wake_.get() < 0) ThrowErrno("eventfd");
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.ptr = nullptr;  // the wake-up
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, wake_.get(), &event) < 0) ThrowErrno("epoll_ctl");
    thread_ = std::thread(&Worker::Run, this);
  }

  ~Worker() {
    stopping_.store(true);
    Wake();
    thread_.join();
  }

  void Add(Registration* registration) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.ptr = registration;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, registration->fd, &event) < 0) {
      ThrowErrno("epoll_ctl");
    }
    sources_++;
  }

  void Remove(Registration* registration) {
    // A gone source has left the set already (and its fd may be another file by now).
    if (!registration->gone.load()) ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, registration->fd, nullptr);
    sources_--;
    removals_.fetch_add(1);  // the loop forgets the sources it remembers across its top
  }

  // Returns once the loop has come back to its top after this call: whatever it was serving
  // is finished, and any later wait sees the epoll set as it is now.
  void PassQuiescentPoint() {
    uint64_t seen = passes_.load();
    Wake();
    while (passes_.load() == seen) std::this_thread::sleep_for(std::chrono::microseconds(20));
  }

  size_t sources() const { return sources_; }
  uint64_t batches() const { return batches_.load(std::memory_order_relaxed); }

 private:
  static constexpr int kMaxEvents = 64;

  void Wake() {
    uint64_t one = 1;
    (void)!::write(wake_.get(), &one, sizeof one);
  }

  void Run() {
    epoll_event events[kMaxEvents];
    // The sources whose traffic the worker is polling or waiting after: the next traffic
    // tells them how long that wait was. Kept across the loop's top, so forgotten whenever a
    // source was removed (it may be freed once the loop has passed its top again).
    Registration* waiting_after[kMaxEvents];
    size_t waiting = 0;
    uint64_t removals = removals_.load();
    uint64_t spin_until = 0;
    uint32_t empty = 0;  // empty polls in a row
    for (;;) {
      passes_.fetch_add(1);  // quiescent point: nothing served before is touched again
      if (stopping_.load(std::memory_order_relaxed)) return;
      if (removals_.load() != removals) {
        removals = removals_.load();
        waiting = 0;
      }
      const uint64_t before = MonotonicNanos();
      const bool spinning = spin_until && before < spin_until;
      int ready = ::epoll_wait(epoll_.get(), events, kMaxEvents, spinning ? 0 : -1);
      if (ready <= 0) {
        if (spinning) {
          empty++;
          PauseFor(PollBackoffNanos(empty));
          sched_yield();  // take turns with whatever else is runnable
        } else {
          spin_until = 0;
        }
        continue;
      }
      empty = 0;
      bool traffic = false;
      uint64_t spin_ns = 0;
      Registration* served[kMaxEvents];
      size_t served_count = 0;
      for (int i = 0; i < ready; i++) {
        auto* registration = static_cast<Registration*>(events[i].data.ptr);
        if (!registration) {
          uint64_t drained;
          (void)!::read(wake_.get(), &drained, sizeof drained);
          continue;
        }
        if (registration->gone.load(std::memory_order_relaxed)) continue;
        switch (Serve(*registration->source)) {
          case Served::kIdle: break;
          case Served::kTraffic:
            traffic = true;
            spin_ns = std::max(spin_ns, registration->spin_ns);
            served[served_count++] = registration;
            break;
          case Served::kGone:
            ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, registration->fd, nullptr);
            registration->gone.store(true);
            registration->source->Gone();
            break;
        }
      }
      if (!traffic) continue;
      // Only this thread writes it: no locked increment.
      batches_.store(batches_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
      const uint64_t after = MonotonicNanos();  // one clock read per batch
      const uint64_t ceiling = WorkerPool::AdaptivePoll();
      // Polling would have caught what woke this sleep, or not: the windows of the sources
      // whose traffic came before it learn so. Per source, because the gap after a request
      // forwarded one way (its reply is due soon) and after a reply (the next request may
      // be far off) differ: one window for the worker would poll after both or neither.
      if (!spinning) {
        for (size_t i = 0; i < waiting; i++) {
          waiting_after[i]->window_ns = AdaptPollWindow(waiting_after[i]->window_ns, after - before, ceiling);
        }
      }
      for (size_t i = 0; i < served_count; i++) {
        waiting_after[i] = served[i];
        spin_ns = std::max(spin_ns, std::min(served[i]->window_ns, ceiling));
      }
      waiting = served_count;
      spin_until = spin_ns ? after + spin_ns : 0;
    }
  }

  // Sources count their own failures and never throw; should one, the worker lives on.
  static Served Serve(PollSource& source) {
    try {
      return source.Serve();
    } catch (...) {
      return Served::kIdle;
    }
  }

  UniqueFd epoll_;
  UniqueFd wake_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> passes_{0};
  std::atomic<uint64_t> batches_{0};  // loop passes that served traffic
  std::atomic<uint64_t> removals_{0};
  size_t sources_ = 0;  // under the pool's mutex
  std::thread thread_;
};

namespace {
std::atomic<uint64_t> adaptive_poll_ns{WorkerPool::kDefaultAdaptivePollNs};
std::mutex shared_mutex;
size_t shared_size = 0;  // 0: one per core
WorkerPool* shared_pool = nullptr;

size_t PerCore() { return std::max(1u, std::thread::hardware_concurrency()); }
}  // namespace

WorkerPool& WorkerPool::Shared() {
  std::lock_guard<std::mutex> lock(shared_mutex);
  if (!shared_pool) shared_pool = new WorkerPool(shared_size ? shared_size : PerCore());
  return *shared_pool;
}

bool WorkerPool::SetSharedSize(size_t workers) {
  std::lock_guard<std::mutex> lock(shared_mutex);
  size_t wanted = workers ? workers : PerCore();
  if (shared_pool) return wanted == shared_pool->size_;
  shared_size = workers;
  return true;
}

size_t WorkerPool::SharedSize() {
  std::lock_guard<std::mutex> lock(shared_mutex);
  return shared_pool ? shared_pool->size_ : shared_size ? shared_size : PerCore();
}

void WorkerPool::SetAdaptivePoll(uint64_t max_ns) { adaptive_poll_ns.store(max_ns); }

uint64_t WorkerPool::AdaptivePoll() { return adaptive_poll_ns.load(std::memory_order_relaxed); }

const WorkerPool* WorkerPool::SharedIfStarted() {
  std::lock_guard<std::mutex> lock(shared_mutex);
  return shared_pool;
}

WorkerPool::WorkerPool(size_t workers) : size_(std::max<size_t>(1, workers)) {}

WorkerPool::~WorkerPool() {
  std::lock_guard<std::mutex> lock(control_);
  workers_.clear();
}

void WorkerPool::StartLocked() {
  while (workers_.size() < size_) workers_.push_back(std::make_unique<Worker>());
}

size_t WorkerPool::Add(PollSource* source, int fd, uint64_t spin_ns, size_t worker) {
  std::lock_guard<std::mutex> lock(control_);
  StartLocked();
  if (worker == kAnyWorker) {
    worker = 0;
    for (size_t w = 1; w < workers_.size(); w++) {
      if (workers_[w]->sources() < workers_[worker]->sources()) worker = w;
    }
  } else {
    worker %= workers_.size();
  }
  auto registration = std::make_unique<Registration>();
  registration->source = source;
  registration->fd = fd;
  registration->spin_ns = spin_ns;
  registration->worker = worker;
  auto [it, inserted] = sources_.emplace(source, std::move(registration));
  if (!inserted) return it->second->worker;  // registered already
  try {
    workers_[worker]->Add(it->second.get());
  } catch (...) {
    sources_.erase(it);
    throw;
  }
  return worker;
}

void WorkerPool::Remove(PollSource* source) {
  std::lock_guard<std::mutex> lock(control_);
  auto it = sources_.find(source);
  if (it == sources_.end()) return;
  Worker& worker = *workers_[it->second->worker];
  worker.Remove(it->second.get());
  worker.PassQuiescentPoint();
  sources_.erase(it);  // no event of the worker can name it any more
}

void WorkerPool::Quiesce() {
  std::lock_guard<std::mutex> lock(control_);
  for (auto& worker : workers_) worker->PassQuiescentPoint();
}

std::vector<size_t> WorkerPool::Load() const {
  std::lock_guard<std::mutex> lock(control_);
  std::vector<size_t> load;
  for (const auto& worker : workers_) load.push_back(worker->sources());
  return load;
}

std::vector<uint64_t> WorkerPool::Batches() const {
  std::lock_guard<std::mutex> lock(control_);
  std::vector<uint64_t> batches;
  for (const auto& worker : workers_) batches.push_back(worker->batches());
  return batches;
}

}  // namespace vtepd
