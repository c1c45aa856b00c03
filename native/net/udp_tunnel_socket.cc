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
  if (local.family == AF_INET) {
    SetIntOption(fd.get(), SOL_SOCKET, SO_NO_CHECK, checksums.ipv4_tx ? 0 : 1, "SO_NO_CHECK");
  } else {
    SetIntOption(fd.get(), IPPROTO_UDP, UDP_NO_CHECK6_TX, checksums.ipv6_tx ? 0 : 1, "UDP_NO_CHECK6_TX");
    SetIntOption(fd.get(), IPPROTO_UDP, UDP_NO_CHECK6_RX, checksums.ipv6_rx ? 0 : 1, "UDP_NO_CHECK6_RX");
  }
  return fd;
}

}  // namespace vtepd
