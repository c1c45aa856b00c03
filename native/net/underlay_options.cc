#include "net/underlay_options.h"

#include <linux/filter.h>
#include <netinet/in.h>

#include "base/system_error.h"

namespace vtepd {

namespace {
constexpr int kSocketBufferBytes = 4 << 20;

void SetBuffer(int fd, int force_name, int name) {
  int bytes = kSocketBufferBytes;
  if (::setsockopt(fd, SOL_SOCKET, force_name, &bytes, sizeof bytes) < 0) {
    ::setsockopt(fd, SOL_SOCKET, name, &bytes, sizeof bytes);
  }
}
}  // namespace

void SetIntOption(int fd, int level, int name, int value, const char* what) {
  if (::setsockopt(fd, level, name, &value, sizeof value) < 0) ThrowErrno(what);
}

void ApplyUnderlayOptions(int fd, sa_family_t family, const UnderlayOptions& options,
                          bool dont_fragment) {
  if (options.ifindex) SetIntOption(fd, SOL_SOCKET, SO_BINDTOIFINDEX, options.ifindex, "SO_BINDTOIFINDEX");
  if (family == AF_INET) {
    SetIntOption(fd, IPPROTO_IP, IP_TTL, options.ttl, "IP_TTL");
    SetIntOption(fd, IPPROTO_IP, IP_TOS, options.tos, "IP_TOS");
    SetIntOption(fd, IPPROTO_IP, IP_MTU_DISCOVER, dont_fragment ? IP_PMTUDISC_DO : IP_PMTUDISC_DONT,
                 "IP_MTU_DISCOVER");
    SetIntOption(fd, IPPROTO_IP, IP_MULTICAST_TTL, options.multicast_ttl, "IP_MULTICAST_TTL");
    SetIntOption(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP");
    if (options.ifindex) {
      ip_mreqn request{};
      request.imr_ifindex = options.ifindex;
      if (::setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &request, sizeof request) < 0) {
        ThrowErrno("IP_MULTICAST_IF");
      }
    }
  } else {
    SetIntOption(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, options.ttl, "IPV6_UNICAST_HOPS");
    SetIntOption(fd, IPPROTO_IPV6, IPV6_TCLASS, options.tos, "IPV6_TCLASS");
    SetIntOption(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER,
                 dont_fragment ? IPV6_PMTUDISC_DO : IPV6_PMTUDISC_DONT, "IPV6_MTU_DISCOVER");
    SetIntOption(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, options.multicast_ttl,
                 "IPV6_MULTICAST_HOPS");
    SetIntOption(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP");
    if (options.ifindex) {
      SetIntOption(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, options.ifindex,
                   "IPV6_MULTICAST_IF");
    }
  }
}

void SetReceiveBuffer(int fd) { SetBuffer(fd, SO_RCVBUFFORCE, SO_RCVBUF); }
void SetSendBuffer(int fd) { SetBuffer(fd, SO_SNDBUFFORCE, SO_SNDBUF); }

void DiscardInput(int fd) {
  sock_filter drop_all{BPF_RET | BPF_K, 0, 0, 0};
  sock_fprog program{1, &drop_all};
  if (::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) < 0) {
    ThrowErrno("SO_ATTACH_FILTER");
  }
}

}  // namespace vtepd
