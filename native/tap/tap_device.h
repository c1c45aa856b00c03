// A TAP interface (IFF_TAP | IFF_NO_PI) owned by this process: it exists while the fd is open,
// or, made persistent (TUNSETPERSIST), until Unpersist() and the fd's close or its removal
// from outside (`ip link del`, its namespace deleted; see tap_reader.h). It is known by
// ifindex once made, so a rename changes nothing here, and a persistent one is found again
// by ifindex when a restarted daemon reattaches to it.
// With offloads it also carries a virtio-net header (IFF_VNET_HDR) and accepts checksum and
// TCP segmentation offload, so the kernel hands over up to 64 KiB TCP superframes instead of
// MTU-sized frames, and accepts them back. With several queues (IFF_MULTI_QUEUE) the kernel
// spreads flows over one fd per queue, each served by a worker (worker_pool.h).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/unique_fd.h"
#include "tap/link_watch.h"

namespace vtepd {

class TapDevice {
 public:
  // The ring a new TAP gets (`ip link set NAME txqueuelen N` changes it).
  static constexpr int kTxQueueLen = 1000;

  // attach_ifindex 0: creates the interface admin-down, as `ip link add` leaves a kernel
  // vxlan device, with the given MTU. Throws std::system_error (EEXIST if any interface
  // already has the name: a persistent TAP of that name is never attached to).
  // Otherwise reattaches to the persistent TAP with that ifindex, whatever its name now, and
  // keeps its MTU, addresses and state; `requested_name` stays the name(). Throws ENODEV when
  // no interface has the ifindex, and never attaches to another one: the kernel refuses what
  // is no TAP of these flags (EINVAL) or is open elsewhere (EBUSY), and the ifindex is checked
  // again once attached, in case the name changed hands in between.
  TapDevice(const std::string& requested_name, int mtu, bool want_offloads, size_t queues,
            int attach_ifindex = 0);

  // TUNSETPERSIST: the interface outlives this process (persist) or goes with the last fd.
  // Acts on the kernel's interface, not on this object; errors are thrown.
  void SetPersistent(bool persist) const;

  int fd(size_t queue) const { return fds_[queue].get(); }
  size_t queues() const { return fds_.size(); }
  const std::string& name() const { return name_; }
  int ifindex() const { return ifindex_; }
  // Every read and write starts with a VirtioNetHdr.
  bool vnet_hdr() const { return vnet_hdr_; }
  // The kernel accepted TUNSETOFFLOAD: reads may be GSO superframes or checksum-partial.
  bool offloads() const { return offloads_; }
  // UDP segmentation offload (Linux 6.2+) too: reads may be UDP superframes.
  bool uso() const { return uso_; }
  // Calls `apply` with the interface's MAC address and MTU now (unless it is gone) and, while
  // `watcher` lives, on the housekeeping thread after each change (the user may change both
  // with `ip link`). Throws std::system_error when the kernel cannot be asked.
  void Follow(std::optional<LinkWatcher>& watcher,
              const std::function<void(const LinkState&)>& apply) const;

 private:
  std::vector<UniqueFd> fds_;
  std::string name_;
  int ifindex_ = 0;
  bool vnet_hdr_ = false;
  bool offloads_ = false;
  bool uso_ = false;
};

}  // namespace vtepd
