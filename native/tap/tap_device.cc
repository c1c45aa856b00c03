#include "tap/tap_device.h"

#include <fcntl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cstring>

#include "base/system_error.h"
#include "tap/link_query.h"

namespace vtepd {

namespace {
// <linux/if_tun.h> of Linux 6.2+; older userspace headers lack them.
constexpr unsigned kTunUso4 = 0x20;
constexpr unsigned kTunUso6 = 0x40;
}  // namespace

TapDevice::TapDevice(const std::string& requested_name, int mtu, bool want_offloads,
                     size_t queues, int attach_ifindex) {
  if (requested_name.empty() || requested_name.size() >= IFNAMSIZ) {
    ThrowErrno("interface name \"" + requested_name + "\"", EINVAL);
  }
  vnet_hdr_ = want_offloads;
  UniqueFd control(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (control.get() < 0) ThrowErrno("socket");
  // The interface's name now: the requested one, or (attaching) whatever it was renamed to.
  char ifname[IFNAMSIZ] = {};
  if (attach_ifindex == 0) {
    std::strncpy(ifname, requested_name.c_str(), IFNAMSIZ - 1);
  } else if (!::if_indextoname(static_cast<unsigned>(attach_ifindex), ifname)) {
    ThrowErrno(requested_name + ": no interface has its ifindex " + std::to_string(attach_ifindex),
               ENODEV);
  }
  ifreq ifr{};
  for (size_t q = 0; q < queues; q++) {
    UniqueFd fd(::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC));
    if (fd.get() < 0) ThrowErrno("open /dev/net/tun");
    ifr = ifreq{};
    // Queues after the first attach to the interface the first one created or found.
    std::memcpy(ifr.ifr_name, ifname, IFNAMSIZ);
    // IFF_TUN_EXCL: the first queue makes a new interface or fails (EBUSY) if any has the
    // name, in one step, so it can never attach to a persistent TAP (or another program's
    // multi-queue one) of that name, as a check before TUNSETIFF could race into doing.
    bool exclusive = q == 0 && attach_ifindex == 0;
    ifr.ifr_flags = static_cast<short>(IFF_TAP | IFF_NO_PI | (want_offloads ? IFF_VNET_HDR : 0) |
                                       (queues > 1 ? IFF_MULTI_QUEUE : 0) |
                                       (exclusive ? IFF_TUN_EXCL : 0));
    if (::ioctl(fd.get(), TUNSETIFF, &ifr) < 0) {
      if (exclusive && errno == EBUSY) ThrowErrno(requested_name, EEXIST);
      ThrowErrno((attach_ifindex ? "reattach to TAP " : "TUNSETIFF ") + std::string(ifname));
    }
    if (exclusive) std::memcpy(ifname, ifr.ifr_name, IFNAMSIZ);  // the kernel's choice ("vx%d")
    if (q == 0 && attach_ifindex != 0) {
      ifreq check{};
      std::memcpy(check.ifr_name, ifname, IFNAMSIZ);
      if (::ioctl(control.get(), SIOCGIFINDEX, &check) < 0 || check.ifr_ifindex != attach_ifindex) {
        ThrowErrno(std::string(ifname) + " is not the TAP of " + requested_name + " (ifindex " +
                       std::to_string(attach_ifindex) + ")",
                   EEXIST);
      }
    }
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

  if (attach_ifindex != 0) {
    name_ = requested_name;  // the daemon's name for it, as a rename changes nothing here
    ifindex_ = attach_ifindex;  // its MTU is the user's by now
    return;
  }
  name_ = ifname;
  // By name once, just made and still down; by ifindex from then on.
  ifr = ifreq{};
  std::memcpy(ifr.ifr_name, ifname, IFNAMSIZ);
  ifr.ifr_mtu = mtu;
  if (::ioctl(control.get(), SIOCSIFMTU, &ifr) < 0) ThrowErrno("set mtu " + std::to_string(mtu));
  // The queue between the kernel and the reader is the TAP's ring, txqueuelen packets deep;
  // the kernel drops what finds it full (the TAP's TX drops). TUN makes it 500; a burst of
  // small frames outruns one read per frame, so take an Ethernet device's 1000.
  ifr.ifr_qlen = kTxQueueLen;
  if (::ioctl(control.get(), SIOCSIFTXQLEN, &ifr) < 0) ThrowErrno("set txqueuelen");
  if (::ioctl(control.get(), SIOCGIFINDEX, &ifr) < 0) ThrowErrno("SIOCGIFINDEX " + name_);
  ifindex_ = ifr.ifr_ifindex;
}

void TapDevice::SetPersistent(bool persist) const {
  if (::ioctl(fds_.front().get(), TUNSETPERSIST, persist ? 1L : 0L) < 0) {
    ThrowErrno("TUNSETPERSIST " + name_);
  }
}

void TapDevice::Follow(std::optional<LinkWatcher>& watcher,
                       const std::function<void(const LinkState&)>& apply) const {
  watcher.emplace(ifindex_, apply);  // first, so no change falls between it and the reading
  if (std::optional<LinkState> state = LinkQuery().Read(ifindex_)) apply(*state);
}

}  // namespace vtepd
