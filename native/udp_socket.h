// The underlay UDP sockets of a VXLAN device.
//
// Receive: one socket bound to local:dstport. Send: a small pool of sockets bound to ports
// inside the srcport range; the inner-flow hash picks one, so each flow keeps one outer
// source port (ECMP/RSS friendly) while the kernel still does routing, source-address
// selection and checksums, and each socket can later carry UDP GSO batches of its flow.
#pragma once

#include <cstdint>
#include <vector>

#include "endpoint.h"
#include "unique_fd.h"

namespace vtepd {

struct UnderlayOptions {
  int ttl;
  int tos;
};

// One receive socket per queue. Several share the port through SO_REUSEPORT, whose 4-tuple
// hash keeps each flow (the outer source port is the inner flow's hash) on one socket.
// Throws EADDRINUSE if anything else already has the port.
std::vector<UniqueFd> OpenReceiveSockets(const Endpoint& local, size_t count);

// Asks for UDP GRO: same-flow datagrams arrive as one buffer plus a segment size. False
// where the kernel lacks it (before 5.0).
bool EnableUdpGro(int fd);

class TxSocketPool {
 public:
  static constexpr uint32_t kMaxSockets = 16;

  // Binds up to kMaxSockets ports spread over [port_min, port_max]; ports already taken are
  // skipped. Throws std::system_error when no port in the range can be bound.
  TxSocketPool(const Endpoint& local, uint16_t port_min, uint16_t port_max,
               const UnderlayOptions& options);

  size_t size() const { return sockets_.size(); }
  size_t IndexFor(uint32_t flow_hash) const;
  int fd(size_t index) const { return sockets_[index].get(); }
  uint16_t port(size_t index) const { return ports_[index]; }
  // UDP_SEGMENT works here: one sendmsg may carry many equal-sized datagrams.
  bool gso() const { return gso_; }

 private:
  std::vector<UniqueFd> sockets_;
  std::vector<uint16_t> ports_;
  bool gso_ = false;
};

}  // namespace vtepd
