// The underlay UDP sockets of VXLAN.
//
// Receive: the sockets of a VxlanPort, bound to the wildcard address of one family on the
// port, as the kernel binds its own VXLAN socket, so devices of every local address and
// multicast group share them. Send: each device has a small pool of sockets bound to ports
// inside its srcport range; the inner-flow hash picks one, so each flow keeps one outer
// source port (ECMP/RSS friendly) while the kernel still does routing, source-address
// selection and checksums, and each socket can carry UDP GSO batches of its flow.
#pragma once

#include <cstdint>
#include <vector>

#include "net/endpoint.h"
#include "net/underlay_options.h"
#include "base/unique_fd.h"

namespace vtepd {

// One receive socket per queue on the wildcard address of `family`. Several share the port
// through SO_REUSEPORT, whose 4-tuple hash keeps each flow (the outer source port is the
// inner flow's hash) on one socket (or SteerByVni chooses); only the first receives
// multicast and broadcast. Throws EADDRINUSE if
// anything else already has the port.
std::vector<UniqueFd> OpenReceiveSockets(sa_family_t family, uint16_t port, size_t count);

// Steers each datagram of the reuseport group `fd` belongs to (`sockets` members, in bind
// order) to member VNI % sockets, by a classic BPF program reading the VXLAN header: all of a
// VNI's traffic arrives on one socket, whose worker can then also serve that VNI's TAP. A
// datagram too short to hold a VNI goes to the first. Throws std::system_error.
void SteerByVni(int fd, size_t sockets);

// Asks for UDP GRO: same-flow datagrams arrive as one buffer plus a segment size. False
// where the kernel lacks it (before 5.0).
bool EnableUdpGro(int fd);

// Joins or leaves `group` (an Endpoint of the socket's family) on interface `ifindex`
// (0: the route's choice). Return 0 or an errno value.
int JoinGroup(int fd, const Endpoint& group, int ifindex);
int LeaveGroup(int fd, const Endpoint& group, int ifindex);

class TxSocketPool {
 public:
  static constexpr uint32_t kMaxPorts = 16;
  // With df inherit each port has two sockets, one sending with DF and one without.
  static constexpr uint32_t kMaxSockets = 2 * kMaxPorts;

  // Binds up to kMaxPorts ports spread over [port_min, port_max]; ports already taken are
  // skipped. Throws std::system_error when no port in the range can be bound.
  TxSocketPool(const Endpoint& local, uint16_t port_min, uint16_t port_max,
               const UnderlayOptions& options);

  size_t size() const { return sockets_.size(); }
  // The socket for a flow; dont_fragment (the inner DF bit) matters only with df inherit.
  size_t IndexFor(uint32_t flow_hash, bool dont_fragment) const;
  int fd(size_t index) const { return sockets_[index].get(); }
  // UDP_SEGMENT works here: one sendmsg may carry many equal-sized datagrams.
  bool gso() const { return gso_; }

 private:
  std::vector<UniqueFd> sockets_;
  bool inherit_df_;
  bool gso_ = false;
};

}  // namespace vtepd
