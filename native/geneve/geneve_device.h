// One Geneve device (RFC 8926): its TAP, its UDP sockets to its one peer, the two data paths
// (TAP->Geneve and Geneve->TAP) the worker pool serves from construction until Stop() (the
// first also ends when the TAP is removed from outside, see tap_gone.h), and a watcher that
// follows the TAP's MTU. Like the kernel's with a remote, it is point to point:
// no FDB, no learning.
//
// Its receive socket is bound to local:dstport and not connected (peers send from a port of
// their flow hash), so two devices cannot share a local port; the datagrams of any other
// remote or VNI are counted and dropped. It sends through a connected socket of its own on
// an ephemeral source port, which takes no input.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/counters.h"
#include "tap/link_watch.h"
#include "base/unique_fd.h"
#include "base/worker_pool.h"
#include "geneve/geneve_packet_header.h"
#include "geneve/geneve_rx_path.h"
#include "net/endpoint.h"
#include "net/udp_tunnel_socket.h"
#include "net/underlay_options.h"
#include "tap/tap_device.h"
#include "tap/tap_gone.h"
#include "tunnel/peer_tx_path.h"

namespace vtepd {

struct GeneveConfig {
  std::string name;
  Endpoint local;   // with dstport; may be the wildcard of the remote's family
  Endpoint remote;  // with dstport
  uint32_t vni;
  UnderlayOptions underlay;
  UdpChecksums checksums;
  int mtu;
  bool offloads;
  uint64_t spin_ns;
  // Nonzero: reattach to this persistent TAP (see TapDevice) instead of creating one.
  int attach_ifindex = 0;
};

class GeneveDevice {
 public:
  // Throws std::system_error on failure, leaving nothing behind. `gone` is called once
  // should the TAP be removed from outside; the owner must then Stop() the device.
  GeneveDevice(const GeneveConfig& config, GoneCallback gone);
  ~GeneveDevice();
  GeneveDevice(const GeneveDevice&) = delete;
  GeneveDevice& operator=(const GeneveDevice&) = delete;

  void Stop();  // idempotent

  const TapDevice& tap() const { return tap_; }
  const Stats& stats() const { return stats_; }

 private:
  GeneveConfig config_;
  TapDevice tap_;
  UniqueFd rx_socket_;
  UniqueFd tx_socket_;  // sends what needs no other DF setting
  UniqueFd df_socket_;  // df inherit: sends with DF
  Stats stats_;
  std::atomic<size_t> max_frame_;
  GenevePacketHeader header_;  // the transmit path's
  TapGone gone_;
  std::unique_ptr<PeerTxPath> tx_path_;
  std::unique_ptr<GeneveRxPath> rx_path_;
  PoolMembership serving_;  // leaves the pool before anything its paths use goes
  std::optional<LinkWatcher> link_watch_;  // follows the TAP's MTU; ends first
};

}  // namespace vtepd
