// One static L2TPv3 tunnel (`ip l2tp add tunnel`): its socket to the peer and the receive
// path (on the worker pool) that serves it for all its sessions, which it tells apart by session ID. Sessions
// (L2tpSessionDevice) attach their receivers to it and send through its socket; each holds
// the tunnel, which closes with the last of its holders.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "l2tp/l2tp_counters.h"
#include "base/unique_fd.h"
#include "base/worker_pool.h"
#include "l2tp/l2tp_receiver.h"
#include "l2tp/l2tp_rx_path.h"
#include "l2tp/l2tp_socket.h"

namespace vtepd {

class L2tpTunnel {
 public:
  // Opens the socket and puts it on the worker pool. Throws std::system_error.
  explicit L2tpTunnel(const L2tpTunnelConfig& config);
  ~L2tpTunnel();
  L2tpTunnel(const L2tpTunnel&) = delete;
  L2tpTunnel& operator=(const L2tpTunnel&) = delete;

  // Control plane. Attach returns 0, or EEXIST when a session of this tunnel has the ID.
  // Detach returns once the receive path cannot touch the receiver any more.
  int Attach(L2tpReceiver* receiver);
  void Detach(L2tpReceiver* receiver);

  const L2tpTunnelConfig& config() const { return config_; }
  int socket() const { return socket_.get(); }
  // The worker serving the socket: sessions put their TAPs there (run to completion).
  size_t worker() const { return worker_; }
  const TunnelStats& stats() const { return stats_; }

 private:
  L2tpTunnelConfig config_;
  UniqueFd socket_;
  TunnelStats stats_;
  L2tpSessionTable sessions_;
  std::unique_ptr<L2tpRxPath> rx_path_;
  size_t worker_ = WorkerPool::kAnyWorker;
  PoolMembership serving_;  // last: leaves the pool before anything its path uses goes
};

}  // namespace vtepd
