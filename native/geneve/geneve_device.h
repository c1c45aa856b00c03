// One Geneve device (RFC 8926): its TAP, its send sockets (a pool of UDP source ports the
// inner flow's hash picks, as the kernel's udp_flow_src_port), the transmit path
// (TAP->Geneve) the worker pool serves from construction until Stop() (or until the TAP is
// removed from outside, see tap_gone.h), its place on the shared local port whose receive
// path delivers what arrives for its VNI from its remote (GenevePort), and a watcher that
// follows the TAP's MTU. Like the kernel's with a remote, it is point to point:
// no FDB, no learning.
//
// With offloads, superframes from the TAP leave in UDP GSO sends, and the port receives
// with UDP GRO and writes superframes to the TAP, as VXLAN does. UDP GSO needs UDP checksums
// (the kernel refuses it on a socket sending zero ones): over IPv4 with `noudpcsum` (the
// default) or over IPv6 with `udp6zerocsumtx`, sends are batched but one datagram each.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "geneve/geneve_counters.h"
#include "base/worker_pool.h"
#include "geneve/geneve_packet_header.h"
#include "geneve/geneve_port.h"
#include "geneve/geneve_receiver.h"
#include "net/endpoint.h"
#include "net/tx_socket_pool.h"
#include "net/udp_tunnel_socket.h"
#include "net/underlay_options.h"
#include "tap/link_watch.h"
#include "tap/tap_device.h"
#include "tap/tap_gone.h"
#include "tunnel/peer_tx_path.h"

namespace vtepd {

struct GeneveConfig {
  std::string name;
  Endpoint local;   // with dstport; may be the wildcard of the remote's family
  Endpoint remote;  // with dstport
  uint32_t vni;
  // The outer source ports flows are spread over (the ephemeral range).
  uint16_t srcport_min;
  uint16_t srcport_max;
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
  // Throws std::system_error on failure (EEXIST: a device with this VNI and remote is on the
  // port already), leaving nothing behind. `gone` is called once should the TAP be removed
  // from outside; the owner must then Stop() the device.
  GeneveDevice(const GeneveConfig& config, GoneCallback gone);
  ~GeneveDevice();
  GeneveDevice(const GeneveDevice&) = delete;
  GeneveDevice& operator=(const GeneveDevice&) = delete;

  void Stop();  // idempotent

  const TapDevice& tap() const { return tap_; }
  const Stats& stats() const { return stats_; }
  bool udp_gso() const { return tx_view_.gso; }
  bool udp_gro() const { return udp_gro_; }

 private:
  GeneveConfig config_;
  TapDevice tap_;
  TxSocketPool tx_sockets_;
  SendSockets tx_view_;
  Stats stats_;
  std::atomic<size_t> max_frame_;
  GenevePacketHeader header_;  // the transmit path's
  GeneveReceiver receiver_;
  std::shared_ptr<GenevePort> port_;
  bool attached_ = false;
  bool udp_gro_ = false;
  TapGone gone_;
  std::unique_ptr<PeerTxPath> tx_path_;
  PoolMembership serving_;  // leaves the pool before anything its path uses goes
  std::optional<LinkWatcher> link_watch_;  // follows the TAP's MTU; ends first
};

}  // namespace vtepd
