#include "vxlan/vxlan_socket.h"

#include <linux/filter.h>
#include <linux/if_packet.h>
#include <linux/udp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <string>

#include "net/udp_tunnel_socket.h"
#include "base/system_error.h"

namespace vtepd {

namespace {

int GroupRequest(int fd, const Endpoint& group, int ifindex, bool join) {
  int rc;
  if (group.family == AF_INET) {
    ip_mreqn request{};
    std::memcpy(&request.imr_multiaddr, group.addr, 4);
    request.imr_ifindex = ifindex;
    rc = ::setsockopt(fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &request,
                      sizeof request);
  } else {
    ipv6_mreq request{};
    std::memcpy(&request.ipv6mr_multiaddr, group.addr, 16);
    request.ipv6mr_interface = static_cast<unsigned>(ifindex);
    rc = ::setsockopt(fd, IPPROTO_IPV6, join ? IPV6_ADD_MEMBERSHIP : IPV6_DROP_MEMBERSHIP,
                      &request, sizeof request);
  }
  return rc < 0 ? errno : 0;
}

// A socket filter passing only frames the link layer addressed to this host (PACKET_HOST).
void TakeOnlyUnicast(int fd) {
  sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, static_cast<uint32_t>(SKF_AD_OFF + SKF_AD_PKTTYPE)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_HOST, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, 0xffffffffu),
      BPF_STMT(BPF_RET | BPF_K, 0),
  };
  sock_fprog program{static_cast<unsigned short>(sizeof code / sizeof code[0]), code};
  if (::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) < 0) {
    ThrowErrno("SO_ATTACH_FILTER");
  }
}

}  // namespace

std::vector<UniqueFd> OpenReceiveSockets(sa_family_t family, uint16_t port, size_t count) {
  Endpoint any;
  any.family = family;
  any.port = port;
  // A reuseport group would let another program on this port join it and take a share of
  // the traffic; a plain bind first proves the port is free.
  if (count > 1) {
    UniqueFd probe = NewUdpSocket(family);
    if (BindTo(probe.get(), any) < 0) ThrowErrno("bind " + EndpointText(any));
  }
  std::vector<UniqueFd> sockets;
  for (size_t i = 0; i < count; i++) {
    UniqueFd fd = NewUdpSocket(family);
    SetReceiveBuffer(fd.get());
    if (count > 1) SetIntOption(fd.get(), SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT");
    // Every member of a reuseport group would get its own copy of each multicast datagram;
    // only the first, which joins the groups, takes multicast at all.
    if (family == AF_INET) SetIntOption(fd.get(), IPPROTO_IP, IP_MULTICAST_ALL, 0, "IP_MULTICAST_ALL");
    else SetIntOption(fd.get(), IPPROTO_IPV6, IPV6_MULTICAST_ALL, 0, "IPV6_MULTICAST_ALL");
    // Broadcasts reach every member too, and IP_MULTICAST_ALL does not cover them: the
    // others take only datagrams addressed to this host.
    if (i > 0) TakeOnlyUnicast(fd.get());
    if (BindTo(fd.get(), any) < 0) ThrowErrno("bind " + EndpointText(any));
    sockets.push_back(std::move(fd));
  }
  return sockets;
}

void SteerByVni(int fd, size_t sockets) {
  // Reuseport programs see the datagram from the UDP payload on: the VXLAN header, whose
  // second word is VNI << 8 | reserved. A load past the end returns 0: the first member.
  sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4),
      BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 8),
      BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, static_cast<uint32_t>(sockets)),
      BPF_STMT(BPF_RET | BPF_A, 0),
  };
  sock_fprog program{static_cast<unsigned short>(sizeof code / sizeof code[0]), code};
  if (::setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &program, sizeof program) < 0) {
    ThrowErrno("SO_ATTACH_REUSEPORT_CBPF");
  }
}

int JoinGroup(int fd, const Endpoint& group, int ifindex) {
  return GroupRequest(fd, group, ifindex, true);
}

int LeaveGroup(int fd, const Endpoint& group, int ifindex) {
  return GroupRequest(fd, group, ifindex, false);
}

}  // namespace vtepd
