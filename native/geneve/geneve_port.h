// A local address and UDP port Geneve listens on, shared by every device bound there, as the
// kernel's geneve_sock is by its devices: one socket (with UDP GRO where the kernel has it)
// and one receive path (GeneveRxPath) on the worker pool, which hands each packet to the
// device whose VNI and remote match (GeneveTable). The port opens with its first device
// (AcquireGenevePort, whose socket options are that device's) and closes with its last.
//
// Devices come and go while the receive path runs. The table is immutable and replaced
// whole; a table is freed, and a detached device let go, only once every worker has passed
// its quiescent point since (WorkerPool::Quiesce). The data path takes no lock for it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "base/unique_fd.h"
#include "base/worker_pool.h"
#include "geneve/geneve_demux.h"
#include "geneve/geneve_receiver.h"
#include "net/endpoint.h"
#include "net/udp_tunnel_socket.h"
#include "net/underlay_options.h"

namespace vtepd {

class GeneveRxPath;

class GenevePort {
 public:
  struct Options {
    Endpoint local;  // address (may be the wildcard) and dstport
    UnderlayOptions underlay;
    UdpChecksums checksums;  // ipv6_rx: whether zero IPv6 checksums are refused
    bool gro;                // ask for UDP GRO
    uint64_t spin_ns;        // see worker_pool.h
  };

  // Binds the socket and puts its receive path on the pool; throws std::system_error
  // (EADDRINUSE: something else has the port).
  explicit GenevePort(const Options& options);
  ~GenevePort();
  GenevePort(const GenevePort&) = delete;
  GenevePort& operator=(const GenevePort&) = delete;

  // Control plane. Attach returns 0 or EEXIST (a device with this VNI and remote is here
  // already). Detach returns once the receive path cannot touch the receiver any more.
  int Attach(GeneveReceiver* receiver);
  void Detach(GeneveReceiver* receiver);

  // The worker that receives, for the devices' transmit paths (run to completion).
  size_t worker() const { return worker_; }
  bool gro() const { return gro_; }

  // Data path.
  const GeneveTable* table() const { return table_.load(); }

 private:
  // Installs `next` and waits until no receive path can still be using the table it replaces.
  void Publish(std::unique_ptr<GeneveTable> next);

  UniqueFd socket_;
  bool gro_;
  std::mutex control_;  // serialises control-plane changes
  std::unique_ptr<GeneveTable> current_;
  std::atomic<const GeneveTable*> table_{nullptr};
  std::unique_ptr<GeneveRxPath> path_;
  size_t worker_ = WorkerPool::kAnyWorker;
  // Last: its receive path leaves the pool before anything it uses goes.
  PoolMembership serving_;
};

// The open port for options.local (address and port), or a new one built with `options`.
// Throws std::system_error.
std::shared_ptr<GenevePort> AcquireGenevePort(const GenevePort::Options& options);

}  // namespace vtepd
