// An interface's MAC address and MTU, asked of the kernel by ifindex (rtnetlink
// RTM_GETLINK), not by name: the user may rename the TAP (`ip link set vx0 name foo`), and
// an ifindex never changes while the interface lives. One request answers both at once.
#pragma once

#include <optional>

#include "base/unique_fd.h"
#include "tap/link_messages.h"

namespace vtepd {

class LinkQuery {
 public:
  // Opens the rtnetlink socket; throws std::system_error.
  LinkQuery();

  // Nothing when the interface is gone or the kernel does not answer at once. One caller
  // at a time.
  std::optional<LinkState> Read(int ifindex);

 private:
  UniqueFd socket_;
  uint32_t seq_ = 0;
};

}  // namespace vtepd
