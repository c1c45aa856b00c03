#include "l2tp/l2tp_socket.h"

#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include <string>

#include "base/system_error.h"
#include "net/raw_ip_socket.h"
#include "net/underlay_options.h"

#ifndef UDP_NO_CHECK6_TX
#define UDP_NO_CHECK6_TX 101
#endif
#ifndef UDP_NO_CHECK6_RX
#define UDP_NO_CHECK6_RX 102
#endif

namespace vtepd {

namespace {

UniqueFd OpenUdp(const L2tpTunnelConfig& config, const UnderlayOptions& options) {
  const Endpoint& local = config.local;
  UniqueFd fd(::socket(local.family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) ThrowErrno("socket(SOCK_DGRAM)");
  SocketAddress address;
  socklen_t len = local.ToSockaddr(&address);
  if (::bind(fd.get(), &address.sa, len) < 0) {
    ThrowErrno("bind " + local.AddressString() + " udp_sport " + std::to_string(local.port));
  }
  len = config.remote.ToSockaddr(&address);
  if (::connect(fd.get(), &address.sa, len) < 0) ThrowErrno("connect " + config.remote.AddressString());
  SetReceiveBuffer(fd.get());
  SetSendBuffer(fd.get());
  ApplyUnderlayOptions(fd.get(), local.family, options, /*dont_fragment=*/false);
  if (local.family == AF_INET) {
    SetIntOption(fd.get(), SOL_SOCKET, SO_NO_CHECK, config.udp_csum ? 0 : 1, "SO_NO_CHECK");
  } else {
    SetIntOption(fd.get(), IPPROTO_UDP, UDP_NO_CHECK6_TX, config.udp6_csum_tx ? 0 : 1, "UDP_NO_CHECK6_TX");
    SetIntOption(fd.get(), IPPROTO_UDP, UDP_NO_CHECK6_RX, config.udp6_csum_rx ? 0 : 1, "UDP_NO_CHECK6_RX");
  }
  return fd;
}

}  // namespace

UniqueFd OpenL2tpSocket(const L2tpTunnelConfig& config) {
  UnderlayOptions options;  // TTL 64, TOS 0: the kernel's defaults for its tunnel socket
  UniqueFd fd = config.encap == L2tpEncap::kUdp
                    ? OpenUdp(config, options)
                    : OpenRawIpSocket(kIpProtoL2tp, config.local, config.remote, options,
                                      /*dont_fragment=*/false, /*receive=*/true);
  if (config.local.family == AF_INET) {
    SetIntOption(fd.get(), IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_WANT, "IP_MTU_DISCOVER");
  } else {
    SetIntOption(fd.get(), IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_WANT, "IPV6_MTU_DISCOVER");
  }
  return fd;
}

}  // namespace vtepd
