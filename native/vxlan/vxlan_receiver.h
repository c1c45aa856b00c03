// A VXLAN device as the port it listens on sees it: where to deliver the frames of its VNI
// and what to learn from them. Owned by the device; the port's threads use it between
// VxlanPort::Attach and Detach.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "net/mac_address.h"
#include "net/prefix.h"
#include "vxlan/shared_fdb.h"
#include "vxlan/vxlan_counters.h"
#include "tap/tap_device.h"

namespace vtepd {

struct VxlanReceiver {
  uint32_t vni;
  const TapDevice* tap;
  SharedFdb* fdb;
  Stats* stats;
  const FdbEventSink* sink;
  bool learning;
  // Non-empty: packets only from these prefixes or the FDB's permanent remotes.
  const PrefixList* allow;
  // Refreshed once a second by the device, as the user may change either with `ip link`:
  std::atomic<MacAddress> own_mac;  // frames from it are our own, come back
  std::atomic<size_t> max_frame;    // larger inner frames are dropped (rx_drop_too_big)
};

}  // namespace vtepd
