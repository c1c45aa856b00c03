#include "base/io_ring.h"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace vtepd {

namespace {

// Single issuer and cooperative task running: only this thread submits, and completions
// need no interrupt of it. Submit-all: one bad entry does not stop the rest of the batch.
constexpr unsigned kPreferredFlags =
    IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SUBMIT_ALL;
// A wait ring: the same, and the flag that says in memory when completions wait to be
// posted. Its completion queue has room for a poll completion of every source of a worker
// (a thousand devices on two workers), with slack; an overflow ends multishot polls, which
// the worker arms again.
// Created disabled: the thread that enables it (Enable) becomes its single issuer.
constexpr unsigned kWaitFlags = kPreferredFlags | IORING_SETUP_TASKRUN_FLAG | IORING_SETUP_CQSIZE |
                                IORING_SETUP_R_DISABLED;
constexpr unsigned kWaitEntries = 256;
constexpr unsigned kWaitCompletions = 4096;
// Entering again after an interruption or a transient refusal (EAGAIN, EBUSY): a few times,
// then the ring is retired.
constexpr int kMaxEnters = 8;

bool DisabledByEnvironment() {
  const char* value = std::getenv("VTEPD_IO_URING");
  return value && std::strcmp(value, "0") == 0;
}

}  // namespace

IoRing* IoRing::ForThread() {
  static const bool disabled = DisabledByEnvironment();
  thread_local std::unique_ptr<IoRing> ring;
  thread_local bool tried = false;
  if (disabled) return nullptr;
  if (!tried) {
    tried = true;
    std::unique_ptr<IoRing> created(new IoRing(kEntries));
    if (created->Setup(kPreferredFlags, 0)) ring = std::move(created);
  }
  return ring && !ring->retired_ ? ring.get() : nullptr;
}

std::unique_ptr<IoRing> IoRing::ForWaiting() {
  static const bool disabled = DisabledByEnvironment();
  if (disabled) return nullptr;
  std::unique_ptr<IoRing> ring(new IoRing(kWaitEntries));
  if (!ring->Setup(kWaitFlags, kWaitCompletions)) return nullptr;
  return ring;
}

bool IoRing::Setup(unsigned flags, unsigned cq_entries) {
  io_uring_params params{};
  params.flags = flags;
  params.cq_entries = cq_entries;
  fd_ = static_cast<int>(::syscall(__NR_io_uring_setup, entries_, &params));
  if (fd_ < 0 && errno == EINVAL && !(flags & IORING_SETUP_TASKRUN_FLAG)) {
    // A kernel older than 6.0 lacks some of those flags; a wait ring needs them all.
    params = io_uring_params{};
    fd_ = static_cast<int>(::syscall(__NR_io_uring_setup, entries_, &params));
  }
  // One mapping for both rings (5.4+); TAP reads need IORING_OP_READ (5.6), and a kernel
  // with fast poll (5.7) has it.
  if (fd_ < 0 || !(params.features & IORING_FEAT_SINGLE_MMAP) ||
      !(params.features & IORING_FEAT_FAST_POLL)) {
    return false;
  }
  size_t sq_len = params.sq_off.array + params.sq_entries * sizeof(unsigned);
  size_t cq_len = params.cq_off.cqes + params.cq_entries * sizeof(io_uring_cqe);
  rings_len_ = sq_len > cq_len ? sq_len : cq_len;
  rings_ = ::mmap(nullptr, rings_len_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd_,
                  IORING_OFF_SQ_RING);
  sqes_len_ = params.sq_entries * sizeof(io_uring_sqe);
  void* sqes = ::mmap(nullptr, sqes_len_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                      fd_, IORING_OFF_SQES);
  if (rings_ == MAP_FAILED || sqes == MAP_FAILED) {
    if (rings_ == MAP_FAILED) rings_ = nullptr;
    if (sqes != MAP_FAILED) sqes_ = static_cast<io_uring_sqe*>(sqes);
    return false;
  }
  sqes_ = static_cast<io_uring_sqe*>(sqes);
  uint8_t* base = static_cast<uint8_t*>(rings_);
  sq_head_ = reinterpret_cast<unsigned*>(base + params.sq_off.head);
  sq_tail_ = reinterpret_cast<unsigned*>(base + params.sq_off.tail);
  sq_mask_ = *reinterpret_cast<unsigned*>(base + params.sq_off.ring_mask);
  unsigned* sq_array = reinterpret_cast<unsigned*>(base + params.sq_off.array);
  for (unsigned i = 0; i < params.sq_entries; i++) sq_array[i] = i;  // entry i in slot i
  cq_head_ = reinterpret_cast<unsigned*>(base + params.cq_off.head);
  cq_tail_ = reinterpret_cast<unsigned*>(base + params.cq_off.tail);
  cq_mask_ = *reinterpret_cast<unsigned*>(base + params.cq_off.ring_mask);
  cqes_ = reinterpret_cast<io_uring_cqe*>(base + params.cq_off.cqes);
  sq_flags_ = reinterpret_cast<unsigned*>(base + params.sq_off.flags);
  return true;
}

