// The underlay UDP sockets of VXLAN.
//
// Receive: the sockets of a VxlanPort, bound to the wildcard address of one family on the
// port, as the kernel binds its own VXLAN socket, so devices of every local address and
// multicast group share them. Send: each device has a TxSocketPool (net/tx_socket_pool.h) of
// ports inside its srcport range.
#pragma once

#include <cstdint>
#include <vector>

#include "net/endpoint.h"
#include "net/underlay_options.h"
#include "base/unique_fd.h"
#include "net/tx_socket_pool.h"

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

// Joins or leaves `group` (an Endpoint of the socket's family) on interface `ifindex`
// (0: the route's choice). Return 0 or an errno value.
int JoinGroup(int fd, const Endpoint& group, int ifindex);
int LeaveGroup(int fd, const Endpoint& group, int ifindex);


}  // namespace vtepd
