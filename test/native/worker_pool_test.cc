// The data path's worker pool (base/worker_pool.h) with eventfds as sources: every readable
// source is served by one worker, sources spread over the workers, Remove waits out a batch
// in progress and nothing is served after it, and a gone source is told once and dropped.
#include "base/worker_pool.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "base/clock.h"
#include "check.h"

using namespace vtepd;

namespace {

// Each Serve drains the eventfd (one "batch"), counting it; it can hold a batch for a while,
// or report the fd gone.
class CountingSource final : public PollSource {
 public:
  CountingSource() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  ~CountingSource() { ::close(fd_); }

  Served Serve() override {
    serving_.store(true);
    if (hold_ms_) std::this_thread::sleep_for(std::chrono::milliseconds(hold_ms_));
    uint64_t value;
    bool read = ::read(fd_, &value, sizeof value) == sizeof value;
    worker_ = std::this_thread::get_id();
    served_.fetch_add(1);
    serving_.store(false);
    if (gone_) return Served::kGone;
    // An eventfd is empty once read: it says so, as a source that read less than a batch.
    if (!read) return Served::kIdle;
    return drained_ ? Served::kDrained : Served::kTraffic;
  }
  void Gone() override { told_gone_.fetch_add(1); }

  void Signal() {
    uint64_t one = 1;
    (void)!::write(fd_, &one, sizeof one);
  }
  int fd() const { return fd_; }

  const int fd_;
  int hold_ms_ = 0;
  bool gone_ = false;
  bool drained_ = true;
  std::atomic<bool> serving_{false};
  std::atomic<int> served_{0};
  std::atomic<int> told_gone_{0};
  std::thread::id worker_;
};

// Waits up to a second for `done`.
template <typename Done>
bool Eventually(Done done) {
  for (int i = 0; i < 1000 && !done(); i++) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return done();
}

}  // namespace

TEST(worker_pool_serves_readable_sources_spread_over_workers) {
  WorkerPool pool(2);
  CountingSource a, b, c, d;
  for (CountingSource* s : {&a, &b, &c, &d}) pool.Add(s, s->fd(), 0);
  CHECK_EQ(pool.Load().size(), 2u);
  CHECK_EQ(pool.Load()[0], 2u);
  CHECK_EQ(pool.Load()[1], 2u);
  for (CountingSource* s : {&a, &b, &c, &d}) s->Signal();
  CHECK(Eventually([&] { return a.served_ >= 1 && b.served_ >= 1 && c.served_ >= 1 && d.served_ >= 1; }));
  // Drained sources are not served again until they are readable again (level-triggered).
  int before = a.served_;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK_EQ(a.served_.load(), before);
  // Two threads in all, whatever the number of sources.
  CHECK(a.worker_ != b.worker_);
  CHECK(a.worker_ == c.worker_);
  for (CountingSource* s : {&a, &b, &c, &d}) pool.Remove(s);
  CHECK_EQ(pool.Load()[0], 0u);
}

TEST(worker_pool_remove_waits_for_the_batch_in_progress) {
  WorkerPool pool(1);
  CountingSource slow;
  slow.hold_ms_ = 50;
  pool.Add(&slow, slow.fd(), 0);
  slow.Signal();
  CHECK(Eventually([&] { return slow.serving_.load(); }));
  pool.Remove(&slow);
  CHECK(!slow.serving_.load());  // Remove returned only after Serve did
  int served = slow.served_;
  slow.hold_ms_ = 0;
  slow.Signal();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK_EQ(slow.served_.load(), served);  // never served after Remove
  pool.Remove(&slow);  // idempotent
}

