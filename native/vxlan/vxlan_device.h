// One VXLAN device: its TAP, its send sockets, its FDB, one transmit path per queue
// (TAP->UDP) that the worker pool serves from construction until Stop() or until the TAP is
// removed from outside (tap_gone.h), its place on the shared UDP port whose receive paths
// deliver what arrives for its VNI, a watcher that follows the TAP's MAC and MTU, and a
// housekeeping task (ageing of the FDB and of the local MACs).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vxlan/shared_fdb.h"
#include "vxlan/vxlan_counters.h"
#include "base/housekeeper.h"
#include "tap/link_watch.h"
#include "base/worker_pool.h"
#include "tap/tap_device.h"
#include "tap/tap_gone.h"
#include "vxlan/vxlan_tx_path.h"
#include "vxlan/vxlan_socket.h"
#include "vxlan/vxlan_port.h"
#include "vxlan/vxlan_receiver.h"

namespace vtepd {

struct VxlanConfig {
  std::string name;
  uint32_t vni;
  Endpoint local;  // source address (may be the wildcard) and dstport
  std::optional<Endpoint> group;  // multicast group joined on `dev`
  std::string dev;                // underlay interface; "" = the route's choice
  uint16_t srcport_min;
  uint16_t srcport_max;
  UnderlayOptions underlay;  // ifindex is resolved from `dev`
  uint32_t ageing_seconds;
  bool learning;
  // Record the TAP's own hosts (local_macs.h) for a BGP EVPN control plane.
  bool local_learning;
  // Answer ARP and NS for the neighbour table's addresses (the kernel's neigh_suppress).
  bool neigh_suppress;
  size_t max_addresses;
  // Underlay prefixes of local's family; empty: any source, as the kernel.
  PrefixList allow;
  int mtu;
  // Use TAP offloads, UDP GSO and GRO where the kernel has them; false forces the plain
  // path (one frame per read, one datagram per packet) for comparison or troubleshooting.
  bool offloads;
  // After traffic, poll this long without sleeping before blocking (worker_pool.h).
  uint64_t spin_ns;
  // TAP queues, each its own transmit path; a new port gets as many receive sockets.
  size_t queues;
  // Nonzero: reattach to this persistent TAP (see TapDevice) instead of creating one.
  int attach_ifindex = 0;
};

// What the data path actually runs with, after asking the kernel.
struct DataPathFeatures {
  bool tap_offloads;  // TSO/checksum offload on the TAP (virtio-net header)
  bool tap_uso;       // and UDP segmentation offload
  bool udp_gso;
  bool udp_gro;
};

class VxlanDevice {
 public:
  // Opens the TAP and sockets, joins the port and starts the threads; throws
  // std::system_error on failure (EEXIST: the VNI is taken on the port), leaving nothing
  // behind. `gone` is called once should the TAP be removed from outside; the owner must
  // then Stop() (or destroy) the device to leave the port.
  VxlanDevice(const VxlanConfig& config, FdbEventSink sink, LocalMacEventSink local_sink,
              GoneCallback gone);
  ~VxlanDevice();
  VxlanDevice(const VxlanDevice&) = delete;
  VxlanDevice& operator=(const VxlanDevice&) = delete;

  // Leaves the port and joins the threads; the TAP disappears when the object is
  // destroyed. Idempotent.
  void Stop();

  // Control plane; errno-style results (EAFNOSUPPORT for a remote of the other family).
  int FdbUpdate(MacAddress mac, const Remote& remote, FdbMode mode);
  int FdbRemove(MacAddress mac, const Endpoint* only_dst);
  std::vector<FdbRow> FdbRows();
  std::vector<Remote> FloodList();
  // Local learning on a running device; turning it off forgets the local MACs (no events).
  void SetLocalLearning(bool on);
  std::vector<LocalMacRow> LocalMacRows();
  // The neighbour table (net/neighbour_table.h), errno-style as NeighbourTable's.
  int NeighbourAdd(const Endpoint& ip, NeighbourOrigin origin, NeighbourAnswer answer, bool replace);
  int NeighbourRemove(const Endpoint& ip, NeighbourOrigin origin);
  std::vector<NeighbourRow> NeighbourRows();

  const VxlanConfig& config() const { return config_; }
  const TapDevice& tap() const { return tap_; }
  const Stats& stats() const { return stats_; }
  DataPathFeatures features() const {
    return {tap_.offloads(), tap_.uso(), tx_sockets_.gso(), port_->gro()};
  }

 private:
  // Once a second on the housekeeping thread: ages the FDB and local MACs.
  void Tick();
  // Hands what Tick aged to `sink`, counted as `counter` (and as events_dropped if refused).
  template <typename Event>
  void Deliver(const std::function<bool(std::vector<Event>&&)>& sink, std::vector<Event>& aged,
               Counter counter);

  VxlanConfig config_;
  TapDevice tap_;
  TxSocketPool tx_sockets_;
  SharedFdb fdb_;
  Stats stats_;
  FdbEventSink sink_;
  LocalMacEventSink local_sink_;
  VxlanReceiver receiver_;
  std::shared_ptr<VxlanPort> port_;
  bool attached_ = false;
  bool joined_ = false;
  std::vector<std::unique_ptr<VxlanTxPath>> tx_paths_;
  std::vector<FdbEvent> aged_;
  std::vector<LocalMacEvent> local_aged_;
  TapGone gone_;
  PoolMembership serving_;  // leaves the pool before anything its paths use goes
  std::optional<HousekeepingTask> housekeeping_;
  std::optional<LinkWatcher> link_watch_;  // ends first
};

}  // namespace vtepd
