// How outer packets leave: TTL, TOS, the DF bit, the interface (kernel: dev) and, for
// multicast destinations, the TTL. Shared by the UDP sockets of VXLAN and the raw sockets of gretap,
// which set them once per socket so the data path never does.
#pragma once

#include <sys/socket.h>

namespace vtepd {

// Outer IPv4 DF bit (kernel: df). On IPv6, where routers never fragment, "set" forbids
// fragmenting at the source too (packets over the path MTU fail with EMSGSIZE).
enum class DfMode { kUnset, kSet, kInherit };

struct UnderlayOptions {
  int ttl = 64;
  int multicast_ttl = 1;
  int tos = 0;
  DfMode df = DfMode::kUnset;
  int ifindex = 0;  // leave by this interface only (kernel: dev); 0: the route's choice
};

// Sets TTL/hop limit, TOS/traffic class, the interface (unicast and multicast), multicast
// TTL (no loopback of our own multicast) and whether packets carry DF. Throws std::system_error.
void ApplyUnderlayOptions(int fd, sa_family_t family, const UnderlayOptions& options,
                          bool dont_fragment);

// Socket buffers of a few MiB: a batch of 64 KiB GSO sends or GRO bundles fits. Root may
// exceed net.core.{r,w}mem_max; otherwise the capped size is used.
void SetReceiveBuffer(int fd);
void SetSendBuffer(int fd);

// Makes a socket send-only: everything arriving at it is discarded in the kernel.
void DiscardInput(int fd);

void SetIntOption(int fd, int level, int name, int value, const char* what);

}  // namespace vtepd
