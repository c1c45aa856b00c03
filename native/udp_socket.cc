#include "udp_socket.h"

#include <linux/filter.h>
#include <linux/udp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <random>
#include <string>

#include "flow_hash.h"
#include "system_error.h"

namespace vtepd {

namespace {

constexpr int kSocketBufferBytes = 4 << 20;

void SetOption(int fd, int level, int name, int value, const char* what) {
  if (::setsockopt(fd, level, name, &value, sizeof value) < 0) ThrowErrno(what);
}

// Root may exceed net.core.{r,w}mem_max; fall back to the capped size otherwise.
void SetBuffer(int fd, int force_name, int name) {
  int bytes = kSocketBufferBytes;
  if (::setsockopt(fd, SOL_SOCKET, force_name, &bytes, sizeof bytes) < 0) {
    ::setsockopt(fd, SOL_SOCKET, name, &bytes, sizeof bytes);
  }
}

UniqueFd NewUdpSocket(sa_family_t family) {
  UniqueFd fd(::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP));
  if (fd.get() < 0) ThrowErrno("socket");
  if (family == AF_INET6) SetOption(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, 1, "IPV6_V6ONLY");
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

}  // namespace

std::vector<UniqueFd> OpenReceiveSockets(const Endpoint& local, size_t count) {
  // A reuseport group would let another device on this port join it and take a share of
  // the traffic; a plain bind first proves the port is free.
  if (count > 1) {
    UniqueFd probe = NewUdpSocket(local.family);
    if (Bind(probe.get(), local) < 0) ThrowErrno("bind " + Describe(local));
  }
  std::vector<UniqueFd> sockets;
  for (size_t i = 0; i < count; i++) {
    UniqueFd fd = NewUdpSocket(local.family);
    SetBuffer(fd.get(), SO_RCVBUFFORCE, SO_RCVBUF);
    if (count > 1) SetOption(fd.get(), SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT");
    if (Bind(fd.get(), local) < 0) ThrowErrno("bind " + Describe(local));
    sockets.push_back(std::move(fd));
  }
  return sockets;
}

bool EnableUdpGro(int fd) {
  int on = 1;
  return ::setsockopt(fd, IPPROTO_UDP, UDP_GRO, &on, sizeof on) == 0;
}

TxSocketPool::TxSocketPool(const Endpoint& local, uint16_t port_min, uint16_t port_max,
                           const UnderlayOptions& options) {
  uint32_t span = uint32_t{port_max} - port_min + 1;
  uint32_t wanted = span < kMaxSockets ? span : kMaxSockets;
  uint32_t stride = span / wanted;
  // A random start keeps several devices on one host from contending for the same ports.
  uint32_t start = std::random_device{}() % span;
  for (uint32_t tried = 0; tried < span && sockets_.size() < wanted; tried++) {
    // Visit the range stride apart first, then fill in, so the ports spread over it.
    uint32_t step = (tried % wanted) * stride + tried / wanted;
    uint16_t port = static_cast<uint16_t>(port_min + (start + step) % span);
    Endpoint ep = local;
    ep.port = port;
    UniqueFd fd = NewUdpSocket(local.family);
    if (Bind(fd.get(), ep) < 0) {
      if (errno == EADDRINUSE) continue;
      ThrowErrno("bind " + Describe(ep));
    }
    // Send-only: anything arriving on these ports is discarded in the kernel.
    sock_filter drop_all{BPF_RET | BPF_K, 0, 0, 0};
    sock_fprog program{1, &drop_all};
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) < 0) {
      ThrowErrno("SO_ATTACH_FILTER");
    }
    SetBuffer(fd.get(), SO_SNDBUFFORCE, SO_SNDBUF);
    if (local.family == AF_INET) {
      SetOption(fd.get(), IPPROTO_IP, IP_TTL, options.ttl, "IP_TTL");
      SetOption(fd.get(), IPPROTO_IP, IP_TOS, options.tos, "IP_TOS");
      // The kernel vxlan default (df unset): outer packets may be fragmented on the path.
      SetOption(fd.get(), IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT, "IP_MTU_DISCOVER");
    } else {
      SetOption(fd.get(), IPPROTO_IPV6, IPV6_UNICAST_HOPS, options.ttl, "IPV6_UNICAST_HOPS");
      SetOption(fd.get(), IPPROTO_IPV6, IPV6_TCLASS, options.tos, "IPV6_TCLASS");
      SetOption(fd.get(), IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DONT,
                "IPV6_MTU_DISCOVER");
    }
    sockets_.push_back(std::move(fd));
    ports_.push_back(port);
  }
  int no_segmentation = 0;
  gso_ = !sockets_.empty() && ::setsockopt(sockets_[0].get(), IPPROTO_UDP, UDP_SEGMENT,
                                           &no_segmentation, sizeof no_segmentation) == 0;
  if (sockets_.empty()) {
    ThrowErrno("no free source port in " + std::to_string(port_min) + "-" +
                   std::to_string(port_max),
               EADDRINUSE);
  }
}

size_t TxSocketPool::IndexFor(uint32_t flow_hash) const {
  return ScaleHash(flow_hash, static_cast<uint32_t>(sockets_.size()));
}

}  // namespace vtepd