TEST(worker_pool_gone_source_is_told_once_and_dropped) {
  WorkerPool pool(1);
  CountingSource dead, alive;
  dead.gone_ = true;
  pool.Add(&dead, dead.fd(), 0);
  pool.Add(&alive, alive.fd(), 0);
  dead.Signal();
  CHECK(Eventually([&] { return dead.told_gone_ == 1; }));
  // Still readable, but out of the epoll set: no more serving, no second report.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK_EQ(dead.served_.load(), 1);
  CHECK_EQ(dead.told_gone_.load(), 1);
  alive.Signal();  // the worker lives on
  CHECK(Eventually([&] { return alive.served_ == 1; }));
  pool.Remove(&dead);
  pool.Remove(&alive);
}

TEST(worker_pool_quiesce_and_spin) {
  WorkerPool pool(2);
  CountingSource source;
  pool.Add(&source, source.fd(), 2000000);  // spin 2 ms after traffic
  source.Signal();
  CHECK(Eventually([&] { return source.served_ == 1; }));
  uint64_t start = MonotonicNanos();
  pool.Quiesce();
  CHECK(MonotonicNanos() - start < 500000000);
  source.Signal();  // served during or after the spin alike
  CHECK(Eventually([&] { return source.served_ == 2; }));
  pool.Remove(&source);
}

TEST(adaptive_poll_window_grows_on_short_sleeps_and_shrinks_on_long_ones) {
  const uint64_t ceiling = 50000;
  uint64_t w = AdaptPollWindow(0, 30000, ceiling);  // polling 50 µs would have caught it
  CHECK_EQ(w, 10000u);
  w = AdaptPollWindow(w, 30000, ceiling);
  CHECK_EQ(w, 20000u);
  w = AdaptPollWindow(AdaptPollWindow(w, 1000, ceiling), 1000, ceiling);
  CHECK_EQ(w, ceiling);  // capped
  w = AdaptPollWindow(w, 2000000, ceiling);  // slept 2 ms: polling was wasted
  CHECK_EQ(w, 25000u);
  w = AdaptPollWindow(AdaptPollWindow(w, 2000000, ceiling), 2000000, ceiling);
  CHECK_EQ(w, 0u);  // an idle worker ends up not polling at all
  CHECK_EQ(AdaptPollWindow(40000, 1000, 0), 0u);  // off
}

TEST(worker_pool_places_a_source_on_the_worker_named) {
  WorkerPool pool(2);
  CountingSource a, b, c;
  CHECK_EQ(pool.Add(&a, a.fd(), 0, 1), 1u);
  CHECK_EQ(pool.Add(&b, b.fd(), 0, 3), 1u);  // modulo the pool's size
  CHECK_EQ(pool.Add(&c, c.fd(), 0), 0u);     // any: the least loaded
  CHECK_EQ(pool.Add(&a, a.fd(), 0, 0), 1u);  // registered already: where it is
  CHECK_EQ(pool.Load()[1], 2u);
  for (CountingSource* s : {&a, &b, &c}) s->Signal();
  CHECK(Eventually([&] { return a.served_ >= 1 && b.served_ >= 1 && c.served_ >= 1; }));
  CHECK(a.worker_ == b.worker_);  // a device's queue and socket on one thread
  CHECK(a.worker_ != c.worker_);
  for (CountingSource* s : {&a, &b, &c}) pool.Remove(s);
}

TEST(poll_backoff_pauses_a_few_microseconds) {
  CHECK_EQ(PollBackoffNanos(1), 1000u);
  CHECK_EQ(PollBackoffNanos(2), 2000u);
  CHECK_EQ(PollBackoffNanos(3), 4000u);
  CHECK_EQ(PollBackoffNanos(1000), 4000u);  // capped: a packet never waits long
}

TEST(worker_pool_serves_a_source_that_may_hold_more_until_it_finds_nothing) {
  WorkerPool pool(1);
  CountingSource source;
  source.drained_ = false;  // as a source whose batch was full
  pool.Add(&source, source.fd(), 0);
  source.Signal();
  CHECK(Eventually([&] { return source.served_ >= 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // Served again at most once more, finding nothing (epoll's readiness may spare even that).
  int settled = source.served_;
  CHECK(settled <= 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK_EQ(source.served_.load(), settled);
  pool.Remove(&source);
}
