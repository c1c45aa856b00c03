// A TAP interface (IFF_TAP | IFF_NO_PI) owned by this process: it exists while the fd is open.
#pragma once

#include <string>

#include "unique_fd.h"

namespace vtepd {

class TapDevice {
 public:
  // Creates the interface admin-down, as `ip link add` leaves a kernel vxlan device, with the
  // given MTU. Throws std::system_error (EEXIST if any interface already has the name).
  TapDevice(const std::string& requested_name, int mtu);

  int fd() const { return fd_.get(); }
  const std::string& name() const { return name_; }
  int ifindex() const { return ifindex_; }

 private:
  UniqueFd fd_;
  std::string name_;
  int ifindex_ = 0;
};

}  // namespace vtepd
