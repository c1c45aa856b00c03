#include "vxlan/vxlan_socket.h"

#include <linux/filter.h>
#include <linux/if_packet.h>
#include <linux/udp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <random>
#include <string>

#include "net/flow_hash.h"
#include "base/system_error.h"

namespace vtepd {

namespace {

UniqueFd NewUdpSocket(sa_family_t family) {
  UniqueFd fd(::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP));
  if (fd.get() < 0) ThrowErrno("socket");
  if (family == AF_INET6) SetIntOption(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, 1, "IPV6_V6ONLY");
  return fd;
}

int Bind(int fd, const Endpoint& ep) {
  SocketAddress sa;
  socklen_t len = ep.ToSockaddr(&sa);
  return ::bind(fd, &sa.sa, len);
}

std::string Describe(const Endpoint& ep) {
  std::string addr = ep.AddressString();
  if (ep.family == AF_INET6) addr = "[" + addr + "]";
  return addr + ":" + std::to_string(ep.port);
}

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
    if (Bind(probe.get(), any) < 0) ThrowErrno("bind " + Describe(any));
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
    if (Bind(fd.get(), any) < 0) ThrowErrno("bind " + Describe(any));
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

bool EnableUdpGro(int fd) {
  int on = 1;
  return ::setsockopt(fd, IPPROTO_UDP, UDP_GRO, &on, sizeof on) == 0;
}

int JoinGroup(int fd, const Endpoint& group, int ifindex) {
  return GroupRequest(fd, group, ifindex, true);
}

int LeaveGroup(int fd, const Endpoint& group, int ifindex) {
  return GroupRequest(fd, group, ifindex, false);
}

TxSocketPool::TxSocketPool(const Endpoint& local, uint16_t port_min, uint16_t port_max,
                           const UnderlayOptions& options)
    : inherit_df_(options.df == DfMode::kInherit) {
  uint32_t span = uint32_t{port_max} - port_min + 1;
  uint32_t wanted = span < kMaxPorts ? span : kMaxPorts;
  uint32_t stride = span / wanted;
  // A random start keeps several devices on one host from contending for the same ports.
  uint32_t start = std::random_device{}() % span;
  size_t per_port = inherit_df_ ? 2 : 1;
  for (uint32_t tried = 0; tried < span && sockets_.size() < wanted * per_port; tried++) {
    // Visit the range stride apart first, then fill in, so the ports spread over it.
    uint32_t step = (tried % wanted) * stride + tried / wanted;
    Endpoint ep = local;
    ep.port = static_cast<uint16_t>(port_min + (start + step) % span);
    UniqueFd pair[2];
    bool taken = false;
    for (size_t k = 0; k < per_port && !taken; k++) {
      pair[k] = NewUdpSocket(local.family);
      // The DF and no-DF sockets of one port share it; nothing else can join (same owner).
      if (inherit_df_) SetIntOption(pair[k].get(), SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT");
      if (Bind(pair[k].get(), ep) < 0) {
        if (errno != EADDRINUSE) ThrowErrno("bind " + Describe(ep));
        taken = true;
      }
    }
    if (taken) continue;
    for (size_t k = 0; k < per_port; k++) {
      DiscardInput(pair[k].get());  // send-only
      SetSendBuffer(pair[k].get());
      bool dont_fragment = inherit_df_ ? k == 1 : options.df == DfMode::kSet;
      ApplyUnderlayOptions(pair[k].get(), local.family, options, dont_fragment);
      sockets_.push_back(std::move(pair[k]));
    }
  }
  if (sockets_.empty()) {
    ThrowErrno("no free source port in " + std::to_string(port_min) + "-" +
                   std::to_string(port_max),
               EADDRINUSE);
  }
  int no_segmentation = 0;
  gso_ = ::setsockopt(sockets_[0].get(), IPPROTO_UDP, UDP_SEGMENT, &no_segmentation,
                      sizeof no_segmentation) == 0;
}

size_t TxSocketPool::IndexFor(uint32_t flow_hash, bool dont_fragment) const {
  if (!inherit_df_) return ScaleHash(flow_hash, static_cast<uint32_t>(sockets_.size()));
  uint32_t ports = static_cast<uint32_t>(sockets_.size() / 2);
  return 2 * ScaleHash(flow_hash, ports) + (dont_fragment ? 1 : 0);
}

}  // namespace vtepd
