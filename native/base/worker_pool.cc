#include "base/worker_pool.h"

#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <future>

#include <fcntl.h>
#include <poll.h>

#include "base/clock.h"
#include "base/io_ring.h"
#include "base/poll_completion.h"
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
  // Its slot in a ring-waiting worker's table (kNoSlot before the worker has it, and after
  // it is gone or removed); the worker's alone.
  static constexpr uint32_t kNoSlot = UINT32_MAX;
  uint32_t slot = kNoSlot;
};

class WorkerPool::Worker {
 public:
  Worker() : ring_(IoRing::ForWaiting()), wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (wake_.get() < 0) ThrowErrno("eventfd");
    if (ring_) {
      ArmWake();
      // The worker thread enables the ring, so that it is its single issuer.
      std::promise<bool> enabled;
      std::future<bool> outcome = enabled.get_future();
      thread_ = std::thread([this, &enabled] {
        bool ok = ring_->Enable();
        enabled.set_value(ok);
        if (ok) Run();
      });
      if (outcome.get()) return;
      thread_.join();
      ring_.reset();  // epoll it is
    }
    epoll_ = UniqueFd(::epoll_create1(EPOLL_CLOEXEC));
    if (epoll_.get() < 0) ThrowErrno("epoll_create1");
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
    if (ring_) {
      // Its poll is armed by the worker (the ring's only submitter) at the top of its loop.
      if (::fcntl(registration->fd, F_GETFD) < 0) ThrowErrno("fcntl");
      Command(registration, true);
      sources_++;
      return;
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.ptr = registration;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, registration->fd, &event) < 0) {
      ThrowErrno("epoll_ctl");
    }
    sources_++;
  }

  void Remove(Registration* registration) {
    sources_--;
    removals_.fetch_add(1);  // the loop forgets the sources it remembers across its top
    if (ring_) {
      WaitApplied(Command(registration, false));
      return;
    }
    // A gone source has left the set already (and its fd may be another file by now).
    if (!registration->gone.load()) ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, registration->fd, nullptr);
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

  // A ring-waiting worker: sources join and leave its ring through commands it applies at
  // the top of its loop, in order; returns the command's number.
  uint64_t Command(Registration* registration, bool add) {
    uint64_t number;
    {
      std::lock_guard<std::mutex> lock(commands_mutex_);
      commands_.push_back({registration, add});
      number = ++commands_issued_;
    }
    Wake();
    return number;
  }

  // Returns once the worker has applied command `number`: it did at the top of its loop, so
  // whatever it was serving when the command was issued is finished.
  void WaitApplied(uint64_t number) {
    while (commands_applied_.load() < number) {
      std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
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
      if (ring_) ApplyCommands();
      if (removals_.load() != removals) {
        removals = removals_.load();
        waiting = 0;
      }
      const uint64_t before = MonotonicNanos();
      const bool spinning = spin_until && before < spin_until;
      int ready = ring_ ? RingReady(events, spinning)
                        : ::epoll_wait(epoll_.get(), events, kMaxEvents, spinning ? 0 : -1);
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
          case Served::kIdle:
            if (ring_) slots_[registration->slot].ready = false;
            break;
          case Served::kDrained:
            if (ring_) slots_[registration->slot].ready = false;
            [[fallthrough]];
          case Served::kTraffic:
            traffic = true;
            spin_ns = std::max(spin_ns, registration->spin_ns);
            served[served_count++] = registration;
            break;
          case Served::kGone:
            if (ring_) {
              Disarm(registration);
            } else {
              ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, registration->fd, nullptr);
            }
            registration->gone.store(true);
            registration->source->Gone();
            break;
        }
      }
      if (ring_) KeepReady(static_cast<size_t>(ready));
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

  // Waiting on the ring: each source has a multishot poll armed in it, whose completions
  // mark the source ready; a ready source is served once per pass of the loop, as epoll's
  // level-triggered readiness would, until a batch finds nothing (a poll completes on new
  // data only, not for data left after a batch). Fills `events` with up to kMaxEvents ready
  // sources. While spinning, completions are looked for in memory only, entering the kernel
  // just when the ring's flags say task work waits to post some; else it sleeps in the ring.
  int RingReady(epoll_event* events, bool spinning) {
    // A wake-up sends the loop back to its top (commands, a quiescent point) before it sleeps.
    if (ReapCompletions()) return 0;
    if (ready_.empty()) {
      if (spinning && !ring_->TaskWorkPending() && ring_->queued() == 0) return 0;
      ring_->Enter(!spinning);
      ReapCompletions();
    }
    int count = 0;
    for (size_t i = 0; i < ready_.size() && count < kMaxEvents; i++) {
      events[count++].data.ptr = slots_[ready_[i]].registration;
    }
    return count;
  }

  // Returns whether the worker was woken.
  bool ReapCompletions() {
    bool woken = false;
    ring_->Reap([this, &woken](const io_uring_cqe& cqe) {
      PollCompletion completion =
          ClassifyPollCompletion(cqe.user_data, cqe.flags, generations_.data(), generations_.size());
      switch (completion.kind) {
        case PollCompletion::kIgnore: break;
        case PollCompletion::kWake: {
          uint64_t drained;
          (void)!::read(wake_.get(), &drained, sizeof drained);
          if (completion.rearm) ArmWake();
          woken = true;
          break;
        }
        case PollCompletion::kReady: {
          Slot& slot = slots_[completion.slot];
          if (!slot.ready) {
            slot.ready = true;
            ready_.push_back(completion.slot);
          }
          if (completion.rearm) Arm(completion.slot);
          break;
        }
      }
    });
    return woken;
  }

  // After serving the first `served` of the ready sources: those still ready go to the back,
  // after the ones not served this pass, so that every ready source gets its turn. Sources
  // taken out (their slot no longer ready) leave the list here.
  void KeepReady(size_t served) {
    size_t kept = 0;
    for (size_t i = served; i < ready_.size(); i++) {
      if (slots_[ready_[i]].ready) ready_[kept++] = ready_[i];
    }
    for (size_t i = 0; i < served; i++) {
      const uint32_t slot = ready_[i];
      if (slots_[slot].ready) ready_[kept++] = slot;
    }
    ready_.resize(kept);
  }

  io_uring_sqe* Queue() {
    io_uring_sqe* sqe = ring_->Queue();
    if (!sqe) {  // the submission queue is full: submit it first
      ring_->Enter(false);
      sqe = ring_->Queue();
    }
    return sqe;
  }

  void ArmWake() { ArmPoll(wake_.get(), kWakeTag); }
  void Arm(uint32_t slot) { ArmPoll(slots_[slot].registration->fd, PollTag(slot, generations_[slot])); }

  void ArmPoll(int fd, uint64_t tag) {
    io_uring_sqe* sqe = Queue();
    if (!sqe) return;  // a ring the kernel refuses entries: nothing to wait on would work
    sqe->opcode = IORING_OP_POLL_ADD;
    sqe->fd = fd;
    sqe->poll32_events = POLLIN | POLLERR | POLLHUP;
    sqe->len = IORING_POLL_ADD_MULTI;
    sqe->user_data = tag;
  }

  // Takes a source out of the ring: its poll is cancelled, and any completion of it still
  // to come names a generation that is no more.
  void Disarm(Registration* registration) {
    const uint32_t slot = registration->slot;
    if (slot == Registration::kNoSlot) return;
    registration->slot = Registration::kNoSlot;
    io_uring_sqe* sqe = Queue();
    if (sqe) {
      // Not POLL_REMOVE: it fails (EALREADY) while a wake-up of the poll is in flight, and
      // a poll left armed keeps its file (a TAP) alive. A cancel marks the poll cancelled
      // whatever it is doing, and it ends in task work this thread runs before Enter returns.
      sqe->opcode = IORING_OP_ASYNC_CANCEL;
      sqe->addr = PollTag(slot, generations_[slot]);
      sqe->user_data = kCancelTag;
    }
    generations_[slot] = 0;
    slots_[slot] = Slot{};  // not ready: KeepReady drops it from ready_ before any reuse
    free_slots_.push_back(slot);
  }

  // At the top of the loop: sources join and leave the ring, in the order their commands
  // came; they are submitted before the commands count as applied.
  void ApplyCommands() {
    std::vector<CommandEntry> commands;
    uint64_t issued;
    {
      std::lock_guard<std::mutex> lock(commands_mutex_);
      if (commands_.empty()) return;
      commands.swap(commands_);
      issued = commands_issued_;
    }
    for (const CommandEntry& command : commands) {
      Registration* registration = command.registration;
      if (!command.add) {
        Disarm(registration);
        continue;
      }
      uint32_t slot;
      if (free_slots_.empty()) {
        slot = static_cast<uint32_t>(slots_.size());
        slots_.push_back(Slot{});
        generations_.push_back(0);
      } else {
        slot = free_slots_.back();
        free_slots_.pop_back();
      }
      if (++generation_ == 0) generation_ = 1;  // 0 marks a free slot
      generations_[slot] = generation_;
      slots_[slot].registration = registration;
      registration->slot = slot;
      Arm(slot);
    }
    KeepReady(0);
    ring_->Enter(false);
    commands_applied_.store(issued);
  }

  // Sources count their own failures and never throw; should one, the worker lives on.
  static Served Serve(PollSource& source) {
    try {
      return source.Serve();
    } catch (...) {
      return Served::kIdle;
    }
  }

  // Waiting on a ring where io_uring allows, else on epoll (level-triggered).
  std::unique_ptr<IoRing> ring_;
  UniqueFd epoll_;
  UniqueFd wake_;
  // A ring-waiting worker's sources: the worker's alone, changed through commands.
  struct Slot {
    Registration* registration = nullptr;
    bool ready = false;  // in ready_
  };
  std::vector<Slot> slots_;
  std::vector<uint32_t> generations_;  // by slot, 0 when free
  std::vector<uint32_t> free_slots_;
  std::vector<uint32_t> ready_;  // slots to serve, in turn
  uint32_t generation_ = 0;
  struct CommandEntry {
    Registration* registration;
    bool add;
  };
  std::mutex commands_mutex_;
  std::vector<CommandEntry> commands_;  // under commands_mutex_
  uint64_t commands_issued_ = 0;        // under commands_mutex_
  std::atomic<uint64_t> commands_applied_{0};
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
