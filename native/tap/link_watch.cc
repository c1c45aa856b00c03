#include "tap/link_watch.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

#include "base/housekeeper.h"
#include "base/system_error.h"
#include "base/unique_fd.h"

namespace vtepd {

namespace {

// Reads per housekeeping tick, so a flood of notifications cannot hold the thread.
constexpr int kMaxReadsPerTick = 64;

class LinkWatch {
 public:
  // Never destroyed, as the housekeeper it runs on.
  static LinkWatch& Instance() {
    static LinkWatch* instance = new LinkWatch;
    return *instance;
  }

  uint64_t Add(int ifindex, std::function<void(const LinkState&)> on_change) {
    std::lock_guard<std::mutex> life(lifecycle_);
    uint64_t id;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (socket_.get() < 0) socket_ = Subscribe();
      id = next_id_++;
      watchers_.emplace(id, Watcher{ifindex, std::move(on_change)});
      by_ifindex_.emplace(ifindex, id);
    }
    // Outside mutex_: a tick in progress holds the housekeeper's lock and waits for mutex_.
    if (!task_) {
      try {
        task_.emplace([this] { Drain(); });
      } catch (...) {
        Forget(id);
        throw;
      }
    }
    return id;
  }

  void Remove(uint64_t id) {
    std::lock_guard<std::mutex> life(lifecycle_);
    if (!Forget(id)) return;
    task_.reset();  // waits out a tick in progress
    std::lock_guard<std::mutex> lock(mutex_);
    socket_.Reset();
  }

 private:
  struct Watcher {
    int ifindex;
    std::function<void(const LinkState&)> on_change;
  };

  // Drops a watcher; true when it was the last.
  bool Forget(uint64_t id) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = watchers_.find(id);
    auto [first, end] = by_ifindex_.equal_range(it->second.ifindex);
    for (auto entry = first; entry != end; ++entry) {
      if (entry->second == id) {
        by_ifindex_.erase(entry);
        break;
      }
    }
    watchers_.erase(it);
    return watchers_.empty();
  }

  static UniqueFd Subscribe() {
    UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE));
    if (fd.get() < 0) ThrowErrno("netlink socket");
    sockaddr_nl local{};
    local.nl_family = AF_NETLINK;
    local.nl_groups = RTMGRP_LINK;
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&local), sizeof local) < 0) {
      ThrowErrno("netlink subscription to link changes");
    }
    return fd;
  }

  // Asks for every link again, answered on the same socket among the notifications.
  void RequestDump() {
    LinkRequest request = MakeLinkRequest(0, true, 0);
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    // Should this fail too, the next overflow asks again.
    ::sendto(socket_.get(), &request, sizeof request, 0, reinterpret_cast<sockaddr*>(&kernel),
             sizeof kernel);
  }

  // On the housekeeping thread.
  void Drain() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (socket_.get() < 0) return;
    alignas(nlmsghdr) static uint8_t buffer[65536];  // the one housekeeping thread's
    for (int reads = 0; reads < kMaxReadsPerTick; reads++) {
      ssize_t len = ::recv(socket_.get(), buffer, sizeof buffer, MSG_DONTWAIT);
      if (len < 0) {
        if (errno == ENOBUFS) {
          RequestDump();
          continue;
        }
        return;  // EAGAIN: drained
      }
      ForEachLinkMessage(buffer, static_cast<size_t>(len), [this](int ifindex, const LinkState& state) {
        auto [first, end] = by_ifindex_.equal_range(ifindex);
        for (auto entry = first; entry != end; ++entry) watchers_.at(entry->second).on_change(state);
      });
    }
  }

  std::mutex lifecycle_;  // orders Add and Remove; never taken on the housekeeping thread
  std::mutex mutex_;      // the watchers and the socket
  std::map<uint64_t, Watcher> watchers_;
  std::unordered_multimap<int, uint64_t> by_ifindex_;
  UniqueFd socket_;
  uint64_t next_id_ = 1;
  std::optional<HousekeepingTask> task_;
};

}  // namespace

LinkWatcher::LinkWatcher(int ifindex, std::function<void(const LinkState&)> on_change)
    : id_(LinkWatch::Instance().Add(ifindex, std::move(on_change))) {}

LinkWatcher::~LinkWatcher() { LinkWatch::Instance().Remove(id_); }

}  // namespace vtepd
