// One VXLAN device: its TAP, its underlay sockets, its FDB and, per queue, the two
// data-path threads (TAP->UDP and UDP->TAP) that run from construction until Stop().
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "rx_path.h"
#include "shared_fdb.h"
#include "stats.h"
#include "tap_device.h"
#include "tx_path.h"
#include "udp_socket.h"
#include "unique_fd.h"

namespace vtepd {

struct VxlanConfig {
  std::string name;
  uint32_t vni;
  Endpoint local;  // bind address and dstport
  uint16_t srcport_min;
  uint16_t srcport_max;
  UnderlayOptions underlay;
  uint32_t ageing_seconds;
  bool learning;
  size_t max_addresses;
  int mtu;
  // Use TAP offloads, UDP GSO and GRO where the kernel has them; false forces the plain
  // path (one frame per read, one datagram per packet) for comparison or troubleshooting.
  bool offloads;
  // After traffic, poll this long without sleeping before blocking (wait_readable.h).
  uint64_t spin_ns;
  // TAP queues and receive sockets, each pair with its own two threads.
  size_t queues;
};

// What the data path actually runs with, after asking the kernel.
struct DataPathFeatures {
  bool tap_offloads;  // TSO/checksum offload on the TAP (virtio-net header)
  bool udp_gso;
  bool udp_gro;
};

class VxlanDevice {
 public:
  // Opens the TAP and sockets and starts the threads; throws std::system_error on failure,
  // leaving nothing behind.
  VxlanDevice(const VxlanConfig& config, FdbEventSink sink);
  ~VxlanDevice();
  VxlanDevice(const VxlanDevice&) = delete;
  VxlanDevice& operator=(const VxlanDevice&) = delete;

  // Joins the threads; the TAP disappears when the object is destroyed. Idempotent.
  void Stop();

  // Control plane; errno-style results (EAFNOSUPPORT for a remote of the other family).
  int FdbUpdate(MacAddress mac, const Remote& remote, FdbMode mode);
  int FdbRemove(MacAddress mac, const Endpoint* only_dst);
  std::vector<FdbRow> FdbRows();

  const VxlanConfig& config() const { return config_; }
  const TapDevice& tap() const { return tap_; }
  const Stats& stats() const { return stats_; }
  DataPathFeatures features() const { return {tap_.offloads(), tx_sockets_.gso(), udp_gro_}; }

 private:
  VxlanConfig config_;
  TapDevice tap_;
  std::vector<UniqueFd> rx_sockets_;
  bool udp_gro_;
  TxSocketPool tx_sockets_;
  UniqueFd stop_event_;
  SharedFdb fdb_;
  Stats stats_;
  std::vector<std::unique_ptr<TxPath>> tx_paths_;
  std::vector<std::unique_ptr<RxPath>> rx_paths_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
};

}  // namespace vtepd