IoRing::~IoRing() {
  if (sqes_) ::munmap(sqes_, sqes_len_);
  if (rings_) ::munmap(rings_, rings_len_);
  if (fd_ >= 0) ::close(fd_);
}

io_uring_sqe* IoRing::Queue() {
  // Entries an asynchronous Enter left unsubmitted still hold their places.
  if (*sq_tail_ + queued_ - __atomic_load_n(sq_head_, __ATOMIC_ACQUIRE) >= entries_) return nullptr;
  io_uring_sqe* sqe = &sqes_[(*sq_tail_ + queued_++) & sq_mask_];
  std::memset(sqe, 0, sizeof *sqe);
  return sqe;
}

size_t IoRing::Submit(RingCompletion* out) {
  const unsigned total = queued_;
  queued_ = 0;
  if (total == 0) return 0;
  const unsigned tail = *sq_tail_ + total;
  __atomic_store_n(sq_tail_, tail, __ATOMIC_RELEASE);
  size_t reaped = 0;
  for (int enters = 0; enters < kMaxEnters && reaped < total; enters++) {
    // The kernel's head says how much it has taken, whatever an interrupted call did.
    unsigned unsubmitted = tail - __atomic_load_n(sq_head_, __ATOMIC_ACQUIRE);
    long entered = ::syscall(__NR_io_uring_enter, fd_, unsubmitted,
                             static_cast<unsigned>(total - reaped), IORING_ENTER_GETEVENTS,
                             nullptr, 0);
    unsigned head = *cq_head_;
    unsigned ready = __atomic_load_n(cq_tail_, __ATOMIC_ACQUIRE);
    for (; head != ready && reaped < total; head++) {
      const io_uring_cqe& cqe = cqes_[head & cq_mask_];
      out[reaped++] = {cqe.user_data, cqe.res};
    }
    __atomic_store_n(cq_head_, head, __ATOMIC_RELEASE);
    if (entered < 0 && errno != EINTR && errno != EAGAIN && errno != EBUSY) break;
  }
  // Entries the kernel never took (or completions never posted) would run later against
  // buffers reused by then: this thread stops using the ring.
  if (reaped < total) retired_ = true;
  return reaped;
}

bool IoRing::Enable() {
  return ::syscall(__NR_io_uring_register, fd_, IORING_REGISTER_ENABLE_RINGS, nullptr, 0) == 0;
}

bool IoRing::Enter(bool wait) {
  const unsigned tail = *sq_tail_ + queued_;
  queued_ = 0;
  __atomic_store_n(sq_tail_, tail, __ATOMIC_RELEASE);
  // What an earlier call left unsubmitted goes too.
  unsigned unsubmitted = tail - __atomic_load_n(sq_head_, __ATOMIC_ACQUIRE);
  long entered = ::syscall(__NR_io_uring_enter, fd_, unsubmitted, wait ? 1u : 0u,
                           IORING_ENTER_GETEVENTS, nullptr, 0);
  // Interrupted, a full completion queue (EBUSY) or no memory for now (EAGAIN): the caller
  // reaps what was posted and enters again.
  return entered >= 0 || errno == EINTR || errno == EBUSY || errno == EAGAIN;
}

}  // namespace vtepd
