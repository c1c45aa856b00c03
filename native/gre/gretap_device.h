// One gretap (or ip6gretap) device: its TAP, the raw GRE socket(s) to its one peer, the two
// data paths (TAP->GRE and GRE->TAP) the worker pool serves from construction until Stop()
// (the first also ends when the TAP is removed from outside, see tap_gone.h), and a
// watcher that follows the TAP's MTU. Like the kernel's, it is point to point: no
// FDB, no learning; several devices, one per peer, join a Linux bridge to stretch a segment
// over many hosts.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "net/endpoint.h"
#include "gre/gre_header.h"
#include "gre/gre_packet_header.h"
#include "gre/gre_rx_path.h"
#include "gre/gre_counters.h"
#include "tap/link_watch.h"
#include "tap/tap_device.h"
#include "tap/tap_gone.h"
#include "net/underlay_options.h"
#include "base/unique_fd.h"
#include "base/worker_pool.h"
#include "tunnel/peer_tx_path.h"

namespace vtepd {

struct GretapConfig {
  std::string name;
  Endpoint local;   // may be the wildcard of the remote's family
  Endpoint remote;
  GreFields in;     // ikey, icsum, iseq: what received packets must carry
  GreFields out;    // okey, ocsum, oseq: what sent packets carry
  UnderlayOptions underlay;
  int mtu;
  bool offloads;
  uint64_t spin_ns;
  // Nonzero: reattach to this persistent TAP (see TapDevice) instead of creating one.
  int attach_ifindex = 0;
};

class GretapDevice {
 public:
  // Throws std::system_error on failure, leaving nothing behind. `gone` is called once
  // should the TAP be removed from outside; the owner must then Stop() the device.
  GretapDevice(const GretapConfig& config, GoneCallback gone);
  ~GretapDevice();
  GretapDevice(const GretapDevice&) = delete;
  GretapDevice& operator=(const GretapDevice&) = delete;

  void Stop();  // idempotent

  const TapDevice& tap() const { return tap_; }
  const Stats& stats() const { return stats_; }

 private:
  GretapConfig config_;
  TapDevice tap_;
  UniqueFd socket_;     // receives, and sends what needs no other DF setting
  UniqueFd df_socket_;  // df inherit: sends with DF
  Stats stats_;
  std::atomic<size_t> max_frame_;
  GrePacketHeader header_;  // the transmit path's
  TapGone gone_;
  std::unique_ptr<PeerTxPath> tx_path_;
  std::unique_ptr<GreRxPath> rx_path_;
  PoolMembership serving_;  // leaves the pool before anything its paths use goes
  std::optional<LinkWatcher> link_watch_;  // follows the TAP's MTU; ends first
};

}  // namespace vtepd
