// A UDP port VXLAN listens on, as the kernel's vxlan_sock: one set of receive sockets per
// address family and port, shared by every device on that port and demultiplexed by VNI.
// It owns the sockets and, per socket, a receive thread (VxlanRxPath), and it joins the
// multicast groups its devices use.
//
// Devices come and go while the threads run. The VNI table is immutable and replaced
// whole; a thread announces each pass through its loop (a quiescent point), and a table is
// freed, and a detached device let go, only once every thread has passed one since. The
// data path takes no lock for it.
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
#include "base/counters.h"
#include "base/unique_fd.h"
#include "base/workers.h"
#include "vxlan/vxlan_receiver.h"

namespace vtepd {

class VxlanRxPath;

class VxlanPort {
 public:
  struct Options {
    sa_family_t family;
    uint16_t port;
    size_t queues;     // receive sockets and threads
    bool gro;          // ask for UDP GRO
    uint64_t spin_ns;  // see wait_readable.h
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

  // Binds the sockets and starts the threads; throws std::system_error (EADDRINUSE).
  explicit VxlanPort(const Options& options);
  ~VxlanPort();
  VxlanPort(const VxlanPort&) = delete;
  VxlanPort& operator=(const VxlanPort&) = delete;

  // Control plane. Attach returns 0 or EEXIST (the VNI has a device on this port already).
  // Detach returns once no thread can touch the receiver any more.
  int Attach(VxlanReceiver* receiver);
  void Detach(VxlanReceiver* receiver);
  // Reference-counted per (group, ifindex); return 0 or an errno value.
  int JoinGroup(const Endpoint& group, int ifindex);
  void LeaveGroup(const Endpoint& group, int ifindex);

  const Options& options() const { return options_; }
  bool gro() const { return gro_; }
  const PortStats& stats() const { return stats_; }
  std::vector<uint32_t> Vnis() const;
  std::vector<std::string> Groups() const;  // "GROUP%IFINDEX"

  // Data path.
  const Table* table() const { return table_.load(); }
  uint64_t epoch() const { return epoch_.load(); }

 private:
  // Installs `next` and waits until no thread can still be using the table it replaces.
  void Publish(std::unique_ptr<Table> next);

  Options options_;
  std::vector<UniqueFd> sockets_;
  bool gro_;
  PortStats stats_;
  mutable std::mutex control_;  // serialises control-plane changes and reads
  std::unique_ptr<Table> current_;
  std::atomic<const Table*> table_{nullptr};
  std::atomic<uint64_t> epoch_{0};
  std::map<std::pair<std::string, int>, int> groups_;  // (address, ifindex) -> users
  std::vector<std::unique_ptr<VxlanRxPath>> paths_;
  // Last: its threads stop before anything they use goes. A wake-up on its eventfd makes
  // them pass their quiescent point (and check whether they are stopping).
  Workers workers_;
};

}  // namespace vtepd
