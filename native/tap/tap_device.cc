#include "tap/tap_device.h"

#include <fcntl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cstring>

#include "base/system_error.h"

namespace vtepd {

namespace {
// <linux/if_tun.h> of Linux 6.2+; older userspace headers lack them.
constexpr unsigned kTunUso4 = 0x20;
constexpr unsigned kTunUso6 = 0x40;
}  // namespace

TapDevice::TapDevice(const std::string& requested_name, int mtu, bool want_offloads,
                     size_t queues) {
  if (requested_name.empty() || requested_name.size() >= IFNAMSIZ) {
    ThrowErrno("interface name \"" + requested_name + "\"", EINVAL);
  }
  vnet_hdr_ = want_offloads;
  ifreq ifr{};
  for (size_t q = 0; q < queues; q++) {
    UniqueFd fd(::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC));
    if (fd.get() < 0) ThrowErrno("open /dev/net/tun");
    ifr = ifreq{};
    // Queues after the first attach to the interface the first one created.
    std::strncpy(ifr.ifr_name, q == 0 ? requested_name.c_str() : name_.c_str(), IFNAMSIZ - 1);
    // IFF_TUN_EXCL: the first queue makes a new interface or fails (EBUSY) if any has the
    // name, in one step, so it can never attach to a persistent TAP (or another program's
    // multi-queue one) of that name, as a check before TUNSETIFF could race into doing.
    ifr.ifr_flags = static_cast<short>(IFF_TAP | IFF_NO_PI | (want_offloads ? IFF_VNET_HDR : 0) |
                                       (queues > 1 ? IFF_MULTI_QUEUE : 0) |
                                       (q == 0 ? IFF_TUN_EXCL : 0));
    if (::ioctl(fd.get(), TUNSETIFF, &ifr) < 0) {
      if (q == 0 && errno == EBUSY) ThrowErrno(requested_name, EEXIST);
      ThrowErrno("TUNSETIFF " + requested_name);
    }
    if (q == 0) name_ = ifr.ifr_name;
    // Without TUNSETOFFLOAD the header stays (always "no GSO") and the plain path is used.
    // Kernels before 6.2 refuse the USO flags: then TSO and checksum only.
    unsigned offload_flags = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
    bool uso = want_offloads &&
               ::ioctl(fd.get(), TUNSETOFFLOAD, offload_flags | kTunUso4 | kTunUso6) == 0;
    bool offloaded = uso || (want_offloads && ::ioctl(fd.get(), TUNSETOFFLOAD, offload_flags) == 0);
    offloads_ = q == 0 ? offloaded : offloads_ && offloaded;
    uso_ = q == 0 ? uso : uso_ && uso;
    fds_.push_back(std::move(fd));
  }

  // By name once, just made and still down; by ifindex from then on.
  UniqueFd control(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (control.get() < 0) ThrowErrno("socket");
  ifr = ifreq{};
  std::strncpy(ifr.ifr_name, name_.c_str(), IFNAMSIZ - 1);
  ifr.ifr_mtu = mtu;
  if (::ioctl(control.get(), SIOCSIFMTU, &ifr) < 0) ThrowErrno("set mtu " + std::to_string(mtu));
  if (::ioctl(control.get(), SIOCGIFINDEX, &ifr) < 0) ThrowErrno("SIOCGIFINDEX " + name_);
  ifindex_ = ifr.ifr_ifindex;
}

}  // namespace vtepd
