// Follows the MAC address and MTU of TAPs (the user may change both with `ip link`) through
// rtnetlink's link notifications (RTNLGRP_LINK) instead of asking the kernel about each TAP
// every second: at a thousand idle devices, asking cost two thousand system calls and as
// many link dumps a second. One subscription serves the process; the housekeeping thread
// drains it once a second, so a change takes effect within a second as before, and a host
// whose links do not change costs one empty read a second. Should the subscription overflow
// (ENOBUFS: notifications were lost), every link is dumped again.
#pragma once

#include <cstdint>
#include <functional>

#include "tap/link_messages.h"

namespace vtepd {

class LinkWatcher {
 public:
  // Calls `on_change` on the housekeeping thread with the state of interface `ifindex` after
  // each notification about it (changed or not), until destruction. Made before the caller
  // reads the initial state, no change can fall in between. Throws std::system_error when
  // the subscription cannot be opened.
  LinkWatcher(int ifindex, std::function<void(const LinkState&)> on_change);
  // Returns once `on_change` is not running and never will again.
  ~LinkWatcher();
  LinkWatcher(const LinkWatcher&) = delete;
  LinkWatcher& operator=(const LinkWatcher&) = delete;

 private:
  uint64_t id_;
};

}  // namespace vtepd
