#include "l2tp/l2tp_socket.h"

#include <netinet/in.h>

#include "net/raw_ip_socket.h"
#include "net/udp_tunnel_socket.h"
#include "net/underlay_options.h"

namespace vtepd {

UniqueFd OpenL2tpSocket(const L2tpTunnelConfig& config) {
  UnderlayOptions options;  // TTL 64, TOS 0: the kernel's defaults for its tunnel socket
  UniqueFd fd = config.encap == L2tpEncap::kUdp
                    ? OpenUdpTunnelSocket(config.local, &config.remote, options,
                                          /*dont_fragment=*/false,
                                          {config.udp_csum, config.udp6_csum_tx, config.udp6_csum_rx}, "udp_sport")
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
