#include "net/udp_tunnel_socket.h"

#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include <string>

#include "base/system_error.h"

#ifndef UDP_NO_CHECK6_TX
#define UDP_NO_CHECK6_TX 101
#endif
#ifndef UDP_NO_CHECK6_RX
#define UDP_NO_CHECK6_RX 102
#endif

namespace vtepd {

UniqueFd NewUdpSocket(sa_family_t family) {
  UniqueFd fd(::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP));
  if (fd.get() < 0) ThrowErrno("socket");
  if (family == AF_INET6) SetIntOption(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, 1, "IPV6_V6ONLY");
  return fd;
}

int BindTo(int fd, const Endpoint& ep) {
  SocketAddress sa;
  socklen_t len = ep.ToSockaddr(&sa);
  return ::bind(fd, &sa.sa, len);
}

std::string EndpointText(const Endpoint& ep) {
  std::string addr = ep.AddressString();
  if (ep.family == AF_INET6) addr = "[" + addr + "]";
  return addr + ":" + std::to_string(ep.port);
}

bool EnableUdpGro(int fd) {
  int on = 1;
  return ::setsockopt(fd, IPPROTO_UDP, UDP_GRO, &on, sizeof on) == 0;
}

void ApplyUdpChecksums(int fd, sa_family_t family, const UdpChecksums& checksums) {
  if (family == AF_INET) {
    SetIntOption(fd, SOL_SOCKET, SO_NO_CHECK, checksums.ipv4_tx ? 0 : 1, "SO_NO_CHECK");
  } else {
    SetIntOption(fd, IPPROTO_UDP, UDP_NO_CHECK6_TX, checksums.ipv6_tx ? 0 : 1, "UDP_NO_CHECK6_TX");
    SetIntOption(fd, IPPROTO_UDP, UDP_NO_CHECK6_RX, checksums.ipv6_rx ? 0 : 1, "UDP_NO_CHECK6_RX");
  }
}

UniqueFd OpenUdpTunnelSocket(const Endpoint& local, const Endpoint* remote,
                             const UnderlayOptions& options, bool dont_fragment,
                             const UdpChecksums& checksums, const char* port_word) {
  UniqueFd fd(::socket(local.family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) ThrowErrno("socket(SOCK_DGRAM)");
  SocketAddress address;
  socklen_t len = local.ToSockaddr(&address);
  if (::bind(fd.get(), &address.sa, len) < 0) {
    ThrowErrno("bind " + local.AddressString() + " " + port_word + " " + std::to_string(local.port));
  }
  if (remote) {
    len = remote->ToSockaddr(&address);
    if (::connect(fd.get(), &address.sa, len) < 0) ThrowErrno("connect " + remote->AddressString());
  }
  SetReceiveBuffer(fd.get());
  SetSendBuffer(fd.get());
  ApplyUnderlayOptions(fd.get(), local.family, options, dont_fragment);
  ApplyUdpChecksums(fd.get(), local.family, checksums);
  return fd;
}

}  // namespace vtepd
