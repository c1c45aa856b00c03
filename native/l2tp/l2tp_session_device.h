// One L2TPv3 Ethernet pseudowire session (`ip l2tp add session`, the kernel's l2tp_eth): a
// TAP whose frames go to the session's peer through its tunnel's socket, on a transmit
// path of its own (PeerTxPath), while the tunnel's receive path writes the session's
// frames to the TAP; the worker pool serves both. A watcher follows the TAP's MTU. Several sessions share a
// tunnel; each holds it.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "l2tp/l2tp_counters.h"
#include "tap/link_watch.h"
#include "base/worker_pool.h"
#include "l2tp/l2tp_header.h"
#include "l2tp/l2tp_packet_header.h"
#include "l2tp/l2tp_receiver.h"
#include "l2tp/l2tp_tunnel.h"
#include "tap/tap_device.h"
#include "tap/tap_gone.h"
#include "tunnel/peer_tx_path.h"

namespace vtepd {

struct L2tpSessionConfig {
  std::string name;
  uint32_t session_id = 0;
  uint32_t peer_session_id = 0;
  L2tpCookie cookie;       // put in what is sent
  L2tpCookie peer_cookie;  // required in what is received
  bool sublayer = true;    // l2spec_type default
  bool send_seq = false;
  bool recv_seq = false;
  int mtu = 1500;
  bool offloads = true;
  uint64_t spin_ns = 0;
  // Nonzero: reattach to this persistent TAP (see TapDevice) instead of creating one.
  int attach_ifindex = 0;
};

class L2tpSessionDevice {
 public:
  // Throws std::system_error (EEXIST: the tunnel has a session with this ID), leaving
  // nothing behind. `gone` as for the other devices (tap_gone.h).
  L2tpSessionDevice(std::shared_ptr<L2tpTunnel> tunnel, const L2tpSessionConfig& config,
                    GoneCallback gone);
  ~L2tpSessionDevice();
  L2tpSessionDevice(const L2tpSessionDevice&) = delete;
  L2tpSessionDevice& operator=(const L2tpSessionDevice&) = delete;

  void Stop();  // idempotent

  const TapDevice& tap() const { return tap_; }
  const Stats& stats() const { return stats_; }
  // Whether it numbers what it sends now: it follows the peer (l2tp_sequence.h).
  bool sending_seq() const { return send_seq_.load(std::memory_order_relaxed); }

 private:
  L2tpSessionConfig config_;
  std::shared_ptr<L2tpTunnel> tunnel_;
  TapDevice tap_;
  Stats stats_;
  std::atomic<size_t> max_frame_;
  std::atomic<bool> send_seq_;
  L2tpPacketHeader header_;  // the transmit path's
  TapGone gone_;
  std::unique_ptr<PeerTxPath> tx_path_;
  L2tpReceiver receiver_;
  bool attached_ = false;
  PoolMembership serving_;  // leaves the pool before anything its path uses goes
  std::optional<LinkWatcher> link_watch_;  // follows the TAP's MTU; ends first
};

}  // namespace vtepd
