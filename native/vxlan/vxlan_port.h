// A UDP port VXLAN listens on, as the kernel's vxlan_sock: one set of receive sockets per
// address family and port, shared by every device on that port and demultiplexed by VNI.
// It owns the sockets and, per socket, a receive path (VxlanRxPath) on the worker pool, and
// it joins the multicast groups its devices use.
//
// With one queue (the default) the port has a socket per worker, socket i on worker i, and
// steers each datagram to socket VNI % workers (SteerByVni): a device's traffic arrives on
// one worker, which serves the device's TAP too (WorkerFor). With more queues, flows spread
// over that many sockets by the kernel's reuseport hash, each on the least loaded worker.
//
// Devices come and go while the receive paths run. The VNI table is immutable and replaced
// whole; a table is freed, and a detached device let go, only once every worker has passed
// its quiescent point since (WorkerPool::Quiesce). The data path takes no lock for it.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "net/endpoint.h"
#include "vxlan/vxlan_counters.h"
#include "base/unique_fd.h"
#include "base/worker_pool.h"
#include "vxlan/vxlan_receiver.h"

namespace vtepd {

class VxlanRxPath;

class VxlanPort {
 public:
  struct Options {
    sa_family_t family;
    uint16_t port;
    size_t queues;     // receive sockets; 1: one per worker, steered by VNI
    bool gro;          // ask for UDP GRO
    uint64_t spin_ns;  // see worker_pool.h
  };

  // Which device a VNI belongs to; sorted by VNI.
  class Table {
   public:
    explicit Table(std::vector<std::pair<uint32_t, VxlanReceiver*>> entries)
        : entries_(std::move(entries)) {}
    VxlanReceiver* Find(uint32_t vni) const;
    const std::vector<std::pair<uint32_t, VxlanReceiver*>>& entries() const { return entries_; }

   private:
    std::vector<std::pair<uint32_t, VxlanReceiver*>> entries_;
  };

  // Binds the sockets and puts them on the pool; throws std::system_error (EADDRINUSE).
  explicit VxlanPort(const Options& options);
  ~VxlanPort();
  VxlanPort(const VxlanPort&) = delete;
  VxlanPort& operator=(const VxlanPort&) = delete;

  // Control plane. Attach returns 0 or EEXIST (the VNI has a device on this port already).
  // Detach returns once no receive path can touch the receiver any more.
  int Attach(VxlanReceiver* receiver);
  void Detach(VxlanReceiver* receiver);
  // Reference-counted per (group, ifindex); return 0 or an errno value.
  int JoinGroup(const Endpoint& group, int ifindex);
  void LeaveGroup(const Endpoint& group, int ifindex);

  const Options& options() const { return options_; }
  // The worker that receives `vni`'s traffic, for the device's TAP queue 0 (queue q: the
  // next q-th); WorkerPool::kAnyWorker when the port does not steer by VNI.
  size_t WorkerFor(uint32_t vni) const {
    return steered_ ? vni % sockets_.size() : WorkerPool::kAnyWorker;
  }
  bool gro() const { return gro_; }
  const PortStats& stats() const { return stats_; }
  std::vector<uint32_t> Vnis() const;
  std::vector<std::string> Groups() const;  // "GROUP%IFINDEX"

  // Data path.
  const Table* table() const { return table_.load(); }

 private:
  // Installs `next` and waits until no receive path can still be using the table it replaces.
  void Publish(std::unique_ptr<Table> next);

  Options options_;
  bool steered_;
  std::vector<UniqueFd> sockets_;
  bool gro_;
  PortStats stats_;
  mutable std::mutex control_;  // serialises control-plane changes and reads
  std::unique_ptr<Table> current_;
  std::atomic<const Table*> table_{nullptr};
  std::map<std::pair<std::string, int>, int> groups_;  // (address, ifindex) -> users
  std::vector<std::unique_ptr<VxlanRxPath>> paths_;
  // Last: its receive paths leave the pool before anything they use goes.
  PoolMembership serving_;
};

}  // namespace vtepd
