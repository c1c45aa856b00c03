#include "base/housekeeper.h"

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "base/clock.h"

namespace vtepd {

namespace {

constexpr uint64_t kPeriodNs = 1000000000;

// Tasks run under the mutex, so removing one waits out a tick in progress. A generation
// number tells a thread that its last task is gone: a thread started later, for a new first
// task, has its own.
class Housekeeper {
 public:
  // Never destroyed: at exit the thread may still be running tasks of devices JavaScript
  // did not close, as their data-path threads are.
  static Housekeeper& Instance() {
    static Housekeeper* instance = new Housekeeper;
    return *instance;
  }

  uint64_t Add(std::function<void()> tick) {
    std::lock_guard<std::mutex> lock(mutex_);
    uint64_t id = next_id_++;
    tasks_.emplace(id, std::move(tick));
    if (tasks_.size() == 1) {
      try {
        thread_ = std::thread(&Housekeeper::Run, this, generation_);
      } catch (...) {
        tasks_.erase(id);
        throw;
      }
    }
    return id;
  }

  void Remove(uint64_t id) {
    std::thread ending;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      tasks_.erase(id);
      if (tasks_.empty()) {
        generation_++;
        ending = std::move(thread_);
      }
    }
    if (ending.joinable()) {
      wake_.notify_all();
      ending.join();
    }
  }

 private:
  void Run(uint64_t generation) {
    std::unique_lock<std::mutex> lock(mutex_);
    uint64_t due = MonotonicNanos() + kPeriodNs;
    while (generation == generation_) {
      uint64_t now = MonotonicNanos();
      if (now < due) {
        wake_.wait_for(lock, std::chrono::nanoseconds(due - now));
        continue;
      }
      due = now + kPeriodNs;
      for (auto& [id, tick] : tasks_) tick();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<uint64_t, std::function<void()>> tasks_;
  uint64_t next_id_ = 1;
  uint64_t generation_ = 0;
  std::thread thread_;
};

}  // namespace

HousekeepingTask::HousekeepingTask(std::function<void()> tick)
    : id_(Housekeeper::Instance().Add(std::move(tick))) {}

HousekeepingTask::~HousekeepingTask() { Housekeeper::Instance().Remove(id_); }

}  // namespace vtepd
